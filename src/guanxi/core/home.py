"""What the apps show on the home page: panels of work and figures, and how roles are named.

Core draws the page but owns no business data. Each app adds its panels with
:func:`register_panel` from its ``ready()`` (the customers app today's follow-ups and churn
warnings, the service app open requests...), and the accounts app says how roles are named
with :func:`register_role_labels`.

A panel is meant for an *audience*, read from the reader's scope (``core.scoping``): ``own``
(account managers and the assistants who work for them: their own work), ``team``
(supervisors: their team's work) or ``company`` (executives and administrators: company-wide
figures). So an executive, who owns nothing, is never shown an empty "your customers" panel.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from guanxi.core.rules import leads_own_team, sees_everything

OWN = "own"
TEAM = "team"
COMPANY = "company"
AUDIENCES = (OWN, TEAM, COMPANY)

# ``panel(actor=user, audience=...)`` gives the template's context, or None to leave the panel
# out for this reader (nothing to show).
PanelContext = Callable[..., Mapping[str, Any] | None]
RoleLabels = Callable[[Any], list[str]]


@dataclass(frozen=True)
class HomePanel:
    """A panel of the home page: ``context(actor=..., audience=...)`` fills ``template`` (as
    ``panel``); shown to the readers of ``audiences`` who hold ``permission`` (if any); panels
    appear by ``order``."""

    key: str
    template: str
    context: PanelContext
    audiences: tuple[str, ...] = AUDIENCES
    permission: str = ""
    order: int = 100


@dataclass(frozen=True)
class HomeBlock:
    """One panel as the page shows it: its template and the reader's figures."""

    key: str
    template: str
    panel: Mapping[str, Any]


_PANELS: dict[str, HomePanel] = {}
_ROLE_LABELS: list[RoleLabels] = []


def register_panel(panel: HomePanel) -> HomePanel:
    """Add (or replace, by key) a home panel."""
    unknown = set(panel.audiences) - set(AUDIENCES)
    if unknown:
        raise ValueError(f"Unknown home panel audience: {sorted(unknown)}")
    _PANELS[panel.key] = panel
    return panel


def registered_panels() -> list[HomePanel]:
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key))


def home_audience(user: Any) -> str:
    """Whose work the home page shows ``user``: the company's, the team's or their own."""
    if sees_everything(user):
        return COMPANY
    if leads_own_team(user):
        return TEAM
    return OWN


def home_blocks(*, actor: Any) -> list[HomeBlock]:
    """The panels ``actor`` sees, with their figures computed within the actor's scope."""
    audience = home_audience(actor)
    blocks = []
    for panel in registered_panels():
        if audience not in panel.audiences:
            continue
        if panel.permission and not actor.has_perm(panel.permission):
            continue
        context = panel.context(actor=actor, audience=audience)
        if context is not None:
            blocks.append(HomeBlock(key=panel.key, template=panel.template, panel=context))
    return blocks


def register_role_labels(labels: RoleLabels) -> RoleLabels:
    """Set how a user's roles are named (the accounts app owns the roles)."""
    _ROLE_LABELS[:] = [labels]
    return labels


def role_labels(user: Any) -> list[str]:
    """The names of ``user``'s roles in the reader's language (none if no app names them)."""
    return [label for labels in _ROLE_LABELS for label in labels(user)]
