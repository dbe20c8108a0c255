"""The access log page: administrators only, filters, keyset pages, constant queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import AccessLogEntry
from guanxi.core.navigation import navigation_for
from tests.core.fixtures.access_log import log_entry
from tests.customers.fixtures.customers import CustomerFactory

URL = reverse("core:access_log")


@pytest.mark.parametrize("username", ["exec", "supervisor", "manager1", "assistant"])
def test_only_administrators_open_the_access_log(login, org, username):
    assert login(username).get(URL).status_code == 403
    assert "access_log" not in {item.key for item in navigation_for(org[username])}


def test_administrators_have_the_page_in_their_menu(org):
    assert "access_log" in {item.key for item in navigation_for(org["admin"])}


def test_page_lists_entries_in_words_with_their_filters(login, org, english):
    customer = CustomerFactory()
    exported = log_entry(
        org["manager1"],
        details={
            "model": "customers.customer",
            "format": "csv",
            "row_count": 12,
            "filters": {"level": 3},
        },
    )
    downloaded = log_entry(
        org["manager2"],
        AccessLogEntry.Kind.DOWNLOADED_DOCUMENT,
        target=customer,
        details={"file_name": "合同.pdf", "version": 2},
    )
    html = login("admin").get(URL).content.decode()
    assert f'data-testid="access-log-{exported.pk}"' in html
    assert "12 rows of customers as csv; level=3" in html
    assert "File “合同.pdf”, version 2" in html
    assert f"customer #{customer.pk}" in html

    only_manager2 = login("admin").get(URL, {"user": org["manager2"].pk}).content.decode()
    assert f'data-testid="access-log-{downloaded.pk}"' in only_manager2
    assert f'data-testid="access-log-{exported.pk}"' not in only_manager2
    only_exports = login("admin").get(URL, {"kind": "exported"}).content.decode()
    assert f'data-testid="access-log-{exported.pk}"' in only_exports
    assert f'data-testid="access-log-{downloaded.pk}"' not in only_exports
    by_record = login("admin").get(
        URL, {"target_type": "customers.customer", "target_id": customer.pk}
    )
    assert f'data-testid="access-log-{downloaded.pk}"' in by_record.content.decode()
    assert f'data-testid="access-log-{exported.pk}"' not in by_record.content.decode()


def test_date_range_includes_the_last_day(login, org):
    today = timezone.localdate()
    old = log_entry(org["manager1"], when=timezone.now() - timedelta(days=10))
    new = log_entry(org["manager1"])
    html = login("admin").get(URL, {"since": today, "until": today}).content.decode()
    assert f'data-testid="access-log-{new.pk}"' in html
    assert f'data-testid="access-log-{old.pk}"' not in html


def test_bad_filters_name_the_field_and_list_nothing_wrong(login, org, english):
    log_entry(org["manager1"])
    response = login("admin").get(URL, {"until": "2020-01-01", "since": "2021-01-01"})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


def test_page_queries_do_not_grow_with_entries(login, org, django_assert_max_num_queries):
    client = login("admin")
    log_entry(org["manager1"], target=CustomerFactory())
    client.get(URL)
    for number in range(30):
        log_entry(org["manager2" if number % 2 else "manager1"], target=CustomerFactory())
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="access-log-') == 25
    assert 'data-testid="pager-next"' in response.content.decode()
