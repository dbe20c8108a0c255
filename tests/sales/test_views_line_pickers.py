"""Quote and order forms with pickers: what the browser posts (ids and the boxes' text), a
forged id refused on its field, and lines checked in a fixed number of queries."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from guanxi.sales.models import Order, Product, Quote


def _form(customer, lines, **extra):
    data = {
        "customer": str(customer.pk),
        "customer_text": customer.name,
        "quote_date": timezone.localdate().isoformat(),
        "order_date": timezone.localdate().isoformat(),
        "status": "confirmed",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for index, (product, quantity) in enumerate(lines):
        data[f"lines-{index}-product"] = str(product.pk)
        data[f"lines-{index}-product_text"] = str(product)
        data[f"lines-{index}-quantity"] = quantity
    data.update(extra)
    return data


def test_a_quote_posted_by_the_pickers_is_saved(login, org, customers, products):
    customer = customers["manager1"]
    response = login("manager1").post(
        reverse("sales:quote_create"),
        _form(customer, [(products["drill"], "2"), (products["wrench"], "3")]),
    )
    quote = Quote.objects.get()
    assert response.status_code == 302 and quote.customer == customer
    assert quote.total == Decimal("506.30")  # 2 × 199.90 + 3 × 35.50


def test_the_form_shows_the_chosen_customer_and_its_second_line(login, org, customers):
    customer = customers["manager1"]
    page = login("manager1").get(reverse("sales:order_create"), {"customer": customer.pk})
    html = page.content.decode()
    assert f'name="customer" value="{customer.pk}"' in html
    assert f'value="{customer.name}"' in html and 'role="combobox"' in html
    assert f"{customer.code} · 张伟" in html
    # Enter presses the first submit button: a save, never "add line".
    form = html.split('data-testid="order-form"')[1]
    assert form.index('type="submit" class="visually-hidden"') < form.index('name="add_line"')


def test_a_forged_product_id_is_a_field_error(english, login, org, customers, products):
    client = login("manager1")
    for forged in (products["printer"].pk, 10**9, "-1"):  # inactive, missing, garbled
        data = _form(customers["manager1"], [(products["drill"], "1")])
        data["lines-0-product"] = str(forged)
        data["lines-0-product_text"] = ""
        response = client.post(reverse("sales:order_create"), data)
        assert response.status_code == 200, forged
        line = response.context["lines"].forms[0]
        assert "product" in line.errors, forged
    assert not Order.objects.exists()


def test_a_changed_text_is_searched_again_without_the_script(login, org, customers, products):
    data = _form(customers["manager1"], [(products["drill"], "1")])
    # No script: the id of the drill is still posted, but the box now says "BS-12".
    data["lines-0-product_text"] = "BS-12"
    login("manager1").post(reverse("sales:order_create"), data)
    assert Order.objects.get().lines.get().product == products["wrench"]


def test_lines_are_checked_in_a_fixed_number_of_queries(
    login, org, customers, products, django_assert_max_num_queries
):
    """The lines' products are read once for the form (and once by the service), however many
    lines there are; what grows per line is the service writing the line and its history."""
    client = login("manager1")
    many = [
        (Product.objects.create(name=f"配件{n}", price=Decimal(1), category=products["tools"]), "1")
        for n in range(12)
    ]
    for lines in ([(products["drill"], "1")], many):
        with django_assert_max_num_queries(40 + 2 * len(lines)) as done:
            client.post(reverse("sales:quote_create"), _form(customers["manager1"], lines))
        # (The service's model validation also checks each line's product exists: SELECT 1.)
        reads = [q for q in done.captured_queries if q["sql"].startswith('SELECT "sales_product"')]
        assert len(reads) <= 2, [q["sql"] for q in reads]
    assert Quote.objects.count() == 2
