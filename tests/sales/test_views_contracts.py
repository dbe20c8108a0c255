"""The contract and receivable pages: lists in scope, forms, the overdue list, query counts."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from guanxi.sales.models import Contract, Receivable
from guanxi.sales.selectors import contracts as selectors_contracts
from tests.sales.fixtures.contracts import make_contract, open_receivable, pay
from tests.sales.fixtures.orders import make_order

# -- contracts: pages --------------------------------------------------------------------------


def test_contract_pages(login, org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    client = login("manager1")
    assert client.get(reverse("sales:contract_create")).status_code == 200
    response = client.post(
        reverse("sales:contract_create"),
        {
            "customer": customers["manager1"].code,
            "title": "维保合同",
            "amount": "1200.50",
            "order": order.code,
            "signed_on": timezone.localdate().isoformat(),
        },
    )
    contract = Contract.objects.get()
    assert response.status_code == 302 and response.url == contract.get_absolute_url()
    assert contract.order == order and contract.amount == Decimal("1200.50")
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "维保合同" in page and order.code in page and 'data-testid="contract-active"' in page

    edit_url = reverse("sales:contract_edit", args=[contract.pk])
    assert client.get(edit_url).status_code == 200
    response = client.post(
        edit_url, {"title": "维保合同二", "amount": "1300", "version": contract.version}
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.title == "维保合同二" and contract.order is None

    client.post(
        reverse("sales:contract_status", args=[contract.pk]),
        {"status": "active", "version": contract.version},
    )
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE

    list_page = client.get(reverse("sales:contract_list")).content.decode()
    assert contract.code in list_page
    assert login("manager2").get(contract.get_absolute_url()).status_code == 404
    assert login("exec").get(reverse("sales:contract_create")).status_code == 403


def test_the_contract_list_queries_do_not_grow(
    login, org, customers, django_assert_max_num_queries
):
    make_contract(org["supervisor"], customers["manager1"])
    client = login("supervisor")
    client.get(reverse("sales:contract_list"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("sales:contract_list"))
    for _ in range(8):
        make_contract(org["supervisor"], customers["manager2"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sales:contract_list"))
    assert response.content.decode().count('data-testid="contract-row"') == 9


# -- receivables and payments ------------------------------------------------------------------


def test_the_overdue_list_is_scoped_and_sorted_by_due_date(login, org, customers, products):
    def overdue_receivable(actor, customer, days):
        return open_receivable(actor, make_order(actor, customer, products), days=days)

    late = overdue_receivable(org["manager1"], customers["manager1"], -20)
    later = overdue_receivable(org["manager1"], customers["manager1"], -5)
    paid = overdue_receivable(org["manager1"], customers["manager1"], -30)
    pay(org["manager1"], paid, paid.amount_due)
    partly = overdue_receivable(org["manager1"], customers["manager1"], -1)
    pay(org["manager1"], partly, "1")
    not_yet = overdue_receivable(org["manager1"], customers["manager1"], 3)
    others = overdue_receivable(org["manager2"], customers["manager2"], -10)

    mine = list(selectors_contracts.receivable_list(actor=org["manager1"], overdue=True))
    assert mine == [late, later, partly]
    team = list(selectors_contracts.receivable_list(actor=org["supervisor"], overdue=True))
    assert team == [late, others, later, partly]

    response = login("manager1").get(reverse("sales:receivable_list"), {"overdue": "1"})
    rows = response.content.decode().split('data-testid="receivable-row"')[1:]
    assert [row.split('data-pk="')[1].split('"')[0] for row in rows] == [
        str(r.pk) for r in (late, later, partly)
    ]
    every = login("manager1").get(reverse("sales:receivable_list")).content.decode()
    assert every.count('data-testid="receivable-row"') == 5 and str(not_yet.due_date) in every


def test_receivable_pages(login, org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    client = login("manager1")
    assert client.get(reverse("sales:receivable_create")).status_code == 200
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client.post(reverse("sales:receivable_create"), {"order": order.pk, "due_date": due})
    receivable = Receivable.objects.get()
    assert response.status_code == 302 and response.url == receivable.get_absolute_url()
    today = timezone.localdate().isoformat()
    response = client.post(
        receivable.get_absolute_url(),
        {"amount": "300", "paid_on": today, "method": "bank_transfer"},
    )
    assert response.status_code == 422 and not receivable.payments.exists()
    response = client.post(
        receivable.get_absolute_url(),
        {"amount": "70.90", "paid_on": today, "method": "bank_transfer"},
    )
    assert response.status_code == 302
    page = client.get(receivable.get_absolute_url()).content.decode()
    assert "¥200.00" in page and 'data-testid="payment"' in page
    assert login("manager2").get(receivable.get_absolute_url()).status_code == 404
    exec_client = login("exec")
    assert exec_client.get(receivable.get_absolute_url()).status_code == 200
    assert (
        exec_client.post(
            receivable.get_absolute_url(), {"amount": "1", "paid_on": today, "method": "cash"}
        ).status_code
        == 403
    )


def test_the_receivable_list_queries_do_not_grow(
    login, org, customers, products, django_assert_max_num_queries
):
    open_receivable(
        org["supervisor"], make_order(org["supervisor"], customers["manager1"], products)
    )
    client = login("supervisor")
    client.get(reverse("sales:receivable_list"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("sales:receivable_list"))
    for _ in range(6):
        order = make_order(org["supervisor"], customers["manager2"], products)
        open_receivable(org["supervisor"], order)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sales:receivable_list"))
    assert response.content.decode().count('data-testid="receivable-row"') == 7
