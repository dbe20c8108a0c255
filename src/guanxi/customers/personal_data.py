"""A person's data 个人信息 across the apps: gathered for a subject-access export, erased by
anonymisation (PIPL/GDPR).

The person is a *subject*: a customer of the person kind, or a contact. The customers app
gathers and erases its own records (``selectors.privacy``, ``services.privacy``); the apps above
it hold records about the person too (orders, opportunities, service requests) and plug in from
their ``AppConfig.ready()``, since customers may not import them::

    from guanxi.customers.personal_data import register_personal_data_provider

    register_personal_data_provider("service", collect=..., anonymise=...)

``collect(*, subject)`` returns :class:`Section` rows for the export; ``anonymise(*, actor,
subject, reason)`` replaces the person's values in the app's records *and* in their audit
history (:func:`personal_fields_erase`), inside the anonymisation's transaction (raising undoes
all of it), and returns how many records it changed. Amounts, dates and statuses stay: orders
and figures keep counting, only who the person was is gone.
"""

import io
import json
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import CharField, F, Model, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook

from guanxi.core.export import xlsx_cell
from guanxi.core.services.records import record_history_bulk
from guanxi.customers.models import Customer

# What replaces a person's name, in both languages: the stored value is read by everyone.
PLACEHOLDER = "已匿名 / Anonymised"
ZIP_CONTENT_TYPE = "application/zip"
JSON_NAME = "personal-data.json"
XLSX_NAME = "personal-data.xlsx"


def placeholder(pk: int) -> str:
    """The placeholder name of record ``pk`` ("已匿名 / Anonymised #42"): records stay apart."""
    return f"{PLACEHOLDER} #{pk}"


def placeholder_expression() -> Concat:
    """:func:`placeholder` of each row's own id, for set-wise updates (records and history)."""
    return Concat(Value(f"{PLACEHOLDER} #"), Cast(F("id"), output_field=CharField()))


@dataclass(frozen=True)
class Subject:
    """The person asked about: a person customer (``contact`` None) or one of its contacts."""

    customer: Any
    contact: Any = None

    @property
    def record(self) -> Any:
        return self.contact if self.contact is not None else self.customer


@dataclass
class Section:
    """One table of the export: ``columns`` are (field name, label), ``rows`` dicts by name."""

    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]] = field(default_factory=list)


Collect = Callable[..., list[Section]]
Anonymise = Callable[..., int]


@dataclass(frozen=True)
class Provider:
    key: str
    collect: Collect
    anonymise: Anonymise | None = None


_providers: dict[str, Provider] = {}


def register_personal_data_provider(
    key: str, *, collect: Collect, anonymise: Anonymise | None = None
) -> None:
    """Add (or replace) the provider ``key``; registering it again changes nothing."""
    _providers[key] = Provider(key=key, collect=collect, anonymise=anonymise)


def personal_data_providers() -> list[Provider]:
    return [_providers[key] for key in sorted(_providers)]


# -- gathering --------------------------------------------------------------------------------


def _label(model: type[Model], path: str) -> str:
    """The verbose name of ``path`` (``owner__username`` names the owner), else the path."""
    current: Any = model
    verbose: Any = path
    for part in path.split("__"):
        try:
            found = current._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return path
        verbose = getattr(found, "verbose_name", part)
        current = getattr(found, "related_model", None)
        if current is None:
            break
    return str(capfirst(verbose))


def section(key: str, title: Any, queryset: QuerySet[Any], fields: Sequence[str]) -> Section:
    """The rows of ``queryset`` with ``fields`` (lookups through relations allowed)."""
    model = queryset.model
    columns = [(name, _label(model, name)) for name in fields]
    rows = [dict(row) for row in queryset.values(*fields)]
    return Section(key=key, title=str(title), columns=columns, rows=rows)


HISTORY_COLUMNS = (
    "history_date",
    "history_type",
    "history_user__username",
    "history_change_reason",
)
# Derived keys (search, duplicate check): no one's data beyond what the fields show.
_NOT_EXPORTED = {"search_text", "search_phone", "search_email", "name_key", "phone_digits"}


def history_section(key: str, title: Any, model: type[Model], condition: Q) -> Section:
    """The audit history rows of ``model`` matching ``condition``, oldest first."""
    history = getattr(model, "history").model  # noqa: B009  (simple-history's manager)
    own = [
        f.attname
        for f in history._meta.concrete_fields
        if not f.name.startswith("history_") and f.name not in _NOT_EXPORTED
    ]
    queryset = history.objects.filter(condition).order_by("history_date", "history_id")
    return section(key, title, queryset, [*HISTORY_COLUMNS, *own])


# -- erasing ----------------------------------------------------------------------------------


def anonymised_history_reason(reason: str) -> str:
    """The audit history's reason for an anonymisation, cut to fit the history's column."""
    text = _("Personal data anonymised: %(reason)s") % {"reason": reason}
    # Every model's history shares simple-history's column (a longer reason fails on PostgreSQL).
    limit: int = Customer.history.model._meta.get_field("history_change_reason").max_length
    return text if len(text) <= limit else text[: limit - 1] + "…"


def personal_fields_erase(
    *,
    queryset: QuerySet[Any],
    values: Mapping[str, Any],
    history_condition: Q,
    reason: str,
    actor: Any,
) -> int:
    """Replace ``values`` in the records of ``queryset`` and in their audit history.

    Each record gets a version bump (a form open on it becomes stale) and one history row
    saying the change happened, by ``actor`` for ``reason``; then every history row matching
    ``history_condition`` (the records' own, also of records deleted for good) gets the same
    values, so the history keeps that changes happened, not what the person's values were.
    ``values`` may be expressions over the row (:func:`placeholder_expression`). Returns how
    many records changed.
    """
    model = queryset.model
    pks = list(queryset.order_by().values_list("pk", flat=True))
    if pks:
        model._base_manager.filter(pk__in=pks).update(
            **values,
            version=F("version") + 1,
            updated_by=actor,
            updated_at=timezone.now(),
        )
        record_history_bulk(
            rows=model._base_manager.filter(pk__in=pks).order_by("pk"), reason=reason, actor=actor
        )
    getattr(model, "history").filter(history_condition).update(**values)  # noqa: B009
    return len(pks)


# -- the archive --------------------------------------------------------------------------------


def _sheet_title(title: str, taken: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Sheet"
    name, number = base, 2
    while name.lower() in taken:
        name, number = f"{base[:26]}~{number}", number + 1
    taken.add(name.lower())
    return name


def _xlsx(sections: Sequence[Section]) -> bytes:
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for part in sections:
        sheet = workbook.create_sheet(title=_sheet_title(part.title, taken))
        sheet.append([xlsx_cell(label) for _name, label in part.columns])
        for row in part.rows:
            sheet.append([xlsx_cell(_plain(row.get(name))) for name, _label in part.columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    """A cell value openpyxl can store (JSON and other structures as text)."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    return value


def personal_data_archive(*, about: Mapping[str, Any], sections: Sequence[Section]) -> bytes:
    """The export as a zip: everything as JSON, and as a workbook of one sheet per section."""
    document = {
        **about,
        "sections": {
            part.key: {
                "title": part.title,
                "columns": dict(part.columns),
                "rows": part.rows,
            }
            for part in sections
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            JSON_NAME,
            json.dumps(document, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
        )
        archive.writestr(XLSX_NAME, _xlsx(sections))
    return buffer.getvalue()
