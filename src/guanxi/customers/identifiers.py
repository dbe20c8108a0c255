"""Company identifiers: the one rule for tax ids, business licence numbers and bank accounts.

Checked with python-stdnum, a maintained library, so a mistyped character is caught where it
is typed rather than on the first invoice:

- **Tax id** 纳税人识别号: since 2015 a company's tax id is its unified social credit code
  统一社会信用代码 (18 characters, the last a check character, ``stdnum.cn.uscc``); a person's
  is their resident identity number 居民身份证号 (18 characters with its check character,
  ``stdnum.cn.ric``). Either is accepted; nothing else.
- **Business licence number** 营业执照号: the same unified code on licences since 2015, or the
  15-digit registration number 注册号 of older ones, whose last digit is an ISO 7064 MOD 11,10
  check digit.
- **Bank account** 银行账号: Chinese bank account numbers have no common check digit (each bank
  numbers its accounts its own way, 12 to 25 digits), so only the shape is checked: 8 to 30
  digits, spaces and hyphens dropped. A UnionPay card number (16 to 19 digits starting
  with 62) carries a Luhn check digit, which is checked.

Values are stored compact: half-width, upper case, no spaces or hyphens. Values stored before
these checks that fail them are kept and flagged (see customers.models.FlaggedValue).
"""

import re
import unicodedata
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.cn import ric, uscc
from stdnum.iso7064 import mod_11_10

IDENTIFIER_FIELDS = ("tax_id", "business_licence_no", "bank_account")
_SPACING = re.compile(r"[\s\-]+")
_ACCOUNT = re.compile(r"^[0-9]{8,30}$")


def identifier_compact(value: str) -> str:
    """Half-width, upper case, without spaces or hyphens."""
    return _SPACING.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def tax_id_is_valid(value: str) -> bool:
    return uscc.is_valid(value) or ric.is_valid(value)


def licence_is_valid(value: str) -> bool:
    if len(value) == 15 and value.isdigit():
        return mod_11_10.is_valid(value)
    return uscc.is_valid(value)


def bank_account_is_valid(value: str) -> bool:
    if not _ACCOUNT.match(value):
        return False
    if value.startswith("62") and 16 <= len(value) <= 19:
        return luhn.is_valid(value)
    return True


_CHECKS: dict[str, Callable[[str], bool]] = {
    "tax_id": tax_id_is_valid,
    "business_licence_no": licence_is_valid,
    "bank_account": bank_account_is_valid,
}


def _message(name: str) -> str:
    if name == "tax_id":
        return _(
            "%(field)s: “%(value)s” is not a valid tax id. Enter the 18-character unified "
            "social credit code (统一社会信用代码) or, for a person, the resident identity "
            "number; check the last character."
        )
    if name == "business_licence_no":
        return _(
            "%(field)s: “%(value)s” is not a valid business licence number. Enter the "
            "18-character unified social credit code or the 15-digit registration number "
            "of an older licence; check the last character."
        )
    return _(
        "%(field)s: “%(value)s” is not a valid bank account number. Enter 8 to 30 digits; "
        "a UnionPay card number must pass its check digit."
    )


def identifier_is_valid(name: str, value: str) -> bool:
    """Whether the compact ``value`` of field ``name`` passes its check ('' passes)."""
    return not value or _CHECKS[name](value)


def identifier_check(name: str, value: str, *, label: str) -> str:
    """The stored form of field ``name``'s ``value``, or a ValidationError naming ``label``."""
    compact = identifier_compact(value)
    if not identifier_is_valid(name, compact):
        raise ValidationError(
            _message(name),
            code=f"invalid_{name}",
            params={"field": capfirst(label), "value": value},
        )
    return compact


def uscc_with_check(body: str) -> str:
    """The 18-character code of the first 17 characters ``body`` (for generated data)."""
    return body + uscc.calc_check_digit(body)


def bank_card_with_check(body: str) -> str:
    """A UnionPay card number: ``body`` (starting with 62) and its Luhn check digit."""
    return body + luhn.calc_check_digit(body)
