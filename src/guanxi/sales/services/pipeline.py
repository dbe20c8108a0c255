"""Every write of the sales pipeline 销售漏斗: stages (settings) and deals 商机.

* Stages are settings: only administrators (the dictionaries' right
  ``core.change_dictionaryentry``) create, edit or delete them; a stage still holding deals
  cannot be deleted. ``stages_seed_defaults`` puts in the default stages when there are none.
* Anyone with ``sales.add_deal`` creates a deal for a customer in their scope, owned by a user
  in their scope (by default the customer's owner when the actor sees them, else the actor).
  The probability defaults to the stage's; it may be overridden. A won opportunity may open its
  deal (``deal_create_within``, inside the opportunity's transaction), linked to it.
* ``deal_move`` moves a deal to another stage (``sales.change_deal``, the deal in scope, the
  version the mover read): the probability becomes the new stage's default, a lost stage needs
  a lost reason (dictionary ``lost_reason``), won and lost stages record the date; the history
  records the move.

Rights missing → ``PermissionDenied`` (403); outside the scope → ``DoesNotExist`` (404); bad
input → ``ValidationError`` naming the field (400); a rule → ``BusinessRuleError`` (422); a
stale version → ``ConflictError`` (409).
"""

import datetime
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.rules import require
from guanxi.core.scoping import scope_queryset
from guanxi.core.services.records import record_create, record_soft_delete, record_update
from guanxi.customers.models import Customer
from guanxi.sales import rules
from guanxi.sales.models import Deal, Opportunity, PipelineStage

STAGE_EDITABLE_FIELDS = ("name_zh", "name_en", "order", "probability", "is_won", "is_lost")
DEAL_EDITABLE_FIELDS = (
    "customer",
    "owner",
    "title",
    "amount",
    "probability",
    "expected_close_date",
    "competitors",
    "external_ref",
)
MAX_TEXT_LENGTH = 4000

# name_zh, name_en, probability, is_won, is_lost
DEFAULT_STAGES = (
    ("初步接洽", "Initial contact", 10, False, False),
    ("需求确认", "Needs confirmed", 30, False, False),
    ("方案报价", "Proposal and quote", 50, False, False),
    ("商务谈判", "Negotiation", 70, False, False),
    ("赢单", "Won", 100, True, False),
    ("输单", "Lost", 0, False, True),
)


class StageFields(TypedDict, total=False):
    """The editable fields of a pipeline stage."""

    name_zh: str
    name_en: str
    order: int
    probability: int
    is_won: bool
    is_lost: bool


class DealFields(TypedDict, total=False):
    """The editable fields of a deal (its stage moves through ``deal_move``)."""

    customer: Customer
    owner: User | None
    title: str
    amount: Decimal | int | str
    probability: int | None
    expected_close_date: datetime.date | None
    competitors: str
    external_ref: str | None


def _check_version(record: Any, expected: int | None) -> None:
    if expected is not None and int(expected) != record.version:
        raise ConflictError(current_version=record.version)


# -- stages ------------------------------------------------------------------------------------


def _require_stage_admin(actor: User) -> None:
    allowed = bool(rules.manages_stages(actor))
    require(actor, allowed, _("Only administrators edit the pipeline stages."))


def stages_seed_defaults(
    *, stage_model: type[Model] = PipelineStage, using: str = "default"
) -> int:
    """Create the default stages if no stage exists at all (not even deleted); the count made."""
    rows = stage_model._base_manager.db_manager(using)
    if rows.exists():
        return 0
    rows.bulk_create(
        stage_model(
            name_zh=zh, name_en=en, order=(index + 1) * 10, probability=p, is_won=won, is_lost=lost
        )
        for index, (zh, en, p, won, lost) in enumerate(DEFAULT_STAGES)
    )
    return len(DEFAULT_STAGES)


