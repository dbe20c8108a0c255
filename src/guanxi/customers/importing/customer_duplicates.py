"""Customer import rows that seem to repeat a customer: by code, or by the duplicate keys of
``dedup`` (tax id, name, phone, e-mail) against an earlier row of the file or a live customer.

A batch costs a fixed handful of queries: codes, each key once for the rows no earlier key
matched, and the matches the importer may see. Each match is marked on the row with
``mark_duplicate`` naming the candidate's code and name, so the user chooses what the import
does with it. A customer the importer may not see, or found only through a field protected
from them, is not named (as ``dedup`` does).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from guanxi.core.imports.registry import UNCHANGED, ImportRow
from guanxi.core.phones import STORED_PHONE
from guanxi.core.scoping import scope_queryset
from guanxi.customers import dedup
from guanxi.customers.importing.customer_columns import CUSTOMER_COLUMNS
from guanxi.customers.masking import PROTECTABLE_FIELDS, field_protection
from guanxi.customers.models import Customer

# The duplicate keys, in the order a match is reported (the first one found names it).
KEY_FIELDS = ("tax_id", "name", "phone", "email")
_KEY_COLUMNS = {"tax_id": "tax_id", "name": "name_key", "phone": "phone_digits"}
_LABELS = {column.name: column.label for column in CUSTOMER_COLUMNS}


def duplicate_keys(values: dict[str, Any]) -> dict[str, str]:
    """The row's keys for the duplicate check, as ``dedup`` computes a customer's."""
    phone = values.get("phone", "")
    return {
        "tax_id": values.get("tax_id", ""),
        "name": dedup.name_key(values["name"]),
        # A stored phone is E.164: its key is its digits without the extension (as
        # dedup.phone_digits finds them, without parsing the number again).
        "phone": phone[1:].split(";", 1)[0] if STORED_PHONE.fullmatch(phone) else "",
        "email": (values.get("email") or "").upper(),
    }


def _unchanged(row: ImportRow, field_name: str, message: str) -> None:
    """Present, but not to be named to this importer: skipped without a candidate."""
    row.warning(field_name, message, "present")
    row.outcome = UNCHANGED


@dataclass(slots=True)
class _Earlier:
    """What the rest of the file needs of a row: not its cells (a file may have 200,000)."""

    number: int
    name: str
    existing: Customer | None = None


class DuplicateFinder:
    """Marks the rows of one file that repeat a customer; remembers the file's earlier rows."""

    def __init__(self, *, actor: Any) -> None:
        self.actor = actor
        self.seen: dict[tuple[str, str], _Earlier] = {}
        # The previous batch's rows, whose customers were written after they were remembered.
        self.recent: list[tuple[_Earlier, ImportRow]] = []
        protection = field_protection(actor)
        self.protected = {
            name
            for name in KEY_FIELDS
            if f"customer.{name}" in PROTECTABLE_FIELDS and f"customer.{name}" in protection
        }

    def mark(self, rows: list[ImportRow]) -> None:
        """Mark every row of ``rows`` (new customers to be) that repeats another customer."""
        for remembered, written in self.recent:
            existing = written.existing
            remembered.existing = existing if isinstance(existing, Customer) else None
        self.recent = []
        codes = self._codes(rows)
        matches = self._matches(rows)
        ids = {pk for pk, _deleted in codes.values()} | {
            pk for table in matches.values() for pk in table.values()
        }
        visible = self._visible(ids)
        for row in rows:
            keys = row.related["keys"]
            code = row.values.get("code")
            if code and code in codes:
                self._code_match(row, visible.get(codes[code][0]))
            elif (earlier := self._earlier(keys)) is not None:
                key_field, other = earlier
                candidate = other.existing
                row.mark_duplicate(
                    candidate,
                    key_field,
                    _("Same %(field)s as row %(row)d of the file (%(name)s); the row is skipped.")
                    % {
                        "field": _LABELS[key_field],
                        "row": other.number,
                        # The row's name, not a code: in a dry run its customer is never kept.
                        "name": other.name,
                    },
                )
            elif (found := self._match(keys, matches)) is not None:
                key_field, pk = found
                self._key_match(row, key_field, visible.get(pk))
            if not row.outcome:
                remembered = _Earlier(row.number, row.values["name"])
                self.recent.append((remembered, row))
                for key_field in KEY_FIELDS:
                    if key := keys.get(key_field):
                        self.seen.setdefault((key_field, key), remembered)

    def _code_match(self, row: ImportRow, candidate: Customer | None) -> None:
        if candidate is None:
            _unchanged(
                row,
                "code",
                _("A customer with this code already exists; the row is skipped.")
                + " "
                + _("You cannot see that customer."),
            )
            return
        row.mark_duplicate(
            candidate,
            "code",
            _("The customer %(customer)s has this code; the row is skipped.")
            % {"customer": _named(candidate)},
        )

    def _key_match(self, row: ImportRow, key_field: str, candidate: Customer | None) -> None:
        if key_field in self.protected:
            # Found through a field protected from the importer: naming the customer or the
            # field would tell them its value (as in dedup).
            _unchanged(
                row, "", _("A possible duplicate of an existing customer; the row is skipped.")
            )
        elif candidate is None:
            _unchanged(
                row,
                key_field,
                _("Same %(field)s as an existing customer; the row is skipped.")
                % {"field": _LABELS[key_field]}
                + " "
                + _("You cannot see that customer."),
            )
        else:
            row.mark_duplicate(
                candidate,
                key_field,
                _("Same %(field)s as the existing customer %(customer)s; the row is skipped.")
                % {"field": _LABELS[key_field], "customer": _named(candidate)},
            )

    def _earlier(self, keys: dict[str, str]) -> tuple[str, _Earlier] | None:
        for key_field in KEY_FIELDS:
            key = keys.get(key_field)
            if key and (key_field, key) in self.seen:
                return key_field, self.seen[(key_field, key)]
        return None

    @staticmethod
    def _match(keys: dict[str, str], matches: dict[str, dict[str, int]]) -> tuple[str, int] | None:
        for key_field in KEY_FIELDS:
            key = keys.get(key_field)
            if key and key in matches[key_field]:
                return key_field, matches[key_field][key]
        return None

    @staticmethod
    def _codes(rows: list[ImportRow]) -> dict[str, tuple[int, bool]]:
        """``{code: (pk, in the recycle bin)}`` of the customers the rows' codes name."""
        codes = {row.values["code"] for row in rows if row.values.get("code")}
        if not codes:
            return {}
        found = Customer.all_objects.filter(code__in=codes).values_list("code", "pk", "deleted_at")
        return {code: (pk, deleted is not None) for code, pk, deleted in found}

    @staticmethod
    def _matches(rows: list[ImportRow]) -> dict[str, dict[str, int]]:
        """Live customers sharing a key with the rows: ``{key field: {key: pk}}``.

        Keys are tried in KEY_FIELDS order and a row that matched is not looked up again, so
        re-importing a file costs one query per batch, not one per key.
        """
        lookups: dict[str, tuple[str, QuerySet[Customer]]] = {
            name: (column, Customer.objects.all()) for name, column in _KEY_COLUMNS.items()
        }
        # UPPER(email), as email__iexact compares it: the index customer_email_upper serves it.
        lookups["email"] = ("email_upper", Customer.objects.annotate(email_upper=Upper("email")))
        matches: dict[str, dict[str, int]] = {}
        remaining = list(rows)
        for key_field in KEY_FIELDS:
            column, queryset = lookups[key_field]
            matches[key_field] = {}
            keys = {row.related["keys"][key_field] for row in remaining}
            keys.discard("")
            if not keys:
                continue
            found = queryset.filter(**{f"{column}__in": keys}).order_by("pk")
            for key, pk in found.values_list(column, "pk"):
                matches[key_field].setdefault(key, pk)
            remaining = [
                row for row in remaining if row.related["keys"][key_field] not in matches[key_field]
            ]
        return matches

    def _visible(self, ids: set[int]) -> dict[int, Customer]:
        """The live customers among ``ids`` the importer may see (one query)."""
        if not ids:
            return {}
        queryset = scope_queryset(Customer.objects.filter(pk__in=ids), self.actor)
        return {customer.pk: customer for customer in queryset}


def _named(customer: Customer) -> str:
    return f"{customer.code} {customer.name}"
