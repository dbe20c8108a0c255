"""Customer service 客户服务: requests, their handling rounds, SLA targets.

A request moves new 新创建 → assigned 已分配 → handled 已处理 → archived 已归档. A supervisor
assigns it 服务分配, the assignee records the handling 服务处理, and the feedback 服务反馈
(result and satisfaction 1–5) archives it 服务归档 when satisfaction is 3 or more, or sends it
back to assigned for another round. Each round keeps its own assignment, handling and
feedback, so the whole history stays. Every write goes through ``guanxi.service.services.requests``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.models import BaseModel, DictionaryEntry, DictionaryKind
from guanxi.core.models.imports import external_ref_constraint, external_ref_field
from guanxi.customers.models import Contact, Customer

SATISFACTION_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class ServiceRequest(BaseModel):
    """One request of a customer (or, from the public form or e-mail, of someone not matched
    to a customer yet: then ``customer`` is empty and the requester fields say who asked).

    ``response_due_at`` and ``resolution_due_at`` are fixed from the type's SLA target when the
    request is created, so changing a target later does not rewrite what was promised.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", pgettext_lazy("service", "Assigned")
        HANDLED = "handled", _("Handled")
        ARCHIVED = "archived", _("Archived")

    OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.HANDLED)

    code = models.CharField(_("request code"), max_length=20, editable=False)
    service_type = models.ForeignKey(
        DictionaryEntry,
        verbose_name=_("service type"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": DictionaryKind.SERVICE_TYPE},
    )
    summary = models.CharField(_("summary"), max_length=200)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
    )
    requester_name = models.CharField(_("requester name"), max_length=100, blank=True)
    requester_email = models.EmailField(_("requester e-mail"), blank=True)
    requester_phone = models.CharField(_("requester phone"), max_length=30, blank=True)
    request = models.TextField(_("request"))
    channel = models.ForeignKey(
        DictionaryEntry,
        verbose_name=_("channel"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": DictionaryKind.CHANNEL},
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("service", "assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_service_requests",
    )
    assigned_at = models.DateTimeField(
        pgettext_lazy("service", "assigned at"), null=True, blank=True
    )
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True, validators=SATISFACTION_VALIDATORS
    )
    rounds = models.PositiveSmallIntegerField(_("rounds"), default=0, editable=False)
    overdue_notified_at = models.DateTimeField(
        _("overdue notice sent at"), null=True, blank=True, editable=False
    )
    # The customer's account manager, kept on the request so that scoping a list needs no join
    # to the customers (an OR across that join made the database read every customer). Written
    # by the services only: on create, on a change of customer, and by the reassign hook when
    # the customer changes hands (``services.requests.service_requests_follow_customer``).
    customer_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    external_ref = external_ref_field()

    # The customer's account manager and the assignee both see the request, and so does
    # everyone whose scope covers either (the creator too: who asked on the customer's behalf).
    scope_fields = ("customer_owner", "assigned_to", "created_by")

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at", "-id"]
        permissions = [("assign_servicerequest", _("Can assign service requests"))]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="service_recent"),
            models.Index(fields=["status", "-created_at", "-id"], name="service_status_recent"),
            # "To handle": one assignee's requests in one status, newest first, straight off
            # the index (keyset pages included).
            models.Index(
                fields=["assigned_to", "status", "-created_at", "-id"],
                name="service_assignee_queue",
            ),
            # The overdue queue walks the open requests only (a small share of all), newest first.
            models.Index(
                fields=["-created_at", "-id"],
                name="service_open_recent",
                condition=models.Q(status__in=["new", "assigned", "handled"]),
            ),
            # The overdue job finds open, not yet notified requests by their due times.
            models.Index(
                fields=["response_due_at"],
                name="service_unnotified_response",
                condition=models.Q(
                    status__in=["new", "assigned", "handled"],
                    first_response_at__isnull=True,
                    overdue_notified_at__isnull=True,
                ),
            ),
            models.Index(
                fields=["resolution_due_at"],
                name="service_unnotified_resolution",
                condition=models.Q(
                    status__in=["new", "assigned", "handled"], overdue_notified_at__isnull=True
                ),
            ),
            models.Index(fields=["customer", "-created_at"], name="service_customer_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="service_request_code_unique"),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="service_request_satisfaction_1_to_5",
            ),
            external_ref_constraint("service_request_external_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("service:request_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED

    @property
    def requester(self) -> str:
        """Who asked: the contact, the requester's name, or the customer."""
        if self.contact is not None:
            return self.contact.name
        return self.requester_name or (self.customer.name if self.customer is not None else "")


class ServiceRound(models.Model):
    """One round of a request: assigned to someone, handled, answered with feedback.

    A request has one round per assignment that led to handling; feedback below 3 opens the
    next round. Rounds are written by the services only and never change afterwards, which is
    the request's handling history.
    """

    class FeedbackSource(models.TextChoices):
        STAFF = "staff", _("Recorded by staff")
        SURVEY = "survey", _("Satisfaction survey")

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="round_set",
    )
    number = models.PositiveSmallIntegerField(_("round"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("service", "assigned to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("service", "assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(pgettext_lazy("service", "assigned at"))
    handling = models.TextField(_("handling"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True, validators=SATISFACTION_VALIDATORS
    )
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("feedback recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)
    feedback_source = models.CharField(
        _("feedback from"), max_length=10, choices=FeedbackSource.choices, blank=True
    )

    class Meta:
        verbose_name = _("handling round")
        verbose_name_plural = _("handling rounds")
        ordering = ["request", "number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="service_round_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.request.code} #{self.number}"


class ServiceLevelTarget(models.Model):
    """The SLA 服务水平 of one service type: hours to the first response and to resolution.

    A type without a row uses ``DEFAULT_TARGET_HOURS``. Administrators edit the rows.
    """

    service_type = models.OneToOneField(
        DictionaryEntry,
        verbose_name=_("service type"),
        on_delete=models.CASCADE,
        related_name="service_level_target",
        limit_choices_to={"kind": DictionaryKind.SERVICE_TYPE},
    )
    first_response_hours = models.PositiveIntegerField(
        _("first response within (hours)"), validators=[MinValueValidator(1)]
    )
    resolution_hours = models.PositiveIntegerField(
        _("resolution within (hours)"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("service level target")
        verbose_name_plural = _("service level targets")
        ordering = ["service_type__sort_order", "service_type__code"]

    def __str__(self) -> str:
        return f"{self.service_type}: {self.first_response_hours} h / {self.resolution_hours} h"
