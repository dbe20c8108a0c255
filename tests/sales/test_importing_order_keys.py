"""Order history import 历史订单导入, the field keys of issue #17: customer_code / customer_ref /
customer_name each matched on its own field, external_no, product by code, model or name,
create_products, amounts without unit price, statuses kept, no credit-hold check, the older
keys still read, field-named errors, the API and the page."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guanxi.customers.models import ChurnCase, Customer
from guanxi.sales.importing.new_products import CREATED_BY_IMPORT, imported_category_name
from guanxi.sales.models import Order, OrderLine, Product
from tests.core.fixtures.imports import entity_import_storage, report_rows, run_import  # noqa: F401
from tests.customers.fixtures.imports import csv_bytes

pytestmark = pytest.mark.usefixtures("entity_import_storage")

HEADERS = [
    "单号",
    "客户编号",
    "客户外部编号",
    "客户名称",
    "日期",
    "产品",
    "数量",
    "单价",
    "金额",
    "状态",
]
MAPPING = {
    "单号": "external_no",
    "客户编号": "customer_code",
    "客户外部编号": "customer_ref",
    "客户名称": "customer_name",
    "日期": "order_date",
    "产品": "product",
    "数量": "quantity",
    "单价": "unit_price",
    "金额": "amount",
    "状态": "status",
}


def row(no, *, code="", ref="", name="", product="电钻", quantity="1", price="199.90",
        amount="", status="", day="2021-03-05"):  # fmt: skip
    return [no, code, ref, name, day, product, quantity, price, amount, status]


@pytest.fixture
def shop(customers):
    """manager1's customer, named by code 上海五金 / external id CRM-1; a second customer of
    manager1 whose *name* is the first one's code, and a third sharing a name with the second."""
    first = customers["manager1"]
    Customer.all_objects.filter(pk=first.pk).update(external_ref="CRM-1", name="上海五金")
    first.refresh_from_db()
    owner = first.owner
    second = Customer.objects.create(name=first.code, code="KHX00001", owner=owner)
    third = Customer.objects.create(name="同名公司", code="KHX00002", owner=owner)
    fourth = Customer.objects.create(name="同名公司", code="KHX00003", owner=owner)
    return {"first": first, "second": second, "third": third, "fourth": fourth}


def messages(job) -> dict[str, str]:
    """The report's messages by the order number of their row."""
    return {str(r[0]): str(r[-1]) for r in report_rows(job.report_file.read())[1:]}


def test_each_customer_key_matches_its_own_field_only(org, shop, products, english):
    first, second = shop["first"], shop["second"]
    job = run_import(
        org["manager1"],
        "orders",
        [
            HEADERS,
            row("SO-1", code=first.code),
            row("SO-2", ref="CRM-1"),
            row("SO-3", name="上海五金"),
            # The first customer's code is the second customer's *name*.
            row("SO-4", name=first.code),
            # A code column is no name column: "上海五金" is no customer code.
            row("SO-5", code="上海五金"),
            row("SO-6", ref=first.code),
        ],
        mapping=MAPPING,
    )
    assert (job.created_count, job.error_count) == (4, 2), job.report
    by_ref = dict(Order.objects.values_list("external_ref", "customer_id"))
    assert by_ref == {"SO-1": first.pk, "SO-2": first.pk, "SO-3": first.pk, "SO-4": second.pk}
    found = messages(job)
    assert "No customer with the code “上海五金”" in found["SO-5"]
    assert f"No customer with the external id “{first.code}”" in found["SO-6"]
    # The report names the file's column of each error.
    assert "Error · 客户编号:" in found["SO-5"]
    assert "Error · 客户外部编号:" in found["SO-6"]


def test_a_name_two_customers_share_is_refused_unless_another_key_settles_it(
    org, shop, products, english
):
    third = shop["third"]
    job = run_import(
        org["manager1"],
        "orders",
        [
            HEADERS,
            row("SO-1", name="同名公司"),
            row("SO-2", name="同名公司", code=third.code),
            row("SO-3", name="上海五金", code=third.code),
        ],
        mapping=MAPPING,
    )
    assert (job.created_count, job.error_count) == (1, 2), job.report
    assert Order.objects.get().customer == third
    found = messages(job)
    assert "Several customers are called “同名公司”" in found["SO-1"]
    assert "This names another customer than the column “Customer code”" in found["SO-3"]
    assert {kind["kind"] for kind in job.kind_counts} >= {"ambiguous", "invalid"}


