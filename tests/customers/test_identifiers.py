"""Company identifiers (customers.identifiers): checked with python-stdnum."""

import pytest
from django.core.exceptions import ValidationError

from guanxi.customers import identifiers

USCC = "91110000600037341L"


def test_tax_id_must_be_a_unified_credit_code_with_its_check_character():
    assert identifiers.identifier_check("tax_id", "91110000 600037341l", label="Tax id") == USCC
    assert identifiers.identifier_check("tax_id", "11010519491231002X", label="Tax id")
    with pytest.raises(ValidationError) as caught:
        identifiers.identifier_check("tax_id", "91110000600037341A", label="Tax id")
    assert caught.value.messages[0].startswith("Tax id")


def test_business_licence_is_the_credit_code_or_an_old_registration_number():
    assert identifiers.identifier_check("business_licence_no", USCC, label="Licence") == USCC
    old = "11010500000123" + "4"
    assert identifiers.identifier_check("business_licence_no", old, label="Licence") == old
    with pytest.raises(ValidationError):
        identifiers.identifier_check("business_licence_no", "110105000001235", label="Licence")


def test_bank_account_check_digit_only_where_one_exists():
    # Company accounts: no common check digit, only the shape.
    assert identifiers.identifier_check("bank_account", "0200 0010 0902 0000 123", label="Acct")
    card = identifiers.bank_card_with_check("622202100112345678")
    assert identifiers.identifier_check("bank_account", card, label="Acct") == card
    wrong = card[:-1] + str((int(card[-1]) + 1) % 10)
    for bad in (wrong, "1234", "12ab5678901"):
        with pytest.raises(ValidationError):
            identifiers.identifier_check("bank_account", bad, label="Acct")
