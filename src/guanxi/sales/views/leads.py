"""The lead pages 线索: list, new, detail (assign, convert, disqualify), the routing rules of
administrators, and the public web form (no sign-in) that creates leads.

Reads go through selectors_leads (out of scope → 404), writes through services_leads (no right
→ 403; refused transitions and bad input show on the page; a stale version → 409).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.decorators import requires as _requires
from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import is_partial, redirect_after_form
from guanxi.core.pagination import paginate_request
from guanxi.core.scoping import can_see
from guanxi.core.spam import over_rate_limit
from guanxi.customers.dedup import DuplicateError
from guanxi.sales.forms.leads import (
    LeadAssignForm,
    LeadConvertForm,
    LeadDisqualifyForm,
    LeadEditForm,
    LeadFilterForm,
    LeadForm,
    LeadImportForm,
    LeadWebForm,
    RoutingRuleForm,
)
from guanxi.sales.models import Lead, LeadRoutingRule
from guanxi.sales.selectors import leads as selectors
from guanxi.sales.services import lead_import as services_lead_import
from guanxi.sales.services import leads as services

ACTIVE_NAV = "leads"
# The public form: at most this many submissions per client address in the window (seconds).
WEB_FORM_RATE = 5
WEB_FORM_WINDOW = 10 * 60


def _lead_or_404(request, pk) -> Lead:
    try:
        return selectors.lead_get(actor=request.user, pk=pk)
    except Lead.DoesNotExist as missing:
        raise Http404 from missing


def _conflict_message() -> str:
    return _(
        "Someone else changed this lead after you opened it, so nothing was saved. "
        "Reload the page to see their changes, then make yours again."
    )


# -- the public web form -----------------------------------------------------------------------


@ensure_csrf_cookie
@csrf_protect
@require_http_methods(["GET", "POST"])
def lead_web_form(request):
    """在线咨询: anyone leaves their details; a lead is created, scored and routed.

    Rate limited per address (429 with a message); a robot's submission (honeypot filled, or
    sent faster than a person could type) is dropped but answered like a success.
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
    if form.is_spam():
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
            return done
    return render(request, "sales/lead_web_form.html", {"form": form}, status=400)


# -- list, new ---------------------------------------------------------------------------------


@_requires("sales.view_lead")
def lead_list(request):
    form = LeadFilterForm(request.GET or None)
    rows = selectors.lead_list(actor=request.user, **form.query())
    page = paginate_request(request, rows, ordering=selectors.LEAD_LIST_ORDERING)
    partial = is_partial(request)
    context = {"active_nav": ACTIVE_NAV, "form": form, "page": page, "partial": partial}
    template = "sales/partials/_lead_table.html" if partial else "sales/lead_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@_requires("sales.add_lead")
@require_http_methods(["GET", "POST"])
def lead_create(request):
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(actor=request.user, **form.values())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Lead “%(name)s” was recorded.") % {"name": lead.name})
            target = lead if can_see(request.user, lead) else None
            return redirect_after_form(
                request, target.get_absolute_url() if target else reverse("sales:lead_list")
            )
    return render(request, "sales/lead_form.html", {"active_nav": ACTIVE_NAV, "form": form})


@_requires("sales.add_lead")
@require_http_methods(["GET", "POST"])
def lead_import(request):
    """Import leads from CSV or xlsx: all rows or none; "preview only" checks and routes them
    without keeping anything (services_lead_import)."""
    form = LeadImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services_lead_import.lead_import(
                actor=request.user,
                file=upload,
                name=upload.name,
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if result.created:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d lead was imported.",
                        "%(count)d leads were imported.",
                        result.created,
                    )
                    % {"count": result.created},
                )
                return redirect("sales:lead_list")
    context = {
        "active_nav": ACTIVE_NAV,
        "form": form,
        "result": result,
        "fields": services_lead_import.LEAD_IMPORT_FIELDS,
        "max_rows": services_lead_import.MAX_LEAD_IMPORT_ROWS,
        "max_mb": services_lead_import.MAX_LEAD_IMPORT_BYTES // (1024 * 1024),
    }
    return render(request, "sales/lead_import.html", context)


