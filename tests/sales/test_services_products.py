"""Products 产品 and inventory 库存 through the services and selectors: catalogue rights,
versions, units, unique places, search and filters, stock totals."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
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
