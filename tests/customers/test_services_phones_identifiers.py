"""Phones and identifiers of customers and contacts: checked when written, stored normalised,
found by any spelling; values from before the checks are kept, flagged, and unflagged once
corrected."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.customers.models import Contact, Customer, FlaggedValue
from guanxi.customers.selectors.customers import customer_list, flagged_values
from guanxi.customers.services import customers as services
from tests.customers.fixtures.customers import CustomerFactory

USCC = "91110000600037341L"
migration = importlib.import_module(
    "guanxi.customers.migrations.0013_normalise_phones_flag_invalid_identifiers"
)


@pytest.fixture
def owner(org):
    return org["manager1"]


def test_customer_phone_1234_is_refused_naming_the_field(owner):
    with pytest.raises(ValidationError) as caught:
        services.customer_create(actor=owner, name="甲公司", phone="1234", fax="5678")
    assert set(caught.value.message_dict) == {"phone", "fax"}
    assert not Customer.objects.exists()


def test_customer_phone_stored_normalised_and_searchable_by_any_format(owner):
    customer = services.customer_create(
        actor=owner, name="乙公司", phone="010-1234 5678 转 8", tax_id=" 91110000600037341l "
    )
    assert customer.phone == "+861012345678;ext=8"
    assert customer.tax_id == USCC
    for typed in ("(010) 12345678", "+86 10 1234 5678", "01012345678", "12345678"):
        assert list(customer_list(actor=owner, search=typed)) == [customer], typed


def test_customer_identifiers_with_a_wrong_check_character_are_refused(owner):
    with pytest.raises(ValidationError) as caught:
        services.customer_create(
            actor=owner,
            name="丙公司",
            tax_id="91110000600037341A",
            business_licence_no="110105000001235",
            bank_account="6222021001123456780",
        )
    assert set(caught.value.message_dict) == {"tax_id", "business_licence_no", "bank_account"}


def test_contact_mobile_1234_is_refused_and_a_good_one_normalised(owner):
    customer = services.customer_create(actor=owner, name="丁公司")
    with pytest.raises(ValidationError) as caught:
        services.contact_create(actor=owner, customer=customer, name="张伟", mobile="1234")
    assert "mobile" in caught.value.message_dict
    contact = services.contact_create(
        actor=owner, customer=customer, name="张伟", mobile="138 0013 8000"
    )
    assert contact.mobile == "+8613800138000"


def test_existing_phones_migrated_invalid_ones_kept_and_flagged_never_dropped(owner):
    good = CustomerFactory(owner=owner, phone="138 0013 8000", tax_id=USCC.lower())
    bad = CustomerFactory(owner=owner, phone="1234", tax_id="123456789012345", bank_account="")
    contact = Contact.objects.create(customer=bad, name="李雷", mobile="找前台")
    migration.forwards(apps, None)
    good.refresh_from_db()
    bad.refresh_from_db()
    contact.refresh_from_db()
    assert (good.phone, good.tax_id) == ("+8613800138000", USCC)
    assert good.phone_digits == "8613800138000"
    assert list(customer_list(actor=owner, search="+86 138 0013 8000")) == [good]
    assert (bad.phone, bad.tax_id, contact.mobile) == ("1234", "123456789012345", "找前台")
    flags = {(f.contact_id, f.field, f.value) for f in FlaggedValue.objects.all()}
    assert flags == {
        (None, "phone", "1234"),
        (None, "tax_id", "123456789012345"),
        (contact.pk, "mobile", "找前台"),
    }
    shown, count = flagged_values(actor=owner)
    assert count == 3 and {f.customer_id for f in shown} == {bad.pk}
    assert (
        flagged_values(actor=apps.get_model("accounts", "User").objects.get(username="manager2"))[1]
        == 0
    )
    # Another edit keeps the flagged value; correcting it removes the flag.
    services.customer_update(actor=owner, customer=bad, phone="1234", address="北京")
    assert FlaggedValue.objects.filter(customer=bad, field="phone").exists()
    services.customer_update(actor=owner, customer=bad, phone="021 6666 8888")
    assert not FlaggedValue.objects.filter(customer=bad, field="phone").exists()


def test_completeness_page_lists_values_to_correct(owner, login):
    bad = CustomerFactory(owner=owner, phone="1234")
    FlaggedValue.objects.create(customer=bad, field="phone", value="1234")
    page = login("manager1").get("/customers/completeness/").content.decode()
    assert 'data-testid="flagged-value" data-field="phone"' in page


def test_values_to_correct_cost_a_fixed_number_of_queries(owner, django_assert_max_num_queries):
    def flag(number):
        customer = CustomerFactory(owner=owner, phone="1234")
        contact = Contact.objects.create(customer=customer, name=f"联系人{number}", mobile="1")
        FlaggedValue.objects.create(customer=customer, field="phone", value="1234")
        FlaggedValue.objects.create(customer=customer, contact=contact, field="mobile", value="1")

    def read():
        shown, count = flagged_values(actor=owner)
        return count, [(flag.customer.name, flag.contact and flag.contact.name) for flag in shown]

    flag(0)
    read()  # the actor's roles are cached from here on
    with CaptureQueriesContext(connection) as few:
        read()
    for number in range(1, 6):
        flag(number)
    with django_assert_max_num_queries(len(few)):
        count, labels = read()
    assert count == 12 and len(labels) == 12


def test_customer_list_filter_keeps_customers_with_values_to_correct(owner, login):
    bad = CustomerFactory(owner=owner, phone="1234")
    CustomerFactory(owner=owner)
    FlaggedValue.objects.create(customer=bad, field="phone", value="1234")
    assert list(customer_list(actor=owner, filters={"to_correct": True})) == [bad]
    page = login("manager1").get("/customers/", {"check": "to_correct"}).content.decode()
    assert bad.name in page
