"""Keyset pagination: every row once, in order, in any direction; bad cursors are harmless."""

import base64
import datetime as dt
import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guanxi.core.models import DictionaryEntry
from guanxi.core.pagination import CursorPage, keyset_paginate
from guanxi.customers.models import Customer

BASE_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

rows_strategy = st.lists(
    st.fixed_dictionaries(
        {
            # Few distinct values, so ties (which the id must break) are common.
            "name": st.text(alphabet="ab", max_size=2),
            "satisfaction": st.none() | st.integers(min_value=1, max_value=3),
            "credit": st.none() | st.integers(min_value=1, max_value=2),
            "minutes": st.integers(min_value=0, max_value=3),
        }
    ),
    max_size=25,
)
key_strategy = st.tuples(
    st.sampled_from(["name", "satisfaction", "credit", "created_at"]), st.booleans()
)
ordering_strategy = st.builds(
    lambda prefix, id_descending: (
        *[("-" if descending else "") + name for name, descending in prefix],
        "-id" if id_descending else "id",
    ),
    st.lists(key_strategy, max_size=3, unique_by=lambda key: key[0]),
    st.booleans(),
)


def expected_order(customers: list[Customer], ordering: tuple[str, ...]) -> list[int]:
    """The order computed in Python: NULLs after every value in both directions."""
    result = list(customers)
    for item in reversed(ordering):  # stable sorts, least significant key first
        name, descending = item.removeprefix("-"), item.startswith("-")

        def key(customer, name=name, descending=descending):
            value = getattr(customer, name)
            is_null = value is None
            # Reversing the sort would move NULLs first, so flip their flag for descending keys.
            return (is_null != descending, value if not is_null else 0)

        result.sort(key=key, reverse=descending)
    return [customer.pk for customer in result]


def walk_forward(queryset, ordering, per_page) -> list[CursorPage]:
    pages = [keyset_paginate(queryset, ordering=ordering, per_page=per_page)]
    while pages[-1].has_next:
        pages.append(
            keyset_paginate(
                queryset, ordering=ordering, cursor=pages[-1].next_cursor, per_page=per_page
            )
        )
        assert len(pages) < 100, "pagination does not terminate"
    return pages


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows_strategy, ordering=ordering_strategy, per_page=st.integers(1, 7))
def test_walking_all_pages_yields_every_row_once_in_order(rows, ordering, per_page):
    with transaction.atomic():
        made = Customer.objects.bulk_create(
            [
                Customer(
                    code=f"T{index}",
                    name=row["name"],
                    satisfaction=row["satisfaction"],
                    credit=row["credit"],
                    created_at=BASE_TIME + dt.timedelta(minutes=row["minutes"]),
                )
                for index, row in enumerate(rows)
            ]
        )
        made = list(Customer.objects.all())  # ids as the database assigned them
        queryset = Customer.objects.all()

        pages = walk_forward(queryset, ordering, per_page)
        walked = [customer.pk for page in pages for customer in page]
        assert walked == expected_order(made, ordering)
        assert all(len(page) <= per_page for page in pages)
        assert not pages[0].has_previous

        # Walking back from the last page retraces the same pages.
        backwards = [pages[-1]]
        while backwards[-1].has_previous:
            backwards.append(
                keyset_paginate(
                    queryset,
                    ordering=ordering,
                    cursor=backwards[-1].previous_cursor,
                    per_page=per_page,
                )
            )
            assert len(backwards) <= len(pages)
        assert [[c.pk for c in page] for page in reversed(backwards)] == [
            [c.pk for c in page] for page in pages
        ]
        transaction.set_rollback(True)


@pytest.fixture
def twelve(db):
    levels = list(DictionaryEntry.objects.filter(kind="customer_level")[:2])
    return Customer.objects.bulk_create(
        [
            Customer(code=f"P{i:02d}", name=f"c{i:02d}", level=levels[i % 3] if i % 3 < 2 else None)
            for i in range(12)
        ]
    )


