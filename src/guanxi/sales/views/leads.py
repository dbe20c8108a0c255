"""The lead pages 线索: list, new, detail (assign, convert, disqualify), the routing rules of
administrators, and the public web form (no sign-in) that creates leads.

Reads go through ``selectors.leads`` (out of scope → 404), writes through ``services.leads``
(no right → 403; refused transitions and bad input show on the page; a stale version → 409).
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_http_methods

from guanxi.core.exceptions import BusinessRuleError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import is_partial
from guanxi.core.lists import ListColumn
from guanxi.core.scoping import can_see
from guanxi.core.spam import over_rate_limit, rate_limit_count
from guanxi.core.views.generic import (
    ObjectActionView,
    ObjectFormView,
    ObjectListView,
    ObjectView,
    object_or_404,
)
from guanxi.customers.dedup import DuplicateError
from guanxi.sales import rules
from guanxi.sales.forms.leads import (
    LeadAssignForm,
    LeadConvertForm,
    LeadDisqualifyForm,
    LeadEditForm,
    LeadFilterForm,
    LeadForm,
    LeadWebForm,
    RoutingRuleForm,
)
from guanxi.sales.models import Lead, LeadRoutingRule
from guanxi.sales.selectors import leads as selectors
from guanxi.sales.services import leads as services
from guanxi.sales.views.base import LockedRecordMixin, signed_in
from guanxi.sales.views.inline import mark_inline_editable

ACTIVE_NAV = "leads"
# The public form: at most this many submissions per client address in the window (seconds).
WEB_FORM_RATE = 5
WEB_FORM_WINDOW = 10 * 60


# -- the public web form -----------------------------------------------------------------------


# Public (nobody signs in), so not a ScopedPageView: CSRF, rate limit and honeypot instead.
@ensure_csrf_cookie
@csrf_protect
@require_http_methods(["GET", "POST"])
def lead_web_form(request: HttpRequest) -> HttpResponse:
    """在线咨询: anyone leaves their details; a lead is created, scored and routed.

    Rate limited per address on saved submissions (429 with a message); a robot's submission
    (the honeypot filled) is dropped but answered like a success; one sent faster than a person
    could type comes back with a message (core.spam).
    """
    sent = request.method == "GET" and request.GET.get("sent") == "1"
    if request.method != "POST":
        form = LeadWebForm()
        return render(request, "sales/lead_web_form.html", {"form": form, "sent": sent})
    form = LeadWebForm(request.POST)
    if over_rate_limit(request, scope="lead-web-form", rate=WEB_FORM_RATE, window=WEB_FORM_WINDOW):
        form.add_error(
            None,
            _("Too many submissions from your address. Please try again in a few minutes."),
        )
        return render(request, "sales/lead_web_form.html", {"form": form}, status=429)
    done = redirect(reverse("sales:lead_web_form") + "?sent=1")
    if form.is_robot():
        return done
    if form.is_expired():
        return render(
            request,
            "sales/lead_web_form.html",
            {"form": LeadWebForm(), "expired": True},
            status=400,
        )
    if form.is_valid():
        try:
            services.lead_create_from_web(**form.values())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            rate_limit_count(request, scope="lead-web-form", window=WEB_FORM_WINDOW)
            return done
    return render(request, "sales/lead_web_form.html", {"form": form}, status=400)


# -- list, new, import --------------------------------------------------------------------------


# The lead list's columns a reader may hide (the name always shows).
LEAD_COLUMNS = [
    ListColumn("company", gettext_lazy("Company")),
    ListColumn("region", gettext_lazy("Region")),
    ListColumn("source", gettext_lazy("Lead source")),
    ListColumn("score", gettext_lazy("Score")),
    ListColumn("status", gettext_lazy("Status")),
    ListColumn("owner", gettext_lazy("Owner")),
    ListColumn("created", gettext_lazy("Created")),
]


class LeadListView(ObjectListView):
    permission = rules.VIEW_LEAD
    active_nav = ACTIVE_NAV
    template_name = "sales/lead_list.html"
    list_key = "leads"
    list_columns = LEAD_COLUMNS
    partial_template_name = "sales/partials/_lead_table.html"
    ordering = selectors.LEAD_LIST_ORDERING

    def get_filter_form(self, request: HttpRequest) -> Any:
        return LeadFilterForm(request.GET or None, actor=signed_in(request))

    def rows(self, request: HttpRequest, form: Any) -> Any:
        sort = request.GET.get("sort", "")
        self.sort = sort if sort in selectors.LEAD_SORTS else "created"
        self.ordering = selectors.LEAD_SORTS[self.sort]  # type: ignore[misc]
        return selectors.lead_list(actor=signed_in(request), sort=self.sort, **form.query())

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        mark_inline_editable(request.user, page, rules.can_work_lead)
        return {"partial": is_partial(request), "sort": self.sort}


class _LeadView(ObjectView):
    model = Lead
    active_nav = ACTIVE_NAV
    context_object_name = "lead"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors.lead_get, actor=signed_in(request), pk=pk)


class LeadCreateView(_LeadView, ObjectFormView):
    permission = rules.ADD_LEAD
    template_name = "sales/lead_form.html"

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return LeadForm(data or None)

    def save(self, request: HttpRequest, form: Any, record: Any) -> Lead:
        return services.lead_create(actor=signed_in(request), **form.values())

    def success_message(self, record: Any) -> str:
        return _("Lead “%(name)s” was recorded.") % {"name": record.name}

    def success_url(self, request: HttpRequest, record: Any) -> str:
        # A lead routed to someone else is out of the creator's sight: back to the list.
        if can_see(request.user, record):
            return record.get_absolute_url()
        return reverse("sales:lead_list")


class LeadEditView(LockedRecordMixin, _LeadView, ObjectFormView):
    """Change an open lead's details (its owner or a supervisor); the score is recomputed."""

    permission = rules.CHANGE_LEAD
    template_name = "sales/lead_form.html"

    def locked_message(self, request: HttpRequest, record: Any) -> str:
        if rules.can_work_lead(request.user, record):
            return ""
        if not record.is_closed:
            raise PermissionDenied
        return _("This lead is %(status)s; it can no longer change.") % {
            "status": record.get_status_display()
        }

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is None:
            return LeadEditForm(initial=LeadEditForm.initial_for(record))
        return LeadEditForm(data)

    def save(self, request: HttpRequest, form: Any, record: Any) -> Lead:
        return services.lead_update(
            actor=signed_in(request),
            lead=record,
            expected_version=form.cleaned_data["version"],
            **form.values(),
        )

    def success_message(self, record: Any) -> str:
        # The lead as the editor opened it names the message.
        return _("Lead “%(name)s” was saved.") % {"name": self._record.name}  # type: ignore[union-attr]


