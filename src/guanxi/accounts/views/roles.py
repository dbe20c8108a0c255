"""Role administration: roles are permission sets (Django groups) that administrators edit."""

from typing import Any

from django import forms
from django.contrib.auth.models import Group
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.accounts.forms.roles import RoleForm
from guanxi.accounts.roles import ROLE_LABELS, role_label
from guanxi.accounts.selectors import users as selectors
from guanxi.accounts.services import users as services
from guanxi.accounts.views.common import AccountAdminPage, signed_in
from guanxi.core.views.generic import ObjectFormView

ACTIVE_NAV = "roles"


class RoleListView(AccountAdminPage):
    active_nav = ACTIVE_NAV

    def get(self, request: HttpRequest) -> HttpResponse:
        roles = list(selectors.role_summary())
        for role in roles:
            role.label = role_label(role.name)  # type: ignore[attr-defined]
            role.is_builtin = role.name in ROLE_LABELS  # type: ignore[attr-defined]
        return render(request, "accounts/role_list.html", self.get_context(roles=roles))


class RoleFormView(ObjectFormView, AccountAdminPage):
    """A new role (no ``pk`` in the URL) or an existing one's name and permissions."""

    model = Group
    form_class = RoleForm
    active_nav = ACTIVE_NAV
    template_name = "accounts/role_form.html"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        try:
            return selectors.role_get(pk=pk)
        except Group.DoesNotExist as missing:
            raise Http404 from missing

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        assert record is None or isinstance(record, Group)
        # An empty POST is an unbound form, shown again without errors.
        return RoleForm(data or None, instance=record)

    def form_context(
        self, request: HttpRequest, form: forms.Form, record: Model | None
    ) -> dict[str, Any]:
        if record is None:
            return {"title": _("New role")}
        assert isinstance(record, Group)
        return {"title": _("Edit role %(name)s") % {"name": role_label(record.name)}}

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert record is None or isinstance(record, Group)
        assert isinstance(form, RoleForm)
        return services.role_save(
            actor=signed_in(request),
            role=record,
            name=form.cleaned_data["name"],
            permissions=form.permissions_to_save(),
            mfa_required=form.cleaned_data["mfa_required"],
            allowed_networks=form.cleaned_data["allowed_networks"],
        )

    def success_message(self, record: Model) -> str:
        assert isinstance(record, Group)
        return _("Role %(name)s was saved.") % {"name": role_label(record.name)}

    def success_url(self, request: HttpRequest, record: Model) -> str:
        return reverse("accounts:role_list")
