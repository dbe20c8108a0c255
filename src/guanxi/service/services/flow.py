"""The status flow of service requests 客户服务 and the checks every step of it shares.

The flow, enforced by the services of this package and nowhere else so pages, the API, the
intake and jobs all obey it:

- new 新创建 → assigned 已分配: a supervisor (``rules.ASSIGN_SERVICEREQUEST``) assigns it
  服务分配 to someone of their team; reassigning is allowed until it is handled
  (``services.requests``).
- assigned → handled 已处理: only the assignee records the handling 服务处理
  (``services.handling``).
- handled → archived 已归档 or back to assigned: the feedback 服务反馈 (result 处理结果 and
  satisfaction 满意度 1–5) archives it 服务归档 at 3 or more; below 3 it opens the next round
  with the same assignee. Every round keeps its handling and feedback (``services.feedback``).
- An archived request is read-only; no status is ever written directly.

The first handling is the first response of the SLA; archiving is the resolution. Who may do
what is decided by the predicates of ``guanxi.service.rules``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.core.models import DictionaryEntry
from guanxi.service.models import ServiceRequest, ServiceRound
from guanxi.service.selectors.requests import service_request_list

Status = ServiceRequest.Status
MAX_TEXT_LENGTH = 8000


def request_locked(actor: User, service_request: ServiceRequest) -> ServiceRequest:
    """The request's current row, locked, if the actor sees it (else ``DoesNotExist``, a 404).

    Transitions decide on the locked row, so two people acting at once cannot both assign or
    both record feedback.
    """
    rows = service_request_list(actor=actor).filter(pk=service_request.pk).order_by()
    rows = rows.select_related(None).select_for_update(of=("self",))
    return rows.get()


def version_check(service_request: ServiceRequest, expected: int | None) -> None:
    if expected is not None and int(expected) != service_request.version:
        raise ConflictError(current_version=service_request.version)


def status_check(
    service_request: ServiceRequest, *, allowed: tuple[str, ...], message: str
) -> None:
    """Refuse a transition the request's status does not allow, saying what it is now."""
    if service_request.status in allowed:
        return
    if service_request.is_archived:
        message = _("This request is archived and can no longer change.")
    else:
        message = message % {"status": str(service_request.get_status_display()).lower()}
    raise BusinessRuleError({"status": message})


def text_checked(
    value: str | None, *, field: str, required_message: str, max_length: int = MAX_TEXT_LENGTH
) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: required_message})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("Keep this under %(limit)s characters.") % {"limit": max_length}}
        )
    return text


def checked_entry(value: object, *, kind: str, field: str, message: str) -> DictionaryEntry:
    """``value`` if it is a live entry of the dictionary ``kind``; else an error on ``field``
    (``message`` when nothing was chosen)."""
    if value is None:
        raise ValidationError({field: message})
    if not isinstance(value, DictionaryEntry) or value.kind != kind or value.is_deleted:
        raise ValidationError({field: _("Choose a value from the list.")})
    return value


def current_round(service_request: ServiceRequest) -> ServiceRound:
    """The request's open (latest) round, locked."""
    return service_request.round_set.select_for_update().get(number=service_request.rounds)
