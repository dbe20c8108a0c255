"""The customer 360 page's moving parts 客户统一视图: timeline (filter, load more) and comments.

Without JavaScript the filter and "load more" are plain links to the detail page and a comment
posts and redirects back; with htmx the same views answer just the part that changes. These are
partial widgets of the detail page (list items, a section), not pages, so they are plain
function views rather than the generic page views.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.collaboration.forms.notifications import CommentForm
from guanxi.collaboration.models import Comment
from guanxi.collaboration.selectors import notifications as collaboration_selectors
from guanxi.collaboration.services import notifications as collaboration_services
from guanxi.core.decorators import requires
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.views.generic import object_or_404
from guanxi.customers import rules
from guanxi.customers.key_figures import customer_key_figures
from guanxi.customers.models import Customer
from guanxi.customers.next_steps import customer_next_steps
from guanxi.customers.related import TAB_ROWS, related_tab, related_tabs
from guanxi.customers.selectors import pool as selectors_pool
from guanxi.customers.timeline import customer_timeline, timeline_kinds
from guanxi.customers.views.base import scoped_customer, signed_in

ACTIVE_NAV = "customers"


_viewer = requires(rules.VIEW_CUSTOMER)


def _timeline_context(request, customer, *, kind: str = "", before: str = "") -> dict:
    """The timeline page asked for; an unknown kind or garbled cursor raises ValidationError."""
    page = customer_timeline(
        actor=signed_in(request), customer=customer, kinds=[kind] if kind else None, before=before
    )
    return {
        "customer": customer,
        "timeline": page,
        "timeline_kind": kind,
        "timeline_kinds": timeline_kinds(actor=signed_in(request)),
        "timeline_continued": bool(before),
    }


def customer_360_context(request, customer, *, comment_form=None) -> dict:
    """Everything the 360 page shows beside the profile; the detail view renders it."""
    kind = request.GET.get("kind", "")
    before = request.GET.get("before", "")
    try:
        timeline = _timeline_context(request, customer, kind=kind, before=before)
    except ValidationError:
        # A hand-edited address falls back to the whole, newest timeline.
        timeline = _timeline_context(request, customer)
    actor = signed_in(request)
    return {
        **timeline,
        "active_nav": ACTIVE_NAV,
        "next_steps": customer_next_steps(actor=actor, customer=customer),
        "related_tabs": related_tabs(actor=actor),
        "contacts": selectors_pool.customer_contacts(actor=actor, customer=customer),
        "key_figures": customer_key_figures(actor=signed_in(request), customer=customer),
        "comment_form": comment_form or CommentForm(),
    }


@_viewer
@require_GET
def customer_timeline_part(request, pk):
    """More entries (``before``) or another filter (``kind``), as list items for htmx."""
    customer = scoped_customer(request, pk)
    if not request.htmx:
        # The plain-HTML equivalent is the detail page with the same query.
        query = request.GET.urlencode()
        return redirect(customer.get_absolute_url() + (f"?{query}" if query else ""))
    try:
        context = _timeline_context(
            request,
            customer,
            kind=request.GET.get("kind", ""),
            before=request.GET.get("before", ""),
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    response = render(request, "customers/partials/_timeline_entries.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@_viewer
@require_POST
def customer_comment_create(request, pk):
    customer = scoped_customer(request, pk)
    form = CommentForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            collaboration_services.comment_create(
                actor=signed_in(request), target=customer, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Your comment was added."))
            if not request.htmx:
                return redirect(customer.get_absolute_url())
            form, status = CommentForm(), 200
    if not request.htmx:
        # Imported here: views.customers imports this module (a cycle at module level).
        from guanxi.customers.views.customers import customer_detail_page

        return customer_detail_page(request, customer, comment_form=form, status=400)
    context = {**_timeline_context(request, customer), "comment_form": form}
    return render(request, "customers/partials/_timeline_section.html", context, status=status)


@_viewer
@require_POST
def customer_comment_delete(request, pk, comment_pk):
    customer = scoped_customer(request, pk)
    try:
        comment = collaboration_selectors.comment_get(
            actor=signed_in(request), pk=comment_pk, model=Customer
        )
    except Comment.DoesNotExist as missing:
        raise Http404 from missing
    if comment.object_id != customer.pk:
        raise Http404
    collaboration_services.comment_delete(actor=signed_in(request), comment=comment)
    messages.success(request, _("The comment was deleted."))
    if request.htmx:
        return HttpResponse("")  # the entry swaps itself out
    return redirect(customer.get_absolute_url())


@_viewer
@require_GET
def customer_history(request, pk):
    """The customer's audit history 变更历史: the 360 page loads it when opened (htmx); the
    same address is a page of its own without JavaScript."""
    customer = object_or_404(selectors_pool.customer_get_readable, actor=signed_in(request), pk=pk)
    template = (
        "customers/partials/_customer_history.html"
        if request.htmx
        else "customers/customer_history.html"
    )
    response = render(request, template, {"customer": customer, "active_nav": ACTIVE_NAV})
    patch_vary_headers(response, ["HX-Request"])
    return response


@_viewer
@require_GET
def customer_related(request, pk, tab):
    """One tab of the 360 page (orders, deals, service, documents…): loaded when opened (htmx),
    a page of its own without JavaScript."""
    customer = object_or_404(selectors_pool.customer_get_readable, actor=signed_in(request), pk=pk)
    chosen = related_tab(actor=signed_in(request), key=tab)
    if chosen is None:
        raise Http404
    context = {
        "customer": customer,
        "tab": chosen,
        "rows": chosen.rows(actor=signed_in(request), customer=customer, limit=TAB_ROWS),
        "more_url": chosen.more_url(customer) if chosen.more_url else "",
        "active_nav": ACTIVE_NAV,
    }
    template = (
        "customers/partials/_related_tab.html"
        if request.htmx
        else "customers/customer_related.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
