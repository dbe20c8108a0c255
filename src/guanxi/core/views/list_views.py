"""What a list page shows besides its rows, and the forms that save, share and delete views.

``list_state`` is the ``listing`` every list template reads (count, total, columns, views);
the three POST views take the list page's "save this view" menu. Each answers with a redirect
back to the list (a local ``next`` only), errors as messages there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from guanxi.core import lists
from guanxi.core.models import SavedListView
from guanxi.core.selectors import list_views as selectors
from guanxi.core.services import list_views as services

# The query parameter naming the optional columns shown (repeated; an empty one alone: none).
COLUMNS_PARAMETER = "cols"
VIEW_PARAMETER = "view"


@dataclass
class ListState:
    """The ``listing`` of a list template."""

    key: str
    path: str
    count: lists.ListCount
    total: Decimal | None
    total_label: str | Promise
    columns: list[tuple[lists.ListColumn, bool]]
    shown: set[str]
    query: str
    query_pairs: list[tuple[str, str]]
    views: list[tuple[SavedListView, str]] = field(default_factory=list)
    current_view: SavedListView | None = None

    def shows(self, key: str) -> bool:
        return key in self.shown

    @property
    def count_text(self) -> str:
        return count_text(self.count)


def count_text(count: lists.ListCount) -> str:
    """ "12 条" for a count, "约 12,340 条" for the planner's estimate."""
    number = f"{count.value:,}"
    if count.estimated:
        return ngettext("about %(count)s record", "about %(count)s records", count.value) % {
            "count": number
        }
    return ngettext("%(count)s record", "%(count)s records", count.value) % {"count": number}


def requested_columns(request: HttpRequest) -> list[str] | None:
    """The columns the URL asks for; ``None`` when it names none (the defaults apply)."""
    if COLUMNS_PARAMETER not in request.GET:
        return None
    return [key for key in request.GET.getlist(COLUMNS_PARAMETER) if key]


def remembered_columns(request: HttpRequest, list_key: str) -> list[str] | None:
    """The columns the URL asks for, remembered as the reader's choice for this list (in the
    session); without any in the URL, the last choice (``None``: never chose, the defaults)."""
    session = getattr(request, "session", None)
    name = f"list-columns:{list_key}"
    requested = requested_columns(request)
    if session is None:
        return requested
    if requested is None:
        remembered = session.get(name)
        return list(remembered) if isinstance(remembered, list) else None
    if session.get(name) != requested:
        session[name] = requested
    return requested


def view_url(path: str, view: SavedListView) -> str:
    """The list with the view's filters, sort and columns, marked as that view."""
    pairs = list(QueryDict(view.query).lists())
    flat = [(key, value) for key, values in pairs for value in values]
    columns = [(COLUMNS_PARAMETER, key) for key in view.columns] or [(COLUMNS_PARAMETER, "")]
    return f"{path}?{urlencode([*flat, *columns, (VIEW_PARAMETER, str(view.pk))])}"


def list_state(
    request: HttpRequest,
    rows: QuerySet,
    *,
    list_key: str,
    total_field: str | None,
    total_label: str | Promise,
    with_views: bool = True,
) -> ListState:
    entry = lists.registered(list_key) or lists.RegisteredList(list_key, ())
    shown = lists.shown_columns(entry, remembered_columns(request, list_key))
    pairs = [
        (key, value)
        for key, values in request.GET.lists()
        if key not in services.TRANSIENT_PARAMETERS
        for value in values
    ]
    state = ListState(
        key=list_key,
        path=request.path,
        count=lists.count_rows(rows),
        total=lists.total_of(rows, total_field) if total_field else None,
        total_label=total_label,
        columns=[(column, column.key in shown) for column in entry.columns],
        shown=set(shown),
        query=urlencode(pairs),
        query_pairs=pairs,
    )
    if with_views and request.user.is_authenticated:
        views = list(selectors.list_view_list(actor=request.user, list_key=list_key))
        state.views = [(view, view_url(request.path, view)) for view in views]
        current = request.GET.get(VIEW_PARAMETER, "")
        state.current_view = next((v for v in views if str(v.pk) == current), None)
    return state


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _own_or_404(request: HttpRequest, pk: int) -> SavedListView:
    try:
        return selectors.list_view_get(actor=request.user, pk=pk)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing


def _refused(request: HttpRequest, error: ValidationError | PermissionDenied) -> HttpResponse:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You may not change this view."))
    return redirect(_back(request))


@login_required
@require_POST
def list_view_save(request: HttpRequest) -> HttpResponse:
    """Save the list's current filters, sort and columns under a name."""
    try:
        view = services.list_view_save(
            actor=request.user,
            list_key=request.POST.get("list_key", ""),
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
            columns=[key for key in request.POST.getlist("columns") if key],
            shared_with_team=request.POST.get("shared_with_team") == "on",
        )
    except ValidationError as error:
        return _refused(request, error)
    messages.success(request, _("The view %(name)s was saved.") % {"name": view.name})
    back = _back(request).split("?", 1)[0]
    return redirect(view_url(back, view))


@login_required
@require_POST
def list_view_share(request: HttpRequest, pk: int) -> HttpResponse:
    view = _own_or_404(request, pk)
    shared = request.POST.get("shared") == "1"
    try:
        services.list_view_share(actor=request.user, view=view, shared=shared)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, error)
    if shared:
        messages.success(request, _("Your team now sees the view %(name)s.") % {"name": view.name})
    else:
        messages.success(
            request, _("The view %(name)s is yours alone again.") % {"name": view.name}
        )
    return redirect(_back(request))


@login_required
@require_POST
def list_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = _own_or_404(request, pk)
    try:
        services.list_view_delete(actor=request.user, view=view)
    except PermissionDenied as error:
        return _refused(request, error)
    messages.success(request, _("The view %(name)s was deleted.") % {"name": view.name})
    return redirect(_back(request).split("?", 1)[0])
