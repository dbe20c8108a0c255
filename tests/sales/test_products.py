"""Products 产品 and inventory 库存: catalogue rights, pages, search and filters, the API."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from guanxi.core.exceptions import ConflictError
from guanxi.sales.models import Product
from guanxi.sales.selectors import products as selectors_products
from guanxi.sales.services import products as services_products


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("admin", True),
        ("supervisor", True),
        ("manager1", False),
        ("assistant", False),
        ("exec", False),
    ],
)
def test_only_administrators_and_supervisors_maintain_the_catalogue(
    org, products, username, allowed
):
    values = {"name": "螺丝刀", "price": Decimal("9.90"), "category": products["tools"]}
    if allowed:
        product = services_products.product_create(actor=org[username], **values)
        assert product.created_by == org[username]
        return
    with translation.override("en"), pytest.raises(PermissionDenied, match="sales supervisors"):
        services_products.product_create(actor=org[username], **values)


def test_update_is_versioned_and_audited(org, products):
    drill = products["drill"]
    services_products.product_update(
        actor=org["supervisor"], product=drill, expected_version=1, price=Decimal("189.00")
    )
    drill.refresh_from_db()
    assert drill.price == Decimal("189.00") and drill.version == 2
    assert drill.history.latest().history_user == org["supervisor"]
    with pytest.raises(ConflictError):
        services_products.product_update(
            actor=org["supervisor"], product=Product.objects.get(pk=drill.pk), expected_version=1
        )


def test_units_come_from_the_unit_dictionary(org, products):
    from guanxi.core.models import DictionaryEntry

    region = DictionaryEntry.objects.filter(kind="region").first()
    with pytest.raises(ValidationError) as refused:
        services_products.product_create(
            actor=org["admin"], name="x", price=1, category=products["tools"], unit=region
        )
    assert "unit" in refused.value.message_dict


def test_inventory_places_are_unique(org, products):
    with pytest.raises(ValidationError):
        services_products.inventory_item_create(
            actor=org["admin"],
            warehouse=products["shanghai"],
            location="A-01",
            product=products["drill"],
            quantity=1,
        )


def test_search_by_name_or_model_and_filter_by_category(org, products):
    actor = org["manager1"]

    def names(**query):
        return [p.name for p in selectors_products.product_list(actor=actor, **query)]

    assert names(search="DZ-") == ["电钻"]
    assert names(search="扳") == ["扳手"]
    assert set(names(category=products["office"])) == {"打印机"}
    assert names(active=True) == ["扳手", "电钻"]


def test_inventory_totals_per_product(org, products):
    totals = {
        row["product__name"]: row
        for row in selectors_products.inventory_totals(actor=org["manager1"])
    }
    assert totals["电钻"]["quantity"] == Decimal("15") and totals["电钻"]["places"] == 2
    only_beijing = selectors_products.inventory_totals(
        actor=org["manager1"], warehouse=products["beijing"]
    )
    assert {row["product__name"]: row["quantity"] for row in only_beijing} == {
        "电钻": Decimal("5"),
        "扳手": Decimal("7"),
    }


def test_product_pages(login, org, products):
    client = login("manager1")
    listing = client.get(reverse("sales:product_list"), {"q": "DZ"})
    assert [p.name for p in listing.context["page"]] == ["电钻"]
    assert 'data-testid="product-create"' not in listing.content.decode()
    detail = client.get(reverse("sales:product_detail", args=[products["drill"].pk]))
    assert detail.status_code == 200 and "SH01" in detail.content.decode()
    assert client.get(reverse("sales:product_create")).status_code == 403

    supervisor = login("supervisor")
    response = supervisor.post(
        reverse("sales:product_create"),
        {
            "name": "角磨机",
            "model_no": "JM-1",
            "category": products["tools"].pk,
            "price": "299.00",
            "is_active": "on",
        },
    )
    product = Product.objects.get(name="角磨机")
    assert response.status_code == 302 and response.url == product.get_absolute_url()
    edit = supervisor.post(
        reverse("sales:product_edit", args=[product.pk]),
        {"name": "角磨机", "category": products["tools"].pk, "price": "279.00", "version": "1"},
    )
    assert edit.status_code == 302
    product.refresh_from_db()
    assert product.price == Decimal("279.00") and not product.is_active
    stale = supervisor.post(
        reverse("sales:product_edit", args=[product.pk]),
        {"name": "角磨机", "category": products["tools"].pk, "price": "1", "version": "1"},
    )
    assert stale.status_code == 409


def test_inventory_page_filters_and_totals(login, org, products, django_assert_max_num_queries):
    client = login("manager1")
    client.get(reverse("sales:inventory_list"))
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("sales:inventory_list"), {"warehouse": products["beijing"].pk}
        )
    assert {item.location for item in response.context["page"]} == {"B-02", "B-03"}
    assert len(response.context["totals"]) == 2
    by_product = client.get(reverse("sales:inventory_list"), {"product": products["drill"].pk})
    assert by_product.context["totals"][0]["quantity"] == Decimal("15")


def test_products_api(api, org, products):
    listing = api("manager1").get("/api/products/", {"search": "DZ"})
    assert [row["name"] for row in listing.json()["results"]] == ["电钻"]
    assert (
        api("manager1").get("/api/products/", {"category": products["office"].pk}).json()["count"]
        == 1
    )
    payload = {"name": "卷尺", "price": "12.00", "category": products["tools"].pk}
    assert api("manager1").post("/api/products/", payload, format="json").status_code == 403
    created = api("supervisor").post("/api/products/", payload, format="json")
    assert created.status_code == 201 and created.json()["price"] == "12.00"
    assert api("admin").delete(f"/api/products/{created.json()['id']}/").status_code == 405


def test_inventory_api(api, org, products, django_assert_max_num_queries):
    client = api("manager1")
    client.get("/api/inventory/")
    with django_assert_max_num_queries(10):
        rows = client.get("/api/inventory/", {"product": products["drill"].pk}).json()["results"]
    assert {row["warehouse_code"] for row in rows} == {"SH01", "BJ01"}
    payload = {
        "warehouse": products["shanghai"].pk,
        "location": "C-09",
        "product": products["wrench"].pk,
        "quantity": "3",
    }
    assert client.post("/api/inventory/", payload, format="json").status_code == 403
    assert api("supervisor").post("/api/inventory/", payload, format="json").status_code == 201


def test_product_list_queries_do_not_grow_with_products(
    login, org, products, django_assert_max_num_queries
):
    client = login("manager1")
    client.get(reverse("sales:product_list"))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("sales:product_list"))
    for number in range(10):
        services_products.product_create(
            actor=org["admin"],
            name=f"螺丝{number}",
            price=Decimal("1.00"),
            category=products["tools"],
            unit=products["drill"].unit,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sales:product_list"))
    assert len(response.context["page"]) == 13
