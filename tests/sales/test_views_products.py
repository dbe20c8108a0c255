"""The product and inventory pages: forms, filters and totals, query counts."""

from decimal import Decimal

from django.urls import reverse

from guanxi.sales.models import Product
from guanxi.sales.services import products as services_products


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
