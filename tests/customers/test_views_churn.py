"""The churn pages, the churn panel on a customer, and the merge page."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.customers.models import ChurnCase, Contact, Customer
from guanxi.customers.services import churn as services_churn
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory


def _stale(owner, **fields) -> Customer:
    customer = CustomerFactory(owner=owner, **fields)
    Customer.all_objects.filter(pk=customer.pk).update(
        created_at=timezone.now() - timedelta(days=400)
    )
    return customer


@pytest.fixture
def warnings(org):
    made = {name: _stale(org[name]) for name in ("manager1", "manager2", "manager3")}
    services_churn.churn_scan()
    return made


def test_churn_list_shows_open_warnings_in_scope(login, warnings):
    page = login("manager1").get(reverse("customers:churn_list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert warnings["manager1"].name in body
    assert warnings["manager2"].name not in body

    team = login("supervisor").get(reverse("customers:churn_list")).content.decode()
    assert warnings["manager1"].name in team and warnings["manager2"].name in team
    assert warnings["manager3"].name not in team
    mine = login("supervisor").get(reverse("customers:churn_list") + "?mine=1")
    assert warnings["manager1"].name not in mine.content.decode()


def test_churn_list_query_count_does_not_grow(org, login, warnings, django_assert_max_num_queries):
    client = login("admin")
    url = reverse("customers:churn_list")
    client.get(url)  # warm the session and permission caches
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(15):
        customer = _stale(org["manager1"])
        services_churn.churn_warn(customer=customer)
        services_churn.churn_postpone(actor=org["manager1"], customer=customer, measures="回访")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('data-testid="churn-row"') == 18


def test_churn_list_follows_the_digest_link_to_the_owners_warnings_of_the_day(org, login, warnings):
    older = _stale(org["manager1"], name="上月预警的客户")
    case = services_churn.churn_warn(customer=older)
    ChurnCase.objects.filter(pk=case.pk).update(warned_at=timezone.now() - timedelta(days=30))
    client = login("manager1")
    today = timezone.localdate().isoformat()
    url = reverse("customers:churn_list") + f"?mine=1&warned={today}"
    body = client.get(url).content.decode()
    assert warnings["manager1"].name in body and older.name not in body
    assert 'data-testid="churn-warned-clear"' in body
    everything = client.get(reverse("customers:churn_list")).content.decode()
    assert older.name in everything


def test_churn_list_names_a_bad_day_and_filters_nothing(login, warnings):
    response = login("manager1").get(reverse("customers:churn_list") + "?warned=not-a-day")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="churn-filter-error"' in body and warnings["manager1"].name in body


def test_churn_list_and_panel_say_why_the_customer_was_warned(login, warnings):
    customer = warnings["manager1"]
    created = timezone.localtime(Customer.objects.get(pk=customer.pk).created_at).date().isoformat()
    client = login("manager1")
    listing = client.get(reverse("customers:churn_list")).content.decode()
    detail = client.get(customer.get_absolute_url()).content.decode()
    (case,) = ChurnCase.objects.select_related("customer").filter(customer=customer)
    with translation.override("en"):
        assert case.warning_reason == f"Never ordered since it was created on {created}"
    # The pages show the same words, in the reader's language (manager1 reads Chinese).
    with translation.override("zh-hans"):
        words = case.warning_reason
    for body in (listing, detail):
        assert f'data-testid="churn-warning-reason">{words}<' in body


def test_churn_nav_entry(login, warnings):
    body = login("manager1").get(reverse("customers:churn_list")).content.decode()
    assert f'href="{reverse("customers:churn_list")}"' in body


def test_postpone_page_records_measures(login, warnings):
    customer = warnings["manager1"]
    client = login("manager1")
    url = reverse("customers:churn_postpone", args=[customer.pk])
    assert client.get(url).status_code == 200
    response = client.post(url + "?from=list", {"measures": "上门拜访"})
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:churn_list")
    case = ChurnCase.objects.get(customer=customer)
    assert case.state == "postponed" and case.measures.get().text == "上门拜访"

    empty = client.post(url, {"measures": ""})
    assert empty.status_code == 200 and "measures" in empty.content.decode()


def test_confirm_page_records_the_reason(login, warnings):
    customer = warnings["manager1"]
    client = login("manager1")
    url = reverse("customers:churn_confirm", args=[customer.pk])
    form = client.get(url).content.decode()
    assert "转向竞争对手" in form or "Moved to a competitor" in form
    reason = dictionary("churn_reason", "service")
    response = client.post(url, {"reason": reason.pk, "details": "响应太慢"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.status == Customer.Status.CHURNED

    # Confirming again is refused on the form, not a crash.
    again = client.post(url, {"reason": reason.pk})
    assert again.status_code == 200
    assert 'data-testid="form-errors"' in again.content.decode()


def test_churn_pages_rights_and_scope(login, warnings):
    customer = warnings["manager1"]
    url = reverse("customers:churn_postpone", args=[customer.pk])
    assert login("exec").get(url).status_code == 403
    assert login("manager2").get(url).status_code == 404
    assert login("exec").get(reverse("customers:churn_list")).status_code == 200


def test_churn_panel_shows_case_measures_and_history(org, warnings):
    customer = warnings["manager1"]
    manager = org["manager1"]
    services_churn.churn_postpone(actor=manager, customer=customer, measures="九折优惠")
    request = RequestFactory().get("/")
    request.user = manager
    template = Template("{% load churn %}{% churn_panel customer %}")
    html = template.render(Context({"request": request, "customer": customer}))
    assert 'data-state="postponed"' in html and "九折优惠" in html
    assert 'data-testid="churn-confirm"' in html

    services_churn.churn_confirm(
        actor=manager, customer=customer, reason=dictionary("churn_reason", "price")
    )
    customer.refresh_from_db()
    html = template.render(Context({"request": request, "customer": customer}))
    assert 'data-testid="churn-history"' in html and 'data-state="confirmed"' in html
    assert "九折优惠" in html

    request.user = org["exec"]  # reads, but may not act
    customer2 = warnings["manager2"]
    html = template.render(Context({"request": request, "customer": customer2}))
    assert 'data-state="warning"' in html and 'data-testid="churn-confirm"' not in html


# -- merge page ------------------------------------------------------------------------------


@pytest.fixture
def duplicates(org):
    survivor = CustomerFactory(owner=org["manager1"], name="杭州西湖茶业", phone="0571-8888 1234")
    merged = CustomerFactory(owner=org["manager1"], name="西湖茶业", phone="057188881234")
    ContactFactory(customer=survivor, is_primary=True)
    ContactFactory(customer=merged, is_primary=True)
    return survivor, merged


def test_merge_page_search_confirm_and_merge(login, duplicates):
    survivor, merged = duplicates
    client = login("manager1")
    url = reverse("customers:merge", args=[survivor.pk])

    detail = client.get(reverse("customers:detail", args=[survivor.pk])).content.decode()
    assert f'href="{url}"' in detail

    suggested = client.get(url).content.decode()  # same phone: offered before any search
    assert 'data-testid="merge-suggested"' in suggested and f'data-pk="{merged.pk}"' in suggested

    search = client.get(url, {"q": merged.code}).content.decode()
    assert f'data-pk="{merged.pk}"' in search and f'data-pk="{survivor.pk}"' not in search

    confirm = client.get(url, {"merged": merged.pk})
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert survivor.code in body and merged.code in body

    response = client.post(
        url,
        {
            "merged": merged.pk,
            "survivor_version": survivor.version,
            "merged_version": merged.version,
        },
    )
    assert response.status_code == 302 and response["Location"] == survivor.get_absolute_url()
    assert not Customer.objects.filter(pk=merged.pk).exists()
    assert Contact.objects.filter(customer=survivor).count() == 2


def test_merge_page_conflict_and_scope(login, duplicates, customers):
    survivor, merged = duplicates
    client = login("manager1")
    url = reverse("customers:merge", args=[survivor.pk])
    stale = client.post(
        url,
        {"merged": merged.pk, "survivor_version": survivor.version + 1, "merged_version": 1},
    )
    assert stale.status_code == 409
    assert Customer.objects.filter(pk=merged.pk).exists()

    assert client.get(url, {"merged": customers["manager2"].pk}).status_code == 404
    assert login("manager2").get(url).status_code == 404
    assert login("exec").get(url).status_code == 403
    itself = client.get(url, {"merged": survivor.pk}).content.decode()
    assert 'data-testid="form-errors"' in itself
