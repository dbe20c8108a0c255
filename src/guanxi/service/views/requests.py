"""Service request 客户服务 pages: the queues, create / edit / delete, the request page with
its assign 服务分配 / handle 服务处理 / feedback 服务反馈 forms and full history, and the SLA
settings.

Reads go through selectors (out of scope → 404), writes through services (no right → 403; a
refused transition or bad input shows on the form; a stale version → 409 with the form). The
action forms post in place with htmx; without JavaScript the same forms post and redirect.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.decorators import requires
from guanxi.core.exceptions import ConflictError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import is_partial, redirect_after_form, render_form_page
from guanxi.core.pagination import paginate_request
from guanxi.core.selectors.pages import record_history
from guanxi.customers.models import Customer
from guanxi.customers.selectors.customers import customer_list
from guanxi.service.forms.requests import (
    ServiceAssignForm,
    ServiceFeedbackForm,
    ServiceFilterForm,
    ServiceHandleForm,
    ServiceLevelTargetForm,
    ServiceRequestEditForm,
    ServiceRequestForm,
)
from guanxi.service.models import ServiceRequest
from guanxi.service.selectors import requests as selectors
from guanxi.service.services import requests as services
from guanxi.service.services import sla as services_sla

ACTIVE_NAV = "service"


def _conflict_message() -> str:
    return _(
        "Someone else changed this service request after you opened it, so nothing was saved. "
        "Reload the page to see their changes, then make yours again."
    )


def _request_or_404(request, pk) -> ServiceRequest:
    try:
        return selectors.service_request_get(actor=request.user, pk=pk)
    except ServiceRequest.DoesNotExist as missing:
        raise Http404 from missing


def _queue_labels() -> dict:
    return {
        selectors.QUEUE_TO_HANDLE: _("To handle"),
        selectors.QUEUE_UNASSIGNED: _("Unassigned"),
        selectors.QUEUE_OVERDUE: _("Overdue"),
        selectors.QUEUE_ALL: _("All"),
    }


# -- the queues --------------------------------------------------------------------------------


@requires("service.view_servicerequest")
@require_GET
def request_list(request):
    """The service queues: one tab per queue the user works from, each with the filters."""
    actor = request.user
    queues = selectors.service_queues(actor=actor)
    queue = request.GET.get("queue") or queues[0]
    if queue not in queues:
        queue = queues[0]
    form = ServiceFilterForm(request.GET or None)
    rows = selectors.service_request_queue(actor=actor, queue=queue, **form.query())
    page = paginate_request(request, rows, ordering=selectors.SERVICE_LIST_ORDERING)
    partial = is_partial(request) and request.headers.get("HX-Target") == "service-table"
    labels = _queue_labels()
    context = {
        "active_nav": ACTIVE_NAV,
        "form": form,
        "page": page,
        "queue": queue,
        "queues": [(key, labels[key]) for key in queues],
        "now": timezone.now(),
    }
    template = "service/partials/_request_table.html" if partial else "service/request_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


# -- create, edit, delete ----------------------------------------------------------------------


def _render_form(request, form, service_request=None, customer=None, status=200):
    return render_form_page(
        request,
        page_template="service/request_form.html",
        form_template="service/partials/_request_form.html",
        context={
            "active_nav": ACTIVE_NAV,
            "form": form,
            "service_request": service_request,
            "customer": customer,
        },
        status=status,
    )


def _preselected_customer(request) -> Customer | None:
    raw = request.GET.get("customer") or request.POST.get("customer") or ""
    if not raw.isdigit():
        return None
    return customer_list(actor=request.user).filter(pk=int(raw)).first()


@requires("service.add_servicerequest")
@require_http_methods(["GET", "POST"])
def request_create(request):
    """A new request, for any customer in scope or, from the 360 page, for that customer."""
    actor = request.user
    customer = _preselected_customer(request)
    if request.method != "POST":
        initial = {"customer_code": customer.code} if customer else {}
        form = ServiceRequestForm(initial=initial, actor=actor, customer=customer)
        return _render_form(request, form, customer=customer)
    form = ServiceRequestForm(request.POST, actor=actor, customer=customer)
    if form.is_valid():
        try:
            created = services.service_request_create(actor=actor, **form.values())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("Service request %(code)s was recorded.") % {"code": created.code}
            )
            return redirect_after_form(request, created.get_absolute_url())
    return _render_form(request, form, customer=customer)


def _refusal_redirect(request, service_request, allowed: bool, message: str):
    """``None`` if the request's status allows the page; else back to it with the reason."""
    if allowed:
        return None
    if service_request.is_archived:
        message = _("This request is archived and can no longer change.")
    messages.error(request, message)
    return redirect_after_form(request, service_request.get_absolute_url())


