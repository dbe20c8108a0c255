"""The customer level edited in place on the list (htmx), through customer_update."""

import pytest
from django.urls import reverse

from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.customers.models import Customer

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _levels():
    return list(
        DictionaryEntry.objects.filter(kind=DictionaryKind.CUSTOMER_LEVEL, is_active=True)[:2]
    )


def _url(customer):
    return reverse("customers:inline_level", args=[customer.pk])


def test_the_list_offers_the_edit_only_to_who_may_edit(customers, login):
    cols = {"cols": ["level"]}
    editor = login("manager1").get(reverse("customers:list"), cols).content.decode()
    assert 'data-testid="inline-edit"' in editor
    reader = login("exec").get(reverse("customers:list"), cols).content.decode()
    assert 'data-testid="inline-level"' in reader and 'data-testid="inline-edit"' not in reader


def test_saving_in_place_changes_the_level_and_answers_the_cell(customers, login):
    customer = customers["manager1"]
    level = _levels()[0]
    client = login("manager1")
    form = client.get(_url(customer), **HTMX)
    assert form.status_code == 200 and 'data-testid="inline-form"' in form.content.decode()
    saved = client.post(_url(customer), {"value": level.pk, "version": customer.version}, **HTMX)
    assert saved.status_code == 200
    assert level.label in saved.content.decode()
    assert 'data-testid="inline-edit"' in saved.content.decode()
    fresh = Customer.objects.get(pk=customer.pk)
    assert fresh.level_id == level.pk and fresh.version == customer.version + 1
    # The change is in the customer's history like any other edit.
    assert fresh.history.first().history_user_id == customer.owner_id


def test_a_stale_version_is_a_conflict_with_a_clear_message(customers, login, english):
    customer = customers["manager1"]
    first, second = _levels()
    client = login("manager1")
    client.post(_url(customer), {"value": first.pk, "version": customer.version}, **HTMX)
    stale = client.post(_url(customer), {"value": second.pk, "version": customer.version}, **HTMX)
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone else changed this customer after you opened it" in html
    # The form now shows the saved value and its version, ready for another try.
    assert f'value="{customer.version + 1}"' in html
    assert Customer.objects.get(pk=customer.pk).level_id == first.pk


def test_without_the_change_right_or_outside_the_scope_nothing_changes(customers, login):
    customer = customers["manager1"]
    level = _levels()[0]
    data = {"value": level.pk, "version": customer.version}
    assert login("exec").post(_url(customer), data, **HTMX).status_code == 403
    assert login("manager2").post(_url(customer), data, **HTMX).status_code == 404
    assert Customer.objects.get(pk=customer.pk).level_id is None


def test_a_retired_or_unknown_level_is_refused_naming_the_field(customers, login, english):
    customer = customers["manager1"]
    retired = _levels()[0]
    retired.is_active = False
    retired.save()
    client = login("manager1")
    refused = client.post(
        _url(customer), {"value": retired.pk, "version": customer.version}, **HTMX
    )
    assert refused.status_code == 422
    assert 'data-testid="inline-error">Customer level:' in refused.content.decode()
    unknown = client.post(_url(customer), {"value": "999999", "version": "x"}, **HTMX)
    assert unknown.status_code == 422
    assert Customer.objects.get(pk=customer.pk).level_id is None
