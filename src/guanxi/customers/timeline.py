"""A customer's timeline 客户时间线: everything that happened with the customer, newest first.

One selector, :func:`customer_timeline`, merges the entries of every registered *provider*:
interactions (with their attachments), documents (with their latest version), the system's
customer events and comments. Later apps add orders, opportunities, services or e-mails by
registering their own provider (``timeline.register(OrderProvider())``) — this module never
needs to know about them.

Paging is by keyset: an entry's place is (time, kind, id), newest first, and ``before`` is the
cursor of the last entry shown. Each provider answers with at most ``limit + 1`` rows from
one bounded, indexed query (plus one prefetch where it shows related rows), so a page costs
the same whether the customer has ten entries or ten thousand.
"""

from __future__ import annotations

import copy
import datetime
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    CharField,
    DateTimeField,
    DecimalField,
    Exists,
    F,
    Field,
    ForeignKey,
    JSONField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import JSONObject
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.collaboration.models import Comment
from guanxi.collaboration.rules import VIEW_COMMENT
from guanxi.collaboration.services.notifications import comment_can_delete
from guanxi.core.compiled import compiled_rows, reader_shape
from guanxi.core.scoping import sees_everything, visible_user_ids
from guanxi.customers import rules
from guanxi.customers.models import Customer, CustomerEvent, Document, DocumentVersion, Interaction
from guanxi.customers.models.churn import churn_warning_reason, model_warning_reason

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

DEFAULT_LIMIT = 30
# What an entry shows of a user (``User.__str__``), for ``load_related``.
USER_NAME = ("username", "first_name", "last_name")
MAX_ID = 2**63 - 1  # the largest id a database column holds; beyond it a cursor is garbled
MAX_LIMIT = 100
_CURSOR_SEPARATOR = "~"


