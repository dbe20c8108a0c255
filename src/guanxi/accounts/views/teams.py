"""Team administration: the organisation tree, new teams, renaming and moving a team."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from guanxi.accounts.forms.users import TeamForm
from guanxi.accounts.models import Team
from guanxi.accounts.selectors import users as selectors
from guanxi.accounts.services import users as services
from guanxi.accounts.views.common import account_admin_required
from guanxi.core.forms.dictionaries import submitted

ACTIVE_NAV = "teams"


@account_admin_required
def team_list(request):
    return render(
        request,
        "accounts/team_list.html",
        {
            "active_nav": ACTIVE_NAV,
            "teams": selectors.team_tree(),
        },
    )


@account_admin_required
def team_create(request):
    form = TeamForm(request.POST or None)
    team = submitted(
        request,
        form,
        lambda: services.team_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            parent=form.cleaned_data["parent"],
        ),
    )
    if team is not None:
        messages.success(request, _("Team %(name)s was created.") % {"name": team})
        return redirect("accounts:team_list")
    return render(
        request,
        "accounts/team_form.html",
        {
            "active_nav": ACTIVE_NAV,
            "form": form,
            "title": _("New team"),
        },
    )


@account_admin_required
def team_edit(request, pk):
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
            actor=request.user,
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
