"""客户信息完整度: share of the key fields filled, per customer and averaged per owner."""

from decimal import Decimal

import pytest
from django.urls import reverse

from guanxi.customers.models import COMPLETENESS_FIELDS, Customer
from guanxi.customers.selectors.customers import completeness_by_owner
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import CustomerFactory


def test_sixteen_key_fields():
    # The hand-computed expectations below assume this list.
    assert len(COMPLETENESS_FIELDS) == 16


def _customer(owner, **fields) -> Customer:
    blank = {"phone": "", "email": ""}
    return CustomerFactory(owner=owner, **{**blank, **fields})


def test_an_empty_customer_scores_zero(org):
    assert _customer(org["manager1"]).completeness == 0


def test_four_of_sixteen_is_25_percent(org):
    customer = _customer(
        org["manager1"],
        phone="021-55550000",
        email="a@b.cn",
        region=dictionary("region", "east"),
        annual_revenue=Decimal("0.00"),  # zero is a value, not a gap
    )
    assert customer.completeness == 25


def test_every_key_field_filled_is_100(org):
    customer = _customer(
        org["manager1"],
        phone="021-55550000",
        email="a@b.cn",
        address="上海市",
        postcode="200000",
        website="https://example.cn",
        level=dictionary("customer_level", "major"),
        region=dictionary("region", "east"),
        industry=Customer._meta.get_field("industry").related_model.objects.filter(kind="industry")[
            0
        ],
        source=Customer._meta.get_field("source").related_model.objects.filter(kind="source")[0],
        legal_representative="张三",
        registered_capital=Decimal("100.00"),
        annual_revenue=Decimal("5.00"),
        bank="招商银行",
        bank_account="6225 8800 1234 5675",
        tax_id="91310000MA1FL0ABC0",
        business_licence_no="91310000MA1FL0ABC0",
    )
    assert customer.completeness == 100


def test_the_average_per_owner_is_computed_in_one_query(org, django_assert_num_queries):
    manager1, manager2 = org["manager1"], org["manager2"]
    _customer(manager1, phone="021-55550000", email="a@b.cn")  # 2/16 = 12.5 %
    _customer(manager1, phone="021-55550000", email="a@b.cn", address="x", postcode="200000")
    # ↑ 4/16 = 25 %   → manager1 averages 18.75 → 18.8
    _customer(manager2, bank="招商银行")  # 1/16 = 6.25 % → 6.2 (round half to even) or 6.3
    _customer(None)  # the pool: 0 %
    org["exec"].get_all_permissions()  # the scope check reads the (cached) rights first
    with django_assert_num_queries(1):
        rows = completeness_by_owner(actor=org["exec"])
    by_owner = {row["owner_id"]: row for row in rows}
    assert by_owner[manager1.pk]["customers"] == 2
    assert by_owner[manager1.pk]["average"] == pytest.approx(18.8, abs=0.051)
    assert by_owner[manager2.pk]["average"] == pytest.approx(6.25, abs=0.051)
    assert by_owner[None]["average"] == 0
    assert rows[-1]["owner_id"] is None  # the pool last


def test_the_average_stays_within_the_scope(org):
    _customer(org["manager1"], phone="021-55550000")
    _customer(org["manager2"], phone="021-55550000")
    rows = completeness_by_owner(actor=org["manager1"])
    assert [row["owner_id"] for row in rows] == [org["manager1"].pk]
    assert rows[0]["average"] == pytest.approx(6.2, abs=0.051)


def test_the_sql_and_the_python_score_agree(org):
    customer = _customer(org["manager1"], phone="1", email="a@b.cn", bank="x", postcode="200000")
    row = completeness_by_owner(actor=org["manager1"])[0]
    assert row["average"] == pytest.approx(customer.completeness, abs=0.51)


def test_the_detail_page_shows_the_score(org, login):
    customer = _customer(
        org["manager1"], phone="021-55550000", email="a@b.cn", address="x", postcode="200000"
    )
    content = login("manager1").get(reverse("customers:detail", args=[customer.pk])).content
    assert 'data-testid="completeness"' in content.decode()
    assert "25%" in content.decode()


def test_the_page_lists_the_average_per_owner_within_scope(org, login):
    _customer(org["manager1"], phone="021-55550000", email="a@b.cn")
    _customer(org["manager2"], bank="招商银行")
    _customer(None)
    page = login("exec").get(reverse("customers:completeness"))
    assert page.status_code == 200
    rows = {row["owner_id"]: row for row in page.context["rows"]}
    assert set(rows) == {org["manager1"].pk, org["manager2"].pk, None}
    content = page.content.decode()
    assert str(org["manager1"]) in content and "12.5%" in content
    own = login("manager1").get(reverse("customers:completeness")).context["rows"]
    assert [row["owner_id"] for row in own] == [org["manager1"].pk]


def test_the_api_gives_the_same_rows(org):
    from rest_framework.test import APIClient

    _customer(org["manager1"], phone="021-55550000", email="a@b.cn")
    _customer(org["manager3"], phone="021-55550000")
    client = APIClient()
    client.force_authenticate(org["manager1"])
    body = client.get("/api/customers/completeness/").json()
    assert body == [
        {
            "owner": org["manager1"].pk,
            "owner_name": str(org["manager1"]),
            "customers": 1,
            "average": 12.5,
        }
    ]