def safe_url(name: str, *args) -> str:
    """The URL of ``name``, or "" while the view behind it is not installed (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class TimelineLink:
    """A file or record an entry carries, e.g. an interaction's attachment."""

    title: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline, whatever its source.

    ``kind`` names the provider (the filter key); ``subtype`` the record's own kind (a phone
    call, a contract...), with ``label`` its display name. ``record`` is the source row for
    templates that need more (e.g. a comment's delete button).
    """

    kind: str
    pk: int
    when: datetime.datetime
    title: str
    actor: Any = None
    text: str = ""
    url: str = ""
    icon: str = "dot"
    subtype: str = ""
    label: str = ""
    links: tuple[TimelineLink, ...] = ()
    deletable: bool = False  # may the viewer delete it here (a comment of their own)
    record: Any = field(default=None, compare=False, repr=False)

    @property
    def cursor(self) -> str:
        return Cursor(self.when, self.kind, self.pk).encode()

    @property
    def sort_key(self) -> tuple:
        return (self.when, self.kind, self.pk)


@dataclass(frozen=True)
class Cursor:
    """A place in the timeline: entries strictly after it (older) come next.

    Encoded as ``<UTC time>~<kind>~<id>``; a bare time means "older than this moment".
    """

    when: datetime.datetime
    kind: str = ""
    pk: int | None = None

    def encode(self) -> str:
        utc = self.when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return _CURSOR_SEPARATOR.join((utc, self.kind, str(self.pk)))

    @classmethod
    def decode(cls, raw: str) -> Cursor:
        parts = raw.strip().split(_CURSOR_SEPARATOR)
        error = ValidationError(
            {"before": _("Give a time such as 2026-01-31T08:00:00Z, or a cursor from a page.")}
        )
        if len(parts) not in (1, 3):
            raise error
        try:
            when = datetime.datetime.fromisoformat(parts[0])
        except ValueError as bad:
            raise error from bad
        if timezone.is_naive(when):
            when = timezone.make_aware(when)
        if len(parts) == 1:
            return cls(when)
        kind, pk = parts[1], parts[2]
        if not kind or not pk.isdigit() or int(pk) > MAX_ID:
            raise error
        return cls(when, kind, int(pk))

    def q(self, *, kind: str, time_field: str) -> Q:
        """The rows of provider ``kind`` that come after this cursor (time, kind, id descending)."""
        older = Q(**{f"{time_field}__lt": self.when})
        if not self.kind or kind > self.kind:
            # Same-time rows of a "greater" kind were shown before the cursor's entry.
            return older
        same_time = Q(**{time_field: self.when})
        if kind < self.kind:
            return older | same_time
        return older | (same_time & Q(pk__lt=self.pk))


@dataclass(frozen=True)
class TimelinePage:
    """One page of the timeline and the cursor of the next one."""

    entries: list[TimelineEntry]
    next_before: str | None  # the cursor for "load more"; None on the last page


class TimelineProvider:
    """A source of timeline entries. Subclass it (usually via :class:`QuerysetProvider`).

    ``kind`` is the filter key, ``label`` its name in the filter; ``permission`` (if set) is
    the right a user needs for the entries to appear at all.
    """

    kind: str = ""
    label: Any = ""
    permission: str | None = None

    def visible_to(self, actor) -> bool:
        return not self.permission or actor.has_perm(self.permission)

    def entries(
        self, *, actor, customer: Customer, cursor: Cursor | None, limit: int
    ) -> list[TimelineEntry]:
        raise NotImplementedError


class QuerysetProvider(TimelineProvider):
    """A provider reading one model: say which rows, which time field, and how a row reads.

    A provider that names what :meth:`entry` reads — ``model``, ``load_fields`` (fields of the
    row, foreign keys as ids) and ``load_related`` ({relation: fields of the related row}) —
    has its rows come with the merged page's one query, as JSON, instead of one query per
    kind on the page; :meth:`complete` adds what a JSON object cannot hold (a list of files).
    """

    time_field: str = "created_at"
    model: type[Model] | None = None
    load_fields: tuple[str, ...] = ()
    load_related: dict[str, tuple[str, ...]] = {}

    def queryset(self, *, actor, customer: Customer) -> QuerySet:
        raise NotImplementedError

    def entry(self, row, *, actor) -> TimelineEntry:
        raise NotImplementedError

    def entries(self, *, actor, customer, cursor, limit):
        rows = self.queryset(actor=actor, customer=customer)
        if cursor is not None:
            rows = rows.filter(cursor.q(kind=self.kind, time_field=self.time_field))
        rows = rows.order_by(f"-{self.time_field}", "-pk")[:limit]
        return [self.entry(row, actor=actor) for row in rows]

    def keys(self, *, actor, customer, cursor, limit: int | None = None) -> QuerySet:
        """``(kind, id, time, row)`` of this source's rows after ``cursor``, for the merged
        page; with ``limit``, only its newest ``limit`` rows where the database allows a
        slice inside a UNION (PostgreSQL), so a busy customer's rows are not all turned into
        JSON before the page's limit."""
        rows = self.queryset(actor=actor, customer=customer)
        if cursor is not None:
            rows = rows.filter(cursor.q(kind=self.kind, time_field=self.time_field))
        keys = rows.annotate(
            timeline_kind=Value(self.kind, output_field=CharField()),
            timeline_when=F(self.time_field),
            timeline_row=self._row_object(),
        ).values_list("timeline_kind", "pk", "timeline_when", "timeline_row")
        if limit is not None and connection.features.supports_slicing_ordering_in_compound:
            return keys.order_by(f"-{self.time_field}", "-pk")[:limit]
        return keys.order_by()

    def annotations(self) -> dict[str, Any]:
        """Computed values ``entry`` reads (set as attributes of the row of that name)."""
        return {}

    def _row_object(self):
        if not self.load_fields:
            return Value(None, output_field=JSONField())
        columns = {name: F(name) for name in ("pk", *self.load_fields)}
        for relation, names in self.load_related.items():
            columns.update({f"{relation}__{name}": F(f"{relation}__{name}") for name in names})
        columns.update(self.annotations())
        return JSONObject(**columns)

    def rows_from(self, objects: list[dict]) -> list[Model]:
        """Model instances from the JSON objects of :meth:`keys` (unread fields deferred)."""
        assert self.model is not None
        rows = []
        computed = list(self.annotations())
        for data in objects:
            row = _instance(self.model, data, self.load_related)
            for name in computed:
                setattr(row, name, data.get(name))
            rows.append(row)
        return rows

    def complete(self, rows: list[Model], *, actor) -> None:
        """Load what ``entry`` needs beyond the JSON object, for all ``rows`` at once."""


_PROVIDERS: dict[str, TimelineProvider] = {}


def register(provider: TimelineProvider | type[TimelineProvider]):
    """Add a provider (an instance, or a class used as a decorator); a kind registers once."""
    instance = provider() if isinstance(provider, type) else provider
    _PROVIDERS[instance.kind] = instance
    return provider


def timeline_kinds(*, actor) -> list[tuple[str, str]]:
    """(kind, label) of the sources ``actor`` sees, for the filter."""
    return [(p.kind, str(p.label)) for p in _PROVIDERS.values() if p.visible_to(actor)]


def _in_scope(actor, customer: Customer) -> bool:
    # The same rule as scoping.scope_q for Customer.scope_fields, answered without a query
    # (the visible ids are cached on the user by the scoped read that found the customer).
    if sees_everything(actor):
        return True
    if not actor.is_authenticated or not actor.is_active:
        return False
    if customer.owner_id is None:
        # A pool customer is readable by everyone with the view right (the pool selectors), its
        # past included: whoever claims it next sees what was done with it before.
        return actor.has_perm(rules.VIEW_CUSTOMER)
    ids = visible_user_ids(actor)
    return any(getattr(customer, f"{name}_id") in ids for name in Customer.scope_fields)


def customer_timeline(
    *,
    actor,
    customer: Customer,
    kinds=None,
    before: str | Cursor | None = None,
    limit: int = DEFAULT_LIMIT,
) -> TimelinePage:
    """The newest ``limit`` entries of ``customer``'s timeline older than ``before``.

    ``kinds`` restricts the sources (unknown kinds are a ValidationError on ``kind``); sources
    the actor has no right to are left out. A customer outside the actor's scope raises
    ``Customer.DoesNotExist``, like every scoped read.
    """
    if not _in_scope(actor, customer):
        raise Customer.DoesNotExist
    wanted = list(_PROVIDERS) if not kinds else list(dict.fromkeys(kinds))
    unknown = [kind for kind in wanted if kind not in _PROVIDERS]
    if unknown:
        raise ValidationError(
            {"kind": _("Unknown kind: %(kinds)s") % {"kinds": ", ".join(sorted(unknown))}}
        )
    cursor = Cursor.decode(before) if isinstance(before, str) and before else before or None
    limit = max(1, min(int(limit), MAX_LIMIT))
    providers = [_PROVIDERS[kind] for kind in wanted if _PROVIDERS[kind].visible_to(actor)]
    readers = [p for p in providers if isinstance(p, QuerysetProvider)]
    merged: list[TimelineEntry] = _queryset_entries(
        readers, actor=actor, customer=customer, cursor=cursor, limit=limit + 1
    )
    for provider in providers:
        if not isinstance(provider, QuerysetProvider):
            merged.extend(
                provider.entries(actor=actor, customer=customer, cursor=cursor, limit=limit + 1)
            )
    merged.sort(key=lambda entry: entry.sort_key, reverse=True)
    page = merged[:limit]
    next_before = page[-1].cursor if len(merged) > limit else None
    return TimelinePage(entries=page, next_before=next_before)


def _queryset_entries(
    providers: list[QuerysetProvider], *, actor, customer: Customer, cursor, limit: int
) -> list[TimelineEntry]:
    """The newest ``limit`` entries of ``providers``: one UNION query finds which rows they are
    (kind, id, time), then each kind on the page loads its rows for display — so the cost
    follows what the page shows, not how many sources exist."""
    if not providers:
        return []
    keys: list[tuple[Any, ...]]
    compiled = None
    if cursor is None:
        # The first page's UNION is compiled once per reader and set of sources
        # (core.compiled); its rows depend on the customer only through its id.
        def build(pk: int) -> tuple[QuerySet, None]:
            same = customer if pk == customer.pk else copy.copy(customer)
            same.pk = pk
            return _union(providers, actor=actor, customer=same, cursor=None, limit=limit), None

        kinds = tuple(provider.kind for provider in providers)
        shape = ("timeline", reader_shape(actor), kinds, limit)
        compiled = compiled_rows(shape, build, customer.pk)
    if compiled is not None:
        keys = compiled.rows
    else:
        keys = list(_union(providers, actor=actor, customer=customer, cursor=cursor, limit=limit))
    wanted: dict[str, list[tuple[int, dict | None]]] = {}
    for kind, pk, _when, data in keys:
        wanted.setdefault(kind, []).append((pk, data))
    by_kind = {provider.kind: provider for provider in providers}
    entries: list[TimelineEntry] = []
    for kind, found in wanted.items():
        provider = by_kind[kind]
        if provider.load_fields:
            rows = provider.rows_from([data for _pk, data in found if data is not None])
            provider.complete(rows, actor=actor)
        else:
            pks = [pk for pk, _data in found]
            rows = list(provider.queryset(actor=actor, customer=customer).filter(pk__in=pks))
        entries.extend(provider.entry(row, actor=actor) for row in rows)
    return entries


def _union(
    providers: list[QuerysetProvider], *, actor, customer: Customer, cursor, limit: int
) -> QuerySet:
    """The newest ``limit`` keys of ``providers`` after ``cursor``: one UNION query."""
    # One source alone is sliced by the page's own ORDER BY … LIMIT below.
    per_part = limit if len(providers) > 1 else None
    parts = [
        provider.keys(actor=actor, customer=customer, cursor=cursor, limit=per_part)
        for provider in providers
    ]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return union.order_by("-timeline_when", "-timeline_kind", "-pk")[:limit]


def _json_value(field: Field, value: Any) -> Any:
    """``value`` as read from a JSON object, in the Python type ``field`` gives it."""
    if value is None:
        return None
    if isinstance(field, DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None and timezone.is_naive(moment):
            # SQLite writes UTC without an offset.
            moment = timezone.make_aware(moment, datetime.UTC)
        return moment
    if isinstance(field, DecimalField) and isinstance(value, float):
        value = repr(value)  # the shortest text that reads back as this float: no binary tail
    if isinstance(field, JSONField):
        # SQLite embeds a JSON column as its text; PostgreSQL as the value itself.
        return json.loads(value) if isinstance(value, str) else value
    return field.to_python(value)


def _from_object(model: type[Model], data: dict, prefix: str = "") -> Model:
    names, values = [], []
    for model_field in model._meta.concrete_fields:
        name = "pk" if model_field.primary_key and not prefix else model_field.name
        if prefix + name in data:
            names.append(model_field.attname)
            values.append(_json_value(model_field, data[prefix + name]))
    return model.from_db(None, names, values)


def _instance(model: type[Model], data: dict, related: dict[str, tuple[str, ...]]) -> Model:
    row = _from_object(model, data)
    for relation in related:
        key = model._meta.get_field(relation)
        assert isinstance(key, ForeignKey)
        if getattr(row, key.attname) is None:
            setattr(row, relation, None)
        else:
            other = _from_object(cast(type[Model], key.related_model), data, f"{relation}__")
            other.pk = getattr(row, key.attname)
            setattr(row, relation, other)
    return row


# --- the built-in providers -----------------------------------------------------------------


def _latest_version_columns() -> dict[str, Subquery]:
    latest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    return {
        "latest_version_id": Subquery(latest.values("pk")[:1]),
        "latest_version_number": Subquery(latest.values("number")[:1]),
        "latest_version_name": Subquery(latest.values("original_name")[:1]),
        "latest_version_size": Subquery(latest.values("size")[:1]),
    }


def _with_latest_version(documents: QuerySet) -> QuerySet:
    """Annotate each document with its latest version (one query, no prefetch of every version)."""
    return documents.annotate(**_latest_version_columns())


class _LatestVersion(TypedDict):
    """What ``_with_latest_version`` adds to each document (the rest is set when the id is)."""

    latest_version_id: int | None
    latest_version_number: int
    latest_version_name: str
    latest_version_size: int


def _document_link(document: WithAnnotations[Document, _LatestVersion]) -> TimelineLink:
    if document.latest_version_id is None:
        return TimelineLink(document.title, safe_url("customers:document_detail", document.pk))
    note = _("v%(number)s · %(name)s · %(size)s") % {
        "number": document.latest_version_number,
        "name": document.latest_version_name,
        "size": filesizeformat(document.latest_version_size),
    }
    return TimelineLink(
        document.title,
        safe_url("customers:document_download", document.latest_version_id),
        note,
    )


_INTERACTION_ICONS = {
    Interaction.Kind.VISIT: "car",
    Interaction.Kind.CALL: "phone",
    Interaction.Kind.EMAIL: "mail",
    Interaction.Kind.MEETING: "people",
}


@register
class InteractionProvider(QuerysetProvider):
    kind = "interaction"
    label = gettext_lazy("Interactions")
    permission = rules.VIEW_INTERACTION
    time_field = "occurred_at"
    model = Interaction
    load_fields = ("occurred_at", "summary", "details", "place", "kind", "contact", "created_by")
    load_related = {"contact": ("name",), "created_by": USER_NAME}

    def annotations(self):
        return {"has_attachments": Exists(Document.objects.filter(interaction=OuterRef("pk")))}

    def complete(self, rows, *, actor):
        with_files = [row.pk for row in rows if row.has_attachments]
        attachments = (
            _with_latest_version(
                Document.objects.filter(interaction__in=with_files).order_by("created_at", "id")
            )
            if with_files
            else []
        )
        by_interaction: dict[int, list] = {}
        for document in attachments:
            by_interaction.setdefault(document.interaction_id, []).append(document)
        for row in rows:
            row.timeline_attachments = by_interaction.get(row.pk, [])

    def queryset(self, *, actor, customer):
        attachments = _with_latest_version(Document.objects.order_by("created_at", "id"))
        return (
            Interaction.objects.filter(customer=customer)
            .select_related("contact", "created_by")
            .prefetch_related(
                Prefetch("attachments", queryset=attachments, to_attr="timeline_attachments")
            )
        )

    def entry(self, row, *, actor):
        text = row.details
        if row.contact is not None or row.place:
            parts = (row.contact.name if row.contact else "", row.place)
            where = " · ".join(part for part in parts if part)
            text = f"{where}\n{text}" if text else where
        return TimelineEntry(
            kind=self.kind,
            pk=row.pk,
            when=row.occurred_at,
            title=row.summary,
            actor=row.created_by,
            text=text,
            url=safe_url("customers:interaction_detail", row.pk),
            icon=_INTERACTION_ICONS.get(row.kind, "dot"),
            subtype=row.kind,
            label=row.get_kind_display(),
            links=tuple(_document_link(doc) for doc in row.timeline_attachments),
            record=row,
        )


@register
class DocumentProvider(QuerysetProvider):
    """Documents filed on the customer itself; an interaction's attachments show under it."""

    kind = "document"
    label = gettext_lazy("Documents")
    permission = rules.VIEW_DOCUMENT
    model = Document
    load_fields = ("created_at", "title", "description", "category", "created_by")
    load_related = {"created_by": USER_NAME}

    def annotations(self):
        return _latest_version_columns()

    def queryset(self, *, actor, customer):
        return _with_latest_version(
            Document.objects.filter(customer=customer, interaction__isnull=True).select_related(
                "created_by"
            )
        )

    def entry(self, row, *, actor):
        return TimelineEntry(
            kind=self.kind,
            pk=row.pk,
            when=row.created_at,
            title=row.title,
            actor=row.created_by,
            text=row.description,
            url=safe_url("customers:document_detail", row.pk),
            icon="file",
            subtype=row.category,
            label=row.get_category_display(),
            links=(_document_link(row),) if row.latest_version_id else (),
            record=row,
        )


@register
class EventProvider(QuerysetProvider):
    kind = "event"
    label = gettext_lazy("Events")
    permission = rules.VIEW_CUSTOMER
    time_field = "happened_at"
    model = CustomerEvent
    load_fields = ("happened_at", "kind", "text", "data", "actor")
    load_related = {"actor": USER_NAME}

    def queryset(self, *, actor, customer):
        return CustomerEvent.objects.filter(customer=customer).select_related("actor")

    def entry(self, row, *, actor):
        return TimelineEntry(
            kind=self.kind,
            pk=row.pk,
            when=row.happened_at,
            title=row.get_kind_display(),
            actor=row.actor,
            text=row.text or _event_text(row),
            icon="flag",
            subtype=row.kind,
            label=row.get_kind_display(),
            record=row,
        )


def _event_text(event: CustomerEvent) -> str:
    """Words an event stores no text for, in the reader's language: why a churn warning fired."""
    data = event.data or {}
    if event.kind == CustomerEvent.Kind.CHURN_WARNING and data.get("source") == "model":
        return model_warning_reason(risk=data.get("risk"), reasons=data.get("reasons") or [])
    if event.kind == CustomerEvent.Kind.CHURN_WARNING and data.get("created"):
        last_order = data.get("last_order")
        return churn_warning_reason(
            last_order_at=datetime.datetime.fromisoformat(last_order) if last_order else None,
            created_at=datetime.datetime.fromisoformat(data["created"]),
        )
    return ""


@register
class CommentProvider(QuerysetProvider):
    """Comments on the customer: everyone who sees the customer sees all of its comments."""

    kind = "comment"
    label = gettext_lazy("Comments")
    permission = VIEW_COMMENT
    model = Comment
    load_fields = ("created_at", "body", "created_by", "content_type", "object_id")
    load_related = {"created_by": USER_NAME}

    def queryset(self, *, actor, customer):
        content_type = ContentType.objects.get_for_model(Customer)
        return Comment.objects.filter(
            content_type=content_type, object_id=customer.pk
        ).select_related("created_by")

    def entry(self, row, *, actor):
        return TimelineEntry(
            kind=self.kind,
            pk=row.pk,
            when=row.created_at,
            title=_("Comment"),
            actor=row.created_by,
            text=row.body,
            icon="comment",
            deletable=comment_can_delete(actor=actor, comment=row),
            record=row,
        )
