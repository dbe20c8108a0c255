"""A field protected from a reader takes no part in what that reader can search.

Without this, a substring search is an oracle for a masked value: typing ``138``, ``1381``,
``13812``... and watching whether the customer still comes up recovers the number digit by
digit, and a full masked e-mail confirms whose it is.
"""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from guanxi.customers.models import Customer
from guanxi.customers.selectors.customers import customer_list, searchable_columns
from guanxi.customers.selectors.pool import pool_list
from guanxi.customers.services.field_rules import field_rule_create
from tests.customers.fixtures.customers import CustomerFactory

PHONE = "13812348000"
EMAIL = "wxy1985@example.com"
LIST = reverse("customers:list")


def add_rule(org, field: str, mode: str, role: str = "account_manager") -> None:
    field_rule_create(actor=org["admin"], field=field, role=Group.objects.get(name=role), mode=mode)


@pytest.fixture
def customer(org):
    return CustomerFactory(owner=org["manager1"], name="甲乙科技", phone=PHONE, email=EMAIL)


def found(actor, term) -> set[int]:
    return set(customer_list(actor=actor, search=term).values_list("pk", flat=True))


def prefixes(value: str, start: int = 3) -> list[str]:
    return [value[:end] for end in range(start, len(value) + 1)]


@pytest.mark.parametrize("mode", ["masked", "hidden"])
def test_a_protected_phone_cannot_be_recovered_digit_by_digit(org, customer, mode):
    add_rule(org, "customer.phone", mode)
    reader = org["manager1"]
    for term in [*prefixes(PHONE), "+86 138 1234 8000", "8000"]:
        assert customer.pk not in found(reader, term), term
    assert found(reader, "甲乙科技") == {customer.pk}, "the name still finds it"
    assert found(reader, EMAIL) == {customer.pk}, "the e-mail has no rule for this reader"
    assert found(org["supervisor"], PHONE) == {customer.pk}, "no rule: found by the phone"


@pytest.mark.parametrize("mode", ["masked", "hidden"])
def test_a_protected_email_does_not_find_its_customer(org, customer, mode):
    add_rule(org, "customer.email", mode)
    reader = org["manager1"]
    for term in [EMAIL, "wxy1985", "wxy", "@example.com"]:
        assert customer.pk not in found(reader, term), term
    assert found(reader, PHONE) == {customer.pk}, "the phone has no rule for this reader"
    assert found(org["supervisor"], EMAIL) == {customer.pk}


def test_a_rule_on_another_role_leaves_the_search_alone(org, customer):
    add_rule(org, "customer.phone", "masked", role="supervisor")
    assert found(org["manager1"], PHONE) == {customer.pk}
    assert found(org["supervisor"], PHONE) == set()


def test_the_list_api_the_quick_search_and_the_page_leak_nothing(org, api, login, customer):
    add_rule(org, "customer.phone", "masked")
    add_rule(org, "customer.email", "hidden")
    client = api("manager1")
    page = login("manager1")
    for term in [*prefixes(PHONE), EMAIL]:
        assert client.get("/api/customers/", {"search": term}).json()["count"] == 0, term
        quick = client.get("/api/customers/search/", {"q": term}).json()
        assert quick["results"] == [], term
        assert 'data-testid="customer-table-empty"' in page.get(LIST, {"q": term}).content.decode()
    assert client.get("/api/customers/", {"search": "甲乙"}).json()["count"] == 1


def test_the_pool_search_leaves_out_protected_fields(org, customer):
    Customer.all_objects.filter(pk=customer.pk).update(owner=None)
    add_rule(org, "customer.phone", "masked")
    reader = org["manager1"]
    assert customer.pk not in set(
        pool_list(actor=reader, search=PHONE).values_list("pk", flat=True)
    )
    assert customer.pk in set(pool_list(actor=reader, search="甲乙").values_list("pk", flat=True))


