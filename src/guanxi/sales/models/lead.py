"""Leads 线索 and the rules that route new leads to account managers.

A lead is a person or company that showed interest (a web form, an import, a campaign, or
entered by hand). It moves new 新线索 (nobody owns it) → assigned 已分配 → converted 已转化
(to a sales opportunity or a customer) or disqualified 无效 (with the reason). Every write goes
through ``guanxi.sales.services.leads``.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.models import BaseModel, DictionaryEntry, DictionaryKind
from guanxi.core.models.imports import external_ref_constraint, external_ref_field
from guanxi.customers.models import Customer


class Lead(BaseModel):
    """Someone who may become a customer, with a score and (once routed) an owner.

    Scope: the owner's (``scope_fields``); leads nobody owns yet are seen by supervisors,
    executives and administrators (``selectors.leads``).
    """

    class Status(models.TextChoices):
        NEW = "new", _("New, unassigned")
        ASSIGNED = "assigned", _("Assigned")
        CONVERTED = "converted", _("Converted")
        DISQUALIFIED = "disqualified", _("Disqualified")

    class Source(models.TextChoices):
        WEB = "web", _("Web form")
        IMPORT = "import", _("Import")
        CAMPAIGN = "campaign", _("Campaign")
        MANUAL = "manual", _("Entered by hand")

    CLOSED_STATUSES = (Status.CONVERTED, Status.DISQUALIFIED)

    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    # Derived from the name and company by the services: the pinyin sort key (core.pinyin)
    # and the search keys (sales.search.lead_search_text).
    name_sort = models.CharField(max_length=255, editable=False, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="")
    company = models.CharField(_("company"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    region = models.ForeignKey(
        DictionaryEntry,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": DictionaryKind.REGION},
    )
    source = models.CharField(
        _("lead source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    notes = models.TextField(_("notes"), blank=True)
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="new")
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    disqualify_reason = models.TextField(_("disqualification reason"), blank=True)
    converted_opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("converted to opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    converted_customer = models.ForeignKey(
        Customer,
        verbose_name=_("converted to customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    external_ref = external_ref_field()

    scope_fields = ("owner",)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="lead_recent"),
            models.Index(fields=["owner", "-created_at"], name="lead_owner_recent"),
            models.Index(fields=["status", "-created_at"], name="lead_status_recent"),
            models.Index(fields=["name_sort", "id"], name="lead_name_sort"),
        ]
        permissions = [("manage_lead_routing", _("Edit the lead routing rules"))]
        constraints = [external_ref_constraint("lead_external_ref_unique")]

    def __str__(self) -> str:
        return f"{self.name} · {self.company}" if self.company else self.name

    def get_absolute_url(self) -> str:
        return reverse("sales:lead_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES


class LeadRoutingRule(models.Model):
    """Where new leads of one region go: to one account manager, or round-robin in a team.

    The rule without a region (at most one, kept so by the service) is the default for
    leads of any other region (or none).
    ``last_assigned`` is the round-robin pointer: the team member who got the previous lead.
    """

    region = models.OneToOneField(
        DictionaryEntry,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": DictionaryKind.REGION},
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last assigned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("lead routing rule")
        verbose_name_plural = _("lead routing rules")
        ordering = ["region__sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=True, user__isnull=False)
                | models.Q(team__isnull=False, user__isnull=True),
                name="lead_rule_team_or_user",
            ),
        ]

    def __str__(self) -> str:
        target = self.user or self.team
        return f"{self.region or _('Any region')} → {target}"
