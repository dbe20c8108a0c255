"""Every write of sales opportunities 销售机会 and customer development plans 客户开发计划.

The life of an opportunity::

    unassigned 未指派 --assign--> assigned 已指派 --succeed--> won 开发成功
                                               \\--terminate--> lost 开发失败

* Anyone with ``sales.add_opportunity`` creates one. While it is unassigned, its creator or a
  supervisor may edit or delete it; afterwards it is fixed.
* A supervisor (``accounts.view_team_records``; administrators too) assigns it to one of the
  users they may give records to (the customers app's rule), recording who, when and by whom.
* The assignee, or a supervisor of the team the assignee works in, writes dated plan items
  计划项 and records each one's result 执行效果; recording again adds a result, the earlier ones
  stay with the item, each with who wrote it and when.
* The assignee alone finishes: *development succeeded* creates the customer and its primary
  contact through the customers app's services (duplicate check included) and, if asked, opens
  a deal 商机 for it carrying the expected amount, linked to the opportunity; *terminated*
  records the lost reason.
* An optional expected amount and close date put an assigned opportunity into the weighted
  forecast (``selectors.pipeline``) at its success probability.

Rights missing → ``PermissionDenied`` (403); outside the actor's scope → ``DoesNotExist`` (404);
bad input → ``ValidationError`` naming the field (400); a transition the status does not allow
→ ``BusinessRuleError`` (422); a stale version → ``ConflictError`` (409). Every change is
saved through ``record_create``/``record_update``, so it is versioned and in the audit history.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.collaboration.services.notifications import notification_send
from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.phones import phone_fields_normalise, phone_is_mobile
from guanxi.core.rules import require, supervises
from guanxi.core.scoping import scope_queryset
from guanxi.core.services.records import (
    record_bulk_update,
    record_create,
    record_soft_delete,
    record_update,
    system_reason,
)
from guanxi.customers.events import customer_created_event
from guanxi.customers.models import Customer
from guanxi.customers.services import customers as customer_services
from guanxi.sales import notifications, rules
from guanxi.sales.models import Deal, Opportunity, PlanItem, PlanItemResult
from guanxi.sales.selectors.opportunities import opportunity_assignee_choices
from guanxi.sales.services import pipeline as services_pipeline

OPPORTUNITY_EDITABLE_FIELDS = (
    "source",
    "prospect_name",
    "customer",
    "probability",
    "summary",
    "contact",
    "contact_phone",
    "description",
    "expected_amount",
    "expected_close_date",
    "external_ref",
)
DEAL_WON = system_reason(
    "sales.opportunity_won", gettext_lazy("Last win taken from an opportunity")
)
MAX_TEXT_LENGTH = 4000  # description, plan content, result and lost details

Status = Opportunity.Status


class OpportunityFields(TypedDict, total=False):
    """The editable fields of an opportunity."""

    source: DictionaryEntry | None
    prospect_name: str
    customer: Customer | None
    probability: int
    summary: str
    contact: str
    contact_phone: str
    description: str
    expected_amount: Decimal | int | str | None
    expected_close_date: datetime.date | None
    external_ref: str | None


# -- helpers (who may do what: ``sales.rules``; the pages ask the same predicates) -------------


def _locked(actor: User, opportunity: Opportunity) -> Opportunity:
    """The opportunity's current row, locked for this transaction, if the actor sees it.

    Transitions decide on the locked row, so two people acting at once cannot both assign,
    or both succeed; a deleted or unseen opportunity is ``DoesNotExist`` (a 404).
    """
    rows = scope_queryset(Opportunity.objects.filter(pk=opportunity.pk), actor)
    locked: Opportunity = rows.select_for_update().get()
    return locked


def _check_version(opportunity: Opportunity | PlanItem, expected: int | None) -> None:
    if expected is not None and int(expected) != opportunity.version:
        raise ConflictError(current_version=opportunity.version)


def _status_label(opportunity: Opportunity) -> str:
    return str(opportunity.get_status_display())


def _refuse_closed(opportunity: Opportunity) -> None:
    if opportunity.is_closed:
        raise BusinessRuleError(
            {
                "status": _("This opportunity is closed (%(status)s); it can no longer change.")
                % {"status": _status_label(opportunity)}
            }
        )


def _require_open(opportunity: Opportunity) -> None:
    """The development moves only while assigned."""
    if opportunity.is_unassigned:
        raise BusinessRuleError(
            {"status": _("Assign this opportunity first: its assignee develops it.")}
        )
    _refuse_closed(opportunity)


def _require_open_for(actor: User, opportunity: Opportunity) -> None:
    """Finishing is the assignee's alone."""
    _require_open(opportunity)
    if not rules.can_develop_opportunity(actor, opportunity):
        raise PermissionDenied(
            _("Only %(name)s, to whom this opportunity is assigned, develops it.")
            % {"name": opportunity.assigned_to}
        )