def test_pages_follow_each_other_and_come_back(twelve):
    ordering = ("name", "id")
    first = keyset_paginate(Customer.objects.all(), ordering=ordering, per_page=5)
    assert [c.name for c in first] == ["c00", "c01", "c02", "c03", "c04"]
    assert first.has_next and not first.has_previous
    second = keyset_paginate(
        Customer.objects.all(), ordering=ordering, cursor=first.next_cursor, per_page=5
    )
    assert [c.name for c in second] == ["c05", "c06", "c07", "c08", "c09"]
    assert second.has_previous and second.has_next
    back = keyset_paginate(
        Customer.objects.all(), ordering=ordering, cursor=second.previous_cursor, per_page=5
    )
    assert [c.pk for c in back] == [c.pk for c in first]
    assert not back.has_previous


def test_ordering_through_a_nullable_relation_puts_nulls_last(twelve):
    for ordering in [("level__sort_order", "id"), ("-level__sort_order", "-id")]:
        pages = walk_forward(Customer.objects.all(), ordering, 5)
        walked = [c for page in pages for c in page]
        assert len(walked) == 12
        assert len({c.pk for c in walked}) == 12
        assert all(c.level_id is None for c in walked[-4:])
        assert all(c.level_id is not None for c in walked[:-4])


def test_one_query_per_page_at_any_depth(twelve, django_assert_num_queries):
    first = keyset_paginate(Customer.objects.all(), ordering=("-created_at", "-id"), per_page=4)
    with django_assert_num_queries(1):
        keyset_paginate(
            Customer.objects.all(),
            ordering=("-created_at", "-id"),
            cursor=first.next_cursor,
            per_page=4,
        )


def _cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "e30",  # {}
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        _cursor({"d": "n", "o": ["name", "id"], "v": ["c03", 4]}),  # another ordering's cursor
        _cursor({"d": "n", "o": ["-created_at", "-id"], "v": ["yesterday", 4]}),
        _cursor({"d": "n", "o": ["-created_at", "-id"], "v": [None]}),
        _cursor({"d": "x", "o": ["-created_at", "-id"], "v": [None, 1]}),
        _cursor([1, 2, 3]),
    ],
)
def test_a_bad_cursor_gives_the_first_page(twelve, cursor):
    ordering = ("-created_at", "-id")
    first = keyset_paginate(Customer.objects.all(), ordering=ordering, per_page=5)
    page = keyset_paginate(Customer.objects.all(), ordering=ordering, cursor=cursor, per_page=5)
    assert [c.pk for c in page] == [c.pk for c in first]
    assert not page.has_previous


def test_cursors_are_opaque_and_url_safe(twelve):
    page = keyset_paginate(Customer.objects.all(), ordering=("name", "id"), per_page=5)
    assert page.next_cursor.isascii()
    assert not set(page.next_cursor) & set("+/= &?")


@pytest.mark.parametrize("ordering", [("name",), ("satisfaction", "id", "level"), ()])
def test_an_ordering_must_end_in_a_unique_field(db, ordering):
    with pytest.raises(ValueError):
        keyset_paginate(Customer.objects.all(), ordering=ordering)


def test_values_querysets_page_too(twelve):
    rows = Customer.objects.values("pk", "name")
    first = keyset_paginate(rows, ordering=("-name", "-id"), per_page=10)
    rest = keyset_paginate(rows, ordering=("-name", "-id"), cursor=first.next_cursor, per_page=10)
    assert [row["name"] for row in [*first, *rest]] == [f"c{i:02d}" for i in range(11, -1, -1)]


def test_a_deep_page_gives_the_database_a_range_on_the_leading_column(
    twelve, django_assert_num_queries
):
    # Without the range PostgreSQL scanned 780,000 index entries to reach page 30,000 of 1M rows.
    first = keyset_paginate(Customer.objects.all(), ordering=("-created_at", "-id"), per_page=4)
    with django_assert_num_queries(1) as captured:
        keyset_paginate(
            Customer.objects.all(),
            ordering=("-created_at", "-id"),
            cursor=first.next_cursor,
            per_page=4,
        )
    assert '"created_at" <= ' in captured.captured_queries[0]["sql"]