@requires("service.change_servicerequest")
@require_http_methods(["GET", "POST"])
def request_edit(request, pk):
    service_request = _request_or_404(request, pk)
    actor = request.user
    refused = _refusal_redirect(
        request,
        service_request,
        services.can_edit(actor, service_request),
        _("Only new or assigned requests can be edited."),
    )
    if refused is not None:
        return refused
    if request.method != "POST":
        form = ServiceRequestEditForm(
            initial=ServiceRequestForm.initial_for(service_request),
            actor=actor,
            service_request=service_request,
        )
        return _render_form(request, form, service_request)
    form = ServiceRequestEditForm(request.POST, actor=actor, service_request=service_request)
    status = 200
    if form.is_valid():
        try:
            services.service_request_update(
                actor=actor,
                service_request=service_request,
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
                request, _("Service request %(code)s was saved.") % {"code": service_request.code}
            )
            return redirect_after_form(request, service_request.get_absolute_url())
    return _render_form(request, form, service_request, status=status)


@requires("service.delete_servicerequest")
@require_http_methods(["GET", "POST"])
def request_delete(request, pk):
    service_request = _request_or_404(request, pk)
    refused = _refusal_redirect(
        request,
        service_request,
        services.can_delete(request.user, service_request),
        _("Only new requests can be deleted; later ones are kept as history."),
    )
    if refused is not None:
        return refused
    if request.method == "POST":
        raw = request.POST.get("version", "")
        try:
            # A missing or garbled version can never match, so it is answered as a conflict.
            services.service_request_delete(
                actor=request.user,
                service_request=service_request,
                expected_version=int(raw) if raw.isdigit() else 0,
            )
        except ConflictError:
            messages.error(request, _conflict_message())
            return render(
                request,
                "service/request_confirm_delete.html",
                {"active_nav": ACTIVE_NAV, "service_request": _request_or_404(request, pk)},
                status=409,
            )
        messages.success(
            request,
            _("Service request %(code)s was moved to the recycle bin.")
            % {"code": service_request.code},
        )
        return redirect("service:request_list")
    return render(
        request,
        "service/request_confirm_delete.html",
        {"active_nav": ACTIVE_NAV, "service_request": service_request},
    )


# -- the request page and its flow ---------------------------------------------------------------


def _detail_context(request, service_request, **forms) -> dict:
    actor = request.user
    version = {"version": service_request.version}
    can_assign = services.can_assign(actor, service_request)
    can_handle = services.can_handle(actor, service_request)
    can_give_feedback = services.can_give_feedback(actor, service_request)
    assign_form = forms.get("assign_form")
    if can_assign and assign_form is None:
        initial = {**version, "assigned_to": service_request.assigned_to_id}
        assign_form = ServiceAssignForm(initial=initial, actor=actor)
    return {
        "active_nav": ACTIVE_NAV,
        "service_request": service_request,
        "rounds": selectors.service_round_list(actor=actor, service_request=service_request),
        "history": record_history(instance=service_request),
        "now": timezone.now(),
        "can_edit": services.can_edit(actor, service_request),
        "can_delete": services.can_delete(actor, service_request),
        "can_assign": can_assign,
        "can_handle": can_handle,
        "can_give_feedback": can_give_feedback,
        "assign_form": assign_form,
        "handle_form": forms.get("handle_form")
        or (ServiceHandleForm(initial=version) if can_handle else None),
        "feedback_form": forms.get("feedback_form")
        or (ServiceFeedbackForm(initial=version) if can_give_feedback else None),
    }