@_requires("sales.change_lead")
@require_http_methods(["GET", "POST"])
def lead_edit(request, pk):
    """Change an open lead's details (its owner or a supervisor); the score is recomputed."""
    lead = _lead_or_404(request, pk)
    if not services.can_work(request.user, lead):
        if lead.is_closed:
            messages.error(
                request,
                _("This lead is %(status)s; it can no longer change.")
                % {"status": lead.get_status_display()},
            )
            return redirect(lead.get_absolute_url())
        raise PermissionDenied
    status = 200
    if request.method != "POST":
        form = LeadEditForm(initial=LeadEditForm.initial_for(lead))
    else:
        form = LeadEditForm(request.POST)
        if form.is_valid():
            try:
                services.lead_update(
                    actor=request.user,
                    lead=lead,
                    expected_version=form.cleaned_data["version"],
                    **form.values(),
                )
            except ConflictError:
                form.add_error(None, _conflict_message())
                status = 409
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Lead “%(name)s” was saved.") % {"name": lead.name})
                return redirect_after_form(request, lead.get_absolute_url())
    context = {"active_nav": ACTIVE_NAV, "form": form, "lead": lead}
    return render(request, "sales/lead_form.html", context, status=status)


# -- detail and its actions --------------------------------------------------------------------


def _detail(request, lead, *, status=200, **forms):
    user = request.user
    can_work = services.can_work(user, lead)
    can_assign = services.can_assign(user, lead)
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


@_requires("sales.view_lead")
def lead_detail(request, pk):
    return _detail(request, _lead_or_404(request, pk))


def _act(request, lead, form, form_name, call, success_message):
    """Run a detail-page action: the service decides; refusals show on the page."""
    status, extra = 200, {}
    if form.is_valid():
        try:
            done = call(form.cleaned_data)
        except DuplicateError as error:
            extra["duplicates"] = error.duplicates
            form.ask_confirmation()
        except ConflictError:
            form.add_error(None, _conflict_message())
            status = 409
        except BusinessRuleError as refused:
            # The lead is closed meanwhile: its action forms are gone, so the page says why.
            messages.error(request, " ".join(refused.messages))
            status = 422
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, success_message(done))
            return redirect_after_form(request, lead.get_absolute_url())
    if status == 200:
        status = 400
    return _detail(request, lead, status=status, **{form_name: form}, **extra)


@_requires("sales.change_lead")
@require_POST
def lead_assign(request, pk):
    lead = _lead_or_404(request, pk)
    return _act(
        request,
        lead,
        LeadAssignForm(request.POST, actor=request.user),
        "assign_form",
        lambda data: services.lead_assign(
            actor=request.user,
            lead=lead,
            owner=data["owner"],
            expected_version=data["version"],
        ),
        lambda done: _("The lead was given to %(name)s.") % {"name": done.owner},
    )


@_requires("sales.change_lead")
@require_POST
def lead_convert(request, pk):
    lead = _lead_or_404(request, pk)
    return _act(
        request,
        lead,
        LeadConvertForm(request.POST),
        "convert_form",
        lambda data: services.lead_convert(
            actor=request.user,
            lead=lead,
            to=data["to"],
            summary=data["summary"],
            probability=data["probability"],
            confirm_duplicate=data["confirm_duplicate"],
            expected_version=data["version"],
        ),
        lambda done: _("The lead was converted."),
    )


@_requires("sales.change_lead")
@require_POST
def lead_disqualify(request, pk):
    lead = _lead_or_404(request, pk)
    return _act(
        request,
        lead,
        LeadDisqualifyForm(request.POST),
        "disqualify_form",
        lambda data: services.lead_disqualify(
            actor=request.user,
            lead=lead,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        lambda done: _("The lead was disqualified."),
    )


# -- routing rules (administrators) ------------------------------------------------------------


@_requires("sales.manage_lead_routing")
@require_http_methods(["GET", "POST"])
def routing_rules(request):
    form = RoutingRuleForm(request.POST or None, actor=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.routing_rule_save(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The routing rule was saved."))
                return redirect("sales:lead_routing")
        status = 400
    context = {"active_nav": ACTIVE_NAV, "form": form, "rules": selectors.routing_rule_list()}
    return render(request, "sales/lead_routing.html", context, status=status)


@_requires("sales.manage_lead_routing")
@require_POST
def routing_rule_delete(request, pk):
    try:
        rule = selectors.routing_rule_list().get(pk=pk)
    except LeadRoutingRule.DoesNotExist as missing:
        raise Http404 from missing
    services.routing_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("The routing rule was deleted."))
    return redirect("sales:lead_routing")
