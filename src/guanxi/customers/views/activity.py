"""Pages of interactions 交往记录 and documents 文档, and the safe download of a stored file.

Reads go through the activity selectors (out of scope → 404), writes through the services
(no right → 403, refused file → error on the form, stale version → conflict on the form); the
flow is the generic scoped views' (:mod:`guanxi.core.views.generic`).
"""

from typing import Any, ClassVar

from django import forms
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from guanxi.core.decorators import requires
from guanxi.core.htmx import is_partial
from guanxi.core.models import AccessLogEntry
from guanxi.core.services import access_log
from guanxi.core.views.generic import (
    ObjectFormView,
    ObjectListView,
    ObjectView,
    object_or_404,
)
from guanxi.customers import rules
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
from guanxi.customers.services import documents as services_documents
from guanxi.customers.services import interactions as services_interactions
from guanxi.customers.views.base import RecycleBinDeleteView, scoped_customer, signed_in
from guanxi.customers.views.customers import ACTIVE_NAV, CustomerPageMixin


def _contacts(request: HttpRequest, customer: Customer) -> QuerySet:
    return selectors.contact_list(actor=signed_in(request), customer=customer).order_by(
        "-is_primary", "name_sort", "id"
    )


class InteractionPageMixin:
    model: ClassVar[type[Model]] = Interaction
    context_object_name: ClassVar[str] = "interaction"
    active_nav: ClassVar[str] = ACTIVE_NAV

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors_activity.interaction_get, actor=signed_in(request), pk=pk)


class DocumentPageMixin:
    model: ClassVar[type[Model]] = Document
    context_object_name: ClassVar[str] = "document"
    active_nav: ClassVar[str] = ACTIVE_NAV

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors_activity.document_get, actor=signed_in(request), pk=pk)


# --- interactions ---------------------------------------------------------------------------


class InteractionListView(ObjectListView):
    permission = rules.VIEW_INTERACTION
    active_nav = ACTIVE_NAV
    template_name = "customers/interaction_list.html"
    partial_template_name = "customers/partials/_interaction_table.html"
    filter_form = InteractionFilterForm
    ordering = selectors_activity.INTERACTION_ORDERING

    def rows(self, request: HttpRequest, form: forms.Form | None) -> QuerySet:
        assert isinstance(form, InteractionFilterForm)
        query = form.query()
        self.customer: Customer | None = None
        if form.is_bound and form.cleaned_data.get("customer"):
            self.customer = scoped_customer(request, form.cleaned_data["customer"])
        return selectors_activity.interaction_list(
            actor=signed_in(request), customer=self.customer, **query
        )

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        # A history restore needs the page, so the templates are told which one they fill.
        return {"customer": self.customer, "partial": is_partial(request)}


class InteractionFormView(ObjectFormView):
    template_name = "customers/interaction_form.html"
    form_template_name = "customers/partials/_interaction_form.html"

    def success_url(self, request: HttpRequest, record: Model) -> str:
        return record.get_absolute_url()  # type: ignore[attr-defined]


class InteractionCreateView(CustomerPageMixin, InteractionFormView):
    """Log an interaction with the customer of the URL."""

    permission = rules.ADD_INTERACTION

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        assert isinstance(record, Customer)
        contacts = _contacts(request, record)
        if data is None:
            return InteractionForm(actor=signed_in(request), contacts=contacts)
        return InteractionForm(data, request.FILES, actor=signed_in(request), contacts=contacts)

    def form_context(
        self, request: HttpRequest, form: forms.Form, record: Model | None
    ) -> dict[str, Any]:
        return {"interaction": None}

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(form, InteractionForm) and isinstance(record, Customer)
        values = form.values()
        return services_interactions.interaction_create(
            actor=signed_in(request),
            customer=record,
            attachments=values.pop("attachments"),
            **values,
        )

    def success_message(self, record: Any) -> str:
        return _("Interaction “%(summary)s” was logged.") % {"summary": record}


class InteractionEditView(InteractionPageMixin, InteractionFormView):
    permission = rules.CHANGE_INTERACTION

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        assert isinstance(record, Interaction)
        contacts = _contacts(request, record.customer)
        if data is None:
            initial = InteractionEditForm.initial_for(record)
            return InteractionEditForm(initial=initial, actor=signed_in(request), contacts=contacts)
        return InteractionEditForm(data, request.FILES, actor=signed_in(request), contacts=contacts)

    def form_context(
        self, request: HttpRequest, form: forms.Form, record: Model | None
    ) -> dict[str, Any]:
        assert isinstance(record, Interaction)
        return {"customer": record.customer}

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(form, InteractionEditForm) and isinstance(record, Interaction)
        values = form.values()
        return services_interactions.interaction_update(
            actor=signed_in(request),
            interaction=record,
            expected_version=form.cleaned_data["version"],
            attachments=values.pop("attachments"),
            **values,
        )

    def success_message(self, record: Any) -> str:
        return _("The interaction was saved.")


class InteractionDetailView(InteractionPageMixin, ObjectView):
    permission = rules.VIEW_INTERACTION
    http_method_names = ["get", "head", "options"]
    template_name = "customers/interaction_detail.html"

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        assert isinstance(record, Interaction)
        # live_attachments: prefetched by the selector.
        attachments = record.live_attachments  # type: ignore[attr-defined]
        return {"customer": record.customer, "attachments": attachments}


