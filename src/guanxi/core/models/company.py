"""The company profile 公司信息: the letterhead of printed quotes, orders and contracts.

One row (a singleton, id 1), edited by administrators on ``/settings/company/``. Its images
(logo, seal 公章) live in the private ``documents`` storage: they are never served as files,
only embedded into the PDFs (``core.pdf``) and shown to administrators by a checked view.
"""

from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models.base import BaseModel

SINGLETON_ID = 1


def _image_storage():
    return storages["documents"]


def _image_path(instance: "CompanyProfile", filename: str) -> str:
    # ``filename`` is made by the service (kind, hash and checked extension), never the upload's.
    return f"company/{filename}"


class CompanyProfile(BaseModel):
    """Who we are on paper: name, address, phone, tax id, bank details, logo, seal and the
    terms printed on every document unless the document has its own."""

    name = models.CharField(_("company name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    tax_id = models.CharField(_("tax id"), max_length=30, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)
    logo = models.FileField(
        _("logo"), storage=_image_storage, upload_to=_image_path, max_length=200, blank=True
    )
    seal = models.FileField(
        _("seal image"), storage=_image_storage, upload_to=_image_path, max_length=200, blank=True
    )
    default_terms = models.TextField(
        _("default terms"),
        blank=True,
        help_text=_("Printed on quotes, orders and contracts that have no terms of their own."),
    )

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profile")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=SINGLETON_ID), name="company_profile_singleton"
            )
        ]

    def __str__(self) -> str:
        return self.name or str(_("Company profile"))
