"""Service request 客户服务 pages: the queues, create / edit / delete, the request page with
its assign 服务分配 / handle 服务处理 / feedback 服务反馈 forms and full history, and the SLA
settings.

The generic scoped views (``guanxi.core.views.generic``) do the glue: reads go through
selectors (out of scope → 404), writes through services (no right → 403; a refused transition
or bad input shows on the form; a stale version → 409 with the form). A page the request's
status does not allow (editing an archived request...) sends the user back to the request with
the reason. The action forms post in place with htmx; without JavaScript the same forms post
and redirect.
"""

from typing import Any, ClassVar, cast

from django import forms
from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from guanxi.accounts.models import User
from guanxi.core.exceptions import ConflictError
from guanxi.core.htmx import is_partial, redirect_after_form
from guanxi.core.lists import ListColumn
from guanxi.core.pagination import paginate_request
from guanxi.core.selectors.pages import record_history
from guanxi.core.views.generic import (
    ObjectDeleteView,
    ObjectFormView,
    ObjectListView,
    ObjectView,
    conflict_message,
    object_or_404,
)
from guanxi.customers.models import Customer
from guanxi.customers.selectors.customers import customer_list
from guanxi.service import rules
from guanxi.service.forms.requests import (
    ServiceAssignForm,
    ServiceFeedbackForm,
    ServiceFilterForm,
    ServiceHandleForm,
    ServiceRequestEditForm,
    ServiceRequestForm,
)
from guanxi.service.models import ServiceRequest
from guanxi.service.selectors import requests as selectors
from guanxi.service.services import feedback as services_feedback
from guanxi.service.services import handling as services_handling
from guanxi.service.services import requests as services

ACTIVE_NAV = "service"
TABLE_TARGET = "service-table"


def mark_inline_editable(user: Any, rows: Any) -> None:
    """Tell each listed request whether ``user`` may edit its cells in place (views.inline)."""
    for row in rows:
        row.inline_editable = bool(rules.can_edit_request(user, row))


def actor_of(request: HttpRequest) -> User:
    """The signed-in user (the generic views let no one else in)."""
    return cast(User, request.user)


def _queue_labels() -> dict[str, str]:
    return {
        selectors.QUEUE_TO_HANDLE: _("To handle"),
        selectors.QUEUE_UNASSIGNED: pgettext("service", "Unassigned"),
        selectors.QUEUE_OVERDUE: _("Overdue"),
        selectors.QUEUE_ALL: _("All"),
    }


class _RequestView(ObjectView):
    """A page about one service request the user sees (404 otherwise)."""

    model = ServiceRequest
    active_nav = ACTIVE_NAV
    context_object_name = "service_request"

    def get_object(self, request: HttpRequest, pk: Any) -> ServiceRequest:
        return object_or_404(  # type: ignore[return-value]
            selectors.service_request_get, actor=actor_of(request), pk=pk
        )


class _NotNow(Exception):  # noqa: N818  (reads as what happened)
    """The request's status does not allow the page (raised by ``_AllowedByStatus``)."""

    def __init__(self, service_request: ServiceRequest, message: str) -> None:
        super().__init__(message)
        self.service_request = service_request
        self.message = message


class _AllowedByStatus(_RequestView):
    """A page only some statuses allow: otherwise back to the request with the reason (an
    archived request says it can no longer change)."""

    allowed: ClassVar[Any]  # a predicate of (user, service request)
    refusal: ClassVar[str | Promise]

    def get_checked_object(self, request: HttpRequest, pk: Any) -> ServiceRequest:
        service_request = cast(ServiceRequest, super().get_checked_object(request, pk))
        if not self.allowed(request.user, service_request):
            if service_request.is_archived:
                raise _NotNow(
                    service_request, _("This request is archived and can no longer change.")
                )
            raise _NotNow(service_request, str(self.refusal))
        return service_request

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return super().dispatch(request, *args, **kwargs)
        except _NotNow as refused:
            messages.error(request, refused.message)
            return redirect_after_form(request, refused.service_request.get_absolute_url())


