"""The field protection pages 字段保护: list, add, change and lift the rules per role.

Only users who manage roles (``accounts.manage_accounts``) reach them (403 otherwise); the
rules themselves are applied by :mod:`guanxi.customers.masking` wherever a value is shown.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from guanxi.accounts.roles import role_label
from guanxi.core.exceptions import ConflictError
from guanxi.core.forms.dictionaries import submitted
from guanxi.customers.forms.field_rules import FieldRuleCreateForm, FieldRuleEditForm
from guanxi.customers.models import FieldRule
from guanxi.customers.selectors import field_rules as selectors
from guanxi.customers.services.field_rules import (
    FIELD_RULE_RIGHT,
    field_rule_create,
    field_rule_delete,
    field_rule_update,
)

ACTIVE_NAV = "field_rules"


def _rule_admin(view):
    """Sign-in first (redirect to the login page), then the right (403 without it)."""
    return login_required(permission_required(FIELD_RULE_RIGHT, raise_exception=True)(view))


def _rule_or_404(pk) -> FieldRule:
    try:
        return selectors.field_rule_get(pk=pk)
    except FieldRule.DoesNotExist as missing:
        raise Http404 from missing


def _describe(rule: FieldRule) -> dict:
    return {"field": rule.get_field_display(), "role": role_label(rule.role.name)}


@_rule_admin
def field_rule_list(request):
    rules = list(selectors.field_rule_list())
    for rule in rules:
        rule.role_label = role_label(rule.role.name)
    return render(
        request,
        "customers/field_rule_list.html",
        {"active_nav": ACTIVE_NAV, "rules": rules},
    )


@_rule_admin
@require_http_methods(["GET", "POST"])
def field_rule_create_view(request):
    form = FieldRuleCreateForm(request.POST or None)
    rule = submitted(
        request, form, lambda: field_rule_create(actor=request.user, **form.cleaned_data)
    )
    if rule is not None:
        messages.success(request, _("%(field)s is now protected for %(role)s.") % _describe(rule))
        return redirect("customers:field_rule_list")
    return render(
        request,
        "customers/field_rule_form.html",
        {"active_nav": ACTIVE_NAV, "form": form, "rule": None},
    )


@_rule_admin
@require_http_methods(["GET", "POST"])
def field_rule_edit(request, pk):
    rule = _rule_or_404(pk)
    status = 200
    if request.method == "POST":
        form = FieldRuleEditForm(request.POST)
    else:
        form = FieldRuleEditForm(initial={"mode": rule.mode, "version": rule.version})
    try:
        saved = submitted(
            request,
            form,
            lambda: field_rule_update(
                actor=request.user,
                rule=rule,
                mode=form.cleaned_data["mode"],
                expected_version=form.cleaned_data["version"],
            ),
        )
    except ConflictError as conflict:
        form.add_error(None, conflict.message)
        saved, status = None, 409
        rule = _rule_or_404(pk)
    if saved is not None:
        messages.success(
            request, _("The rule for %(field)s · %(role)s was saved.") % _describe(rule)
        )
        return redirect("customers:field_rule_list")
    return render(
        request,
        "customers/field_rule_form.html",
        {"active_nav": ACTIVE_NAV, "form": form, "rule": rule, **_describe(rule)},
        status=status,
    )


@_rule_admin
@require_http_methods(["GET", "POST"])
def field_rule_delete_view(request, pk):
    rule = _rule_or_404(pk)
    if request.method == "POST":
        version = request.POST.get("version", "")
        # A missing or garbled version can never match, so it is answered as a conflict.
        field_rule_delete(
            actor=request.user, rule=rule, expected_version=int(version) if version.isdigit() else 0
        )
        messages.success(
            request, _("%(field)s is shown in full to %(role)s again.") % _describe(rule)
        )
        return redirect("customers:field_rule_list")
    return render(
        request,
        "customers/field_rule_confirm_delete.html",
        {"active_nav": ACTIVE_NAV, "rule": rule, **_describe(rule)},
    )
