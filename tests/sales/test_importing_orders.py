"""Order history import 历史订单导入: lines grouped into orders, products found, amounts checked,
idempotent by order number, dates and the customer's last order kept, bad lines refuse their
whole order, scope and rights, the API, queries per batch."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.analytics import receivers
from guanxi.core.imports.registry import importer_for
from guanxi.core.models import ImportJob
from guanxi.customers.models import Customer
from guanxi.sales.models import Order, OrderLine, Product
from tests.core.fixtures.imports import entity_import_storage, report_rows, run_import  # noqa: F401
from tests.customers.fixtures.imports import csv_bytes

pytestmark = pytest.mark.usefixtures("entity_import_storage")

HEADERS = [
    "订单编号",
    "客户",
    "订单日期",
    "状态",
    "业务员",
    "产品",
    "型号",
    "数量",
    "单价",
    "折扣",
    "金额",
]


def line(ref, customer, product, quantity, price, *, day="2021-03-05", status="", owner="",
         model="", discount="", amount=""):  # fmt: skip
    return [ref, customer, day, status, owner, product, model, quantity, price, discount, amount]


@pytest.fixture
def customer(customers):
    customer = customers["manager1"]
    customer.external_ref = "CRM-C-1"
    customer.save(update_fields=["external_ref"])
    return customer


def test_lines_grouped_into_one_order_with_its_total(org, customer, products):
    job = run_import(
        org["manager1"],
        "orders",
        [
            HEADERS,
            line("SO-1", customer.code, "电钻", "2", "199.90", amount="399.80"),
            line("SO-1", customer.code, "扳手", "3", "35.50", discount="10", amount="95.85"),
            line("SO-2", customer.code, "扳手", "1", "35.50", day="2021-04-01"),
        ],
    )
    assert (job.created_count, job.error_count) == (3, 0), job.report
    order = Order.objects.get(external_ref="SO-1")
    assert order.total == Decimal("495.65")
    assert (order.line_count, order.item_quantity) == (2, Decimal("5.00"))
    assert [(ln.position, ln.product, ln.amount) for ln in order.lines.all()] == [
        (1, products["drill"], Decimal("399.80")),
        (2, products["wrench"], Decimal("95.85")),
    ]
    # History is completed unless the file says otherwise; the owner is the account manager.
    assert (order.status, order.owner, order.customer) == (
        Order.Status.COMPLETED,
        org["manager1"],
        customer,
    )
    assert order.code.startswith("DD2021")
    assert Order.objects.count() == 2


def test_order_date_kept_and_last_order_moves_forward(org, customer, products):
    run_import(
        org["manager1"],
        "orders",
        [
            HEADERS,
            line("SO-1", customer.code, "电钻", "1", "199.90", day="2020-01-02"),
            line("SO-2", customer.code, "电钻", "1", "199.90", day="2022-06-30"),
            line("SO-3", customer.code, "电钻", "1", "199.90", day="2023-01-01", status="已取消"),
        ],
    )
    order = Order.objects.get(external_ref="SO-1")
    assert order.order_date == datetime.date(2020, 1, 2)
    assert timezone.localtime(order.created_at).date() == datetime.date(2020, 1, 2)
    customer.refresh_from_db()
    # The newest order that is not cancelled.
    assert timezone.localtime(customer.last_order_at).date() == datetime.date(2022, 6, 30)
    assert Order.objects.get(external_ref="SO-3").status == Order.Status.CANCELLED


def test_an_order_across_a_batch_boundary_stays_whole(org, customer, products, monkeypatch):
    monkeypatch.setattr(importer_for("orders"), "batch_size", 2)
    rows = [HEADERS, line("SO-0", customer.code, "扳手", "1", "35.50")]
    rows += [line("SO-1", customer.code, "电钻", str(n), "199.90") for n in (1, 2, 3)]
    rows += [line("SO-2", customer.code, "扳手", "1", "35.50")]
    job = run_import(org["manager1"], "orders", rows)
    assert job.created_count == 5, job.report
    order = Order.objects.get(external_ref="SO-1")
    assert (order.line_count, order.total) == (3, Decimal("1199.40"))
    assert Order.objects.count() == 3


def test_one_bad_line_refuses_its_whole_order(org, customer, products, english, monkeypatch):
    monkeypatch.setattr(importer_for("orders"), "batch_size", 2)
    job = run_import(
        org["manager1"],
        "orders",
        [
            HEADERS,
            line("SO-1", customer.code, "电钻", "1", "199.90"),
            line("SO-1", customer.code, "电钻", "1", "199.90"),
            line("SO-1", customer.code, "锤子", "1", "10"),
            line("SO-2", customer.code, "扳手", "2", "35.50", amount="80.00"),
            line("SO-3", customer.code, "扳手", "2", "35.50"),
        ],
    )
    assert (job.created_count, job.error_count) == (1, 4)
    assert list(Order.objects.values_list("external_ref", flat=True)) == ["SO-3"]
    assert OrderLine.objects.count() == 1
    rows = report_rows(job.report_file.read())
    messages = {row[0]: row[-1] for row in rows[1:]}
    assert "No product “锤子”" in rows[3][-1]
    assert "row 4 of the same record has an error" in rows[1][-1]
    assert "The line amount 80.00 is not" in rows[4][-1]
    assert set(messages) == {"SO-1", "SO-2"}


def test_a_cent_off_is_a_warning_and_the_server_amount_is_kept(org, customer, products):
    job = run_import(
        org["manager1"],
        "orders",
        [HEADERS, line("SO-1", customer.code, "扳手", "3", "35.50", discount="10", amount="95.84")],
    )
    assert (job.created_count, job.warning_count) == (1, 1)
    assert Order.objects.get().total == Decimal("95.85")


def test_products_by_code_external_id_and_name_with_model(org, customer, products, english):
    drill, wrench = products["drill"], products["wrench"]
    Product.objects.filter(pk=drill.pk).update(code="HW-001")
    Product.objects.filter(pk=wrench.pk).update(external_ref="ERP-P-9")
    Product.objects.create(
        name="扳手", model_no="BS-24", price=Decimal("50"), category=products["tools"]
    )
    job = run_import(
        org["manager1"],
        "orders",
        [
            HEADERS,
            line("SO-1", customer.code, "HW-001", "1", "199.90"),
            line("SO-1", customer.code, "ERP-P-9", "1", "35.50"),
            line("SO-1", customer.code, "扳手", "1", "50", model="BS-24"),
            line("SO-2", customer.code, "扳手", "1", "50"),
        ],
    )
    assert (job.created_count, job.error_count) == (3, 1)
    models = list(
        OrderLine.objects.filter(order__external_ref="SO-1").values_list(
            "product__model_no", flat=True
        )
    )
    assert models == ["DZ-100", "BS-12", "BS-24"]
    assert "Several products are called “扳手”" in report_rows(job.report_file.read())[1][-1]


def test_customer_imported_earlier_named_by_its_external_id_and_reimport_is_idempotent(
    org, customer, products
):
    rows = [
        HEADERS,
        line("SO-1", "CRM-C-1", "电钻", "1", "199.90"),
        line("SO-1", "CRM-C-1", "扳手", "1", "35.50"),
    ]
    first = run_import(org["manager1"], "orders", rows)
    again = run_import(org["manager1"], "orders", rows)
    assert first.created_count == 2
    assert (again.created_count, again.skipped_count, again.warning_count) == (0, 2, 0)
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 2


def test_lines_of_one_order_must_be_consecutive(org, customer, products, english):
    job = run_import(
        org["manager1"],
        "orders",
        [
            HEADERS,
            line("SO-1", customer.code, "电钻", "1", "199.90"),
            line("SO-2", customer.code, "扳手", "1", "35.50"),
            line("SO-1", customer.code, "扳手", "1", "35.50"),
        ],
    )
    assert (job.created_count, job.error_count) == (2, 1)
    assert "must be consecutive rows" in report_rows(job.report_file.read())[1][-1]


def test_future_dates_and_differing_header_values_are_refused(org, customer, products, english):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    job = run_import(
        org["manager1"],
        "orders",
        [
            HEADERS,
            line("SO-1", customer.code, "电钻", "1", "199.90", day=tomorrow),
            line("SO-2", customer.code, "电钻", "1", "199.90", day="2021-01-01"),
            line("SO-2", customer.code, "电钻", "1", "199.90", day="2021-01-02"),
        ],
    )
    assert (job.created_count, job.error_count) == (0, 3)
    assert not Order.objects.exists()
    text = " ".join(str(row[-1]) for row in report_rows(job.report_file.read()))
    assert "The order date is in the future" in text
    assert "Every line of SO-2 gives the same value here" in text


def test_customers_out_of_scope_are_not_found(org, customers, products, english):
    other = customers["manager3"]
    job = run_import(
        org["manager1"], "orders", [HEADERS, line("SO-1", other.code, "电钻", "1", "199.90")]
    )
    assert job.error_count == 1
    assert not Order.objects.exists()
    # A supervisor of the other team sees the customer and may name its account manager.
    job = run_import(
        org["supervisor2"],
        "orders",
        [HEADERS, line("SO-1", other.code, "电钻", "1", "199.90", owner="manager3")],
    )
    assert job.created_count == 1, job.report
    assert Order.objects.get().owner == org["manager3"]


def test_account_managers_may_not_name_another_rep(org, customer, products, english):
    job = run_import(
        org["manager1"],
        "orders",
        [HEADERS, line("SO-1", customer.code, "电钻", "1", "199.90", owner="manager2")],
    )
    assert job.error_count == 1
    assert "orders taken by yourself" in report_rows(job.report_file.read())[1][-1]


def test_importing_orders_needs_the_right_to_create_orders(org, customer, products):
    org["manager1"].groups.clear()
    with pytest.raises(PermissionDenied):
        run_import(
            org["manager1"], "orders", [HEADERS, line("SO-1", customer.code, "电钻", "1", "1")]
        )


def test_queries_per_batch_do_not_grow_with_the_orders(org, customer, products):
    def queries(count: int, start: int) -> int:
        rows = [HEADERS]
        for n in range(start, start + count):
            rows += [
                line(f"SO-{n}", customer.code, "电钻", "1", "199.90"),
                line(f"SO-{n}", customer.code, "扳手", "2", "35.50"),
            ]
        with CaptureQueriesContext(connection) as captured:
            job = run_import(org["manager1"], "orders", rows)
        assert job.created_count == 2 * count
        return len(captured)

    queries(1, 5000)  # one-off reads (users, content types) out of the way
    assert queries(40, 1000) <= queries(4, 0) + 2


def test_api_round_trip(api, customer, products):
    client = api("manager1")
    data = csv_bytes([HEADERS, line("SO-9", customer.code, "电钻", "1", "199.90")])
    response = client.post(
        "/api/orders/import/",
        {"file": _file(data)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    assert response.json()["created"] == 1
    assert not Order.objects.exists()
    detail = client.get(f"/api/orders/import/{job_id}/")
    assert detail.status_code == 200
    committed = client.post(f"/api/orders/import/{job_id}/commit/")
    assert committed.status_code == 200, committed.content
    assert ImportJob.objects.get(pk=job_id).state == ImportJob.State.DONE
    assert Order.objects.get().external_ref == "SO-9"
    assert client.get(f"/api/orders/{Order.objects.get().pk}/").json()["external_ref"] == "SO-9"


def test_import_page_and_list_link(login, customer, products):
    client = login("manager1")
    page = client.get("/sales/orders/import/")
    assert page.status_code == 200
    assert b"/sales/orders/import/" in client.get("/sales/orders/").content


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("orders.csv", data, content_type="text/csv")


def test_the_import_endpoints_are_in_the_schema(db, openapi_schema):
    paths = openapi_schema["paths"]
    for entity in ("orders", "quotes", "contracts", "receivables"):
        prefix = f"/api/{entity}/import/"
        found = {
            path[len(prefix) :].split("/", 1)[-1]: set(paths[path])
            for path in paths
            if path.startswith(prefix)
        }
        assert "post" in paths[prefix]
        assert {"", "commit/", "report.xlsx"} <= set(found), found
        assert "post" in found["commit/"]


def test_a_newer_imported_order_wins_back_a_churned_customer(org, customer, products):
    ordered = timezone.make_aware(datetime.datetime(2022, 1, 1))
    Customer.all_objects.filter(pk=customer.pk).update(
        status=Customer.Status.CHURNED, last_order_at=ordered
    )
    run_import(
        org["manager1"],
        "orders",
        [HEADERS, line("SO-1", customer.code, "电钻", "1", "199.90", day="2021-06-01")],
    )
    customer.refresh_from_db()
    # An older order is history: nothing changes.
    assert (customer.status, customer.last_order_at) == (Customer.Status.CHURNED, ordered)
    run_import(
        org["manager1"],
        "orders",
        [HEADERS, line("SO-2", customer.code, "电钻", "1", "199.90", day="2023-03-01")],
    )
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE
    assert timezone.localtime(customer.last_order_at).date() == datetime.date(2023, 3, 1)


def test_past_orders_drop_the_report_rollups_once_per_batch(
    org, customer, products, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(importer_for("orders"), "batch_size", 2)
    drops: list[str] = []
    monkeypatch.setattr(receivers, "rollups_drop", lambda: drops.append("drop"))
    monkeypatch.setattr(receivers, "rollups_rebuild_queue", lambda: None)
    rows = [HEADERS] + [line(f"SO-{n}", customer.code, "扳手", "1", "35.50") for n in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        job = run_import(org["manager1"], "orders", rows)
    assert job.created_count == 4
    # Two batches committed; the dry run before them sent nothing.
    assert drops == ["drop", "drop"]