@requires("service.view_servicerequest")
@require_GET
def request_detail(request, pk):
    service_request = _request_or_404(request, pk)
    return render(request, "service/request_detail.html", _detail_context(request, service_request))


def _transition(request, pk, *, form_class, form_key, action, perform, done_message, **form_kw):
    """Post one flow form: run ``perform(service_request, cleaned_data)`` (a service call),
    then back to the page; errors and conflicts show on the form, in place with htmx."""
    service_request = _request_or_404(request, pk)
    form = form_class(request.POST, **form_kw)
    status = 200
    if form.is_valid():
        try:
            done = perform(service_request, form.cleaned_data)
        except ConflictError:
            form.add_error(None, _conflict_message())
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, done_message(done))
            return redirect_after_form(request, service_request.get_absolute_url())
    if is_partial(request):
        return render(
            request,
            f"service/partials/_{action}_form.html",
            {"service_request": service_request, form_key: form},
            status=status,
        )
    context = _detail_context(request, service_request, **{form_key: form})
    context[f"can_{action}"] = True  # keep the form with its errors on the page
    return render(request, "service/request_detail.html", context, status=status)


@requires("service.assign_servicerequest")
@require_POST
def request_assign(request, pk):
    return _transition(
        request,
        pk,
        form_class=ServiceAssignForm,
        form_key="assign_form",
        action="assign",
        actor=request.user,
        perform=lambda service_request, data: services.service_request_assign(
            actor=request.user,
            service_request=service_request,
            assignee=data["assigned_to"],
            expected_version=data["version"],
        ),
        done_message=lambda done: (
            _("The request was assigned to %(name)s.") % {"name": done.assigned_to}
        ),
    )


@requires("service.change_servicerequest")
@require_POST
def request_handle(request, pk):
    return _transition(
        request,
        pk,
        form_class=ServiceHandleForm,
        form_key="handle_form",
        action="handle",
        perform=lambda service_request, data: services.service_request_handle(
            actor=request.user,
            service_request=service_request,
            handling=data["handling"],
            expected_version=data["version"],
        ),
        done_message=lambda done: _("The handling was recorded; the request waits for feedback."),
    )


@requires("service.change_servicerequest")
@require_POST
def request_feedback(request, pk):
    def done_message(done):
        if done.is_archived:
            return _("Feedback recorded: the request is archived.")
        return _("Feedback recorded: the request went back to %(name)s for another round.") % {
            "name": done.assigned_to
        }

    return _transition(
        request,
        pk,
        form_class=ServiceFeedbackForm,
        form_key="feedback_form",
        action="give_feedback",
        perform=lambda service_request, data: services.service_request_feedback(
            actor=request.user,
            service_request=service_request,
            result=data["result"],
            satisfaction=data["satisfaction"],
            expected_version=data["version"],
        ),
        done_message=done_message,
    )


# -- SLA settings ------------------------------------------------------------------------------


@requires("service.change_serviceleveltarget")
@require_http_methods(["GET", "POST"])
def sla_settings(request):
    """First-response and resolution hours per service type, for administrators."""
    rows = []
    for service_type, target in selectors.service_level_targets():
        if target is None:
            first, resolution = services.sla_hours(service_type)
            initial = {"first_response_hours": first, "resolution_hours": resolution}
        else:
            initial = {
                "first_response_hours": target.first_response_hours,
                "resolution_hours": target.resolution_hours,
            }
        data = request.POST if request.method == "POST" else None
        form = ServiceLevelTargetForm(data, initial=initial, prefix=f"type{service_type.pk}")
        rows.append((service_type, target, form))
    if request.method == "POST":
        saved = all(form.is_valid() for _t, _target, form in rows)
        if saved:
            try:
                with transaction.atomic():  # all types or none
                    for service_type, _target, form in rows:
                        services_sla.service_level_target_set(
                            actor=request.user, service_type=service_type, **form.cleaned_data
                        )
            except ValidationError as error:
                apply_validation_error(form, error)
                saved = False
        if saved:
            messages.success(request, _("The service levels were saved."))
            return redirect("service:sla_settings")
    return render(
        request,
        "service/sla_settings.html",
        {"active_nav": ACTIVE_NAV, "rows": rows, "saved_any": any(t for _s, t, _f in rows)},
    )