# -- the queues --------------------------------------------------------------------------------


# The columns a reader may hide on this list (the code/name and the amount always show).
SERVICE_REQUEST_COLUMNS = [
    ListColumn("summary", gettext_lazy("Summary")),
    ListColumn("service_type", gettext_lazy("Service type")),
    ListColumn("channel", gettext_lazy("Channel")),
    ListColumn("status", gettext_lazy("Status")),
    ListColumn("assigned_to", pgettext_lazy("service", "Assigned to")),
    ListColumn("first_response", gettext_lazy("First response")),
    ListColumn("resolution", gettext_lazy("Resolution")),
    ListColumn("created", gettext_lazy("Created")),
]


class RequestListView(ObjectListView):
    """The service queues: one tab per queue the user works from, each with the filters."""

    permission = rules.VIEW_SERVICEREQUEST
    active_nav = ACTIVE_NAV
    template_name = "service/request_list.html"
    list_key = "service_requests"
    list_columns = SERVICE_REQUEST_COLUMNS
    partial_template_name = "service/partials/_request_table.html"

    def get_filter_form(self, request: HttpRequest) -> forms.Form:
        return ServiceFilterForm(request.GET or None, actor=actor_of(request))

    ordering = selectors.SERVICE_LIST_ORDERING

    def queue(self, request: HttpRequest) -> tuple[str, list[str]]:
        queues = selectors.service_queues(actor=actor_of(request))
        queue = request.GET.get("queue") or queues[0]
        return (queue if queue in queues else queues[0]), queues

    def rows(self, request: HttpRequest, form: forms.Form | None) -> QuerySet:
        queue, _queues = self.queue(request)
        query = form.query() if isinstance(form, ServiceFilterForm) else {}
        return selectors.service_request_queue(actor=actor_of(request), queue=queue, **query)

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        queue, queues = self.queue(request)
        labels = _queue_labels()
        if request.user.has_perm(rules.CHANGE_SERVICEREQUEST):
            mark_inline_editable(request.user, page)
        return {
            "queue": queue,
            "queues": [(key, labels[key]) for key in queues],
            "now": timezone.now(),
        }

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Only the table's own htmx requests (filters, search, pages) get the table alone.
        form = self.get_filter_form(request)
        rows = self.rows(request, form)
        page = paginate_request(request, rows, ordering=self.ordering)
        context = self.get_context(form=form, page=page, **self.extra_context(request, page))
        context.update(self.list_context(request, rows))
        partial = is_partial(request) and request.headers.get("HX-Target") == TABLE_TARGET
        template = self.partial_template_name if partial else self.template_name
        response = render(request, template or self.template_name, context)
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response


request_list = RequestListView.as_view()


# -- create, edit, delete ----------------------------------------------------------------------


class RequestCreateView(ObjectFormView):
    """A new request, for any customer in scope or, from the 360 page, for that customer."""

    permission = rules.ADD_SERVICEREQUEST
    model = ServiceRequest
    active_nav = ACTIVE_NAV
    context_object_name = "service_request"
    template_name = "service/request_form.html"
    form_template_name = "service/partials/_request_form.html"

    def customer(self, request: HttpRequest) -> Customer | None:
        """The customer chosen on the 360 page (``?customer=<pk>``), if the user sees it."""
        if not hasattr(self, "_customer"):
            raw = request.GET.get("customer") or request.POST.get("customer") or ""
            rows = customer_list(actor=actor_of(request))
            self._customer = rows.filter(pk=int(raw)).first() if raw.isdigit() else None
        return self._customer

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        customer = self.customer(request)
        if data is None:
            initial = {"customer": customer.pk} if customer else {}
            return ServiceRequestForm(initial=initial, actor=actor_of(request), customer=customer)
        return ServiceRequestForm(data, actor=actor_of(request), customer=customer)

    def form_context(
        self, request: HttpRequest, form: forms.Form, record: Model | None
    ) -> dict[str, Any]:
        return {"customer": self.customer(request)}

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(form, ServiceRequestForm)
        return services.service_request_create(actor=actor_of(request), **form.values())

    def success_message(self, record: Model) -> str:
        return _("Service request %(code)s was recorded.") % {
            "code": cast(ServiceRequest, record).code
        }


