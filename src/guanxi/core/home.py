"""What the apps show on the home page: blocks of figures, and how a user's roles are named.

Core draws the page but owns no business data. An app adds a block of figures (the customers
app its customer counts) with :func:`register_figures`, and the accounts app says how roles are
named with :func:`register_role_labels`; both are called from the apps' ``ready()``.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Figures = Callable[..., Mapping[str, Any]]
RoleLabels = Callable[[Any], list[str]]


@dataclass(frozen=True)
class HomeFigures:
    """A block of figures: ``figures(actor=user)`` fills ``template`` (as ``counts``), shown to
    holders of ``permission`` only; blocks appear by ``order``."""

    key: str
    template: str
    permission: str
    figures: Figures
    order: int = 100


@dataclass(frozen=True)
class HomeBlock:
    """One block as the page shows it: its template and the reader's figures."""

    key: str
    template: str
    counts: Mapping[str, Any]


_FIGURES: dict[str, HomeFigures] = {}
_ROLE_LABELS: list[RoleLabels] = []


def register_figures(block: HomeFigures) -> HomeFigures:
    """Add (or replace, by key) a block of home figures."""
    _FIGURES[block.key] = block
    return block


def home_blocks(*, actor: Any) -> list[HomeBlock]:
    """The blocks ``actor`` may see, with their figures computed within the actor's scope."""
    return [
        HomeBlock(key=block.key, template=block.template, counts=block.figures(actor=actor))
        for block in sorted(_FIGURES.values(), key=lambda block: block.order)
        if not block.permission or actor.has_perm(block.permission)
    ]


def register_role_labels(labels: RoleLabels) -> RoleLabels:
    """Set how a user's roles are named (the accounts app owns the roles)."""
    _ROLE_LABELS[:] = [labels]
    return labels


def role_labels(user: Any) -> list[str]:
    """The names of ``user``'s roles in the reader's language (none if no app names them)."""
    return [label for labels in _ROLE_LABELS for label in labels(user)]