# -- detail and its actions --------------------------------------------------------------------


def _detail(request: HttpRequest, lead: Any, *, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    can_work = bool(rules.can_work_lead(user, lead))
    can_assign = bool(rules.can_assign_lead(user, lead))
    initial = {"version": lead.version}
    context = {
        "active_nav": ACTIVE_NAV,
        "lead": lead,
        "can_work": can_work,
        "can_assign": can_assign,
        "assign_form": forms.get("assign_form")
        or (LeadAssignForm(initial=initial, actor=user) if can_assign else None),
        "convert_form": forms.get("convert_form")
        or (LeadConvertForm(initial=initial) if can_work else None),
        "disqualify_form": forms.get("disqualify_form")
        or (LeadDisqualifyForm(initial=initial) if can_work else None),
        "duplicates": forms.get("duplicates"),
    }
    return render(request, "sales/lead_detail.html", context, status=status)


class LeadDetailView(_LeadView):
    permission = rules.VIEW_LEAD

    def get(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        return _detail(request, self.get_checked_object(request, pk))


class _LeadActionView(_LeadView, ObjectFormView):
    """A detail-page action: the service decides; refusals show on the detail page (400 for
    bad input, 409 for a stale version, 422 when the lead closed meanwhile)."""

    http_method_names = ["post", "options"]
    permission = rules.CHANGE_LEAD
    form_name = ""
    duplicates: Any = None
    refused = False

    def act(self, request: HttpRequest, form: Any, record: Any) -> Any:
        raise NotImplementedError

    def save(self, request: HttpRequest, form: Any, record: Any) -> Any:
        try:
            return self.act(request, form, record)
        except DuplicateError as error:
            self.duplicates = error.duplicates
            form.ask_confirmation()
        except BusinessRuleError as refused:
            # The lead is closed meanwhile: its action forms are gone, so the page says why.
            messages.error(request, " ".join(refused.messages))
            self.refused = True
        return None

    def render_form(
        self, request: HttpRequest, form: Any, record: Any, status: int = 200
    ) -> HttpResponse:
        if self.refused:
            status = 422
        elif status == 200:
            status = 400
        extra = {"duplicates": self.duplicates} if self.duplicates is not None else {}
        return _detail(request, record, status=status, **{self.form_name: form}, **extra)


class LeadAssignView(_LeadActionView):
    form_name = "assign_form"

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return LeadAssignForm(data, actor=signed_in(request))

    def act(self, request: HttpRequest, form: Any, record: Any) -> Lead:
        data = form.cleaned_data
        return services.lead_assign(
            actor=signed_in(request),
            lead=record,
            owner=data["owner"],
            expected_version=data["version"],
        )

    def success_message(self, record: Any) -> str:
        return _("The lead was given to %(name)s.") % {"name": record.owner}


class LeadConvertView(_LeadActionView):
    form_name = "convert_form"

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return LeadConvertForm(data)

    def act(self, request: HttpRequest, form: Any, record: Any) -> Lead:
        data = form.cleaned_data
        return services.lead_convert(
            actor=signed_in(request),
            lead=record,
            to=data["to"],
            summary=data["summary"],
            probability=data["probability"],
            confirm_duplicate=data["confirm_duplicate"],
            expected_version=data["version"],
        )

    def success_message(self, record: Any) -> str:
        return _("The lead was converted.")


class LeadDisqualifyView(_LeadActionView):
    form_name = "disqualify_form"

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return LeadDisqualifyForm(data)

    def act(self, request: HttpRequest, form: Any, record: Any) -> Lead:
        data = form.cleaned_data
        return services.lead_disqualify(
            actor=signed_in(request),
            lead=record,
            reason=data["reason"],
            expected_version=data["version"],
        )

    def success_message(self, record: Any) -> str:
        return _("The lead was disqualified.")


# -- routing rules (administrators) ------------------------------------------------------------


class RoutingRulesView(ObjectFormView):
    """The routing rules with the form for a new one (or a region's replacement)."""

    model = LeadRoutingRule
    permission = rules.MANAGE_LEAD_ROUTING
    active_nav = "lead_routing"
    template_name = "sales/lead_routing.html"
    context_object_name = "routing_rule"

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return RoutingRuleForm(data or None, actor=signed_in(request))

    def form_context(self, request: HttpRequest, form: Any, record: Any) -> dict[str, Any]:
        return {"rules": selectors.routing_rule_list()}

    def render_form(
        self, request: HttpRequest, form: Any, record: Any, status: int = 200
    ) -> HttpResponse:
        refused = request.method == "POST" and status == 200
        return super().render_form(request, form, record, status=400 if refused else status)

    def save(self, request: HttpRequest, form: Any, record: Any) -> LeadRoutingRule:
        return services.routing_rule_save(actor=signed_in(request), **form.cleaned_data)

    def success_message(self, record: Any) -> str:
        return _("The routing rule was saved.")

    def success_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("sales:lead_routing")


class RoutingRuleDeleteView(ObjectActionView):
    model = LeadRoutingRule
    permission = rules.MANAGE_LEAD_ROUTING

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(
            lambda actor, pk: selectors.routing_rule_list().get(pk=pk), actor=None, pk=pk
        )

    def act(self, request: HttpRequest, record: Any, form: Any) -> None:
        services.routing_rule_delete(actor=signed_in(request), rule=record)

    def success_message(self, record: Any) -> str:
        return _("The routing rule was deleted.")

    def done_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("sales:lead_routing")


lead_list = LeadListView.as_view()
lead_create = LeadCreateView.as_view()
lead_edit = LeadEditView.as_view()
lead_detail = LeadDetailView.as_view()
lead_assign = LeadAssignView.as_view()
lead_convert = LeadConvertView.as_view()
lead_disqualify = LeadDisqualifyView.as_view()
routing_rules = RoutingRulesView.as_view()
routing_rule_delete = RoutingRuleDeleteView.as_view()
