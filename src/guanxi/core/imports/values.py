"""Cell texts to field values, one column kind at a time, with a message naming the problem.

Dates take the spellings spreadsheets and other systems write (``2024-03-05``,
``2024/3/5 14:30``, ``2024年3月5日``); money may carry ``¥`` and thousands separators; yes/no
columns take 是/否, yes/no, true/false, 1/0; choices their value or label in either language.
Owners are people named by username, display name, e-mail or employee number.
"""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.imports.mapping import fold
from guanxi.core.imports.registry import (
    BOOL,
    CHOICE,
    DATE,
    DATETIME,
    DECIMAL,
    INT,
    OWNER,
    Column,
)
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.pinyin import pinyin_keys

_DATE = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)
_TRUE = {fold(word) for word in ("是", "真", "有", "对", "√", "yes", "y", "true", "t", "1", "x")}
_FALSE = {fold(word) for word in ("否", "假", "无", "不", "×", "no", "n", "false", "f", "0")}
_MONEY_NOISE = str.maketrans("", "", "¥￥,，  ")
# Users have no employee number today; an installation that adds one gets it matched too.
EMPLOYEE_NUMBER_FIELDS = ("employee_no", "employee_number")


def parse_datetime_text(text: str, *, aware: bool = True) -> datetime:
    """``text`` as an aware datetime (naive, in the file's own wording, with ``aware=False``:
    what a date column needs, without the time zone work done per row)."""
    match = _DATE.match(text)
    if match is None:
        raise ValidationError(
            _("“%(value)s” is not a date (write it as 2024-03-05 or 2024-03-05 14:30).")
            % {"value": text}
        )
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError as error:
        raise ValidationError(_("“%(value)s” is not a valid date.") % {"value": text}) from error
    if not aware:
        return moment
    if zone:
        return datetime.fromisoformat(moment.isoformat() + ("+00:00" if zone == "Z" else zone))
    return timezone.make_aware(moment)


def choice_table(choices: Any) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, label in choices.choices:
        table[fold(value)] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                table.setdefault(fold(str(label)), value)
    return table


def parse_value(column: Column, text: str, choices: dict[str, str] | None = None) -> Any:
    """The value of ``column`` for the non-empty cell ``text``; ValidationError if invalid."""
    kind = column.kind
    if kind == INT:
        try:
            return int(text.translate(_MONEY_NOISE))
        except ValueError as error:
            raise ValidationError(
                _("“%(value)s” is not a whole number.") % {"value": text}
            ) from error
    if kind == DECIMAL:
        try:
            value = Decimal(text.translate(_MONEY_NOISE))
        except InvalidOperation as error:
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": text}) from error
        if not value.is_finite():
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": text})
        return value
    if kind == DATE:
        return parse_datetime_text(text, aware=False).date()
    if kind == DATETIME:
        return parse_datetime_text(text)
    if kind == BOOL:
        key = fold(text)
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise ValidationError(_("“%(value)s”: write yes or no (是/否).") % {"value": text})
    if kind == CHOICE:
        choice = (choices or {}).get(fold(text))
        if choice is None:
            raise ValidationError(_("“%(value)s” is not a valid choice.") % {"value": text})
        return choice
    if column.max_length is not None and len(text) > column.max_length:
        raise ValidationError(
            _("At most %(count)d characters (this one has %(length)d).")
            % {"count": column.max_length, "length": len(text)}
        )
    return text


def not_in_future(value: datetime | date, *, tolerance_minutes: int = 5) -> None:
    now = timezone.now()
    if isinstance(value, datetime):
        late = value > now + timedelta(minutes=tolerance_minutes)
    else:
        late = value > timezone.localdate(now)
    if late:
        raise ValidationError(_("The date is in the future."))


class OwnerDirectory:
    """Every user by username, display name, e-mail and employee number (one query).

    Former employees count too: an imported record keeps the owner it had, even one who has
    since left. A name that two users share is refused as ambiguous.
    """

    def __init__(self) -> None:
        user_model = get_user_model()
        names = {f.name for f in user_model._meta.concrete_fields}
        extra = [name for name in EMPLOYEE_NUMBER_FIELDS if name in names]
        # Exact (case aside) first, then folded (width, spaces, punctuation): "manager_1" and
        # "manager1" are two users, not one ambiguous name.
        self.exact: dict[str, set[int]] = {}
        self.folded: dict[str, set[int]] = {}
        columns = ["pk", "username", "email", "last_name", "first_name", *extra]
        for row in user_model._default_manager.values_list(*columns):
            pk, username, email, last_name, first_name, *numbers = row
            display = f"{last_name or ''}{first_name or ''}".strip()
            western = f"{first_name or ''} {last_name or ''}".strip()
            for key in {username, email, display, western, *numbers}:
                if key:
                    self.exact.setdefault(str(key).strip().casefold(), set()).add(pk)
                    self.folded.setdefault(fold(key), set()).add(pk)

    def find(self, text: str) -> int:
        found = self.exact.get(text.strip().casefold()) or self.folded.get(fold(text), set())
        if not found:
            raise ValidationError(
                _("No user “%(value)s” (give a username, name or e-mail).") % {"value": text}
            )
        if len(found) > 1:
            raise ValidationError(
                _("Several users are called “%(value)s”: give the username or e-mail.")
                % {"value": text}
            )
        return next(iter(found))


class DictionaryDirectory:
    """The entries of one dictionary by code, Chinese and English name and pinyin (one query).

    Inactive entries are matched too (an old record keeps the level it had); an active entry
    wins over an inactive one spelled alike. ``find`` refuses a text no entry answers to,
    naming the dictionary, so the user can map the value or add the entry.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.by_pk: dict[int, DictionaryEntry] = {}
        self.keys: dict[str, DictionaryEntry] = {}
        entries = DictionaryEntry.objects.filter(kind=kind).order_by("-is_active", "sort_order")
        for entry in entries:
            self.by_pk[entry.pk] = entry
            for key in (entry.code, entry.name_zh, entry.name_en):
                self.keys.setdefault(fold(key), entry)
        # Pinyin after every spelled key, so "华东" never loses to some entry's pinyin "huadong".
        for entry in self.by_pk.values():
            for key in pinyin_keys(entry.name_zh):
                self.keys.setdefault(fold(key), entry)

    def match(self, text: str) -> DictionaryEntry | None:
        return self.keys.get(fold(text))

    def find(self, text: str) -> DictionaryEntry:
        entry = self.match(text)
        if entry is None:
            raise ValidationError(
                _("“%(value)s” is not in the dictionary “%(dictionary)s”.")
                % {"value": text, "dictionary": DictionaryKind(self.kind).label}
            )
        return entry


def combine(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


__all__ = [
    "OWNER",
    "DictionaryDirectory",
    "OwnerDirectory",
    "parse_value",
    "not_in_future",
    "choice_table",
    "combine",
]
