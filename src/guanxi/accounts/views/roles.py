"""Role administration: roles are permission sets (Django groups) that administrators edit."""

from django.contrib import messages
from django.contrib.auth.models import Group
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from guanxi.accounts.forms.users import RoleForm
from guanxi.accounts.roles import ROLE_LABELS, role_label
from guanxi.accounts.selectors import users as selectors
from guanxi.accounts.services import users as services
from guanxi.accounts.views.common import account_admin_required
from guanxi.core.forms.dictionaries import submitted

ACTIVE_NAV = "roles"


@account_admin_required
def role_list(request):
    roles = list(selectors.role_summary())
    for role in roles:
        role.label = role_label(role.name)
        role.is_builtin = role.name in ROLE_LABELS
    return render(request, "accounts/role_list.html", {"active_nav": ACTIVE_NAV, "roles": roles})


def _save(request, form: RoleForm, role: Group | None):
    saved = submitted(
        request,
        form,
        lambda: services.role_save(
            actor=request.user,
            role=role,
            name=form.cleaned_data["name"],
            permissions=form.permissions_to_save(),
        ),
    )
    if saved is None:
        return None
    messages.success(request, _("Role %(name)s was saved.") % {"name": role_label(saved.name)})
    return redirect("accounts:role_list")


@account_admin_required
def role_create(request):
    form = RoleForm(request.POST or None)
    response = _save(request, form, None)
    if response is not None:
        return response
    return render(
        request,
        "accounts/role_form.html",
        {
            "active_nav": ACTIVE_NAV,
            "form": form,
            "title": _("New role"),
        },
    )


@account_admin_required
def role_edit(request, pk):
    try:
        role = selectors.role_get(pk=pk)
    except Group.DoesNotExist as missing:
        raise Http404 from missing
    form = RoleForm(request.POST or None, instance=role)
    response = _save(request, form, role)
    if response is not None:
        return response
    return render(
        request,
        "accounts/role_form.html",
        {
            "active_nav": ACTIVE_NAV,
            "form": form,
            "object": role,
            "title": _("Edit role %(name)s") % {"name": role_label(role.name)},
        },
    )
