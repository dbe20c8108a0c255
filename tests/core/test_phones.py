"""Phone numbers (core.phones): parsed with phonenumbers, mainland China by default."""

import pytest
from django.core.exceptions import ValidationError

from guanxi.core import phones


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 0013 8000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("0086 13800138000", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),
        ("010-1234 5678", "+861012345678"),
        ("(010) 1234-5678 ext. 8", "+861012345678;ext=8"),
        ("010-12345678转8", "+861012345678;ext=8"),
        ("0755 8888 6666", "+8675588886666"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_phone_numbers_are_stored_normalised_in_e164(typed, stored):
    assert phones.phone_normalise(typed, label="Phone") == stored


@pytest.mark.parametrize("typed", ["1234", "12345678", "138001380", "phone me", "+86"])
def test_phone_1234_is_refused_with_a_message_naming_the_field(typed):
    with pytest.raises(ValidationError) as caught:
        phones.phone_normalise(typed, label="Mobile")
    message = caught.value.messages[0]
    assert message.startswith("Mobile") and typed in message  # the field is named first


def test_phone_is_displayed_in_the_local_format():
    assert phones.phone_display("+8613800138000") == "138 0013 8000"
    assert phones.phone_display("+861012345678;ext=8") == "010 1234 5678 ext. 8"
    assert phones.phone_display("+16502530000") == "+1 650-253-0000"
    assert phones.phone_display("call reception") == "call reception"


def test_phone_is_searchable_by_any_format():
    keys = phones.phone_search_keys("+861012345678;ext=8")
    for typed in ("010-1234 5678", "+86 10 1234 5678", "01012345678", "1234 5678"):
        term = phones.phone_search_term(typed)
        assert term and any(term in key for key in keys), typed
    assert phones.phone_search_term("张伟") is None


def test_phone_duplicate_key_is_the_same_for_every_spelling():
    assert phones.phone_key("138 0013 8000") == phones.phone_key("+86 13800138000")


def test_phone_unchanged_legacy_value_is_kept_but_a_new_one_is_checked():
    class Record:
        phone = "ask reception"

    fields = {"phone": "ask reception"}
    phones.phone_fields_normalise(fields, {"phone": "Phone"}, current=Record())
    assert fields == {"phone": "ask reception"}
    with pytest.raises(ValidationError) as caught:
        phones.phone_fields_normalise({"phone": "1234"}, {"phone": "Phone"}, current=Record())
    assert "phone" in caught.value.message_dict


@pytest.mark.django_db
def test_a_data_migration_normalises_valid_numbers_and_keeps_the_rest(org):
    from guanxi.accounts.models import User

    User.objects.filter(username="manager1").update(phone="138 0013 8000")
    User.objects.filter(username="manager2").update(phone="ask reception")
    phones.phone_column_normalise(User, "phone", batch=2)
    stored = dict(
        User.objects.filter(username__in=["manager1", "manager2"]).values_list("username", "phone")
    )
    assert stored == {"manager1": "+8613800138000", "manager2": "ask reception"}
