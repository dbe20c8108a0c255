"""The quote pages: the list in scope, create, edit and convert, query counts."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from guanxi.sales.models import Quote
from tests.sales.fixtures.quotes import make_quote


def _form(customer_code, lines, **extra):
    data = {
        "customer": customer_code,
        "quote_date": timezone.localdate().isoformat(),
        "valid_until": "",
        "notes": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for index, line in enumerate(lines):
        for name, value in line.items():
            data[f"lines-{index}-{name}"] = value
    data.update(extra)
    return data


def test_the_list_page_shows_quotes_in_scope(login, org, customers, products):
    mine = make_quote(org["manager1"], customers["manager1"], products)
    other = make_quote(org["manager2"], customers["manager2"], products)
    page = login("manager1").get(reverse("sales:quote_list")).content.decode()
    assert mine.code in page and other.code not in page and "250.91" in page
    page = login("supervisor").get(reverse("sales:quote_list")).content.decode()
    assert mine.code in page and other.code in page


def test_the_list_page_queries_do_not_grow(
    login, org, customers, products, django_assert_max_num_queries
):
    make_quote(org["supervisor"], customers["manager1"], products)
    client = login("supervisor")
    client.get(reverse("sales:quote_list"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("sales:quote_list"))
    for _ in range(8):
        make_quote(org["supervisor"], customers["manager2"], products)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sales:quote_list"))
    assert response.content.decode().count('data-testid="quote-row"') == 9


def test_create_edit_and_convert_through_the_pages(login, org, customers, products):
    client = login("manager1")
    assert client.get(reverse("sales:quote_create")).status_code == 200
    response = client.post(
        reverse("sales:quote_create"),
        _form(
            customers["manager1"].code,
            [
                {"product": products["drill"].pk, "quantity": "2", "discount": "50"},
                {"product": products["wrench"].pk, "quantity": "1", "unit_price": "30"},
            ],
        ),
    )
    quote = Quote.objects.get()
    assert response.status_code == 302 and response.url == quote.get_absolute_url()
    assert quote.total == Decimal("229.90")

    page = client.get(quote.get_absolute_url()).content.decode()
    assert "229.90" in page and 'data-testid="quote-send"' in page
    edit = client.get(reverse("sales:quote_edit", args=[quote.pk]))
    assert edit.status_code == 200
    data = {
        "quote_date": quote.quote_date.isoformat(),
        "valid_until": quote.valid_until.isoformat(),
        "notes": "新",
        "delivery_terms": "七日内送达",
        "version": quote.version,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-product": products["wrench"].pk,
        "lines-0-quantity": "4",
    }
    assert client.post(reverse("sales:quote_edit", args=[quote.pk]), data).status_code == 302
    quote.refresh_from_db()
    assert quote.total == Decimal("142.00")

    status_url = reverse("sales:quote_status", args=[quote.pk])
    client.post(status_url, {"status": "sent", "version": quote.version})
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SENT
    response = client.post(
        reverse("sales:quote_convert", args=[quote.pk]), {"version": quote.version}
    )
    quote.refresh_from_db()
    assert quote.order is not None and response.url == quote.order.get_absolute_url()
    page = client.get(quote.get_absolute_url()).content.decode()
    assert quote.order.code in page and 'data-testid="quote-convert"' not in page
    order_page = client.get(quote.order.get_absolute_url()).content.decode()
    assert (
        f'href="{quote.get_absolute_url()}" data-testid="order-quote">{quote.code}<' in order_page
    )
    assert 'data-field="delivery_terms">七日内送达<' in order_page
    assert 'data-field="notes"><p>新</p>' in order_page


def test_pages_out_of_scope_are_not_found_and_exec_cannot_create(login, org, customers, products):
    other = make_quote(org["manager2"], customers["manager2"], products)
    client = login("manager1")
    assert client.get(reverse("sales:quote_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("sales:quote_convert", args=[other.pk]), {}).status_code == 404
    assert login("exec").get(reverse("sales:quote_create")).status_code == 403
