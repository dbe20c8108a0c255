"""Open work that keeps a customer off the churn list: the registry other apps fill.

A customer with an open deal or opportunity is being worked on, so a churn warning would be
noise. The customers app cannot see those records (sales depends on customers, not the other
way), so each app with open work registers, from its ``AppConfig.ready()``, a function
returning a queryset of its open records with a ``customer_id`` column::

    from guanxi.customers import churn_open_work

    churn_open_work.register(lambda: Deal.objects.filter(stage__is_won=False, ...))

The churn selector turns each into ``NOT EXISTS (… WHERE customer_id = customer.id)``: the
daily job stays one set-wise query per batch, whatever the number of customers.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

OpenWork = Callable[[], QuerySet[Any]]

_sources: list[OpenWork] = []


def register(source: OpenWork) -> OpenWork:
    """Add ``source`` (once; registering it again changes nothing). Usable as a decorator."""
    if source not in _sources:
        _sources.append(source)
    return source


def unregister(source: OpenWork) -> None:
    if source in _sources:
        _sources.remove(source)


def sources() -> list[OpenWork]:
    return list(_sources)