def _require_planner(actor: User, opportunity: Opportunity) -> None:
    """The plan is written by the assignee or a supervisor of the assignee's team."""
    _require_open(opportunity)
    if not rules.can_write_plan(actor, opportunity):
        raise PermissionDenied(
            _(
                "Only %(name)s, to whom this opportunity is assigned, or a supervisor of their "
                "team writes its plan."
            )
            % {"name": opportunity.assigned_to}
        )


def _amount(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"expected_amount": _("Enter an amount of zero or more.")}) from None
    if amount < 0 or amount.adjusted() >= 12:  # 14 digits, 2 of them decimals
        raise ValidationError(
            {"expected_amount": _("Enter an amount of zero or more, below one trillion.")}
        )
    return amount


def _text(value: str | None, *, field: str, required_message: str | None = None) -> str:
    text = (value or "").strip()
    if required_message and not text:
        raise ValidationError({field: required_message})
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {field: _("Write at most %(count)d characters.") % {"count": MAX_TEXT_LENGTH}}
        )
    return text


def _check_source(source: DictionaryEntry | None) -> None:
    if source is None:
        return
    if source.kind != DictionaryKind.SOURCE:
        raise ValidationError({"source": _("Choose a source from the list.")})
    if not source.is_active:
        raise ValidationError(
            {
                "source": _("“%(label)s” is no longer in use; choose another value.")
                % {"label": source.label}
            }
        )


def _check_customer(actor: User, customer: Customer | None) -> None:
    if customer is None:
        return
    visible = scope_queryset(Customer.objects.filter(pk=customer.pk), actor)
    if not visible.exists():
        raise ValidationError({"customer": _("Choose a customer you can see.")})


