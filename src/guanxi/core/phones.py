"""Phone numbers: the one rule for what a phone number is, how it is stored, shown and found.

Numbers are parsed with ``phonenumbers`` (Google's libphonenumber metadata), mainland China
by default: ``138 0013 8000``, ``+86 138-0013-8000``, ``010-1234 5678 转 8`` and
``(010) 12345678 ext. 8`` are the same kinds of number people type; ``1234`` or a landline
without its area code is refused, since nobody could call it.

- Stored in E.164 (``+8613800138000``), an extension after ``;ext=`` as in RFC 3966
  (``+861012345678;ext=8``): one spelling per number, so duplicate checks and the requester
  match of the service desk compare equal values.
- Shown in the national format for Chinese numbers (``138 0013 8000``,
  ``010 1234 5678 ext. 8``) and the international one for others (``+1 650-253-0000``);
  the ``phone`` template filter (core/templatetags/phones.py) does it.
- Found by any spelling: :func:`phone_search_keys` gives the digits of the international and
  of the national form, and :func:`phone_search_term` turns a typed number into the digits
  the first of them holds.

Values that were stored before this rule and do not parse are kept as typed (a data migration
flags them); :func:`phone_display` and the keys then fall back to the text itself.
"""

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

DEFAULT_REGION = "CN"
EXTENSION_SEPARATOR = ";ext="
# Chinese ways of writing an extension, which libphonenumber does not know.
_CHINESE_EXTENSION = re.compile(r"\s*(?:转|轉|分机|分機|内线|內線)\s*")
_PHONE_LIKE = re.compile(r"^[+\d(][\d\s\-().+]*$")


# How a number is stored: E.164, with an extension as ";ext=N".
STORED_PHONE = re.compile(r"\+[1-9]\d{5,14}(;ext=\d{1,10})?")


def _prepared(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "").strip()
    return _CHINESE_EXTENSION.sub(" ext. ", text)


def phone_parse(value: str) -> phonenumbers.PhoneNumber | None:
    """The number ``value`` stands for, or None when it is empty or no valid number."""
    text = _prepared(value)
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _stored(number: phonenumbers.PhoneNumber) -> str:
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164}{EXTENSION_SEPARATOR}{number.extension}" if number.extension else e164


def phone_normalise(value: str, *, label: str) -> str:
    """The stored form of ``value`` ('' for empty), or a ValidationError naming ``label``."""
    if not (value or "").strip():
        return ""
    number = phone_parse(value)
    if number is None:
        raise ValidationError(
            _(
                "%(field)s: “%(value)s” is not a valid phone number. Enter a mobile number "
                "of 11 digits (138 0013 8000) or a landline with its area code "
                "(010-1234 5678, an extension after 转 or ext.)."
            ),
            code="invalid_phone",
            params={"field": capfirst(label), "value": value},
        )
    return _stored(number)


def phone_normalise_or_keep(value: str) -> tuple[str, bool]:
    """``(stored form, True)`` when ``value`` parses, else ``(value as typed, False)``; for
    data written before the rule, which is kept rather than lost."""
    number = phone_parse(value)
    if number is None:
        return value, not (value or "").strip()
    return _stored(number), True


def phone_column_normalise(model: Any, field: str, *, batch: int = 2000) -> None:
    """For a data migration: store every valid number of ``model.field`` in E.164, batched by
    primary key; a value that is no valid number is kept as typed, rows that change nothing
    are not written."""
    last = 0
    rows = model.objects.exclude(**{field: ""}).order_by("pk").only("pk", field)
    while chunk := list(rows.filter(pk__gt=last)[:batch]):
        last = chunk[-1].pk
        changed = []
        for row in chunk:
            stored, valid = phone_normalise_or_keep(getattr(row, field))
            if valid and stored != getattr(row, field):
                setattr(row, field, stored)
                changed.append(row)
        model.objects.bulk_update(changed, [field])


def phone_display(value: str) -> str:
    """``value`` as people read it: national format for Chinese numbers, international for
    others, the text itself when it does not parse."""
    number = phone_parse(value)
    if number is None:
        return value or ""
    region = phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == DEFAULT_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def phone_international(value: str) -> str:
    """``value`` in the international format (``+86 138 0013 8000``) for files read by other
    programs (vCards); the text itself when it does not parse."""
    number = phone_parse(value)
    if number is None:
        return value or ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_key(value: str) -> str:
    """The duplicate-check key of ``value``: the digits of its E.164 form without extension
    (``8613800138000``), the plain digits when it does not parse."""
    number = phone_parse(value)
    if number is None:
        return re.sub(r"\D", "", unicodedata.normalize("NFKC", value or ""))
    return f"{number.country_code}{phonenumbers.national_significant_number(number)}"


def phone_search_keys(value: str) -> list[str]:
    """Digit strings a search finds ``value`` by: the international digits and, for Chinese
    numbers, the national ones with the trunk 0 (``01012345678``), so a number typed either
    way is a substring of a key."""
    number = phone_parse(value)
    if number is None:
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value or ""))
        return [digits] if digits else []
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    keys = [phone_key(value), re.sub(r"\D", "", national.split(" ext.")[0])]
    return list(dict.fromkeys(key for key in keys if key))


def phone_search_term(term: str) -> str | None:
    """The digits to search for when ``term`` is typed like a phone number (digits, spaces,
    ``+ - ( ) .``), else None: a whole valid number gives its international digits, part of
    one its digits as typed."""
    text = unicodedata.normalize("NFKC", term or "").strip()
    if not _PHONE_LIKE.match(text) or sum(char.isdigit() for char in text) < 3:
        return None
    number = phone_parse(text)
    if number is not None and not number.extension:
        return phone_key(text)
    return re.sub(r"\D", "", text)


def phone_fields_normalise(
    fields: dict[str, Any], labels: Mapping[str, Any], *, current: object | None = None
) -> None:
    """Normalise the phone fields named in ``labels`` that ``fields`` holds, in place; every
    refused one is reported under its own name. A value equal to ``current``'s stored one is
    kept as it is: data from before this rule is flagged, not a reason to refuse other edits.
    """
    errors: dict[str, ValidationError] = {}
    for name, label in labels.items():
        if name not in fields:
            continue
        value = fields[name] or ""
        if current is not None and value == getattr(current, name, None):
            continue
        try:
            fields[name] = phone_normalise(value, label=str(label))
        except ValidationError as error:
            errors[name] = error
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]


def phone_is_mobile(value: str) -> bool:
    """Whether ``value`` is a valid mobile number (a contact's mobile rather than desk)."""
    number = phone_parse(value)
    return number is not None and phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
