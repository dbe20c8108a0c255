"""The customer pool 公海 pages: the pool list, claim / assign / release, and the pool settings.

Reads go through the pool selectors (a pool customer is readable by everyone with the customer
view right), every move through the pool services, which decide who may do it (403 otherwise,
by the app's rules) and refuse what breaks a rule (a cap, a customer someone else was quicker
to claim). From the pool list the buttons post with htmx and the answer replaces just that row.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from guanxi.accounts.models import User
from guanxi.accounts.roles import role_label
from guanxi.core.decorators import requires
from guanxi.core.exceptions import ConflictError
from guanxi.core.views.generic import (
    ObjectActionView,
    ObjectFormView,
    ObjectListView,
    ScopedPageView,
    object_or_404,
)
from guanxi.customers import rules
from guanxi.customers.forms.pool import (
    OwnershipCapForm,
    PoolAssignForm,
    PoolFilterForm,
    PoolPolicyForm,
    ReleaseForm,
)
from guanxi.customers.models import Customer, OwnershipCap, PoolPolicy
from guanxi.customers.selectors import pool as selectors_pool
from guanxi.customers.services import pool as services_pool
from guanxi.customers.views.base import signed_in

ACTIVE_NAV = "pool"


def _readable(request: HttpRequest, pk: Any) -> Customer:
    """The customer for a page that reads it: in the viewer's scope or in the pool, else 404."""
    customer = object_or_404(selectors_pool.customer_get_readable, actor=signed_in(request), pk=pk)
    assert isinstance(customer, Customer)
    return customer


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go after an action: the page it was made from, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def pool_actions_context(user: Any) -> dict[str, Any]:
    """What the viewer may do with pool customers; computed once per page, not per row."""
    can_assign = rules.can_assign(user)
    return {
        "can_claim": rules.can_claim(user),
        "can_assign": can_assign,
    }


class PoolListView(ObjectListView):
    permission = rules.VIEW_CUSTOMER
    active_nav = ACTIVE_NAV
    template_name = "customers/pool_list.html"
    partial_template_name = "customers/partials/_pool_table.html"
    filter_form = PoolFilterForm
    ordering = selectors_pool.POOL_ORDERING

    def rows(self, request: HttpRequest, form: forms.Form | None) -> QuerySet:
        assert isinstance(form, PoolFilterForm)
        search, filters = form.query()
        return selectors_pool.pool_list(actor=signed_in(request), search=search, filters=filters)

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        return {
            "next": request.get_full_path(),
            "can_manage_settings": rules.can_manage_pool_settings(request.user),
            **pool_actions_context(request.user),
        }


# -- claim and assign: htmx row actions ----------------------------------------------------------
# They answer the pool row itself (409 when someone was quicker, 422 for a cap or a bad owner),
# not the generic action flow of a message and a redirect, so they are plain function views.


def _pool_move(
    request: HttpRequest,
    customer: Customer,
    move: Callable[[], Customer],
    success: Callable[[Customer], str],
) -> HttpResponse:
    """Run a claim or an assignment and answer the row (htmx) or the page it came from.

    A broken rule is no server error: 409 when someone was quicker, 422 for a cap or a bad
    owner, each with the reason; htmx swaps such answers in (see base.html).
    """
    status, failed = 200, False
    try:
        customer = move()
        outcome = success(customer)
    except ConflictError as error:
        status, outcome, failed = 409, error.message, True
    except ValidationError as error:
        status, outcome, failed = 422, " ".join(error.messages), True
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "customer": customer,
            "outcome": outcome,
            "failed": failed,
            "next": _next_url(request, reverse("customers:pool")),
            **pool_actions_context(request.user),
        }
        return render(request, "customers/partials/_pool_row.html", context, status=status)
    (messages.error if failed else messages.success)(request, outcome)
    default = customer.get_absolute_url() if not failed else reverse("customers:pool")
    return redirect(_next_url(request, default))


