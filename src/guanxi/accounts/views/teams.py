"""Team administration: the organisation tree, new teams, renaming and moving a team."""

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.accounts.forms.users import TeamForm
from guanxi.accounts.models import Team
from guanxi.accounts.rules import MANAGE_ACCOUNTS
from guanxi.accounts.selectors import users as selectors
from guanxi.accounts.services import users as services
from guanxi.accounts.views.common import AccountAdminPage, signed_in
from guanxi.core.decorators import requires
from guanxi.core.forms.dictionaries import submitted
from guanxi.core.views.generic import ObjectFormView

ACTIVE_NAV = "teams"


class TeamListView(AccountAdminPage):
    active_nav = ACTIVE_NAV

    def get(self, request: HttpRequest) -> HttpResponse:
        context = self.get_context(teams=selectors.team_tree())
        return render(request, "accounts/team_list.html", context)


class TeamCreateView(ObjectFormView, AccountAdminPage):
    model = Team
    form_class = TeamForm
    active_nav = ACTIVE_NAV
    template_name = "accounts/team_form.html"

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        # An empty POST is an unbound form, shown again without errors.
        return TeamForm(data or None)

    def form_context(
        self, request: HttpRequest, form: forms.Form, record: Model | None
    ) -> dict[str, Any]:
        return {"title": _("New team")}

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        return services.team_create(
            actor=signed_in(request),
            name=form.cleaned_data["name"],
            parent=form.cleaned_data["parent"],
        )

    def success_message(self, record: Model) -> str:
        return _("Team %(name)s was created.") % {"name": record}

    def success_url(self, request: HttpRequest, record: Model) -> str:
        return reverse("accounts:team_list")


# Editing stays a function: a stale edit raises ConflictError for the conflict middleware's
# page, which the generic form view would word on the form instead.
@requires(MANAGE_ACCOUNTS)
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        team = selectors.team_get(pk=pk)
    except Team.DoesNotExist as missing:
        raise Http404 from missing
    form = TeamForm(request.POST or None, instance=team)
    # A stale version raises ConflictError, which the conflict middleware shows (409).
    saved = submitted(
        request,
        form,
        lambda: services.team_update(
            actor=signed_in(request),
            team=team,
            name=form.cleaned_data["name"],
            parent=form.cleaned_data["parent"],
            expected_version=form.cleaned_data["version"],
        ),
    )
    if saved is not None:
        messages.success(request, _("Team %(name)s was saved.") % {"name": saved})
        return redirect("accounts:team_list")
    return render(
        request,
        "accounts/team_form.html",
        {
            "active_nav": ACTIVE_NAV,
            "form": form,
            "object": team,
            "title": _("Edit team %(name)s") % {"name": team},
        },
    )
