"""The database settings a report's transaction gives its queries (PostgreSQL only)."""

import pytest
from django.db import connection

from guanxi.analytics.sessions import grouping_in_index_order, report_transaction

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite has no per-transaction settings"
    ),
]


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def test_a_report_gets_its_memory_and_no_jit(settings):
    settings.GUANXI = {**settings.GUANXI, "REPORT_WORK_MEM": "48MB"}
    with report_transaction():
        assert _setting("work_mem") == "48MB"
        assert _setting("jit") == "off"


def test_the_grouping_hint_ends_with_its_block():
    with report_transaction():
        with grouping_in_index_order():
            assert _setting("enable_hashagg") == "off"
        assert _setting("enable_hashagg") == "on"