def test_rows_naming_no_customer_and_mappings_without_one(org, shop, products, english):
    job = run_import(org["manager1"], "orders", [HEADERS, row("SO-1")], mapping=MAPPING)
    assert job.error_count == 1
    assert "Name the customer" in messages(job)["SO-1"]
    from django.core.exceptions import ValidationError

    without = {k: v for k, v in MAPPING.items() if not v.startswith("customer")}
    with pytest.raises(ValidationError) as refused:
        run_import(org["manager1"], "orders", [HEADERS, row("SO-1")], mapping=without)
    assert "mapping" in refused.value.message_dict


def test_headers_guess_the_new_keys_and_old_keys_still_work(org, shop, products):
    first = shop["first"]
    job = run_import(
        org["manager1"],
        "orders",
        [["订单编号", "客户编号", "客户名称", "订单日期", "产品", "数量"]]
        + [["SO-1", first.code, "上海五金", "2021-01-02", "电钻", "1"]],
    )
    assert job.mapping == {
        "订单编号": "external_no",
        "客户编号": "customer_code",
        "客户名称": "customer_name",
        "订单日期": "order_date",
        "产品": "product",
        "数量": "quantity",
    }
    assert job.created_count == 1, job.report
    # The keys of before: order_ref (now external_no) and customer (code, external id or name).
    old = {
        "编号": "order_ref",
        "客户": "customer",
        "日": "order_date",
        "品": "product",
        "量": "quantity",
    }
    job = run_import(
        org["manager1"],
        "orders",
        [list(old), ["SO-2", "CRM-1", "2021-01-03", "电钻", "2"]],
        mapping=old,
    )
    assert job.mapping["编号"] == "external_no"
    assert job.created_count == 1, job.report
    assert Order.objects.get(external_ref="SO-2").customer == first


def test_products_by_code_model_or_name(org, shop, products, english):
    Product.objects.filter(pk=products["drill"].pk).update(code="HW-001")
    first = shop["first"]
    job = run_import(
        org["manager1"],
        "orders",
        [
            HEADERS,
            row("SO-1", code=first.code, product="HW-001"),
            row("SO-1", code=first.code, product="BS-12", price="35.50"),
            row("SO-1", code=first.code, product="电钻"),
            row("SO-2", code=first.code, product="锤子"),
        ],
        mapping=MAPPING,
    )
    assert (job.created_count, job.error_count) == (3, 1)
    lines = OrderLine.objects.filter(order__external_ref="SO-1").order_by("position")
    assert [line.product for line in lines] == [
        products["drill"],
        products["wrench"],
        products["drill"],
    ]
    assert "No product “锤子” (give its code, model, external id or name)" in messages(job)["SO-2"]


def test_create_products_makes_inactive_imported_products(org, shop, products, english):
    first = shop["first"]
    rows = [
        HEADERS,
        row("SO-1", code=first.code, product="锤子", quantity="4", price="12.50"),
        row("SO-2", code=first.code, product="锤子", quantity="2", price="13.00"),
        row("SO-3", code=first.code, product="钳子", quantity="3", price="", amount="100.00"),
    ]
    supervisor = org["supervisor"]
    Customer.all_objects.filter(pk=first.pk).update(owner=org["manager1"])
    refused = run_import(supervisor, "orders", rows, mapping=MAPPING)
    assert refused.error_count == 3
    job = run_import(supervisor, "orders", rows, mapping=MAPPING, options={"create_products": True})
    assert (job.created_count, job.error_count) == (3, 0), job.report
    hammer = Product.objects.get(name="锤子")
    pliers = Product.objects.get(name="钳子")
    for product in (hammer, pliers):
        assert not product.is_active
        assert product.category.name == imported_category_name()
        assert product.history.get().history_change_reason == CREATED_BY_IMPORT
    # The price of the first line naming it; from the amount when no price is given.
    assert (hammer.price, pliers.price) == (Decimal("12.50"), Decimal("33.33"))
    line = OrderLine.objects.get(order__external_ref="SO-3")
    # The file's amount is kept (what was invoiced), the unit price is what it implies.
    assert (line.amount, line.unit_price, line.product) == (
        Decimal("100.00"),
        Decimal("33.33"),
        pliers,
    )
    assert Order.objects.get(external_ref="SO-1").total == Decimal("50.00")
    # Found by name the next time: no second product.
    again = run_import(
        supervisor,
        "orders",
        [HEADERS, row("SO-4", code=first.code, product="锤子", price="12.50")],
        mapping=MAPPING,
        options={"create_products": True},
    )
    assert again.created_count == 1
    assert Product.objects.filter(name="锤子").count() == 1


