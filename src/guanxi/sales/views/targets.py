"""The sales target pages 销售目标: the list with achievement and rate, create, edit, delete.

Reads go through ``selectors.targets`` (out of scope → 404), writes through
``services.targets`` (no right → 403; bad input shows on the form; a stale version → 409).
"""

from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.core.views.generic import (
    ObjectDeleteView,
    ObjectFormView,
    ObjectListView,
    ObjectView,
    object_or_404,
)
from guanxi.sales import rules
from guanxi.sales.forms.targets import TargetEditForm, TargetFilterForm, TargetForm
from guanxi.sales.models import Target
from guanxi.sales.selectors import targets as selectors
from guanxi.sales.services import targets as services
from guanxi.sales.views.base import signed_in

ACTIVE_NAV = "targets"


class TargetListView(ObjectListView):
    """The targets in scope with achievement and rate; filters period kind and year."""

    permission = rules.VIEW_TARGET
    active_nav = ACTIVE_NAV
    template_name = "sales/target_list.html"
    partial_template_name = "sales/partials/_target_table.html"
    filter_form = TargetFilterForm
    ordering = selectors.TARGET_ORDERING

    def rows(self, request: HttpRequest, form: Any) -> Any:
        return selectors.target_list(actor=signed_in(request), **form.query())

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        user = request.user
        return {
            "manageable": {t.pk for t in page if rules.can_manage_target(user, t)},
            "can_set": rules.can_set_targets(user),
        }


class _TargetView(ObjectView):
    model = Target
    active_nav = ACTIVE_NAV
    context_object_name = "target"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors.target_get, actor=signed_in(request), pk=pk)

    def conflict_text(self) -> str:
        return _(
            "Someone else changed this target after you opened it, so nothing was saved. "
            "Reload the page to see their changes, then make yours again."
        )


class _TargetFormView(_TargetView, ObjectFormView):
    template_name = "sales/target_form.html"
    form_template_name = "sales/partials/_target_form.html"

    def success_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("sales:target_list")

    def success_message(self, record: Any) -> str:
        return _("The target for %(subject)s was saved.") % {"subject": record.subject}


class TargetCreateView(_TargetFormView):
    permission = rules.SET_TARGETS

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return TargetForm(data, actor=signed_in(request))

    def save(self, request: HttpRequest, form: Any, record: Any) -> Target:
        return services.target_create(actor=signed_in(request), **form.values())


class TargetEditView(_TargetFormView):
    permission = rules.CHANGE_TARGET
    object_permission = rules.MANAGE_TARGET

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is None:
            return TargetEditForm(initial=TargetForm.initial_for(record), actor=signed_in(request))
        return TargetEditForm(data, actor=signed_in(request))

    def save(self, request: HttpRequest, form: Any, record: Any) -> Target:
        return services.target_update(
            actor=signed_in(request),
            target=record,
            expected_version=form.cleaned_data["version"],
            **form.values(),
        )


class TargetDeleteView(_TargetView, ObjectDeleteView):
    permission = rules.DELETE_TARGET
    object_permission = rules.MANAGE_TARGET
    template_name = "sales/target_confirm_delete.html"

    def delete(self, request: HttpRequest, record: Any, expected_version: int) -> None:
        services.target_delete(
            actor=signed_in(request), target=record, expected_version=expected_version
        )

    def success_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("sales:target_list")

    def success_message(self, record: Any) -> str:
        return _("The target was deleted.")


target_list = TargetListView.as_view()
target_create = TargetCreateView.as_view()
target_edit = TargetEditView.as_view()
target_delete = TargetDeleteView.as_view()
