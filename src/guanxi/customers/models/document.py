"""Documents 文档: files attached to a customer (or one of its interactions), with versions."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import BaseModel
from guanxi.customers.models.customer import Customer
from guanxi.customers.models.interaction import Interaction


def _document_storage():
    # Its own storage alias (settings.STORAGES["documents"]): outside MEDIA/STATIC, never served
    # by the web server; the download view streams it as an attachment. S3 is a settings change.
    return storages["documents"]


def _version_path(instance: "DocumentVersion", filename: str) -> str:
    # The stored name never reuses the uploaded one (which may hold "../" or a script suffix).
    stamp = timezone.now().strftime("%Y/%m")
    return f"{stamp}/{instance.document_id}-{instance.number}-{instance.sha256[:16]}"


class Document(BaseModel):
    """A file kept for a customer, e.g. a contract scan; each upload of it is a new version."""

    class Category(models.TextChoices):
        CONTRACT = "contract", _("Contract")
        PROPOSAL = "proposal", _("Proposal")
        QUALIFICATION = "qualification", _("Qualification")
        CORRESPONDENCE = "correspondence", _("Correspondence")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="documents"
    )
    interaction = models.ForeignKey(
        Interaction,
        verbose_name=_("interaction"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    description = models.TextField(_("description"), blank=True)

    scope_fields = ("customer__owner",)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="document_customer_recent")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("customers:document_detail", args=[self.pk])


class DocumentVersion(models.Model):
    """One uploaded file of a document; numbered 1, 2, ... and never changed once stored."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), storage=_document_storage, upload_to=_version_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.number})"