def test_a_dry_run_with_create_products_creates_nothing(org, shop, products):
    run_import(
        org["supervisor"],
        "orders",
        [HEADERS, row("SO-1", code=shop["first"].code, product="锤子")],
        mapping=MAPPING,
        options={"create_products": True},
        commit=False,
    )
    assert not Product.objects.filter(name="锤子").exists()
    assert not Order.objects.exists()


def test_statuses_kept_and_no_credit_hold_check(org, shop, products):
    first = shop["first"]
    Customer.all_objects.filter(pk=first.pk).update(credit_status=Customer.CreditStatus.ON_HOLD)
    job = run_import(
        org["manager1"],
        "orders",
        [
            HEADERS,
            row("SO-1", code=first.code, status="草稿"),
            row("SO-2", code=first.code, status="confirmed"),
            row("SO-3", code=first.code, status="已发货"),
            row("SO-4", code=first.code),
        ],
        mapping=MAPPING,
    )
    assert (job.created_count, job.error_count) == (4, 0), job.report
    assert dict(Order.objects.values_list("external_ref", "status")) == {
        "SO-1": Order.Status.DRAFT,
        "SO-2": Order.Status.CONFIRMED,
        "SO-3": Order.Status.SHIPPED,
        "SO-4": Order.Status.COMPLETED,
    }


def test_history_before_a_migrated_churn_does_not_win_the_customer_back(org, shop, products):
    first = shop["first"]
    left = timezone.make_aware(datetime.datetime(2022, 6, 1))
    Customer.all_objects.filter(pk=first.pk).update(status=Customer.Status.CHURNED)
    ChurnCase.objects.create(
        customer=first, state=ChurnCase.State.CONFIRMED, warned_at=left, closed_at=left
    )
    run_import(
        org["manager1"],
        "orders",
        [HEADERS, row("SO-1", code=first.code, day="2022-05-01")],
        mapping=MAPPING,
    )
    first.refresh_from_db()
    assert first.status == Customer.Status.CHURNED
    assert timezone.localtime(first.last_order_at).date() == datetime.date(2022, 5, 1)
    run_import(
        org["manager1"],
        "orders",
        [HEADERS, row("SO-2", code=first.code, day="2022-07-01")],
        mapping=MAPPING,
    )
    first.refresh_from_db()
    assert first.status == Customer.Status.ACTIVE
    assert ChurnCase.objects.get().state == ChurnCase.State.WON_BACK


def _upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("orders.csv", data, content_type="text/csv")


def test_api_new_keys_and_create_products(api, org, shop, products):
    first = shop["first"]
    data = csv_bytes([HEADERS, row("SO-9", ref="CRM-1", product="锤子", price="9.90")])
    client = api("supervisor")
    response = client.post(
        "/api/orders/import/",
        {
            "file": _upload(data),
            "mapping": json.dumps(MAPPING),
            "create_products": "true",
            "dry_run": "false",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["created"], body["errors"], body["state"]) == (1, 0, "done")
    assert body["options"] == {"create_products": True}
    assert body["mapping"]["客户外部编号"] == "customer_ref"
    order = Order.objects.get(external_ref="SO-9")
    assert order.customer == first
    assert order.lines.get().product.name == "锤子"


def test_api_refuses_bad_options_naming_them(api, shop, products):
    data = csv_bytes([HEADERS, row("SO-9", ref="CRM-1")])
    manager = api("manager1", language="en")
    response = manager.post(
        "/api/orders/import/",
        {"file": _upload(data), "mapping": json.dumps(MAPPING), "create_products": "true"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "create_products" in json.dumps(response.json())
    bad = dict(MAPPING, 日期="order_day")
    response = manager.post(
        "/api/orders/import/",
        {"file": _upload(data), "mapping": json.dumps(bad)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "mapping" in json.dumps(response.json())
    assert not Order.objects.exists()


def test_the_page_shows_the_new_keys_and_the_tick_box(login, shop, products):
    client = login("supervisor")
    page = client.get("/sales/orders/import/")
    assert b'name="option_create_products"' in page.content
    response = client.post(
        "/sales/orders/import/",
        {
            "file": _upload(csv_bytes([HEADERS, row("SO-1", code=shop["first"].code)])),
            "mode": "valid_rows",
            "profile": "",
            "option_create_products": "on",
        },
    )
    assert response.status_code == 302, response.content
    detail = client.get(response["Location"])
    content = detail.content.decode()
    for key in ("customer_code", "customer_ref", "customer_name", "external_no", "amount"):
        assert f'value="{key}"' in content
    assert 'name="option_create_products"' in content and "checked" in content
