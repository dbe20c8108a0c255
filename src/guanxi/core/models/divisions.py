"""China's administrative divisions 行政区划 (GB/T 2260) and each province's sales region 大区."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guanxi.core.models.base import DictionaryEntry, DictionaryKind


class Division(models.Model):
    """A province 省, city 市 or district 区/县 by its six-digit code, loaded from the
    division data package (core.seed.divisions); reference data, not edited in Guanxi."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")

    code = models.CharField(_("division code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    # The name without its administrative suffix (山西省 → 山西, 内蒙古自治区 → 内蒙古), as
    # people write it in addresses and spreadsheets.
    short_name = models.CharField(_("short name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects: ClassVar["models.Manager[Division]"] = models.Manager()

    class Meta:
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"], name="division_level_name")]

    def __str__(self) -> str:
        return self.name


class ProvinceRegion(models.Model):
    """The sales region 大区 a province belongs to (北京 → 华北); administrators edit it, and a
    customer's region follows its province (customers.services.customers)."""

    province = models.OneToOneField(
        Division,
        verbose_name=_("province"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="sales_region",
        limit_choices_to={"level": Division.Level.PROVINCE},
    )
    region = models.ForeignKey(
        DictionaryEntry,
        verbose_name=_("sales region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": DictionaryKind.REGION, "deleted_at__isnull": True},
    )

    history = HistoricalRecords()
    objects: ClassVar["models.Manager[ProvinceRegion]"] = models.Manager()

    class Meta:
        verbose_name = _("sales region of a province")
        verbose_name_plural = _("sales regions of the provinces")
        ordering = ["province_id"]

    def __str__(self) -> str:
        return f"{self.province_id} → {self.region_id or '-'}"


def divisions_label(record: object) -> str:
    """A record's 省 市 区县 as one reads them (山西省 太原市 小店区); a municipality's city,
    named like its province (北京市 北京市), is said once. Empty when none is set."""
    names: list[str] = []
    for name in ("province", "city", "district"):
        division = getattr(record, name, None)
        if division is not None and division.name not in names:
            names.append(division.name)
    return " ".join(names)
