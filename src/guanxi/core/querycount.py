"""Counts the SQL queries of each request into an ``X-Query-Count`` header (benchmarks only).

Enabled by ``GUANXI_QUERY_COUNT_HEADER``; it wraps the database connections rather than reading
``connection.queries``, so it works with ``DEBUG`` off, as the benchmark's server runs.
"""

import time
from contextlib import ExitStack

from django.db import connections


class _Counter:
    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


class QueryCountMiddleware:
    """Adds ``X-Query-Count`` and ``X-Query-Ms`` (time spent in SQL) to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _Counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        response["X-Query-Count"] = str(counter.count)
        response["X-Query-Ms"] = f"{counter.seconds * 1000:.1f}"
        return response