request_create = RequestCreateView.as_view()


class RequestEditView(_AllowedByStatus, ObjectFormView):
    permission = rules.CHANGE_SERVICEREQUEST
    template_name = "service/request_form.html"
    form_template_name = "service/partials/_request_form.html"
    allowed = rules.can_edit_request
    refusal = gettext_lazy("Only new or assigned requests can be edited.")

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        assert isinstance(record, ServiceRequest)
        if data is None:
            initial = ServiceRequestForm.initial_for(record)
            return ServiceRequestEditForm(
                initial=initial, actor=actor_of(request), service_request=record
            )
        return ServiceRequestEditForm(data, actor=actor_of(request), service_request=record)

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(form, ServiceRequestEditForm) and isinstance(record, ServiceRequest)
        return services.service_request_update(
            actor=actor_of(request),
            service_request=record,
            expected_version=form.cleaned_data["version"],
            **form.values(),
        )

    def success_message(self, record: Model) -> str:
        return _("Service request %(code)s was saved.") % {
            "code": cast(ServiceRequest, record).code
        }


request_edit = RequestEditView.as_view()


class _StaleConfirmation(Exception):  # noqa: N818  (reads as what happened)
    """The confirmation was for an older version of the request."""


class RequestDeleteView(_AllowedByStatus, ObjectDeleteView):
    permission = rules.DELETE_SERVICEREQUEST
    template_name = "service/request_confirm_delete.html"
    allowed = rules.can_delete_request
    refusal = gettext_lazy("Only new requests can be deleted; later ones are kept as history.")

    def delete(self, request: HttpRequest, record: Model, expected_version: int) -> None:
        assert isinstance(record, ServiceRequest)
        try:
            # A missing or garbled version is 0 and never matches: answered as a conflict.
            services.service_request_delete(
                actor=actor_of(request),
                service_request=record,
                expected_version=expected_version,
            )
        except ConflictError as stale:
            raise _StaleConfirmation from stale
        messages.success(
            request,
            _("Service request %(code)s was moved to the recycle bin.") % {"code": record.code},
        )

    def success_url(self, request: HttpRequest, record: Model) -> str:
        return reverse("service:request_list")

    def conflict_url(self, request: HttpRequest, record: Model) -> str:
        return record.get_absolute_url()  # type: ignore[attr-defined]

    def post(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        # A stale confirmation is shown again with the conflict (409), like a stale form.
        try:
            return super().post(request, pk, **kwargs)
        except _StaleConfirmation:
            messages.error(request, conflict_message(ServiceRequest))
            context = self.get_context(service_request=self.get_object(request, pk))
            return render(request, self.template_name, context, status=409)


request_delete = RequestDeleteView.as_view()


# -- the request page and its flow ---------------------------------------------------------------


def _detail_context(
    request: HttpRequest, service_request: ServiceRequest, **forms: forms.Form
) -> dict[str, Any]:
    actor = actor_of(request)
    version = {"version": service_request.version}
    can_assign = rules.can_assign_request(actor, service_request)
    can_handle = rules.can_handle_request(actor, service_request)
    can_give_feedback = rules.can_give_feedback(actor, service_request)
    assign_form = forms.get("assign_form")
    if can_assign and assign_form is None:
        initial = {**version, "assigned_to": service_request.assigned_to_id}
        assign_form = ServiceAssignForm(initial=initial, actor=actor)
    return {
        "rounds": selectors.service_round_list(actor=actor, service_request=service_request),
        "history": record_history(instance=service_request),
        "now": timezone.now(),
        "can_edit": rules.can_edit_request(actor, service_request),
        "can_delete": rules.can_delete_request(actor, service_request),
        "can_assign": can_assign,
        "can_handle": can_handle,
        "can_give_feedback": can_give_feedback,
        "assign_form": assign_form,
        "handle_form": forms.get("handle_form")
        or (ServiceHandleForm(initial=version) if can_handle else None),
        "feedback_form": forms.get("feedback_form")
        or (ServiceFeedbackForm(initial=version) if can_give_feedback else None),
    }


class RequestDetailView(_RequestView):
    permission = rules.VIEW_SERVICEREQUEST
    template_name = "service/request_detail.html"

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        assert isinstance(record, ServiceRequest)
        return _detail_context(request, record)


request_detail = RequestDetailView.as_view()


class _TransitionView(_RequestView, ObjectFormView):
    """Post one flow form of the request page; errors and conflicts show on the form (in
    place with htmx, else on the page), success goes back to the page with a message."""

    http_method_names = ["post", "options"]
    template_name = "service/request_detail.html"
    action: ClassVar[str]  # assign, handle, give_feedback: names the form, partial and right

    @property
    def form_key(self) -> str:
        return f"{self.action}_form"

    def form_context(
        self, request: HttpRequest, form: forms.Form, record: Model | None
    ) -> dict[str, Any]:
        if is_partial(request):
            return {self.form_key: form}
        assert isinstance(record, ServiceRequest)
        context = _detail_context(request, record, **{self.form_key: form})
        context[f"can_{self.action}"] = True  # keep the form with its errors on the page
        return context


class RequestAssignView(_TransitionView):
    permission = rules.ASSIGN_SERVICEREQUEST
    action = "assign"
    form_template_name = "service/partials/_assign_form.html"

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        return ServiceAssignForm(data, actor=actor_of(request))

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(record, ServiceRequest)
        return services.service_request_assign(
            actor=actor_of(request),
            service_request=record,
            assignee=form.cleaned_data["assigned_to"],
            expected_version=form.cleaned_data["version"],
        )

    def success_message(self, record: Model) -> str:
        assignee = cast(ServiceRequest, record).assigned_to
        return _("The request was assigned to %(name)s.") % {"name": assignee}


class RequestHandleView(_TransitionView):
    permission = rules.CHANGE_SERVICEREQUEST
    action = "handle"
    form_class = ServiceHandleForm
    form_template_name = "service/partials/_handle_form.html"

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(record, ServiceRequest)
        return services_handling.service_request_handle(
            actor=actor_of(request),
            service_request=record,
            handling=form.cleaned_data["handling"],
            expected_version=form.cleaned_data["version"],
        )

    def success_message(self, record: Model) -> str:
        return _("The handling was recorded; the request waits for feedback.")


class RequestFeedbackView(_TransitionView):
    permission = rules.CHANGE_SERVICEREQUEST
    action = "give_feedback"
    form_class = ServiceFeedbackForm
    form_template_name = "service/partials/_give_feedback_form.html"

    @property
    def form_key(self) -> str:
        return "feedback_form"

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(record, ServiceRequest)
        return services_feedback.service_request_feedback(
            actor=actor_of(request),
            service_request=record,
            result=form.cleaned_data["result"],
            satisfaction=form.cleaned_data["satisfaction"],
            expected_version=form.cleaned_data["version"],
        )

    def success_message(self, record: Model) -> str:
        assert isinstance(record, ServiceRequest)
        if record.is_archived:
            return _("Feedback recorded: the request is archived.")
        return _("Feedback recorded: the request went back to %(name)s for another round.") % {
            "name": record.assigned_to
        }


request_assign = RequestAssignView.as_view()
request_handle = RequestHandleView.as_view()
request_feedback = RequestFeedbackView.as_view()
