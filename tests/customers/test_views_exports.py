"""The customer export page: exactly the user's scope, the list's filters, labels in the user's
language, CSV and xlsx, query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.accounts.models import User
from guanxi.core import export
from guanxi.core.pinyin import pinyin_sort_key
from tests.core.fixtures.dictionaries import dictionary
from tests.core.fixtures.exports import body, csv_rows, exported_codes, xlsx_rows
from tests.customers.fixtures.customers import SCOPE, CustomerFactory
from tests.customers.fixtures.exports import grant_export_right

EXPORT = reverse("customers:export")


# -- the customer export ------------------------------------------------------------------


@pytest.mark.parametrize("username", sorted(SCOPE))
def test_customer_export_holds_exactly_the_users_scope(username, customers, login, english, org):
    # Assistants may not export by default; given the right, they export only their scope.
    grant_export_right(org[username])
    response = login(username).get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert exported_codes(response) == {customers[key].code for key in SCOPE[username]}


def test_customer_export_honours_the_list_filters_search_and_selected_ids(
    customers, login, english, org
):
    client = login("supervisor")
    only_manager1 = client.get(EXPORT, {"format": "csv", "owner": org["manager1"].pk})
    assert exported_codes(only_manager1) == {customers["manager1"].code}
    by_name = client.get(EXPORT, {"format": "csv", "q": customers["manager2"].code})
    assert exported_codes(by_name) == {customers["manager2"].code}
    chosen = [customers["manager1"].pk, customers["supervisor"].pk]
    selected = client.get(EXPORT, {"format": "csv", "ids": ",".join(map(str, chosen))})
    assert exported_codes(selected) == {customers["manager1"].code, customers["supervisor"].code}
    repeated = client.get(EXPORT, {"format": "csv", "ids": chosen})
    assert exported_codes(repeated) == {customers["manager1"].code, customers["supervisor"].code}


def test_selected_ids_outside_the_scope_are_never_exported(customers, login, english):
    chosen = [customers["manager1"].pk, customers["manager3"].pk]
    response = login("supervisor").get(EXPORT, {"format": "csv", "ids": chosen})
    assert exported_codes(response) == {customers["manager1"].code}


def test_customer_export_sorted_like_the_list(customers, login, english):
    rows = csv_rows(login("exec").get(EXPORT, {"format": "csv", "sort": "-name"}))
    names = [row[rows[0].index("Name")] for row in rows[1:]]
    # As the list sorts names: by pinyin (core.pinyin), not by code point.
    assert names == sorted(names, key=pinyin_sort_key, reverse=True)


def test_customer_export_shows_labels_owner_names_and_neutralises_formulas(org, login, english):
    level = dictionary("customer_level", "major")
    region = dictionary("region", "east")
    CustomerFactory(name='=HYPERLINK("x")', owner=org["manager1"], level=level, region=region)
    rows = csv_rows(login("manager1").get(EXPORT, {"format": "csv"}))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Name"] == '\'=HYPERLINK("x")'
    assert record["Customer level"] == str(level.label)
    assert record["Region"] == str(region.label)
    assert record["Account manager"] == str(org["manager1"])
    assert record["Status"] == "Active"


def test_customer_export_headers_and_labels_in_the_users_language(customers, login, org):
    User.objects.filter(pk=org["manager1"].pk).update(language="zh-hans")
    response = login("manager1").get(EXPORT, {"format": "xlsx"})
    assert response["Content-Type"] == export.XLSX_CONTENT_TYPE
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = xlsx_rows(response)
    assert "客户编码" in rows[0] or "名称" in rows[0]
    assert rows[1][rows[0].index("状态")] == "正常"


def test_customer_export_xlsx_content(customers, login, english):
    rows = xlsx_rows(login("manager1").get(EXPORT, {"format": "xlsx"}))
    assert rows[0][:2] == ("Code", "Name")
    assert rows[1][:2] == (customers["manager1"].code, customers["manager1"].name)


def test_customer_export_unknown_format_is_a_clear_400(customers, login, english):
    response = login("manager1").get(EXPORT, {"format": "pdf"})
    assert response.status_code == 400
    assert b"csv" in response.content


def test_customer_export_needs_sign_in_and_the_view_right(customers, client):
    assert client.get(EXPORT).status_code == 302


def export_queries(client, file_format: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        body(client.get(EXPORT, {"format": file_format}))
    return len(captured.captured_queries)


@pytest.mark.parametrize("file_format", export.FORMATS)
def test_customer_export_query_count_does_not_grow_with_rows(
    org, login, english, file_format, django_assert_max_num_queries
):
    level = dictionary("customer_level", "major")
    CustomerFactory(name="客户", owner=org["manager1"], level=level)
    client = login("supervisor")
    with_one = export_queries(client, file_format)
    for number in range(49):
        CustomerFactory(name=f"客户{number}", owner=org["manager2"], level=level)
    assert export_queries(client, file_format) == with_one
    # Two of them log the export in the sensitive-access log: its row count and the entry.
    with django_assert_max_num_queries(14):
        body(client.get(EXPORT, {"format": file_format}))
    assert len(csv_rows(client.get(EXPORT, {"format": "csv"}))) == 51


def test_list_page_offers_the_export_with_the_current_filters(customers, login, english, org):
    response = login("supervisor").get(reverse("customers:list"), {"status": "active"})
    html = response.content.decode()
    assert 'data-testid="customer-export-csv"' in html
    assert "status=active&amp;format=csv" in html


def test_customer_export_has_the_spec_fields_money_as_numbers_and_tags(org, login, english):
    from guanxi.customers.services import customers as services

    services.customer_create(
        actor=org["manager1"],
        name="资本公司",
        registered_capital=Decimal("1000000.00"),
        bank_account="6222020200112233446",
        tags="重点, vip",
    )
    rows = xlsx_rows(login("manager1").get(EXPORT, {"format": "xlsx"}))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Registered capital"] == 1000000
    assert record["Bank account"] == "6222020200112233446"  # text, never 6.2E+18
    assert record["Tags"] == "重点, vip"
