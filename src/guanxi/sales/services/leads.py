"""Every write of leads 线索 and their routing rules.

The life of a lead::

    new 新线索 (no owner) --routed or assigned--> assigned 已分配 --convert--> converted 已转化
                   \\_______________________________________\\--disqualify--> disqualified 无效

* A lead is created by hand (``sales.add_lead``) or by the public web form (no actor). Its
  score is computed by :func:`lead_score` on creation and on every edit.
* On creation a lead without an owner is routed (:func:`lead_route`): the rule for its region,
  else the default rule (no region). A rule names one account manager, or a team whose active
  account managers take turns (round-robin; the pointer is stored on the rule row, which is
  locked with ``select_for_update`` so two leads arriving at once go to different people).
  No rule, or nobody active → the lead stays new, for a supervisor to assign.
* The owner, or a supervisor who sees the lead, converts it — to a sales opportunity
  (``services.opportunities.opportunity_create``) or to a customer
  (``customers.services.customer_create`` with its duplicate check) — in one transaction, or
  disqualifies it with the reason. A converted or disqualified lead cannot change any more.
* Administrators (``sales.manage_lead_routing``) edit the routing rules.

No right → ``PermissionDenied``; outside the scope → ``DoesNotExist``; bad input →
``ValidationError`` naming the field; a closed lead → ``BusinessRuleError``; a stale version →
``ConflictError``.
"""

from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts import roles
from guanxi.accounts.models import Team, User
from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.phones import phone_fields_normalise
from guanxi.core.pinyin import pinyin_sort_key
from guanxi.core.rules import require
from guanxi.core.services.records import record_create, record_soft_delete, record_update
from guanxi.customers.events import customer_created_event
from guanxi.customers.models import Customer
from guanxi.customers.services import customers as customer_services
from guanxi.sales import rules
from guanxi.sales.models import Lead, LeadRoutingRule
from guanxi.sales.search import lead_search_text
from guanxi.sales.selectors.leads import lead_assignee_choices, lead_list
from guanxi.sales.services import opportunities as services_opportunities

LEAD_EDITABLE_FIELDS = (
    "name",
    "company",
    "phone",
    "email",
    "region",
    "source",
    "notes",
    "external_ref",
)
MAX_TEXT_LENGTH = 4000
Status = Lead.Status

# -- scoring ---------------------------------------------------------------------------------

# Points per filled contact field and per source; the sum is capped at 100.
SCORE_FIELD_POINTS = {"company": 20, "phone": 20, "email": 15, "region": 10, "notes": 5}
SCORE_SOURCE_POINTS: dict[str, int] = {
    Lead.Source.WEB: 20,
    Lead.Source.CAMPAIGN: 25,
    Lead.Source.IMPORT: 5,
    Lead.Source.MANUAL: 10,
}


def lead_score(lead: Lead) -> int:
    """The lead's score 0–100: points for each filled field (company 20, phone 20, e-mail 15,
    region 10, notes 5) plus points for its source (campaign 25, web form 20, by hand 10,
    import 5), at most 100. A lead someone can reach, from a warm source, comes first."""
    score = sum(
        points
        for field, points in SCORE_FIELD_POINTS.items()
        if getattr(lead, "region_id" if field == "region" else field)
    )
    score += SCORE_SOURCE_POINTS.get(lead.source, 0)
    return min(score, 100)


class LeadFields(TypedDict, total=False):
    """The editable fields of a lead."""

    name: str
    company: str
    phone: str
    email: str
    region: DictionaryEntry | None
    source: str
    notes: str
    external_ref: str | None


# -- helpers (who may do what: ``sales.rules``) ------------------------------------------------


def derive_keys(lead: Lead) -> None:
    """Set the lead's pinyin sort key and search keys from its name and company (no save)."""
    lead.name_sort = pinyin_sort_key(lead.name)
    lead.search_text = lead_search_text(name=lead.name, company=lead.company)


def _locked(actor: User, lead: Lead) -> Lead:
    rows = lead_list(actor=actor).select_related(None).order_by("pk")
    return rows.select_for_update(of=("self",)).get(pk=lead.pk)


def _check_version(lead: Lead, expected: int | None) -> None:
    if expected is not None and int(expected) != lead.version:
        raise ConflictError(current_version=lead.version)


