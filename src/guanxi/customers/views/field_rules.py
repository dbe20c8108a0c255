"""The field protection pages 字段保护: list, add, change and lift the rules per role.

Only users who manage roles (``rules.MANAGE_FIELD_RULES``) reach them (403 otherwise); the
rules themselves are applied by :mod:`guanxi.customers.masking` wherever a value is shown.
"""

from typing import Any, ClassVar

from django import forms
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.roles import role_label
from guanxi.core.views.generic import ObjectFormView, ScopedPageView, object_or_404
from guanxi.customers import rules
from guanxi.customers.forms.field_rules import FieldRuleCreateForm, FieldRuleEditForm
from guanxi.customers.models import FieldRule
from guanxi.customers.selectors import field_rules as selectors
from guanxi.customers.services import field_rules as services
from guanxi.customers.views.base import RecycleBinDeleteView, signed_in

ACTIVE_NAV = "field_rules"


def _describe(rule: FieldRule) -> dict[str, str]:
    return {"field": rule.get_field_display(), "role": role_label(rule.role.name)}


def _rule_get(*, actor: User, pk: Any) -> FieldRule:
    return selectors.field_rule_get(pk=pk)


class FieldRulePageMixin:
    permission: ClassVar[str | None] = rules.MANAGE_FIELD_RULES
    active_nav: ClassVar[str] = ACTIVE_NAV
    model: ClassVar[type[Model]] = FieldRule
    context_object_name: ClassVar[str] = "rule"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(_rule_get, actor=signed_in(request), pk=pk)

    def success_url(self, request: HttpRequest, record: Model) -> str:
        return reverse("customers:field_rule_list")


class FieldRuleListView(ScopedPageView):
    permission = rules.MANAGE_FIELD_RULES
    active_nav = ACTIVE_NAV
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        field_rules = list(selectors.field_rule_list())
        for rule in field_rules:
            rule.role_label = role_label(rule.role.name)  # type: ignore[attr-defined]
        return render(
            request, "customers/field_rule_list.html", self.get_context(rules=field_rules)
        )


class FieldRuleCreateView(FieldRulePageMixin, ObjectFormView):
    form_class = FieldRuleCreateForm
    template_name = "customers/field_rule_form.html"

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        return services.field_rule_create(actor=signed_in(request), **form.cleaned_data)

    def success_message(self, record: Any) -> str:
        return _("%(field)s is now protected for %(role)s.") % _describe(record)


class FieldRuleEditView(FieldRulePageMixin, ObjectFormView):
    template_name = "customers/field_rule_form.html"

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        if data is not None:
            return FieldRuleEditForm(data)
        assert isinstance(record, FieldRule)
        return FieldRuleEditForm(initial={"mode": record.mode, "version": record.version})

    def render_form(
        self, request: HttpRequest, form: forms.Form, record: Model | None, status: int = 200
    ) -> HttpResponse:
        if status == 409 and record is not None:
            # Show the rule as it is now, not with the refused mode.
            record = self.get_checked_object(request, record.pk)
        return super().render_form(request, form, record, status)

    def form_context(
        self, request: HttpRequest, form: forms.Form, record: Model | None
    ) -> dict[str, Any]:
        assert isinstance(record, FieldRule)
        return _describe(record)

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(record, FieldRule)
        return services.field_rule_update(
            actor=signed_in(request),
            rule=record,
            mode=form.cleaned_data["mode"],
            expected_version=form.cleaned_data["version"],
        )

    def success_message(self, record: Any) -> str:
        return _("The rule for %(field)s · %(role)s was saved.") % _describe(record)


class FieldRuleDeleteView(FieldRulePageMixin, RecycleBinDeleteView):
    template_name = "customers/field_rule_confirm_delete.html"

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        assert isinstance(record, FieldRule)
        return _describe(record)

    def delete(self, request: HttpRequest, record: Model, expected_version: int) -> None:
        assert isinstance(record, FieldRule)
        services.field_rule_delete(
            actor=signed_in(request), rule=record, expected_version=expected_version
        )

    def success_message(self, record: Any) -> str:
        return _("%(field)s is shown in full to %(role)s again.") % _describe(record)


field_rule_list = FieldRuleListView.as_view()
field_rule_create_view = FieldRuleCreateView.as_view()
field_rule_edit = FieldRuleEditView.as_view()
field_rule_delete_view = FieldRuleDeleteView.as_view()
