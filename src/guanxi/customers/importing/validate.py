"""Per-row checks of an import, with the same rules as the customer form and API.

Values are parsed (dictionary entries by code or name, owners by username, choices by value
or label in either language), normalised by the customer service's own normalisers, then run
through the model field's validators. Duplicates are found with the keys of ``dedup`` — in the
file itself and among live customers — batch by batch, a handful of queries per batch.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.functions import Upper
from django.utils import translation
from django.utils.translation import gettext as _

from guanxi.accounts import roles
from guanxi.accounts.selectors.users import assignable_owners
from guanxi.core.imports.values import not_in_future, parse_datetime_text
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.models.imports import EXTERNAL_REF_LENGTH
from guanxi.core.phones import phone_normalise
from guanxi.core.scoping import scope_q, scope_queryset
from guanxi.customers import dedup, rules
from guanxi.customers.identifiers import IDENTIFIER_FIELDS, identifier_check
from guanxi.customers.importing.mapping import REQUIRED_FIELDS, field_labels, fold
from guanxi.customers.masking import PROTECTABLE_FIELDS, field_protection
from guanxi.customers.models import Customer
from guanxi.customers.services.credit import credit_hold_reason_clean
from guanxi.customers.services.customers import identifier_normalise, tags_normalise

NEW, UNCHANGED, DUPLICATE, ERROR = "new", "unchanged", "duplicate", "error"
DICTIONARY_FIELDS = {
    "level": DictionaryKind.CUSTOMER_LEVEL,
    "region": DictionaryKind.REGION,
    "industry": DictionaryKind.INDUSTRY,
    "source": DictionaryKind.SOURCE,
}
CHOICE_FIELDS = {"kind": Customer.Kind, "credit_status": Customer.CreditStatus}
_MONEY_NOISE = str.maketrans("", "", ",，¥￥ 元")
# The duplicate keys, in the order a match is reported (the first one found names it).
KEY_FIELDS = ("tax_id", "name", "phone", "email")
# Fields whose values repeat across a file: their parsed values (or errors) are remembered,
# so 100,000 rows cost a few hundred parses, not 100,000. Bounded per field.
REPEATING_FIELDS = {
    *DICTIONARY_FIELDS,
    *CHOICE_FIELDS,
    "owner",
    "satisfaction",
    "credit",
    "registered_capital",
    "annual_revenue",
    "tags",
    "bank",
}
_CACHE_LIMIT = 4096


@dataclass
class RowResult:
    """What one file row becomes: its status, the customer fields, and the report lines."""

    number: int
    status: str = NEW
    values: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)
    findings: list = field(default_factory=list)

    def add(self, kind: str, column: str, message: str, **extra) -> None:
        self.findings.append(
            {"row": self.number, "kind": kind, "column": column, "message": message, **extra}
        )


def _choice_table(choices) -> dict[str, str]:
    table = {}
    for value, label in choices.choices:
        table[fold(value)] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                table.setdefault(fold(str(label)), value)
    # Everyday Chinese words for a customer's kind besides the labels.
    if choices is Customer.Kind:
        table.update({fold("公司"): "company", fold("企业"): "company", fold("个人客户"): "person"})
    return table


def default_owner_id(actor) -> int | None:
    """An importing account manager owns what they import; anyone else fills the pool."""
    return actor.pk if actor.groups.filter(name=roles.ACCOUNT_MANAGER).exists() else None


class RowValidator:
    """Checks the rows of one file for one actor; remembers the file's rows for duplicates."""

    def __init__(self, *, actor, headers: list[str], mapping: dict[str, str]):
        self.actor = actor
        self.labels = field_labels()
        self.columns = [
            (index, mapping[header], header)
            for index, header in enumerate(headers)
            if mapping.get(header)
        ]
        self.header_of = {name: header for _index, name, header in self.columns}
        self.model_fields = {f.name: f for f in Customer._meta.concrete_fields}
        self.dictionaries = self._dictionaries()
        self.owners = self._owner_keys(actor)
        self.owner_default = default_owner_id(actor)
        self.choices = {name: _choice_table(choices) for name, choices in CHOICE_FIELDS.items()}
        self.seen: dict[tuple[str, str], int] = {}
        self.may_hold: dict[int | None, bool] = {}
        self.cache: dict[str, dict[str, object]] = {name: {} for name in REPEATING_FIELDS}

    @staticmethod
    def _owner_keys(actor) -> dict[str, int | None]:
        """Owners the actor may name, by username, e-mail or display name (casefolded);
        a key two of them share maps to None (ambiguous)."""
        keys: dict[str, int | None] = {}
        people = assignable_owners(actor=actor).values_list(
            "pk", "username", "email", "last_name", "first_name"
        )
        for pk, username, email, last_name, first_name in people:
            display = f"{last_name or ''}{first_name or ''}".strip()
            for key in {username, email, display}:
                if key:
                    key = key.strip().casefold()
                    keys[key] = pk if keys.get(key, pk) == pk else None
        return keys

    @staticmethod
    def _dictionaries() -> dict[str, dict[str, int]]:
        kinds: dict[str, str] = {kind: name for name, kind in DICTIONARY_FIELDS.items()}
        tables: dict[str, dict[str, int]] = {name: {} for name in DICTIONARY_FIELDS}
        entries = DictionaryEntry.objects.filter(is_active=True, kind__in=list(kinds))
        for pk, kind, code, name_zh, name_en in entries.values_list(
            "pk", "kind", "code", "name_zh", "name_en"
        ):
            table = tables[kinds[kind]]
            for key in (code, name_zh, name_en):
                table.setdefault(fold(key), pk)
        return tables

    # -- one value ---------------------------------------------------------------------------

    def _parse_cached(self, name: str, text: str):
        cache = self.cache.get(name)
        if cache is None:
            return self._parse(name, text)
        outcome = cache.get(text)
        if outcome is None:
            try:
                outcome = self._parse(name, text)
            except ValidationError as error:
                outcome = error
            if len(cache) < _CACHE_LIMIT:
                cache[text] = outcome
        if isinstance(outcome, ValidationError):
            raise ValidationError(outcome.messages)  # a fresh error: no growing traceback
        return outcome

    def _parse(self, name: str, text: str):
        """The stored value of field ``name`` for cell ``text``; ValidationError if invalid."""
        if name in DICTIONARY_FIELDS:
            pk = self.dictionaries[name].get(fold(text))
            if pk is None:
                raise ValidationError(
                    _("“%(value)s” is not in the %(field)s dictionary.")
                    % {"value": text, "field": self.labels[name]}
                )
            return pk
        if name == "owner":
            key = text.strip().casefold()
            if key in self.owners and self.owners[key] is None:
                raise ValidationError(
                    _("Several users are called “%(value)s”: give the username or e-mail.")
                    % {"value": text}
                )
            pk = self.owners.get(key)
            if pk is None:
                raise ValidationError(
                    _("“%(value)s”: you cannot give customers to this user (or there is none).")
                    % {"value": text}
                )
            return pk
        if name in CHOICE_FIELDS:
            value = self.choices[name].get(fold(text))
            if value is None:
                raise ValidationError(_("“%(value)s” is not a valid choice.") % {"value": text})
            return value
        if name == "code":
            return identifier_normalise(text)
        if name == "external_ref":
            if len(text) > EXTERNAL_REF_LENGTH:
                raise ValidationError(
                    _("At most %(count)d characters (this one has %(length)d).")
                    % {"count": EXTERNAL_REF_LENGTH, "length": len(text)}
                )
            return text
        if name == "created_at":
            moment = parse_datetime_text(text)
            not_in_future(moment)
            return moment
        if name == "credit_hold_reason":
            return credit_hold_reason_clean(text)
        if name == "tags":
            try:
                return tags_normalise(text)
            except ValidationError as error:
                raise ValidationError(error.message_dict["tags"]) from error
        if name in ("phone", "fax"):
            return phone_normalise(text, label=str(self.labels[name]))
        if name in IDENTIFIER_FIELDS:
            return identifier_check(name, text, label=str(self.labels[name]))
        if name in ("registered_capital", "annual_revenue"):
            text = text.translate(_MONEY_NOISE)
        model_field = self.model_fields[name]
        if model_field.get_internal_type() == "CharField":
            # Text needs no conversion: only the field's validators (length, format) apply.
            for validator in model_field.validators:
                validator(text)
            return text
        return model_field.clean(text, None)

    # -- one row -----------------------------------------------------------------------------

    def parse_row(self, number: int, cells: list[str]) -> RowResult:
        row = RowResult(number=number)
        for index, name, header in self.columns:
            text = cells[index].strip() if index < len(cells) else ""
            if not text:
                continue
            try:
                row.values[name] = self._parse_cached(name, text)
            except ValidationError as error:
                for message in error.messages:
                    row.add(ERROR, header, message)
        for name in REQUIRED_FIELDS:
            if name not in row.values and not any(
                f["column"] == self.header_of.get(name) for f in row.findings
            ):
                row.add(ERROR, self.header_of.get(name, ""), _("This field is required."))
        if row.findings:
            row.status = ERROR
            return row
        if "owner" not in row.values:
            row.values["owner"] = self.owner_default
        values = row.values
        row.keys = {
            "tax_id": values.get("tax_id", ""),
            "name": dedup.name_key(values["name"]),
            "phone": dedup.phone_digits(values.get("phone", "")),
            "email": (values.get("email") or "").upper(),
        }
        return row

    # -- a batch of rows ---------------------------------------------------------------------

    def check_batch(self, cells_by_number: list[tuple[int, list[str]]]) -> list[RowResult]:
        """Parse the rows, then mark those already present (by code) or duplicated."""
        rows = [self.parse_row(number, cells) for number, cells in cells_by_number]
        candidates = [row for row in rows if row.status != ERROR]
        existing_codes = self._existing_codes(candidates)
        matches = self._database_matches(candidates)
        existing_refs = self._existing_refs(candidates)
        visible = self._visible(
            {c["pk"] for c in existing_codes.values()}
            | {c["pk"] for c in existing_refs.values()}
            | {c["pk"] for table in matches.values() for c in table.values()},
            deleted={c["pk"] for c in existing_codes.values() if c["deleted_at"]},
        )
        for row in candidates:
            code = row.values.get("code")
            ref = row.values.get("external_ref")
            if ref and ref in existing_refs:
                row.status = UNCHANGED
                self._point_at(
                    row,
                    existing_refs[ref],
                    visible,
                    UNCHANGED,
                    "external_ref",
                    _("A customer with this external id already exists; the row is skipped."),
                )
            elif code and code in existing_codes:
                row.status = UNCHANGED
                self._point_at(
                    row,
                    existing_codes[code],
                    visible,
                    UNCHANGED,
                    "code",
                    _("A customer with this code already exists; the row is skipped."),
                )
            elif (earlier := self._earlier_row(row)) is not None:
                key_field, number = earlier
                row.status = DUPLICATE
                row.add(
                    DUPLICATE,
                    self.header_of.get(key_field, ""),
                    _("Same %(field)s as row %(row)d of the file; the row is skipped.")
                    % {"field": self.labels[key_field], "row": number},
                    other_row=number,
                )
            elif (found := self._database_match(row, matches)) is not None:
                key_field, candidate = found
                row.status = DUPLICATE
                rule_key = f"customer.{key_field}"
                if rule_key in PROTECTABLE_FIELDS and rule_key in field_protection(self.actor):
                    # Found through a field protected from the importer: naming the customer
                    # or the field would tell them its value (as in dedup).
                    row.add(
                        DUPLICATE,
                        "",
                        _("A possible duplicate of an existing customer; the row is skipped."),
                    )
                else:
                    self._point_at(
                        row,
                        candidate,
                        visible,
                        DUPLICATE,
                        key_field,
                        _("Same %(field)s as an existing customer; the row is skipped.")
                        % {"field": self.labels[key_field]},
                    )
            else:
                self._check_credit_hold(row)
            self._remember(row)
        return rows

    def _check_credit_hold(self, row: RowResult) -> None:
        """A new customer on credit hold obeys the credit rule (services.credit): set by an
        administrator or the supervisor of the owner's team, with a reason. Anyone else's row
        is refused rather than imported without the hold, which would hide the risk."""
        values = row.values
        if values.get("credit_status") != Customer.CreditStatus.ON_HOLD:
            values.pop("credit_hold_reason", None)  # no hold: nothing it could be the reason of
            return
        owner_id = values.get("owner")
        if owner_id not in self.may_hold:
            self.may_hold[owner_id] = bool(
                rules.may_set_credit_hold(self.actor, Customer(owner_id=owner_id))
            )
        if not self.may_hold[owner_id]:
            row.status = ERROR
            row.add(
                ERROR,
                self.header_of.get("credit_status", ""),
                _(
                    "Only an administrator or the sales supervisor of the account manager's "
                    "team can import a customer on credit hold; the row is not imported."
                ),
            )
        elif not values.get("credit_hold_reason"):
            row.status = ERROR
            row.add(
                ERROR,
                self.header_of.get("credit_hold_reason") or self.header_of.get("credit_status", ""),
                _("A customer on credit hold needs the reason, in the “%(field)s” column.")
                % {"field": self.labels["credit_hold_reason"]},
            )

    def _earlier_row(self, row: RowResult):
        for key_field in KEY_FIELDS:
            key = row.keys.get(key_field)
            if key and (key_field, key) in self.seen:
                return key_field, self.seen[(key_field, key)]
        return None

    def _remember(self, row: RowResult) -> None:
        for key_field in KEY_FIELDS:
            if key := row.keys.get(key_field):
                self.seen.setdefault((key_field, key), row.number)

    def _point_at(self, row, candidate, visible, kind, key_field, message) -> None:
        if candidate["pk"] in visible:
            row.add(
                kind,
                self.header_of.get(key_field, ""),
                message,
                customer_id=candidate["pk"],
                customer=f"{candidate['name']} ({candidate['code']})",
            )
        else:
            row.add(
                kind,
                self.header_of.get(key_field, ""),
                message + " " + _("You cannot see that customer."),
            )

    @staticmethod
    def _existing_codes(rows) -> dict[str, Mapping[str, Any]]:
        codes = {row.values["code"] for row in rows if row.values.get("code")}
        if not codes:
            return {}
        found = Customer.all_objects.filter(code__in=codes).values(
            "pk", "code", "name", "deleted_at"
        )
        return {c["code"]: c for c in found}

    @staticmethod
    def _existing_refs(rows) -> dict[str, Mapping[str, Any]]:
        refs = {row.values["external_ref"] for row in rows if row.values.get("external_ref")}
        if not refs:
            return {}
        found = Customer.objects.filter(external_ref__in=refs).values(
            "pk", "code", "name", "external_ref"
        )
        return {c["external_ref"]: c for c in found}

    @staticmethod
    def _database_matches(rows) -> dict[str, dict[str, dict]]:
        """Live customers sharing a key with the rows: ``{key field: {key: customer}}``.

        Keys are tried in KEY_FIELDS order and a row that matched is not looked up again, so
        re-importing a file costs one query per batch, not one per key.
        """
        lookups: dict[str, tuple[str, QuerySet[Customer]]] = {
            "tax_id": ("tax_id", Customer.objects.all()),
            "name": ("name_key", Customer.objects.all()),
            "phone": ("phone_digits", Customer.objects.all()),
            # UPPER(email), as email__iexact compares it: the index of migration 0004 serves it.
            "email": ("email_upper", Customer.objects.annotate(email_upper=Upper("email"))),
        }
        matches: dict[str, dict[str, dict]] = {}
        remaining = list(rows)
        for key_field in KEY_FIELDS:
            column, queryset = lookups[key_field]
            matches[key_field] = {}
            keys = {row.keys[key_field] for row in remaining if row.keys.get(key_field)}
            if not keys:
                continue
            found = queryset.filter(**{f"{column}__in": keys}).order_by("pk")
            for candidate in found.values("pk", "code", "name", column):
                matches[key_field].setdefault(candidate[column], candidate)
            remaining = [
                row for row in remaining if row.keys.get(key_field) not in matches[key_field]
            ]
        return matches

    @staticmethod
    def _database_match(row, matches):
        for key_field in KEY_FIELDS:
            key = row.keys.get(key_field)
            if key and key in matches[key_field]:
                return key_field, matches[key_field][key]
        return None

    def _visible(self, ids: set[int], deleted: set[int]) -> set[int]:
        if not ids:
            return set()
        if scope_q(self.actor, Customer) is None:  # sees every live customer: no query needed
            return ids - deleted
        # Live customers only: one in the recycle bin gets no link (its page is a 404).
        queryset = Customer.objects.filter(pk__in=ids)
        return set(scope_queryset(queryset, self.actor).values_list("pk", flat=True))