class InteractionDeleteView(InteractionPageMixin, RecycleBinDeleteView):
    permission = rules.DELETE_INTERACTION
    template_name = "customers/interaction_confirm_delete.html"

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        assert isinstance(record, Interaction)
        return {"customer": record.customer}

    def delete(self, request: HttpRequest, record: Model, expected_version: int) -> None:
        assert isinstance(record, Interaction)
        services_interactions.interaction_delete(
            actor=signed_in(request), interaction=record, expected_version=expected_version
        )

    def success_url(self, request: HttpRequest, record: Model) -> str:
        assert isinstance(record, Interaction)
        return record.customer.get_absolute_url()

    def success_message(self, record: Any) -> str:
        return _("The interaction was moved to the recycle bin.")


# --- documents ------------------------------------------------------------------------------


class DocumentListView(ObjectListView):
    """The documents of the customer of the URL."""

    permission = rules.VIEW_DOCUMENT
    active_nav = ACTIVE_NAV
    http_method_names = ["get", "head", "options"]
    template_name = "customers/document_list.html"
    ordering = selectors_activity.DOCUMENT_ORDERING

    def rows(self, request: HttpRequest, form: forms.Form | None) -> QuerySet:
        self.customer = scoped_customer(request, self.kwargs["pk"])
        return selectors_activity.document_list(actor=signed_in(request), customer=self.customer)

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        return {"customer": self.customer}


class DocumentCreateView(CustomerPageMixin, ObjectFormView):
    """Upload a document of the customer of the URL."""

    permission = rules.ADD_DOCUMENT
    template_name = "customers/document_form.html"
    form_template_name = "customers/partials/_document_form.html"

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        return DocumentForm() if data is None else DocumentForm(data, request.FILES)

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(record, Customer)
        return services_documents.document_create(
            actor=signed_in(request), customer=record, **form.cleaned_data
        )

    def success_message(self, record: Any) -> str:
        return _("Document “%(title)s” was uploaded.") % {"title": record.title}


def _document_context(document: Document, version_form: forms.Form | None = None) -> dict:
    return {
        "customer": document.customer,
        "versions": list(document.versions.all()),
        "version_form": version_form or DocumentVersionForm(initial={"version": document.version}),
    }


class DocumentDetailView(DocumentPageMixin, ObjectView):
    permission = rules.VIEW_DOCUMENT
    http_method_names = ["get", "head", "options"]
    template_name = "customers/document_detail.html"

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        assert isinstance(record, Document)
        return _document_context(record)


class DocumentVersionCreateView(DocumentPageMixin, ObjectFormView):
    """A new version of the document, posted from its page (no page of its own)."""

    permission = rules.CHANGE_DOCUMENT
    http_method_names = ["post", "options"]
    form_class = DocumentVersionForm

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        return DocumentVersionForm(data, request.FILES)

    def render_form(
        self, request: HttpRequest, form: forms.Form, record: Model | None, status: int = 200
    ) -> HttpResponse:
        assert record is not None
        # Reread so the history and the form's version show the current state.
        document = self.get_checked_object(request, record.pk)
        assert isinstance(document, Document)
        context = self.get_context(document=document, **_document_context(document, form))
        return render(request, "customers/document_detail.html", context, status=status)

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(record, Document)
        return services_documents.document_add_version(
            actor=signed_in(request),
            document=record,
            file=form.cleaned_data["file"],
            expected_version=form.cleaned_data["version"],
        )

    def success_url(self, request: HttpRequest, record: Model) -> str:
        assert isinstance(record, DocumentVersion)
        return record.document.get_absolute_url()

    def success_message(self, record: Any) -> str:
        return _("Version %(number)d of “%(title)s” was uploaded.") % {
            "number": record.number,
            "title": record.document.title,
        }


class DocumentDeleteView(DocumentPageMixin, RecycleBinDeleteView):
    permission = rules.DELETE_DOCUMENT
    template_name = "customers/document_confirm_delete.html"

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        assert isinstance(record, Document)
        return {"customer": record.customer}

    def delete(self, request: HttpRequest, record: Model, expected_version: int) -> None:
        assert isinstance(record, Document)
        services_documents.document_delete(
            actor=signed_in(request), document=record, expected_version=expected_version
        )

    def success_url(self, request: HttpRequest, record: Model) -> str:
        assert isinstance(record, Document)
        return record.customer.get_absolute_url()

    def success_message(self, record: Any) -> str:
        return _("Document “%(title)s” was moved to the recycle bin.") % {"title": record.title}


def document_file_response(
    version: DocumentVersion, *, actor: Any, request: Any = None
) -> FileResponse:
    """The stored file as a download that no browser renders or runs, logged as a sensitive
    access of ``actor``.

    ``attachment`` makes the browser save it; octet-stream and ``nosniff`` stop it guessing an
    HTML or script type; the sandbox CSP disarms it even if it were shown inline.
    """
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    access_log.access_log_record(
        actor=actor,
        kind=AccessLogEntry.Kind.DOWNLOADED_DOCUMENT,
        target=version.document,
        details={
            "file_name": version.original_name,
            "version": version.number,
            "customer": version.document.customer_id,
        },
        request=request,
    )
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


# A file download, not a page: a plain function view.
@requires(rules.VIEW_DOCUMENT)
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    version = object_or_404(
        selectors_activity.document_version_get, actor=signed_in(request), pk=pk
    )
    assert isinstance(version, DocumentVersion)
    return document_file_response(version, actor=signed_in(request), request=request)


interaction_list = InteractionListView.as_view()
interaction_create = InteractionCreateView.as_view()
interaction_detail = InteractionDetailView.as_view()
interaction_edit = InteractionEditView.as_view()
interaction_delete = InteractionDeleteView.as_view()
document_list = DocumentListView.as_view()
document_create_view = DocumentCreateView.as_view()
document_detail = DocumentDetailView.as_view()
document_version_create = DocumentVersionCreateView.as_view()
document_delete_view = DocumentDeleteView.as_view()
