"""Page-number pagination shared by every list endpoint."""

import json
from functools import cached_property
from typing import Any, cast

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

# Up to this many rows a list is counted exactly; beyond, PostgreSQL's estimate is used.
EXACT_COUNT_LIMIT = 10_000
# A list the planner expects to hold this many times EXACT_COUNT_LIMIT rows or more is not
# counted at all: estimates err by less than that, and the count is what made such lists slow
# now and then (see ``EstimatingPaginator``).
SURELY_LONG_FACTOR = 10


def planner_estimate(queryset) -> int | None:
    """The number of rows PostgreSQL's planner expects ``queryset`` to return (None elsewhere)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class _ReadAheadPage(Page):
    """A page that knows whether rows follow it from reading one row further, not a count."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class EstimatingPaginator(Paginator):
    """Counts exactly up to EXACT_COUNT_LIMIT rows, and estimates larger lists on PostgreSQL.

    ``COUNT(*)`` over a million visible customers takes the database a third of a second per
    page; counting at most a few thousand rows, then asking the planner, takes milliseconds.
    An estimate can be low or high, so such pages are bounded by the rows themselves: any
    page that has rows is served, and "next" is offered when a row follows the page.

    The planner is asked first (planning only, about a millisecond), and a list it expects to
    be far longer than the limit is not counted at all. Counting its first 10,001 rows took a
    few milliseconds on most requests but up to a second on some: PostgreSQL reads them
    through an index-only scan, and every page of the table written to since the last vacuum
    (the visibility map) costs a heap fetch, from disk when other work evicted it. A list of
    all customers, orders or deals of a large installation paid that tail for a number the
    estimate gives anyway.
    """

    def validate_number(self, number):
        if self.count_is_exact:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        if self.count_is_exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return _ReadAheadPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    @cached_property
    def count_is_exact(self) -> bool:
        return self._counts[1]

    @cached_property
    def count(self) -> int:
        return self._counts[0]

    @cached_property
    def _counts(self) -> tuple[int, bool]:
        if not hasattr(self.object_list, "query"):
            return len(self.object_list), True
        queryset = cast("QuerySet[Any]", self.object_list)  # only querysets have a query
        estimate = planner_estimate(queryset)
        if estimate is None:  # not PostgreSQL
            return queryset.count(), True
        if estimate >= SURELY_LONG_FACTOR * EXACT_COUNT_LIMIT:
            return estimate, False
        # Unordered: with the list's ORDER BY the database would walk the recency index and
        # test each row, ten times slower than collecting the matches by any index.
        seen = queryset.order_by()[: EXACT_COUNT_LIMIT + 1].count()
        if seen <= EXACT_COUNT_LIMIT:
            return seen, True
        return max(estimate, EXACT_COUNT_LIMIT + 1), False


class StandardPagination(PageNumberPagination):
    """``?page=2&page_size=50``; answers ``count``, ``count_is_exact``, ``next``, ``previous``
    and ``results``.

    ``page_size`` above the cap is reduced to the cap rather than refused, so a client asking
    for "everything" gets the largest page instead of an error. Lists of more than
    EXACT_COUNT_LIMIT rows carry the database's estimate as ``count`` on PostgreSQL
    (``count_is_exact`` false); their pages are still exact.
    """

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = EstimatingPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_is_exact": paginator.count_is_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_is_exact"] = {
            "type": "boolean",
            "description": f"False when more than {EXACT_COUNT_LIMIT} rows match and `count` "
            "is the database's estimate.",
            "example": True,
        }
        response["required"] = [*response.get("required", []), "count_is_exact"]
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            # Declaring the bounds lets clients (and schemathesis) send sensible values.
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
