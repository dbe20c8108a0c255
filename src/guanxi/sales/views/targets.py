"""The sales target pages 销售目标: the list with achievement and rate, create, edit, delete.

Reads go through selectors_targets (out of scope → 404), writes through services_targets (no
right → 403; bad input shows on the form; a stale version → 409).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from guanxi.core.decorators import requires as _requires
from guanxi.core.exceptions import ConflictError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import is_partial, redirect_after_form, render_form_page
from guanxi.core.pagination import paginate_request
from guanxi.sales.forms.targets import TargetEditForm, TargetFilterForm, TargetForm
from guanxi.sales.models import Target
from guanxi.sales.selectors import targets as selectors
from guanxi.sales.services import targets as services

ACTIVE_NAV = "targets"


def _conflict_message() -> str:
    return _(
        "Someone else changed this target after you opened it, so nothing was saved. "
        "Reload the page to see their changes, then make yours again."
    )


def _target_or_404(request, pk) -> Target:
    try:
        return selectors.target_get(actor=request.user, pk=pk)
    except Target.DoesNotExist as missing:
        raise Http404 from missing


def _manageable_or_403(request, pk) -> Target:
    target = _target_or_404(request, pk)
    if not services.may_manage(request.user, target):
        raise PermissionDenied
    return target


@_requires("sales.view_target")
def target_list(request):
    """The targets in scope with achievement and rate; filters period kind and year."""
    form = TargetFilterForm(request.GET or None)
    rows = selectors.target_list(actor=request.user, **form.query())
    page = paginate_request(request, rows, ordering=selectors.TARGET_ORDERING)
    manageable = {t.pk for t in page if services.may_manage(request.user, t)}
    partial = is_partial(request)  # a history restore needs the page
    context = {
        "active_nav": ACTIVE_NAV,
        "form": form,
        "page": page,
        "manageable": manageable,
        "can_set": services.can_set_targets(request.user),
    }
    template = "sales/partials/_target_table.html" if partial else "sales/target_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _render_form(request, form, target=None, status=200):
    return render_form_page(
        request,
        page_template="sales/target_form.html",
        form_template="sales/partials/_target_form.html",
        context={"active_nav": ACTIVE_NAV, "form": form, "target": target},
        status=status,
    )


@_requires("sales.add_target")
@require_http_methods(["GET", "POST"])
def target_create(request):
    if not services.can_set_targets(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _render_form(request, TargetForm(actor=request.user))
    form = TargetForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            target = services.target_create(actor=request.user, **form.values())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("The target for %(subject)s was saved.") % {"subject": target.subject}
            )
            return redirect_after_form(request, reverse("sales:target_list"))
    return _render_form(request, form)


@_requires("sales.change_target")
@require_http_methods(["GET", "POST"])
def target_edit(request, pk):
    target = _manageable_or_403(request, pk)
    if request.method != "POST":
        form = TargetEditForm(initial=TargetForm.initial_for(target), actor=request.user)
        return _render_form(request, form, target)
    form = TargetEditForm(request.POST, actor=request.user)
    status = 200
    if form.is_valid():
        try:
            saved = services.target_update(
                actor=request.user,
                target=target,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
        except ConflictError:
            form.add_error(None, _conflict_message())
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("The target for %(subject)s was saved.") % {"subject": saved.subject}
            )
            return redirect_after_form(request, reverse("sales:target_list"))
    return _render_form(request, form, target, status=status)


@_requires("sales.delete_target")
@require_http_methods(["GET", "POST"])
def target_delete(request, pk):
    target = _manageable_or_403(request, pk)
    if request.method == "POST":
        raw = request.POST.get("version", "")
        try:
            services.target_delete(
                actor=request.user,
                target=target,
                expected_version=int(raw) if raw.isdigit() else 0,
            )
        except ConflictError:
            messages.error(request, _conflict_message())
        else:
            messages.success(request, _("The target was deleted."))
        return redirect("sales:target_list")
    return render(
        request, "sales/target_confirm_delete.html", {"active_nav": ACTIVE_NAV, "target": target}
    )
