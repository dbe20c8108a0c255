"""A short-lived cache of report results, so a report opened again (or refiltered back) within
a few minutes is served without recomputing: the page shows when its figures were computed.

The key holds the report, the language (labels are translated), the actor's scope (executives
share one entry; others the set of users whose records they see) and the filters. Setting
``GUANXI_REPORT_CACHE_SECONDS`` (default 300) sets the lifetime; 0 turns the cache off.
Every key also holds a generation number: :func:`reports_invalidate` moves it on (a customer
went to the recycle bin or came back), so no report is served from before that change.
"""

import hashlib
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from guanxi.accounts.models import User
from guanxi.analytics import rules
from guanxi.core.scoping import visible_user_ids


def cache_seconds() -> int:
    seconds = cast(int | str, settings.GUANXI.get("REPORT_CACHE_SECONDS", 300))
    return int(seconds)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


GENERATION_KEY = "guanxi:report:generation"


def _generation() -> int:
    return int(cache.get_or_set(GENERATION_KEY, 1, timeout=None) or 1)


def reports_invalidate() -> None:
    """Make every cached report result stale at once (the next view recomputes it)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation stored yet (or evicted): any new one differs
        cache.set(GENERATION_KEY, _generation() + 1, timeout=None)


def scope_key(actor: User) -> str:
    if rules.reads_company_figures(actor):
        return "all"
    return _digest(",".join(str(pk) for pk in sorted(visible_user_ids(actor))))


def params_key(params: dict[str, Any]) -> str:
    parts = []
    for name in sorted(params):
        value = params[name]
        parts.append(f"{name}={getattr(value, 'pk', value)}")
    return _digest("&".join(parts))


def cached(
    name: str, *, actor: User, params: dict[str, Any], compute: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """``compute()`` with ``as_of`` (when it was computed), from the cache when fresh.

    A result read from a rollup brings its own ``as_of`` (when the rollup was computed).
    """
    seconds = cache_seconds()
    if seconds <= 0:
        return {"as_of": timezone.now(), **compute()}
    key = (
        f"guanxi:report:{_generation()}:{name}:{get_language()}:"
        f"{scope_key(actor)}:{params_key(params)}"
    )
    found: dict[str, Any] | None = cache.get(key)
    if found is not None:
        return found
    result = {"as_of": timezone.now(), **compute()}
    cache.set(key, result, seconds)
    return result
