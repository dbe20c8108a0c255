"""The customer pool 公海 pages: the pool list, claim / assign / release, and the pool settings.

Reads go through ``selectors_pool`` (a pool customer is readable by everyone with the customer
view right), every move through ``services_pool``, which decides who may do it (403 otherwise)
and refuses what breaks a rule (a cap, a customer someone else was quicker to claim). From the
pool list the buttons post with htmx and the answer replaces just that row.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.accounts.roles import role_label
from guanxi.core.exceptions import ConflictError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import is_partial, redirect_after_form, render_form_page
from guanxi.core.pagination import paginate_request
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
from guanxi.customers.views.customers import _requires

ACTIVE_NAV = "pool"
_CONFLICT_MESSAGE = gettext_lazy(
    "Someone else changed this setting after you opened it, so nothing was saved. "
    "Reload the page to see their change, then make yours again."
)


def readable_customer_or_404(request, pk) -> Customer:
    """The customer for a page that reads it: in the viewer's scope or in the pool, else 404."""
    try:
        return selectors_pool.customer_get_readable(actor=request.user, pk=pk)
    except Customer.DoesNotExist as missing:
        raise Http404 from missing


def _next_url(request, default: str) -> str:
    """Where to go after an action: the page it was made from, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def pool_actions_context(user) -> dict:
    """What the viewer may do with pool customers; computed once per page, not per row."""
    can_assign = services_pool.can_assign(user)
    return {
        "can_claim": services_pool.can_claim(user),
        "can_assign": can_assign,
        "owners": list(selectors_pool.pool_owner_choices(actor=user)) if can_assign else [],
    }


@_requires("customers.view_customer")
def pool_list(request):
    form = PoolFilterForm(request.GET or None)
    search, filters = form.query()
    customers = selectors_pool.pool_list(actor=request.user, search=search, filters=filters)
    page = paginate_request(request, customers, ordering=selectors_pool.POOL_ORDERING)
    partial = is_partial(request)  # a history restore needs the page
    context = {
        "active_nav": ACTIVE_NAV,
        "form": form,
        "page": page,
        "next": request.get_full_path(),
        "can_manage_settings": services_pool.can_manage_settings(request.user),
        **pool_actions_context(request.user),
    }
    template = "customers/partials/_pool_table.html" if partial else "customers/pool_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _pool_move(request, customer: Customer, move, success: str):
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
    if request.htmx:
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


@_requires("customers.view_customer")
@require_POST
def customer_claim(request, pk):
    customer = readable_customer_or_404(request, pk)
    return _pool_move(
        request,
        customer,
        lambda: services_pool.customer_claim(actor=request.user, customer=customer),
        lambda claimed: _("You now own “%(name)s”.") % {"name": claimed.name},
    )


@_requires("customers.view_customer")
@require_POST
def customer_assign(request, pk):
    customer = readable_customer_or_404(request, pk)
    if not services_pool.can_assign(request.user):
        raise PermissionDenied
    form = PoolAssignForm(request.POST, actor=request.user)

    def move():
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        return services_pool.customer_assign_from_pool(
            actor=request.user, customer=customer, owner=form.cleaned_data["owner"]
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


@_requires("customers.view_customer")
@require_http_methods(["GET", "POST"])
def customer_release(request, pk):
    customer = readable_customer_or_404(request, pk)
    if not services_pool.can_release(request.user, customer):
        raise PermissionDenied
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_pool.customer_release(
                actor=request.user, customer=customer, reason=form.cleaned_data["reason"]
            )
        except ConflictError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("“%(name)s” went back to the pool.") % {"name": customer.name},
            )
            return redirect_after_form(request, customer.get_absolute_url())
    return render_form_page(
        request,
        page_template="customers/pool_release.html",
        form_template="customers/partials/_pool_release_form.html",
        context={"active_nav": ACTIVE_NAV, "customer": customer, "form": form},
    )


# -- settings (administrators) ---------------------------------------------------------------


def _settings_view(view):
    def checked(request, *args, **kwargs):
        if not services_pool.can_manage_settings(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    checked.__name__ = view.__name__
    checked.__doc__ = view.__doc__
    return login_required(checked)


@_settings_view
def pool_settings(request):
    caps = list(selectors_pool.ownership_caps())
    for cap in caps:
        cap.role_label = role_label(cap.role.name)
    return render(
        request,
        "customers/pool_settings.html",
        {
            "active_nav": ACTIVE_NAV,
            "policies": list(selectors_pool.pool_policies()),
            "caps": caps,
        },
    )


def _settings_form(request, *, template, form, record, status=200):
    return render_form_page(
        request,
        page_template=template,
        form_template="customers/partials/_pool_settings_form.html",
        context={"active_nav": ACTIVE_NAV, "form": form, "record": record},
        status=status,
    )


def _get_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as missing:
        raise Http404 from missing


def _save_setting(request, form, save, record, template):
    """Validate, call the service, answer: the settings page, or the form with its errors."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ConflictError:
            form.add_error(None, _CONFLICT_MESSAGE)
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The pool settings were saved."))
            return redirect_after_form(request, reverse("customers:pool_settings"))
    return _settings_form(request, template=template, form=form, record=record, status=status)


@_settings_view
@require_http_methods(["GET", "POST"])
def pool_policy_edit(request, pk=None):
    policy = _get_or_404(selectors_pool.pool_policies(), pk) if pk is not None else None
    if request.method == "POST":
        form = PoolPolicyForm(request.POST)
    else:
        form = PoolPolicyForm(initial=PoolPolicyForm.initial_for(policy) if policy else None)

    def save(data):
        return services_pool.pool_policy_save(
            actor=request.user,
            policy=policy,
            expected_version=data.get("version") if policy else None,
            **form.values(),
        )

    return _save_setting(request, form, save, policy, "customers/pool_policy_form.html")


@_settings_view
@require_http_methods(["GET", "POST"])
def ownership_cap_edit(request, pk=None):
    cap = _get_or_404(selectors_pool.ownership_caps(), pk) if pk is not None else None
    if request.method == "POST":
        form = OwnershipCapForm(request.POST)
    else:
        form = OwnershipCapForm(initial=OwnershipCapForm.initial_for(cap) if cap else None)

    def save(data):
        return services_pool.ownership_cap_save(
            actor=request.user,
            cap=cap,
            role=data["role"],
            max_owned=data["max_owned"],
            expected_version=data.get("version") if cap else None,
        )

    return _save_setting(request, form, save, cap, "customers/pool_cap_form.html")


@_settings_view
@require_POST
def pool_policy_delete(request, pk):
    policy = _get_or_404(PoolPolicy.objects.all(), pk)
    services_pool.pool_policy_delete(actor=request.user, policy=policy)
    messages.success(request, _("The policy was deleted."))
    return redirect_after_form(request, reverse("customers:pool_settings"))


@_settings_view
@require_POST
def ownership_cap_delete(request, pk):
    cap = _get_or_404(OwnershipCap.objects.all(), pk)
    services_pool.ownership_cap_delete(actor=request.user, cap=cap)
    messages.success(request, _("The cap was deleted."))
    return redirect_after_form(request, reverse("customers:pool_settings"))