@requires(rules.VIEW_CUSTOMER)
@require_POST
def customer_claim(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _readable(request, pk)
    return _pool_move(
        request,
        customer,
        lambda: services_pool.customer_claim(actor=signed_in(request), customer=customer),
        lambda claimed: _("You now own “%(name)s”.") % {"name": claimed.name},
    )


@requires(rules.VIEW_CUSTOMER)
@require_POST
def customer_assign(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _readable(request, pk)
    if not rules.can_assign(request.user):
        raise PermissionDenied
    form = PoolAssignForm(request.POST, actor=signed_in(request))

    def move() -> Customer:
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        return services_pool.customer_assign_from_pool(
            actor=signed_in(request), customer=customer, owner=form.cleaned_data["owner"]
        )

    return _pool_move(
        request,
        customer,
        move,
        lambda assigned: (
            _("“%(name)s” was given to %(owner)s.")
            % {"name": assigned.name, "owner": assigned.owner}
        ),
    )


class CustomerReleaseView(ObjectFormView):
    """The owner (or their supervisor) puts the customer back into the pool, saying why."""

    permission = rules.VIEW_CUSTOMER
    active_nav = ACTIVE_NAV
    model = Customer
    context_object_name = "customer"
    form_class = ReleaseForm
    template_name = "customers/pool_release.html"
    form_template_name = "customers/partials/_pool_release_form.html"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return _readable(request, pk)

    def get_checked_object(self, request: HttpRequest, pk: Any) -> Model:
        # A predicate, not has_perm: a superuser releases no pool customer either.
        customer = self.get_object(request, pk)
        if not rules.can_release(request.user, customer):
            raise PermissionDenied
        return customer

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(record, Customer)
        try:
            return services_pool.customer_release(
                actor=signed_in(request), customer=record, reason=form.cleaned_data["reason"]
            )
        except ConflictError as error:
            # The customer moved meanwhile: the service's own words, on the form.
            raise ValidationError(error.message) from error

    def success_message(self, record: Any) -> str:
        return _("“%(name)s” went back to the pool.") % {"name": record.name}


# -- settings (administrators) ---------------------------------------------------------------


class PoolSettingsView(ScopedPageView):
    permission = rules.MANAGE_POOL_SETTINGS
    active_nav = "pool_settings"
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        caps = list(selectors_pool.ownership_caps())
        for cap in caps:
            cap.role_label = role_label(cap.role.name)  # type: ignore[attr-defined]
        context = self.get_context(policies=list(selectors_pool.pool_policies()), caps=caps)
        return render(request, "customers/pool_settings.html", context)


def _policy_get(*, actor: User, pk: Any) -> PoolPolicy:
    return selectors_pool.pool_policies().get(pk=pk)


def _cap_get(*, actor: User, pk: Any) -> OwnershipCap:
    return selectors_pool.ownership_caps().get(pk=pk)


class PoolSettingFormView(ObjectFormView):
    """Create (no ``pk``) or change one setting; back to the settings page when saved."""

    permission = rules.MANAGE_POOL_SETTINGS
    active_nav = "pool_settings"
    context_object_name = "record"
    form_template_name = "customers/partials/_pool_settings_form.html"

    def success_url(self, request: HttpRequest, record: Model) -> str:
        return reverse("customers:pool_settings")

    def success_message(self, record: Any) -> str:
        return _("The pool settings were saved.")


class PoolPolicyFormView(PoolSettingFormView):
    model = PoolPolicy
    template_name = "customers/pool_policy_form.html"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(_policy_get, actor=signed_in(request), pk=pk)

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        if data is not None:
            return PoolPolicyForm(data)
        assert record is None or isinstance(record, PoolPolicy)
        return PoolPolicyForm(initial=PoolPolicyForm.initial_for(record) if record else None)

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(form, PoolPolicyForm) and (
            record is None or isinstance(record, PoolPolicy)
        )
        return services_pool.pool_policy_save(
            actor=signed_in(request),
            policy=record,
            expected_version=form.cleaned_data.get("version") if record else None,
            **form.values(),
        )


class OwnershipCapFormView(PoolSettingFormView):
    model = OwnershipCap
    template_name = "customers/pool_cap_form.html"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(_cap_get, actor=signed_in(request), pk=pk)

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        if data is not None:
            return OwnershipCapForm(data)
        assert record is None or isinstance(record, OwnershipCap)
        return OwnershipCapForm(initial=OwnershipCapForm.initial_for(record) if record else None)

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert record is None or isinstance(record, OwnershipCap)
        data = form.cleaned_data
        return services_pool.ownership_cap_save(
            actor=signed_in(request),
            cap=record,
            role=data["role"],
            max_owned=data["max_owned"],
            expected_version=data.get("version") if record else None,
        )


class PoolPolicyDeleteView(ObjectActionView):
    permission = rules.MANAGE_POOL_SETTINGS
    model = PoolPolicy
    success_text = gettext_lazy("The policy was deleted.")  # type: ignore[assignment]

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(_policy_get, actor=signed_in(request), pk=pk)

    def act(self, request: HttpRequest, record: Model, form: forms.Form | None) -> None:
        assert isinstance(record, PoolPolicy)
        services_pool.pool_policy_delete(actor=signed_in(request), policy=record)

    def done_url(self, request: HttpRequest, record: Model) -> str:
        return reverse("customers:pool_settings")


class OwnershipCapDeleteView(ObjectActionView):
    permission = rules.MANAGE_POOL_SETTINGS
    model = OwnershipCap
    success_text = gettext_lazy("The cap was deleted.")  # type: ignore[assignment]

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(_cap_get, actor=signed_in(request), pk=pk)

    def act(self, request: HttpRequest, record: Model, form: forms.Form | None) -> None:
        assert isinstance(record, OwnershipCap)
        services_pool.ownership_cap_delete(actor=signed_in(request), cap=record)

    def done_url(self, request: HttpRequest, record: Model) -> str:
        return reverse("customers:pool_settings")


pool_list = PoolListView.as_view()
customer_release = CustomerReleaseView.as_view()
pool_settings = PoolSettingsView.as_view()
pool_policy_edit = PoolPolicyFormView.as_view()
ownership_cap_edit = OwnershipCapFormView.as_view()
pool_policy_delete = PoolPolicyDeleteView.as_view()
ownership_cap_delete = OwnershipCapDeleteView.as_view()
