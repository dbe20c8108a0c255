"""The analytics app keeps no business data of its own: reports read the other apps' tables.

:class:`Report` exists only to carry the right to see reports (``analytics.view_reports``),
which roles grant like any other permission; it has no table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    """The statistics and reports 统计报表 (no rows: the holder of the reports' permission)."""

    class Meta:
        managed = False
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["pk"]
        default_permissions = ()
        permissions = [("view_reports", _("Can see statistics and reports"))]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
