"""The scenario registry. Each app adds a module here (customers.py, later sales.py...).

An *http* scenario returns the path to GET as its user through the real server; a *python*
scenario calls selectors in-process as its user. Both are timed and their SQL queries counted.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Scenario:
    name: str
    kind: str  # "http" or "python"
    user: str
    about: str
    fn: Callable


_REGISTRY: dict[str, Scenario] = {}


def _register(kind: str, name: str, user: str, about: str):
    def decorate(fn: Callable) -> Callable:
        if name in _REGISTRY:
            raise ValueError(f"scenario {name!r} is registered twice")
        _REGISTRY[name] = Scenario(name=name, kind=kind, user=user, about=about, fn=fn)
        return fn

    return decorate


def http(name: str, *, user: str, about: str = ""):
    """``fn(ctx) -> path``: the page or API path to GET as ``user``."""
    return _register("http", name, user, about)


def python(name: str, *, user: str, about: str = ""):
    """``fn(ctx, user)``: in-process work (a selector call, evaluated) as ``user``."""
    return _register("python", name, user, about)


class Context:
    """What scenarios may ask for: users by name and sample records they can see."""

    def user(self, username: str):
        return _user(username)

    def visible_customer_id(self, username: str) -> int:
        return _visible_customer_id(username)


@cache
def _user(username: str):
    from guanxi.accounts.models import User

    return User.objects.get(username=username)


@cache
def _visible_customer_id(username: str) -> int:
    from guanxi.customers.selectors.customers import customer_list

    customer = customer_list(actor=_user(username)).first()
    if customer is None:
        raise LookupError(f"{username} sees no customer")
    return customer.pk


def registered() -> list[Scenario]:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def select(spec: str) -> list[Scenario]:
    """Scenarios named in ``spec`` (comma-separated names or name prefixes); all if empty."""
    scenarios = registered()
    if not spec:
        return scenarios
    wanted = [part.strip() for part in spec.split(",") if part.strip()]
    chosen = [s for s in scenarios if any(s.name == w or s.name.startswith(w) for w in wanted)]
    if not chosen:
        raise SystemExit(f"no scenario matches {spec!r}; try: python -m bench list")
    return chosen