def _clean_fields(
    actor: User, fields: dict[str, Any], *, current: Opportunity | None = None
) -> dict[str, Any]:
    unknown = set(fields) - set(OPPORTUNITY_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for name in ("prospect_name", "summary", "contact", "contact_phone"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    phone_fields_normalise(
        fields,
        {"contact_phone": Opportunity._meta.get_field("contact_phone").verbose_name},
        current=current,
    )
    if "description" in fields:
        fields["description"] = _text(fields["description"], field="description")
    if "external_ref" in fields:
        fields["external_ref"] = (fields["external_ref"] or "").strip() or None
    if "expected_amount" in fields:
        fields["expected_amount"] = _amount(fields["expected_amount"])
    # A source or customer kept as it was stays valid even if it was retired meanwhile.
    if "source" in fields and (current is None or fields["source"] != current.source):
        _check_source(fields["source"])
    if "customer" in fields and (current is None or fields["customer"] != current.customer):
        _check_customer(actor, fields["customer"])
    customer = fields["customer"] if "customer" in fields else getattr(current, "customer", None)
    names_prospect = current is None or "prospect_name" in fields
    if customer is not None and names_prospect and not fields.get("prospect_name"):
        fields["prospect_name"] = customer.name  # no other name given: the prospect is it
    return fields


# -- create, edit, delete (only while unassigned) --------------------------------------------


@transaction.atomic
def opportunity_create(*, actor: User, **given: Unpack[OpportunityFields]) -> Opportunity:
    """Record a new opportunity, unassigned; the actor is its creator."""
    return opportunity_create_within(actor=actor, given=given)


# Also called inside another service's transaction (a lead converted into an opportunity): no
# savepoint of its own there.
@transaction.atomic(savepoint=False)
def opportunity_create_within(*, actor: User, given: OpportunityFields) -> Opportunity:
    """The write of :func:`opportunity_create`, the right checked."""
    require(actor, rules.ADD_OPPORTUNITY)
    fields = _clean_fields(actor, dict(given))
    opportunity = Opportunity(**fields, status=Status.UNASSIGNED)
    return record_create(instance=opportunity, actor=actor)


def opportunity_require_editable(actor: User, opportunity: Opportunity) -> None:
    """Refuse (422 when assigned or closed, 403 for others) unless ``actor`` may edit it now."""
    if not opportunity.is_unassigned:
        raise BusinessRuleError(
            {
                "status": _(
                    "Only an unassigned opportunity can be edited or deleted; "
                    "this one is %(status)s."
                )
                % {"status": _status_label(opportunity)}
            }
        )
    require(
        actor,
        bool(rules.can_edit_opportunity(actor, opportunity)),
        _("Only its creator or a supervisor can edit or delete this opportunity."),
    )


@transaction.atomic
def opportunity_update(
    *,
    actor: User,
    opportunity: Opportunity,
    expected_version: int | None = None,
    **given: Unpack[OpportunityFields],
) -> Opportunity:
    """Change an unassigned opportunity (its creator or a supervisor)."""
    require(actor, rules.CHANGE_OPPORTUNITY)
    expected = opportunity.version if expected_version is None else expected_version
    locked = _locked(actor, opportunity)
    opportunity_require_editable(actor, locked)
    _check_version(locked, expected)
    fields = _clean_fields(actor, dict(given), current=locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    return record_update(instance=locked, actor=actor, expected_version=expected)


@transaction.atomic
def opportunity_delete(
    *, actor: User, opportunity: Opportunity, expected_version: int | None = None
) -> None:
    """Move an unassigned opportunity to the recycle bin (its creator or a supervisor)."""
    require(actor, rules.DELETE_OPPORTUNITY)
    expected = opportunity.version if expected_version is None else expected_version
    locked = _locked(actor, opportunity)
    opportunity_require_editable(actor, locked)
    _check_version(locked, expected)
    record_soft_delete(instance=locked, actor=actor, expected_version=expected)


# -- assignment ------------------------------------------------------------------------------


@transaction.atomic
def opportunity_assign(
    *,
    actor: User,
    opportunity: Opportunity,
    assignee: User | None,
    expected_version: int | None = None,
) -> Opportunity:
    """A supervisor gives an unassigned opportunity to an account manager they may assign to.

    The assignee, the time and the supervisor are recorded, and the assignee is notified.
    """
    require(actor, rules.CHANGE_OPPORTUNITY)
    locked = _locked(actor, opportunity)
    require(actor, bool(supervises(actor)), _("Only supervisors assign opportunities."))
    if locked.status == Status.ASSIGNED:
        raise BusinessRuleError(
            {
                "assigned_to": _("This opportunity is already assigned to %(name)s.")
                % {"name": locked.assigned_to}
            }
        )
    _refuse_closed(locked)
    _check_version(locked, expected_version)
    if assignee is None:
        raise ValidationError({"assigned_to": _("Choose the account manager to assign it to.")})
    if not opportunity_assignee_choices(actor=actor).filter(pk=assignee.pk).exists():
        raise ValidationError({"assigned_to": _("You cannot assign opportunities to this user.")})
    locked.status = Status.ASSIGNED
    locked.assigned_to = assignee
    locked.assigned_at = timezone.now()
    locked.assigned_by = actor
    record_update(
        instance=locked,
        actor=actor,
        change_reason=_("Assigned to %(name)s") % {"name": assignee},
    )
    if assignee.pk != actor.pk:
        notification_send(
            recipient=assignee,
            kind=notifications.OPPORTUNITY_ASSIGNED,
            params={"name": locked.prospect_name, "supervisor": str(actor)},
            url=reverse("sales:opportunity_detail", args=[locked.pk]),
        )
    return locked


# -- the development plan 客户开发计划 -----------------------------------------------------------


@transaction.atomic
def plan_item_create(
    *, actor: User, opportunity: Opportunity, date: datetime.date | None, content: str
) -> PlanItem:
    """The assignee (or a supervisor of their team) adds a dated step 计划项 to the plan of an
    assigned opportunity; the item's ``created_by`` names who wrote it."""
    require(actor, rules.ADD_PLANITEM)
    locked = _locked(actor, opportunity)
    _require_planner(actor, locked)
    if date is None:
        raise ValidationError({"date": _("Enter the date of this step.")})
    content = _text(content, field="content", required_message=_("Describe the planned step."))
    item = PlanItem(opportunity=locked, date=date, content=content)
    return record_create(instance=item, actor=actor)


@transaction.atomic
def plan_item_record_result(
    *, actor: User, item: PlanItem, result: str, expected_version: int | None = None
) -> PlanItem:
    """The assignee (or a supervisor of their team) records what a step achieved 执行效果.

    Every result is kept as a :class:`PlanItemResult` naming who wrote it and when, so
    recording again adds to the item's results instead of replacing the earlier one; the item
    shows the latest.
    """
    require(actor, rules.CHANGE_PLANITEM)
    locked = _locked(actor, item.opportunity)
    _require_planner(actor, locked)
    result = _text(result, field="result", required_message=_("Describe the result of this step."))
    current: PlanItem = PlanItem.objects.select_for_update().get(pk=item.pk, opportunity=locked)
    _check_version(current, expected_version)
    now = timezone.now()
    record_create(instance=PlanItemResult(item=current, text=result, created_at=now), actor=actor)
    current.result = result
    current.result_at = now
    current.result_by = actor
    return record_update(
        instance=current,
        actor=actor,
        expected_version=current.version,
        change_reason=_("Result recorded"),
    )


# -- finishing: success creates the customer, termination records why ----------------------------


class ContactPhones(TypedDict, total=False):
    mobile: str
    office_phone: str


def contact_phones(phone: str) -> ContactPhones:
    """A mainland mobile number goes to the contact's mobile, any other to the office phone."""
    if phone_is_mobile(phone):
        return {"mobile": phone}
    return {"office_phone": phone} if phone else {}


def opportunity_succeed(
    *,
    actor: User,
    opportunity: Opportunity,
    confirm_duplicate: bool = False,
    open_deal: bool = False,
    expected_version: int | None = None,
) -> Opportunity:
    """Development succeeded 开发成功: the opportunity is won and the prospect a customer.

    Without a linked customer, the customer (owned by the assignee, with the opportunity's
    source and phone) and its primary contact are created through the customers app's
    services, in this one transaction. Likely duplicates refuse it with
    :class:`guanxi.customers.dedup.DuplicateError` unless ``confirm_duplicate``. The customer's
    timeline records where it came from. With ``open_deal`` a deal 商机 for the customer is
    opened in the pipeline's first stage, carrying the expected amount and close date and linked
    to the opportunity (``opportunity.deal``), so the prospect's story continues to the order.
    Returns the opportunity, ``customer`` set.
    """

    require(actor, rules.CHANGE_OPPORTUNITY)
    seen = scope_queryset(Opportunity.objects.filter(pk=opportunity.pk), actor).get()
    if not confirm_duplicate and (seen.customer is None or seen.customer.is_deleted):
        # The duplicate check runs before the success's transaction, so a refusal keeps the
        # notice it sends to whoever may see a duplicate withheld from the actor.
        _require_open_for(actor, seen)
        customer_services.customer_duplicates_check(actor=actor, **_customer_fields(actor, seen))
    return _opportunity_succeed(
        actor=actor,
        opportunity=opportunity,
        open_deal=open_deal,
        expected_version=expected_version,
    )


def _customer_fields(actor: User, opportunity: Opportunity) -> dict[str, Any]:
    """The customer a won prospect becomes, owned by the assignee who developed it."""
    return {
        "name": opportunity.prospect_name,
        "source": opportunity.source,
        "phone": opportunity.contact_phone,
        "owner": actor,
    }


@transaction.atomic
def _opportunity_succeed(
    *,
    actor: User,
    opportunity: Opportunity,
    open_deal: bool,
    expected_version: int | None,
) -> Opportunity:
    locked = _locked(actor, opportunity)
    _require_open_for(actor, locked)
    _check_version(locked, expected_version)
    now = timezone.now()
    customer = locked.customer
    if customer is None or customer.is_deleted:
        # The duplicate check ran before this transaction (see opportunity_succeed).
        customer = customer_services.customer_create(
            actor=actor, confirm_duplicate=True, **_customer_fields(actor, locked)
        )
        if locked.contact:
            customer_services.contact_create(
                actor=actor,
                customer=customer,
                name=locked.contact,
                is_primary=True,
                **contact_phones(locked.contact_phone),
            )
        customer_created_event(
            customer=customer,
            actor=actor,
            text=_("Created from the sales opportunity “%(summary)s” (no. %(number)s).")
            % {"summary": locked.summary, "number": locked.pk},
            origin="opportunity",
            origin_id=locked.pk,
        )
    # A won deal restarts the pool's "no deal for M days" clock (``customers.services.pool``).
    record_bulk_update(
        queryset=Customer.all_objects.filter(pk=customer.pk),
        values={"last_won_at": now},
        reason=DEAL_WON,
    )
    locked.customer = customer
    locked.status = Status.WON
    locked.closed_at = now
    record_update(instance=locked, actor=actor, change_reason=_("Development succeeded"))
    if open_deal:
        _open_deal(actor, locked, customer)
    return locked


def _open_deal(actor: User, opportunity: Opportunity, customer: Customer) -> Deal:
    """The deal the won opportunity continues as: owned by the assignee, worth the expected
    amount (nothing yet when none was expected), at the first stage's probability."""
    if Deal.all_objects.filter(opportunity=opportunity).exists():
        raise BusinessRuleError({"open_deal": _("This opportunity already has its deal.")})
    return services_pipeline.deal_create_within(
        actor=actor,
        given={
            "customer": customer,
            "owner": opportunity.assigned_to,
            "title": opportunity.summary,
            "amount": opportunity.expected_amount or Decimal("0.00"),
            "expected_close_date": opportunity.expected_close_date,
        },
        opportunity=opportunity,
    )


@transaction.atomic
def opportunity_terminate(
    *,
    actor: User,
    opportunity: Opportunity,
    reason: DictionaryEntry | None,
    details: str = "",
    expected_version: int | None = None,
) -> Opportunity:
    """Development terminated 终止开发: the opportunity is lost, with the reason why."""
    require(actor, rules.CHANGE_OPPORTUNITY)
    locked = _locked(actor, opportunity)
    _require_open_for(actor, locked)
    _check_version(locked, expected_version)
    if reason is None:
        raise ValidationError({"reason": _("Choose why the development failed.")})
    if not isinstance(reason, DictionaryEntry) or reason.kind != DictionaryKind.LOST_REASON:
        raise ValidationError({"reason": _("Choose a lost reason from the list.")})
    if not reason.is_active:
        raise ValidationError(
            {
                "reason": _("“%(label)s” is no longer in use; choose another value.")
                % {"label": reason.label}
            }
        )
    locked.lost_reason = reason
    locked.lost_details = _text(details, field="details")
    locked.status = Status.LOST
    locked.closed_at = timezone.now()
    return record_update(instance=locked, actor=actor, change_reason=_("Development terminated"))


# -- a customer changing hands takes its open opportunities along -----------------------------


def opportunities_follow_customer(
    *, actor: User, customer: Customer, previous: User | None, owner: User | None
) -> None:
    """Registered with ``customers.reassign_hooks``: the open opportunities of ``customer``
    that its previous owner was developing move to the new owner, each one audited."""
    if previous is None or owner is None:
        return
    moving = Opportunity.objects.select_for_update().filter(
        customer=customer, status=Status.ASSIGNED, assigned_to=previous
    )
    for opportunity in moving.order_by("pk"):
        opportunity.assigned_to = owner
        opportunity.assigned_at = timezone.now()
        opportunity.assigned_by = actor
        record_update(
            instance=opportunity,
            actor=actor,
            change_reason=_("Moved with the customer to %(name)s") % {"name": owner},
        )