def test_searchable_columns_follow_the_readers_rules(org):
    reader = org["manager1"]
    assert searchable_columns(actor=reader) == ("search_text", "search_phone", "search_email")
    add_rule(org, "customer.email", "masked")
    fresh = type(reader).objects.get(pk=reader.pk)
    assert searchable_columns(actor=fresh) == ("search_text", "search_phone")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table exists on SQLite only")
def test_sqlite_matches_only_the_columns_the_reader_may_search(org, customer):
    add_rule(org, "customer.phone", "hidden")
    query = str(customer_list(actor=org["manager1"], search="zhangwei").query)
    assert "{search_text search_email}" in query


def test_the_search_costs_no_extra_query_with_rules(
    org, api, customer, django_assert_max_num_queries, django_assert_num_queries
):
    CustomerFactory.create_batch(3, owner=org["manager1"])
    with django_assert_max_num_queries(50) as without_rules:
        assert api("manager1").get("/api/customers/", {"search": "kh20"}).json()["count"] == 4
    add_rule(org, "customer.phone", "masked")
    add_rule(org, "customer.email", "hidden")
    CustomerFactory.create_batch(10, owner=org["manager1"])
    with django_assert_num_queries(len(without_rules.captured_queries)):
        assert api("manager1").get("/api/customers/", {"search": "kh20"}).json()["count"] == 14


# --- ordering and filters -------------------------------------------------------------------


@pytest.fixture
def phone_sort(monkeypatch):
    """A sort by phone, as a column sort would add it (none of today's sorts is protected)."""
    from guanxi.customers.api.customers import CustomerViewSet
    from guanxi.customers.selectors import customers as selectors

    monkeypatch.setitem(selectors.CUSTOMER_SORTS, "phone", ("phone", "id"))
    monkeypatch.setattr(CustomerViewSet, "ordering_fields", {"name": "name", "phone": "phone"})


def test_ordering_by_a_protected_field_is_refused_by_the_api(org, api, customer, phone_sort):
    add_rule(org, "customer.phone", "masked")
    response = api("manager1").get("/api/customers/", {"ordering": "-phone"})
    assert response.status_code == 400
    assert "ordering" in response.json()["error"]["fields"]
    assert api("manager1").get("/api/customers/", {"ordering": "name"}).status_code == 200
    assert api("supervisor").get("/api/customers/", {"ordering": "-phone"}).status_code == 200


def test_sorting_the_page_by_a_protected_field_is_ignored_with_a_message(
    org, login, customer, phone_sort, english
):
    add_rule(org, "customer.phone", "hidden")
    page = login("manager1").get(LIST, {"sort": "phone"}, follow=True).content.decode()
    assert "Sorting by a field protected for your role is not available." in page
    assert "甲乙科技" in page
    query = str(customer_list(actor=org["manager1"], sort="phone").query)
    assert '"customers_customer"."phone" ASC' not in query
    supervisor = type(org["supervisor"]).objects.get(pk=org["supervisor"].pk)
    assert '"customers_customer"."phone" ASC' in str(
        customer_list(actor=supervisor, sort="phone").query
    )


def test_a_filter_on_a_protected_field_filters_nothing(org, customer):
    add_rule(org, "customer.email", "masked")
    reader = type(org["manager1"]).objects.get(pk=org["manager1"].pk)
    probe = {"email__startswith": "nobody"}
    assert customer.pk in set(
        customer_list(actor=reader, filters=probe).values_list("pk", flat=True)
    )
    supervisor = org["supervisor"]
    assert not customer_list(actor=supervisor, filters=probe).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_the_trigram_index_covers_every_search_column(org, customer):
    from guanxi.customers.search.index import TRIGRAM_INDEX

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [TRIGRAM_INDEX])
        (definition,) = cursor.fetchone()
    for column in ("search_text", "search_phone", "search_email"):
        assert f"{column} gin_trgm_ops" in definition