def _clean_stage(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(STAGE_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for name in ("name_zh", "name_en"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if fields.get("is_won") and fields.get("is_lost"):
        raise ValidationError({"is_lost": _("A stage is either won or lost, not both.")})
    return fields


@transaction.atomic
def stage_create(*, actor: User, **fields: Unpack[StageFields]) -> PipelineStage:
    _require_stage_admin(actor)
    stage = PipelineStage(**_clean_stage(dict(fields)))
    return record_create(instance=stage, actor=actor)


@transaction.atomic
def stage_update(
    *,
    actor: User,
    stage: PipelineStage,
    expected_version: int | None = None,
    **fields: Unpack[StageFields],
) -> PipelineStage:
    _require_stage_admin(actor)
    locked: PipelineStage = PipelineStage.objects.select_for_update().get(pk=stage.pk)
    _check_version(locked, expected_version)
    for name, value in _clean_stage(dict(fields)).items():
        setattr(locked, name, value)
    if locked.is_won and locked.is_lost:
        raise ValidationError({"is_lost": _("A stage is either won or lost, not both.")})
    return record_update(instance=locked, actor=actor, expected_version=locked.version)


@transaction.atomic
def stage_delete(*, actor: User, stage: PipelineStage, expected_version: int | None = None) -> None:
    _require_stage_admin(actor)
    locked: PipelineStage = PipelineStage.objects.select_for_update().get(pk=stage.pk)
    _check_version(locked, expected_version)
    if Deal.objects.filter(stage=locked).exists():
        raise BusinessRuleError(
            {"stage": _("Deals are still in this stage; move them to another stage first.")}
        )
    record_soft_delete(instance=locked, actor=actor, expected_version=locked.version)


# -- deals -------------------------------------------------------------------------------------


def _may_own(actor: User, user: User | None) -> bool:
    return bool(rules.can_give_deal_to(actor, user))


def _check_lost_reason(reason: Any) -> None:
    if not isinstance(reason, DictionaryEntry) or reason.kind != DictionaryKind.LOST_REASON:
        raise ValidationError({"lost_reason": _("Choose a lost reason from the list.")})
    if not reason.is_active:
        raise ValidationError(
            {
                "lost_reason": _("“%(label)s” is no longer in use; choose another value.")
                % {"label": reason.label}
            }
        )


def _clean_deal(
    actor: User, fields: dict[str, Any], *, current: Deal | None = None
) -> dict[str, Any]:
    unknown = set(fields) - set(DEAL_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise ValidationError({"title": _("Enter the deal's title.")})
    if "competitors" in fields:
        lines = [line.strip() for line in (fields["competitors"] or "").splitlines()]
        fields["competitors"] = "\n".join(line for line in lines if line)
        if len(fields["competitors"]) > MAX_TEXT_LENGTH:
            raise ValidationError(
                {
                    "competitors": _("Write at most %(count)d characters.")
                    % {"count": MAX_TEXT_LENGTH}
                }
            )
    if "external_ref" in fields:
        fields["external_ref"] = (fields["external_ref"] or "").strip() or None
    if "amount" in fields:
        amount = fields["amount"]
        if amount is None or Decimal(amount) < 0:
            raise ValidationError({"amount": _("Enter an amount of zero or more.")})
    if "customer" in fields and (current is None or fields["customer"] != current.customer):
        customer = fields["customer"]
        visible = customer is not None and (
            scope_queryset(Customer.objects.filter(pk=customer.pk), actor).exists()
        )
        if not visible:
            raise ValidationError({"customer": _("Choose a customer you can see.")})
    owner_changes = "owner" in fields and (current is None or fields["owner"] != current.owner)
    if owner_changes and not _may_own(actor, fields["owner"]):
        raise ValidationError({"owner": _("You cannot give deals to this user.")})
    return fields


def _enter_stage(deal: Deal, stage: PipelineStage, lost_reason: DictionaryEntry | None) -> None:
    """Put ``deal`` into ``stage``: the lost-reason rule and the won/lost dates."""
    today = timezone.localdate()
    if stage.is_lost:
        if lost_reason is None:
            raise ValidationError(
                {
                    "lost_reason": _(
                        "Choose why the deal was lost before moving it to “%(stage)s”."
                    )
                    % {"stage": stage.label}
                }
            )
        _check_lost_reason(lost_reason)
        deal.lost_reason = lost_reason
        deal.lost_on = today
        deal.won_on = None
    elif stage.is_won:
        deal.won_on = today
        deal.lost_on = None
        deal.lost_reason = None
    else:
        deal.won_on = deal.lost_on = None
        deal.lost_reason = None
    deal.stage = stage


def _live_stage(stage: Any) -> PipelineStage:
    if not isinstance(stage, PipelineStage) or stage.is_deleted:
        raise ValidationError({"stage": _("Choose a stage of the pipeline.")})
    return stage


def default_stage() -> PipelineStage | None:
    """The first open stage: where a new deal starts unless told otherwise."""
    open_stages = PipelineStage.objects.filter(is_won=False, is_lost=False)
    first: PipelineStage | None = open_stages.order_by("order", "id").first()
    return first


@transaction.atomic
def deal_create(
    *,
    actor: User,
    stage: PipelineStage | None = None,
    lost_reason: DictionaryEntry | None = None,
    **given: Unpack[DealFields],
) -> Deal:
    """Record a new deal; the probability defaults to its stage's."""
    return deal_create_within(actor=actor, stage=stage, lost_reason=lost_reason, given=given)


# Also called inside another service's transaction (a won opportunity opening its deal): no
# savepoint of its own there.
@transaction.atomic(savepoint=False)
def deal_create_within(
    *,
    actor: User,
    given: DealFields,
    stage: PipelineStage | None = None,
    lost_reason: DictionaryEntry | None = None,
    opportunity: Opportunity | None = None,
) -> Deal:
    """The write of :func:`deal_create`, the right checked; ``opportunity`` is the one whose
    success opens the deal."""
    require(actor, rules.ADD_DEAL)
    fields: dict[str, Any] = dict(given)
    if fields.get("customer") is None:
        raise ValidationError({"customer": _("Choose the deal's customer.")})
    if fields.get("owner") is None:
        owner = fields["customer"].owner
        fields["owner"] = owner if _may_own(actor, owner) else actor
    fields = _clean_deal(actor, fields)
    stage = _live_stage(stage if stage is not None else default_stage())
    if fields.get("probability") is None:
        fields["probability"] = stage.probability
    deal = Deal(**fields, opportunity=opportunity)
    _enter_stage(deal, stage, lost_reason)
    return record_create(instance=deal, actor=actor)


def _locked(actor: User, deal: Deal) -> Deal:
    locked: Deal = scope_queryset(Deal.objects.filter(pk=deal.pk), actor).select_for_update().get()
    return locked


@transaction.atomic
def deal_update(
    *,
    actor: User,
    deal: Deal,
    expected_version: int | None = None,
    **given: Unpack[DealFields],
) -> Deal:
    """Change a deal's details (the stage moves only through ``deal_move``)."""
    require(actor, rules.CHANGE_DEAL)
    fields: dict[str, Any] = dict(given)
    expected = deal.version if expected_version is None else expected_version
    locked = _locked(actor, deal)
    _check_version(locked, expected)
    if "owner" in fields and fields["owner"] is None:
        del fields["owner"]  # no owner given: it stays
    fields = _clean_deal(actor, fields, current=locked)
    if "probability" in fields and fields["probability"] is None:
        fields["probability"] = locked.stage.probability
    for name, value in fields.items():
        setattr(locked, name, value)
    return record_update(instance=locked, actor=actor, expected_version=expected)


@transaction.atomic
def deal_move(
    *,
    actor: User,
    deal: Deal,
    stage: PipelineStage,
    lost_reason: DictionaryEntry | None = None,
    expected_version: int | None = None,
) -> Deal:
    """Move ``deal`` to ``stage``: rights, scope, version, the lost-reason rule; audited."""
    require(actor, rules.CHANGE_DEAL)
    locked = _locked(actor, deal)
    _check_version(locked, expected_version)
    stage = _live_stage(stage)
    if stage.pk == locked.stage_id and not stage.is_lost:
        return locked
    previous = locked.stage.label
    _enter_stage(locked, stage, lost_reason)
    locked.probability = stage.probability
    return record_update(
        instance=locked,
        actor=actor,
        expected_version=locked.version,
        change_reason=_("Moved from “%(old)s” to “%(new)s”")
        % {"old": previous, "new": stage.label},
    )


@transaction.atomic
def deal_delete(*, actor: User, deal: Deal, expected_version: int | None = None) -> None:
    """Move a deal to the recycle bin."""
    require(actor, rules.DELETE_DEAL)
    expected = deal.version if expected_version is None else expected_version
    locked = _locked(actor, deal)
    _check_version(locked, expected)
    record_soft_delete(instance=locked, actor=actor, expected_version=expected)


# -- a customer changing hands takes its open deals along  ---------------------------


def deals_follow_customer(
    *, actor: User, customer: Customer, previous: User | None, owner: User | None
) -> None:
    """Registered with ``customers.reassign_hooks``: the open deals (not in a won or lost
    stage) of ``customer`` owned by its previous owner move to the new owner, audited."""
    if previous is None or owner is None:
        return
    moving = Deal.objects.select_for_update().filter(
        customer=customer, owner=previous, stage__is_won=False, stage__is_lost=False
    )
    for deal in moving.order_by("pk"):
        deal.owner = owner
        record_update(
            instance=deal,
            actor=actor,
            change_reason=_("Moved with the customer to %(name)s") % {"name": owner},
        )
