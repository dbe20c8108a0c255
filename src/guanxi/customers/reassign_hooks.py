"""The one place where reassigning a customer's owner moves the customer's open work.

A customer changes hands *with* its open opportunities, tasks and services, in one step.
Each app with open work registers a hook from its ``AppConfig.ready()`` (the sales app:
``sales.services.opportunities.opportunities_follow_customer``)::

    from guanxi.customers import reassign_hooks

    reassign_hooks.register(move_open_opportunities)

A hook is called as ``hook(actor=..., customer=..., previous=..., owner=...)`` inside the
reassignment's transaction, after the customer's new owner is saved: it moves its own open
records (through its own services, so they are audited too), and raising any exception undoes
the whole reassignment, customer included.

Every change of a customer's owner runs the hooks, whichever service makes it:
``customer_update`` (the owner field), ``customer_reassign`` and ``customers_bulk_reassign``,
the pool's claim, assignment, release and daily recall (``previous`` or ``owner`` is ``None``
for the pool, ``actor`` is ``None`` for the recall), and ``customer_merge``, which runs them
for the duplicate (``customer``) with the survivor's owner as ``owner`` just before the
duplicate's records move to the survivor. A hook that keeps a copy of the owner on its records
updates it on every call; moving open work only makes sense between two people.
"""

from collections.abc import Callable

ReassignHook = Callable[..., None]

_hooks: list[ReassignHook] = []


def register(hook: ReassignHook) -> ReassignHook:
    """Add ``hook`` (once; registering it again changes nothing). Usable as a decorator."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def unregister(hook: ReassignHook) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


def run(*, actor, customer, previous, owner) -> None:
    for hook in list(_hooks):
        hook(actor=actor, customer=customer, previous=previous, owner=owner)
