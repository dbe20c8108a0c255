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
