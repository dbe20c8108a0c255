"""The analytics app keeps no business data of its own: reports read the other apps' tables,
and, where a live query over a year of a million customers' records is too slow, rollups of
them that jobs rebuild (``analytics.services.rollups``, read by ``analytics.selectors.rollups``).

A rollup is a copy, never the truth: each knows when it was computed, pages show that time,
and deleting every rollup row loses nothing (the next refresh rebuilds them).

:class:`Report` exists only to carry the right to see reports (``analytics.view_reports``),
which roles grant like any other permission; it has no table.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


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


class RollupRefresh(models.Model):
    """When a rollup was last rebuilt, and up to which day (included) it holds the figures."""

    name = models.CharField(_("rollup"), max_length=40, unique=True)
    refreshed_at = models.DateTimeField(_("refreshed at"))
    covers_through = models.DateField(_("covers through"))

    objects: "models.Manager[RollupRefresh]" = models.Manager()

    class Meta:
        verbose_name = _("rollup refresh")
        verbose_name_plural = _("rollup refreshes")
        ordering = ["name"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.name} @ {self.refreshed_at:%Y-%m-%d %H:%M}"


class AccountDayFacts(models.Model):
    """One day's additive figures of one account manager's customers (the customer's owner,
    which is what scopes orders, interactions and customers): what the KPI dashboard sums for
    the days up to the rollup's ``covers_through``. ``account_manager`` is null for the pool."""

    day = models.DateField(_("day"))
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    orders = models.PositiveIntegerField(default=0)
    order_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    items = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    lines = models.PositiveIntegerField(default=0)
    interactions = models.PositiveIntegerField(default=0)
    customers_created = models.PositiveIntegerField(default=0)

    # Seen as the account manager's customers are (guanxi.core.scoping).
    scope_fields = ("account_manager",)

    account_manager_id: int | None
    objects: "models.Manager[AccountDayFacts]" = models.Manager()

    class Meta:
        verbose_name = _("account day figures")
        verbose_name_plural = _("account day figures")
        ordering = ["day", "account_manager"]
        default_permissions = ()
        indexes = [models.Index(fields=["day", "account_manager"], name="account_day_facts")]

    def __str__(self) -> str:
        return f"{self.day} {self.account_manager_id}"


class AccountSnapshot(models.Model):
    """One account manager's customers as they stood at the last refresh of the day figures: how
    many, and the sum of their information completeness (the KPI is the average)."""

    account_manager = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    customers = models.PositiveIntegerField(default=0)
    completeness_sum = models.FloatField(default=0)

    scope_fields = ("account_manager",)

    account_manager_id: int | None
    objects: "models.Manager[AccountSnapshot]" = models.Manager()

    class Meta:
        verbose_name = _("account snapshot")
        verbose_name_plural = _("account snapshots")
        ordering = ["account_manager"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.account_manager_id}: {self.customers}"


class RepDayFacts(models.Model):
    """One day's additive figures of one sales rep's own work (orders they took, interactions
    they logged, service rounds they handled): what the employee performance report sums for
    the days up to the rollup's ``covers_through``."""

    day = models.DateField(_("day"))
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    orders = models.PositiveIntegerField(default=0)
    order_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    interactions = models.PositiveIntegerField(default=0)
    services_handled = models.PositiveIntegerField(default=0)

    rep_id: int
    objects: "models.Manager[RepDayFacts]" = models.Manager()

    class Meta:
        verbose_name = _("rep day figures")
        verbose_name_plural = _("rep day figures")
        ordering = ["day", "rep"]
        default_permissions = ()
        indexes = [models.Index(fields=["day", "rep"], name="rep_day_facts")]

    def __str__(self) -> str:
        return f"{self.day} {self.rep_id}"


class RevenueRanking(models.Model):
    """Every customer's revenue in one period (a preset's dates), ranked, for executives'
    unfiltered contribution and pyramid reports: the period's totals, the top customers
    (:class:`RankedCustomer`) and the revenue per customer percentile
    (:class:`RevenuePercentile`)."""

    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    computed_at = models.DateTimeField(_("computed at"))
    customers = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    percentiles: "RelatedManager[RevenuePercentile]"
    top: "RelatedManager[RankedCustomer]"
    objects: "models.Manager[RevenueRanking]" = models.Manager()

    class Meta:
        verbose_name = _("revenue ranking")
        verbose_name_plural = _("revenue rankings")
        ordering = ["-date_to", "date_from"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["date_from", "date_to"], name="revenue_ranking_period")
        ]

    def __str__(self) -> str:
        return f"{self.date_from} – {self.date_to}"


class RankedCustomer(models.Model):
    """One of the top customers of a :class:`RevenueRanking` (as many as the contribution report
    can show)."""

    ranking = models.ForeignKey(RevenueRanking, on_delete=models.CASCADE, related_name="top")
    rank = models.PositiveIntegerField()
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    orders = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)

    ranking_id: int
    objects: "models.Manager[RankedCustomer]" = models.Manager()

    class Meta:
        verbose_name = _("ranked customer")
        verbose_name_plural = _("ranked customers")
        ordering = ["ranking", "rank"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["ranking", "rank"], name="ranked_customer_rank")
        ]

    def __str__(self) -> str:
        return f"{self.ranking_id} #{self.rank}"


class RevenuePercentile(models.Model):
    """The customers and revenue of one percentile (1 = the top 1 %) of a
    :class:`RevenueRanking`: what the pyramid's tiers and Pareto curve are read from."""

    ranking = models.ForeignKey(
        RevenueRanking, on_delete=models.CASCADE, related_name="percentiles"
    )
    percentile = models.PositiveSmallIntegerField()
    customers = models.PositiveIntegerField()
    revenue = models.DecimalField(max_digits=20, decimal_places=2)

    ranking_id: int
    objects: "models.Manager[RevenuePercentile]" = models.Manager()

    class Meta:
        verbose_name = _("revenue percentile")
        verbose_name_plural = _("revenue percentiles")
        ordering = ["ranking", "percentile"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["ranking", "percentile"], name="revenue_percentile_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ranking_id} p{self.percentile}"
