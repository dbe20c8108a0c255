"""Pages of interactions 交往记录 and documents 文档, and the safe download of a stored file.

Reads go through selectors_activity (out of scope → 404), writes through the services
(no right → 403, refused file → error on the form, stale version → conflict on the form).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.exceptions import ConflictError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import is_partial, redirect_after_form, render_form_page
from guanxi.core.pagination import paginate_request
from guanxi.customers.forms.activity import (
    DocumentForm,
    DocumentVersionForm,
    InteractionEditForm,
    InteractionFilterForm,
    InteractionForm,
)
from guanxi.customers.models import Customer, Document, DocumentVersion, Interaction
from guanxi.customers.selectors import activity as selectors_activity
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services.documents import (
    document_add_version,
    document_create,
    document_delete,
)
from guanxi.customers.services.interactions import (
    interaction_create as interaction_create_service,
)
from guanxi.customers.services.interactions import (
    interaction_delete as interaction_delete_service,
)
from guanxi.customers.services.interactions import (
    interaction_update,
)
from guanxi.customers.views.customers import ACTIVE_NAV, _customer_or_404, _requires


def _conflict_message() -> str:
    return _(
        "Someone else changed this record after you opened it, so nothing was saved. "
        "Reload the page to see their changes, then make yours again."
    )


def _version(request) -> int:
    # A missing or garbled version can never match, so it is answered as a conflict.
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else 0


def _interaction_or_404(request, pk) -> Interaction:
    try:
        return selectors_activity.interaction_get(actor=request.user, pk=pk)
    except Interaction.DoesNotExist as missing:
        raise Http404 from missing


def _document_or_404(request, pk) -> Document:
    try:
        return selectors_activity.document_get(actor=request.user, pk=pk)
    except Document.DoesNotExist as missing:
        raise Http404 from missing


def _contacts(request, customer: Customer):
    return selectors.contact_list(actor=request.user, customer=customer).order_by(
        "-is_primary", "name"
    )


# --- interactions ---------------------------------------------------------------------------


@_requires("customers.view_interaction")
@require_GET
def interaction_list(request):
    form = InteractionFilterForm(request.GET or None)
    query = form.query()
    customer = None
    if form.is_bound and form.cleaned_data.get("customer"):
        customer = _customer_or_404(request, form.cleaned_data["customer"])
    interactions = selectors_activity.interaction_list(
        actor=request.user, customer=customer, **query
    )
    page = paginate_request(request, interactions, ordering=selectors_activity.INTERACTION_ORDERING)
    partial = is_partial(request)  # a history restore needs the page
    context = {
        "active_nav": ACTIVE_NAV,
        "form": form,
        "page": page,
        "customer": customer,
        "partial": partial,
    }
    template = (
        "customers/partials/_interaction_table.html"
        if partial
        else "customers/interaction_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _render_interaction_form(request, form, *, customer, interaction=None, status=200):
    return render_form_page(
        request,
        page_template="customers/interaction_form.html",
        form_template="customers/partials/_interaction_form.html",
        context={
            "active_nav": ACTIVE_NAV,
            "form": form,
            "customer": customer,
            "interaction": interaction,
        },
        status=status,
    )


@_requires("customers.add_interaction")
@require_http_methods(["GET", "POST"])
def interaction_create(request, pk):
    customer = _customer_or_404(request, pk)
    contacts = _contacts(request, customer)
    if request.method != "POST":
        return _render_interaction_form(
            request, InteractionForm(contacts=contacts), customer=customer
        )
    form = InteractionForm(request.POST, request.FILES, contacts=contacts)
    if form.is_valid():
        values = form.values()
        try:
            interaction = interaction_create_service(
                actor=request.user,
                customer=customer,
                attachments=values.pop("attachments"),
                **values,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("Interaction “%(summary)s” was logged.") % {"summary": interaction}
            )
            return redirect_after_form(request, interaction.get_absolute_url())
    return _render_interaction_form(request, form, customer=customer)


@_requires("customers.view_interaction")
@require_GET
def interaction_detail(request, pk):
    interaction = _interaction_or_404(request, pk)
    return render(
        request,
        "customers/interaction_detail.html",
        {
            "active_nav": ACTIVE_NAV,
            "interaction": interaction,
            "customer": interaction.customer,
            "attachments": interaction.live_attachments,
        },
    )


@_requires("customers.change_interaction")
@require_http_methods(["GET", "POST"])
def interaction_edit(request, pk):
    interaction = _interaction_or_404(request, pk)
    customer = interaction.customer
    contacts = _contacts(request, customer)
    if request.method != "POST":
        form = InteractionEditForm(
            initial=InteractionEditForm.initial_for(interaction), contacts=contacts
        )
        return _render_interaction_form(request, form, customer=customer, interaction=interaction)
    form = InteractionEditForm(request.POST, request.FILES, contacts=contacts)
    status = 200
    if form.is_valid():
        values = form.values()
        try:
            interaction_update(
                actor=request.user,
                interaction=interaction,
                expected_version=form.cleaned_data["version"],
                attachments=values.pop("attachments"),
                **values,
            )
        except ConflictError:
            form.add_error(None, _conflict_message())
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The interaction was saved."))
            return redirect_after_form(request, interaction.get_absolute_url())
    return _render_interaction_form(
        request, form, customer=customer, interaction=interaction, status=status
    )


@_requires("customers.delete_interaction")
@require_http_methods(["GET", "POST"])
def interaction_delete(request, pk):
    interaction = _interaction_or_404(request, pk)
    if request.method == "POST":
        interaction_delete_service(
            actor=request.user, interaction=interaction, expected_version=_version(request)
        )
        messages.success(request, _("The interaction was moved to the recycle bin."))
        return redirect(interaction.customer.get_absolute_url())
    return render(
        request,
        "customers/interaction_confirm_delete.html",
        {"active_nav": ACTIVE_NAV, "interaction": interaction, "customer": interaction.customer},
    )


# --- documents ------------------------------------------------------------------------------


@_requires("customers.view_document")
@require_GET
def document_list(request, pk):
    customer = _customer_or_404(request, pk)
    documents = selectors_activity.document_list(actor=request.user, customer=customer)
    page = paginate_request(request, documents, ordering=selectors_activity.DOCUMENT_ORDERING)
    return render(
        request,
        "customers/document_list.html",
        {"active_nav": ACTIVE_NAV, "customer": customer, "page": page},
    )


@_requires("customers.add_document")
@require_http_methods(["GET", "POST"])
def document_create_view(request, pk):
    customer = _customer_or_404(request, pk)
    is_post = request.method == "POST"
    form = DocumentForm(request.POST, request.FILES) if is_post else DocumentForm()
    if is_post and form.is_valid():
        try:
            document = document_create(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("Document “%(title)s” was uploaded.") % {"title": document.title}
            )
            return redirect_after_form(request, document.get_absolute_url())
    return render_form_page(
        request,
        page_template="customers/document_form.html",
        form_template="customers/partials/_document_form.html",
        context={"active_nav": ACTIVE_NAV, "form": form, "customer": customer},
    )


def _render_document(request, document, version_form=None, status=200):
    version_form = version_form or DocumentVersionForm(initial={"version": document.version})
    return render(
        request,
        "customers/document_detail.html",
        {
            "active_nav": ACTIVE_NAV,
            "document": document,
            "customer": document.customer,
            "versions": list(document.versions.all()),
            "version_form": version_form,
        },
        status=status,
    )


@_requires("customers.view_document")
@require_GET
def document_detail(request, pk):
    return _render_document(request, _document_or_404(request, pk))


@_requires("customers.change_document")
@require_POST
def document_version_create(request, pk):
    document = _document_or_404(request, pk)
    form = DocumentVersionForm(request.POST, request.FILES)
    status = 200
    if form.is_valid():
        try:
            version = document_add_version(
                actor=request.user,
                document=document,
                file=form.cleaned_data["file"],
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError:
            form.add_error(None, _conflict_message())
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Version %(number)d of “%(title)s” was uploaded.")
                % {"number": version.number, "title": document.title},
            )
            return redirect(document.get_absolute_url())
    # Reread so the history and the form's version show the current state.
    return _render_document(request, _document_or_404(request, pk), form, status=status)


@_requires("customers.delete_document")
@require_http_methods(["GET", "POST"])
def document_delete_view(request, pk):
    document = _document_or_404(request, pk)
    if request.method == "POST":
        document_delete(actor=request.user, document=document, expected_version=_version(request))
        messages.success(
            request,
            _("Document “%(title)s” was moved to the recycle bin.") % {"title": document.title},
        )
        return redirect(document.customer.get_absolute_url())
    return render(
        request,
        "customers/document_confirm_delete.html",
        {"active_nav": ACTIVE_NAV, "document": document, "customer": document.customer},
    )


def document_file_response(version: DocumentVersion) -> FileResponse:
    """The stored file as a download that no browser renders or runs.

    ``attachment`` makes the browser save it; octet-stream and ``nosniff`` stop it guessing an
    HTML or script type; the sandbox CSP disarms it even if it were shown inline.
    """
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    # Django writes an RFC 5987 ``filename*`` for a Chinese name beside an ASCII fallback.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.original_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@_requires("customers.view_document")
@require_GET
def document_download(request, pk):
    try:
        version = selectors_activity.document_version_get(actor=request.user, pk=pk)
    except DocumentVersion.DoesNotExist as missing:
        raise Http404 from missing
    return document_file_response(version)
