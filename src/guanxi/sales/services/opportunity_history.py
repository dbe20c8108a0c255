"""An opportunity lost in another system, brought in with its outcome (an import).

Terminating the development 终止开发 is the assignee's own step, taken now
(:func:`services.opportunities.opportunity_terminate`). A migration brings opportunities that
were lost years ago in the old system: :func:`opportunity_history_record` writes that outcome
— the lost reason, its details and the date — onto an assigned opportunity, as one audited
change. Only supervisors may do it, as they are the ones who assign opportunities.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.exceptions import BusinessRuleError
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.rules import require, supervises
from guanxi.core.scoping import scope_queryset
from guanxi.core.services.records import record_update
from guanxi.sales import rules
from guanxi.sales.models import Opportunity
from guanxi.sales.services.opportunities import MAX_TEXT_LENGTH

Status = Opportunity.Status


@transaction.atomic
def opportunity_history_record(
    *,
    actor: User,
    opportunity: Opportunity,
    reason: DictionaryEntry | None,
    details: str = "",
    closed_at: datetime.datetime | None = None,
) -> Opportunity:
    """Record that an assigned opportunity was lost, for ``reason``, at ``closed_at``."""
    require(actor, rules.CHANGE_OPPORTUNITY)
    require(actor, bool(supervises(actor)), _("Only supervisors bring in lost opportunities."))
    rows = scope_queryset(Opportunity.objects.filter(pk=opportunity.pk), actor)
    locked: Opportunity = rows.select_for_update().get()
    if locked.status != Status.ASSIGNED:
        raise BusinessRuleError(
            {"status": _("Only an assigned opportunity can be recorded as lost.")}
        )
    if not isinstance(reason, DictionaryEntry) or reason.kind != DictionaryKind.LOST_REASON:
        raise ValidationError({"lost_reason": _("Choose why the development failed.")})
    now = timezone.now()
    if closed_at is not None and closed_at > now:
        raise ValidationError({"closed_at": _("The date is in the future.")})
    details = (details or "").strip()
    if len(details) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {"lost_details": _("Write at most %(count)d characters.") % {"count": MAX_TEXT_LENGTH}}
        )
    locked.status = Status.LOST
    locked.lost_reason = reason
    locked.lost_details = details
    locked.closed_at = closed_at or now
    return record_update(
        instance=locked,
        actor=actor,
        change_reason=_("Brought in as %(status)s") % {"status": locked.get_status_display()},
    )