def _refuse_closed(lead: Lead) -> None:
    if lead.is_closed:
        raise BusinessRuleError(
            {
                "status": _("This lead is %(status)s; it can no longer change.")
                % {"status": lead.get_status_display()}
            }
        )


def _require_worker(actor: User, lead: Lead) -> None:
    _refuse_closed(lead)
    allowed = bool(rules.can_work_lead(actor, lead))
    require(actor, allowed, _("Only the lead's owner or a supervisor can do this."))


def _clean_fields(fields: dict[str, Any], current: Lead | None = None) -> dict[str, Any]:
    unknown = set(fields) - set(LEAD_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for name in ("name", "company", "phone", "email"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if "name" in fields and not fields["name"]:
        raise ValidationError({"name": _("Enter the name of the person.")})
    phone_fields_normalise(
        fields, {"phone": Lead._meta.get_field("phone").verbose_name}, current=current
    )
    if fields.get("email"):
        try:
            validate_email(fields["email"])
        except ValidationError as error:
            raise ValidationError({"email": _("Enter a valid e-mail address.")}) from error
    if "notes" in fields:
        fields["notes"] = (fields["notes"] or "").strip()
        if len(fields["notes"]) > MAX_TEXT_LENGTH:
            raise ValidationError(
                {"notes": _("Write at most %(count)d characters.") % {"count": MAX_TEXT_LENGTH}}
            )
    region = fields.get("region")
    if region is not None and (region.kind != DictionaryKind.REGION or not region.is_active):
        raise ValidationError({"region": _("Choose a region from the list.")})
    if "external_ref" in fields:
        fields["external_ref"] = (fields["external_ref"] or "").strip() or None
    if "source" in fields and fields["source"] not in Lead.Source.values:
        raise ValidationError({"source": _("Choose a source from the list.")})
    return fields


# -- routing ---------------------------------------------------------------------------------


def _rule_for(region: DictionaryEntry | None) -> LeadRoutingRule | None:
    # Ordered by id: the default ordering joins the region, which PostgreSQL cannot lock.
    rules = LeadRoutingRule.objects.order_by("pk").select_for_update(of=("self",))
    if region is not None:
        rule = rules.filter(region=region).first()
        if rule is not None:
            return rule
    return rules.filter(region__isnull=True).first()


def routing_candidates(team: Team | int | None) -> QuerySet[User]:
    """The active account managers of ``team`` (not its subteams), in a fixed order."""
    return User.objects.filter(
        team=team, is_active=True, groups__name=roles.ACCOUNT_MANAGER
    ).order_by("pk")


def lead_route(region: DictionaryEntry | None) -> User | None:
    """The account manager a new lead of ``region`` goes to, or ``None`` (stays new).

    Round-robin moves the rule's pointer; call inside a transaction (the rule row is locked).
    """
    rule = _rule_for(region)
    if rule is None:
        return None
    if rule.user_id is not None:
        owner = rule.user
        return owner if owner is not None and owner.is_active else None
    members = list(routing_candidates(rule.team_id))
    if not members:
        return None
    after = [user for user in members if rule.last_assigned_id and user.pk > rule.last_assigned_id]
    chosen = after[0] if after else members[0]
    rule.last_assigned = chosen
    rule.save(update_fields=["last_assigned"])
    return chosen


# -- create, edit, assign --------------------------------------------------------------------


def _create(
    *,
    actor: User | None,
    fields: dict[str, Any],
    owner: User | None = None,
    fallback: User | None = None,
) -> Lead:
    lead = Lead(**fields)
    if owner is None:
        owner = lead_route(lead.region) or fallback
    if owner is not None:
        lead.owner = owner
        lead.status = Status.ASSIGNED
        lead.assigned_at = timezone.now()
    lead.score = lead_score(lead)
    derive_keys(lead)
    lead.full_clean()
    return record_create(instance=lead, actor=actor)


@transaction.atomic
def lead_create(*, actor: User, owner: User | None = None, **given: Unpack[LeadFields]) -> Lead:
    """Record a lead by hand; without ``owner`` it is routed by the rules, and when no rule
    applies an account manager (who could not see an unowned lead) keeps it."""
    require(actor, rules.ADD_LEAD)
    fields = _clean_fields(dict(given))
    if owner is not None:
        _check_assignee(actor, owner)
    fallback = None if rules.sees_unassigned_leads(actor) else actor
    return _create(actor=actor, fields=fields, owner=owner, fallback=fallback)


@transaction.atomic
def lead_create_from_web(**given: Unpack[LeadFields]) -> Lead:
    """A lead from the public web form (nobody signed in): source web, routed by the rules."""
    fields = _clean_fields({**given, "source": Lead.Source.WEB})
    return _create(actor=None, fields=fields)


@transaction.atomic
def lead_update(
    *,
    actor: User,
    lead: Lead,
    expected_version: int | None = None,
    **given: Unpack[LeadFields],
) -> Lead:
    """Change an open lead's details (owner or supervisor); the score is recomputed."""
    require(actor, rules.CHANGE_LEAD)
    expected = lead.version if expected_version is None else expected_version
    locked = _locked(actor, lead)
    _require_worker(actor, locked)
    _check_version(locked, expected)
    for name, value in _clean_fields(dict(given), current=locked).items():
        setattr(locked, name, value)
    locked.score = lead_score(locked)
    derive_keys(locked)
    return record_update(instance=locked, actor=actor, expected_version=expected)


@transaction.atomic
def lead_delete(*, actor: User, lead: Lead, expected_version: int | None = None) -> None:
    """Move an open lead to the recycle bin (owner or supervisor)."""
    require(actor, rules.DELETE_LEAD)
    expected = lead.version if expected_version is None else expected_version
    locked = _locked(actor, lead)
    _require_worker(actor, locked)
    _check_version(locked, expected)
    record_soft_delete(instance=locked, actor=actor, expected_version=expected)


def _check_assignee(actor: User, owner: User) -> None:
    if not lead_assignee_choices(actor=actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("You cannot give leads to this user.")})


@transaction.atomic
def lead_assign(
    *, actor: User, lead: Lead, owner: User | None, expected_version: int | None = None
) -> Lead:
    """A supervisor gives an open lead to an account manager of their team."""
    require(actor, rules.CHANGE_LEAD)
    locked = _locked(actor, lead)
    _refuse_closed(locked)
    require(actor, bool(rules.can_assign_lead(actor, locked)), _("Only supervisors assign leads."))
    _check_version(locked, expected_version)
    if owner is None:
        raise ValidationError({"owner": _("Choose the account manager to give it to.")})
    _check_assignee(actor, owner)
    locked.owner = owner
    locked.status = Status.ASSIGNED
    locked.assigned_at = timezone.now()
    return record_update(
        instance=locked, actor=actor, change_reason=_("Assigned to %(name)s") % {"name": owner}
    )


# -- disqualify, convert ---------------------------------------------------------------------


@transaction.atomic
def lead_disqualify(
    *, actor: User, lead: Lead, reason: str, expected_version: int | None = None
) -> Lead:
    """Mark an open lead as not worth pursuing 无效, with the reason."""
    require(actor, rules.CHANGE_LEAD)
    locked = _locked(actor, lead)
    _require_worker(actor, locked)
    _check_version(locked, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this lead is disqualified.")})
    if len(reason) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {"reason": _("Write at most %(count)d characters.") % {"count": MAX_TEXT_LENGTH}}
        )
    locked.status = Status.DISQUALIFIED
    locked.disqualify_reason = reason
    locked.closed_at = timezone.now()
    return record_update(instance=locked, actor=actor, change_reason=_("Disqualified"))


CONVERT_TARGETS = ("opportunity", "customer")


def lead_convert(
    *,
    actor: User,
    lead: Lead,
    to: str,
    summary: str = "",
    probability: int = 20,
    confirm_duplicate: bool = False,
    expected_version: int | None = None,
) -> Lead:
    """Convert an open lead, once, into a sales opportunity or a customer (one transaction).

    *opportunity*: created (unassigned) with the lead's company or name as the prospect, its
    name and phone as the contact, ``summary`` and ``probability``. *customer*: created through
    the customers app (owned by the lead's owner, else the actor; its duplicate check refuses
    a likely duplicate with ``DuplicateError`` unless ``confirm_duplicate``), with the person as
    its primary contact when the lead names a company. A second conversion is refused (422).
    """
    require(actor, rules.CHANGE_LEAD)
    if to == "customer" and not confirm_duplicate:
        # The duplicate check runs before the conversion's transaction, so a refusal keeps the
        # notice it sends to whoever may see a duplicate withheld from the actor.
        seen = lead_list(actor=actor).get(pk=lead.pk)
        _require_worker(actor, seen)
        customer_services.customer_duplicates_check(actor=actor, **_customer_fields(actor, seen))
    return _lead_convert(
        actor=actor,
        lead=lead,
        to=to,
        summary=summary,
        probability=probability,
        expected_version=expected_version,
    )


@transaction.atomic
def _lead_convert(
    *,
    actor: User,
    lead: Lead,
    to: str,
    summary: str,
    probability: int,
    expected_version: int | None,
) -> Lead:
    locked = _locked(actor, lead)
    _require_worker(actor, locked)
    _check_version(locked, expected_version)
    prospect = locked.company or locked.name
    if to == "opportunity":
        opportunity = services_opportunities.opportunity_create_within(
            actor=actor,
            given={
                "prospect_name": prospect,
                "summary": (summary or "").strip()[:200]
                or _("From lead: %(name)s") % {"name": prospect},
                "probability": probability,
                "contact": locked.name[:100],
                "contact_phone": locked.phone,
                "description": locked.notes,
            },
        )
        locked.converted_opportunity = opportunity
    elif to == "customer":
        locked.converted_customer = _convert_to_customer(actor, locked)
    else:
        raise ValidationError({"to": _("Convert to an opportunity or a customer.")})
    locked.status = Status.CONVERTED
    locked.closed_at = timezone.now()
    return record_update(instance=locked, actor=actor, change_reason=_("Converted"))


def _customer_fields(actor: User, lead: Lead) -> dict[str, Any]:
    """The customer a lead becomes: the company (else the person), owned by the lead's owner."""
    return {
        "name": lead.company or lead.name,
        "phone": lead.phone,
        "email": lead.email,
        "region": lead.region,
        "owner": lead.owner or actor,
    }


def _convert_to_customer(actor: User, lead: Lead) -> Customer:
    # The duplicate check ran before this transaction (see lead_convert).
    customer = customer_services.customer_create(
        actor=actor, confirm_duplicate=True, **_customer_fields(actor, lead)
    )
    if lead.company:
        customer_services.contact_create(
            actor=actor,
            customer=customer,
            name=lead.name[:100],
            is_primary=True,
            **services_opportunities.contact_phones(lead.phone),
        )
    customer_created_event(
        customer=customer,
        actor=actor,
        text=_("Created from the lead “%(name)s” (no. %(number)s).")
        % {"name": lead.name, "number": lead.pk},
        origin="lead",
        origin_id=lead.pk,
    )
    return customer


# -- routing rules (administrators) ----------------------------------------------------------


def _require_routing_right(actor: User) -> None:
    require(actor, rules.MANAGE_LEAD_ROUTING)


@transaction.atomic
def routing_rule_save(
    *,
    actor: User,
    rule: LeadRoutingRule | None = None,
    region: DictionaryEntry | None,
    team: Team | None,
    user: User | None,
) -> LeadRoutingRule:
    """Create or change a routing rule: exactly one of ``team`` and ``user``; one rule per
    region and one default (no region)."""
    _require_routing_right(actor)
    if (team is None) == (user is None):
        raise ValidationError({"team": _("Choose either a team or an account manager.")})
    if region is not None and region.kind != DictionaryKind.REGION:
        raise ValidationError({"region": _("Choose a region from the list.")})
    others = LeadRoutingRule.objects.all()
    if rule is not None:
        others = others.exclude(pk=rule.pk)
    if others.filter(region=region).exists() if region else others.filter(region=None).exists():
        raise ValidationError({"region": _("There is already a rule for this region.")})
    rule = rule or LeadRoutingRule()
    if rule.team_id != getattr(team, "pk", None):
        rule.last_assigned = None
    rule.region, rule.team, rule.user = region, team, user
    rule.full_clean(exclude=["region"])
    rule.save()
    return rule


@transaction.atomic
def routing_rule_delete(*, actor: User, rule: LeadRoutingRule) -> None:
    _require_routing_right(actor)
    rule.delete()
