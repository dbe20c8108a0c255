"""Customer intelligence 客户智能: what the models learned from the company's own history.

Every figure here is computed by a job (``analytics.tasks``), never in a request, and carries
the time it was computed. Like the rollups they are copies: deleting them loses nothing but
the wait for the next run.

- :class:`CustomerScore`: one row per customer with the per-customer results of every model
  (RFM and purchase cycle nightly, CLV weekly, churn risk weekly); each group of columns has
  its own ``*_at`` time, as each job writes only its own columns.
- :class:`ModelRun`: one fit of one model (its parameters, metrics, rules, errors), on every
  customer (a scheduled run, ``actor`` empty) or on those one user may see.
- :class:`ProductAssociation`: association rules 关联规则 "bought X → also bought Y".
- :class:`IntelligenceSettings`: the thresholds and windows the models use (one row).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.models.base import BaseModel
from guanxi.customers.models import Customer

SETTINGS_ID = 1


class RFMSegment(models.TextChoices):
    """The eight RFM segments: R and F and M each high (score ≥ 3, i.e. at least the middle
    quintile) or low, named as Chinese retail analysts name them."""

    CHAMPION = "champion", _("Important value customer")  # 重要价值客户 R↑ F↑ M↑
    AT_RISK_LOYAL = "at_risk_loyal", _("Important retention customer")  # 重要保持客户 R↓ F↑ M↑
    PROMISING = "promising", _("Important development customer")  # 重要发展客户 R↑ F↓ M↑
    SLIPPING = "slipping", _("Important win-back customer")  # 重要挽留客户 R↓ F↓ M↑
    REGULAR = "regular", _("General value customer")  # 一般价值客户 R↑ F↑ M↓
    REGULAR_LAPSING = "regular_lapsing", _("General retention customer")  # 一般保持客户 R↓ F↑ M↓
    NEW = "new", _("General development customer")  # 一般发展客户 R↑ F↓ M↓
    LOST = "lost", _("General win-back customer")  # 一般挽留客户 R↓ F↓ M↓
    NO_PURCHASE = "no_purchase", _("No purchase in the window")


class CustomerScore(models.Model):
    """The models' per-customer results, one row per customer that any model has scored."""

    customer = models.OneToOneField(
        Customer,
        verbose_name=_("customer"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="score",
    )
    # RFM over IntelligenceSettings.rfm_window_days up to rfm_at: days since the last order,
    # orders, revenue; quintile scores 1–5 among the customers who bought in the window.
    recency_days = models.PositiveIntegerField(_("days since last order"), null=True)
    frequency = models.PositiveIntegerField(_("orders in the window"), default=0)
    monetary = models.DecimalField(
        _("revenue in the window"), max_digits=16, decimal_places=2, default=0
    )
    r_score = models.PositiveSmallIntegerField(_("R score"), null=True)
    f_score = models.PositiveSmallIntegerField(_("F score"), null=True)
    m_score = models.PositiveSmallIntegerField(_("M score"), null=True)
    rfm_segment = models.CharField(
        _("RFM segment"), max_length=20, choices=RFMSegment.choices, blank=True, default=""
    )
    rfm_at = models.DateTimeField(_("RFM computed at"), null=True)
    # Purchase cycle 购买周期: the median days between order days, over how many intervals,
    # and the day the next order is due (last order day + cycle).
    cycle_days = models.PositiveIntegerField(_("purchase cycle (days)"), null=True)
    cycle_intervals = models.PositiveIntegerField(_("intervals"), default=0)
    next_order_due = models.DateField(_("next order due"), null=True)
    cycle_at = models.DateTimeField(_("purchase cycle computed at"), null=True)
    # The due date the owner was last reminded of (the daily re-order reminders): never twice
    # for one due date; a new cycle (a new order) moves the due date and so reminds again.
    reorder_reminded_for = models.DateField(_("re-order reminder sent for"), null=True)
    # CLV 客户生命周期价值 (BG/NBD + Gamma–Gamma): expected orders in the next 3/6/12 months,
    # the probability the customer is still "alive", and the discounted 12-month value.
    expected_orders_3m = models.DecimalField(
        _("expected orders, 3 months"), max_digits=10, decimal_places=3, null=True
    )
    expected_orders_6m = models.DecimalField(
        _("expected orders, 6 months"), max_digits=10, decimal_places=3, null=True
    )
    expected_orders_12m = models.DecimalField(
        _("expected orders, 12 months"), max_digits=10, decimal_places=3, null=True
    )
    p_alive = models.DecimalField(
        _("probability still active"), max_digits=5, decimal_places=4, null=True
    )
    clv_12m = models.DecimalField(
        _("customer lifetime value, 12 months"), max_digits=16, decimal_places=2, null=True
    )
    clv_at = models.DateTimeField(_("CLV computed at"), null=True)
    # Churn risk 流失风险 in percent (the stronger model's probability) and the customer's top
    # reasons: [{"feature": key, "label": text in English, "value": shown value,
    # "effect": signed contribution}], labels translated when shown.
    churn_risk = models.DecimalField(
        _("churn risk"),
        max_digits=5,
        decimal_places=2,
        null=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    churn_reasons = models.JSONField(_("churn risk reasons"), default=list, blank=True)
    churn_at = models.DateTimeField(_("churn risk computed at"), null=True)

    objects: "models.Manager[CustomerScore]" = models.Manager()

    class Meta:
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")
        ordering = ["customer"]
        indexes = [
            models.Index(fields=["rfm_segment"], name="score_rfm_segment"),
            models.Index(fields=["next_order_due"], name="score_next_order_due"),
            models.Index(fields=["-clv_12m"], name="score_clv"),
            models.Index(fields=["-churn_risk"], name="score_churn_risk"),
        ]

    def __str__(self) -> str:
        return str(self.customer_id)


class ModelRun(models.Model):
    """One run of one model: on every customer (scheduled, no actor) or on what a user sees.

    ``subset`` is ``{}`` or ``{"tag": name}`` or ``{"segment": saved list view id}``;
    ``result`` holds the model's output for pages and API (parameters, metrics, rules,
    importances, series), ``error`` the translated reason a run was refused or failed.
    """

    class Kind(models.TextChoices):
        RFM = "rfm", _("RFM")
        PURCHASE_CYCLE = "purchase_cycle", _("Purchase cycle")
        CLV = "clv", _("Customer lifetime value")
        CHURN = "churn", _("Churn model")
        ASSOCIATIONS = "associations", _("Product associations")
        FORECAST = "forecast", _("Sales forecast")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("model"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    subset = models.JSONField(_("customers"), default=dict, blank=True)
    # The company's model (every customer; services.runs.run_start decides): its
    # per-customer results are the stored scores, and everyone who sees everything reads it.
    company_wide = models.BooleanField(_("company-wide"), default=False)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_used = models.PositiveIntegerField(_("rows used"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects: "models.Manager[ModelRun]" = models.Manager()

    class Meta:
        verbose_name = _("model run")
        verbose_name_plural = _("model runs")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "actor", "-started_at"], name="model_run_latest"),
            models.Index(
                fields=["kind", "-started_at"],
                condition=models.Q(company_wide=True),
                name="model_run_company",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class ProductAssociation(models.Model):
    """An association rule between two products over the customers' baskets (one basket per
    order): ``support`` = share of baskets holding both, ``confidence`` = P(consequent |
    antecedent), ``lift`` = confidence ÷ P(consequent); ``baskets`` holding both."""

    antecedent = models.ForeignKey(
        "sales.Product", verbose_name=_("bought"), on_delete=models.CASCADE, related_name="+"
    )
    consequent = models.ForeignKey(
        "sales.Product", verbose_name=_("also bought"), on_delete=models.CASCADE, related_name="+"
    )
    baskets = models.PositiveIntegerField(_("orders with both"))
    support = models.DecimalField(_("support"), max_digits=9, decimal_places=6)
    confidence = models.DecimalField(_("confidence"), max_digits=7, decimal_places=6)
    lift = models.DecimalField(_("lift"), max_digits=12, decimal_places=4)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    objects: "models.Manager[ProductAssociation]" = models.Manager()

    class Meta:
        verbose_name = _("product association")
        verbose_name_plural = _("product associations")
        ordering = ["antecedent", "-lift", "consequent"]
        constraints = [
            models.UniqueConstraint(
                fields=["antecedent", "consequent"], name="product_association_unique_pair"
            )
        ]
        indexes = [models.Index(fields=["-lift"], name="product_association_lift")]

    def __str__(self) -> str:
        return f"{self.antecedent_id} → {self.consequent_id}"


class IntelligenceSettings(BaseModel):
    """The models' windows and thresholds (one row, id 1), edited by administrators."""

    rfm_window_days = models.PositiveIntegerField(
        _("RFM window (days)"),
        default=365,
        validators=[MinValueValidator(30), MaxValueValidator(3650)],
        help_text=_("Orders in this many days before the computation count for RFM."),
    )
    cycle_min_intervals = models.PositiveSmallIntegerField(
        _("intervals needed for a purchase cycle"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    reorder_notice_days = models.PositiveSmallIntegerField(
        _("re-order reminder (days ahead)"),
        default=7,
        validators=[MaxValueValidator(90)],
        help_text=_("Account managers are reminded this many days before an order is due."),
    )
    clv_discount_rate = models.DecimalField(
        _("annual discount rate for CLV (%)"),
        max_digits=5,
        decimal_places=2,
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    clv_min_customers = models.PositiveIntegerField(
        _("customers needed to fit CLV"),
        default=50,
        validators=[MinValueValidator(10)],
    )
    churn_min_positives = models.PositiveIntegerField(
        _("churned customers needed to train"),
        default=30,
        validators=[MinValueValidator(5)],
        help_text=_("The churn model is not trained on fewer churned customers than this."),
    )
    churn_warning_risk = models.DecimalField(
        _("churn risk that raises a warning (%)"),
        max_digits=5,
        decimal_places=2,
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    association_min_support = models.DecimalField(
        _("minimum support"),
        max_digits=7,
        decimal_places=6,
        default="0.001",
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    association_min_confidence = models.DecimalField(
        _("minimum confidence"),
        max_digits=7,
        decimal_places=6,
        default="0.05",
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    association_min_lift = models.DecimalField(
        _("minimum lift"),
        max_digits=8,
        decimal_places=3,
        default="1.2",
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("customer intelligence settings")
        verbose_name_plural = _("customer intelligence settings")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=SETTINGS_ID), name="intelligence_settings_singleton"
            )
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "IntelligenceSettings":
        """The settings row, created with the defaults when missing."""
        row, _created = cls.objects.get_or_create(id=SETTINGS_ID)
        return row
