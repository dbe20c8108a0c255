"""Printed quotes, orders and contracts: the PDF (shown, or downloaded with ``?download=1``) and
the page that e-mails it to one of the customer's contacts.

The record is read through its scoped selector (``printing.printable_get``): out of scope is a
404, as on the record's own page. The PDF shows the customer as the reader may see it.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.export import content_disposition
from guanxi.core.forms.pickers import PickerField, PickerWidget
from guanxi.core.pdf import PDF_CONTENT_TYPE
from guanxi.core.selectors.company import company_profile_get
from guanxi.core.views.generic import ScopedPageView, object_or_404, save_with_form
from guanxi.customers import rules as customer_rules
from guanxi.customers.selectors import customers as selectors_customers
from guanxi.sales import printing, rules
from guanxi.sales.services import printing as services_printing
from guanxi.sales.views.base import signed_in

VIEW_RIGHTS = {
    "quote": rules.VIEW_QUOTE,
    "order": rules.VIEW_ORDER,
    "contract": rules.VIEW_CONTRACT,
}
ACTIVE_NAV = {"quote": "quotes", "order": "orders", "contract": "contracts"}
PDF_POLICY = (
    "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; img-src 'self'; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


def pdf_response(pdf: bytes, *, filename: str, download: bool) -> HttpResponse:
    """The PDF shown in the browser, or saved when ``download``, never cached by proxies."""
    response = HttpResponse(pdf, content_type=PDF_CONTENT_TYPE)
    disposition = content_disposition(filename)
    if not download:
        disposition = disposition.replace("attachment;", "inline;", 1)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Chrome shows a PDF in a page of its own that embeds it with inline styles: the site's
    # policy (object-src 'none') would leave it blank. A PDF runs no script of ours.
    response["Content-Security-Policy"] = PDF_POLICY
    return response


class _PrintableView(ScopedPageView):
    kind = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.permission = VIEW_RIGHTS[self.kind]  # type: ignore[misc]
        self.active_nav = ACTIVE_NAV[self.kind]  # type: ignore[misc]
        return super().dispatch(request, *args, **kwargs)

    def record(self, request: HttpRequest, pk: Any) -> printing.Printable:
        return object_or_404(  # type: ignore[return-value]
            printing.printable_get, actor=signed_in(request), kind=self.kind, pk=pk
        )


class DocumentPdfView(_PrintableView):
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        record = self.record(request, pk)
        document = printing.print_document(actor=signed_in(request), record=record)
        pdf = printing.html_to_pdf(printing.document_html(document))
        printing.note_shown_fields(request, document)
        return pdf_response(
            pdf, filename=document.filename, download=request.GET.get("download") == "1"
        )


class DocumentEmailForm(forms.Form):
    contact = PickerField("recipient", label=gettext_lazy("Recipient"))
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    message = forms.CharField(
        label=gettext_lazy("E-mail text"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, actor: Any, record: printing.Printable, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The customer's contacts with an e-mail address: offered by the picker (asked with
        # the customer), and the only ones the form accepts.
        field = self.fields["contact"]
        assert isinstance(field, PickerField)
        field.bind(
            actor,
            queryset=selectors_customers.contact_list(actor=actor, customer=record.customer)
            .exclude(email="")
            .select_related("customer")
            .order_by("-is_primary", "name_sort", "id"),
        )
        widget: PickerWidget = field.widget  # type: ignore[assignment]
        widget.params = {"customer": record.customer_id}


class DocumentEmailView(_PrintableView):
    """Choose the contact, word the mail, send the PDF; the customer's timeline logs it."""

    http_method_names = ["get", "post", "head", "options"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Sending logs an interaction: the right to log one comes with the right to read.
        if request.user.is_authenticated and not request.user.has_perm(
            customer_rules.ADD_INTERACTION
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(
        self, request: HttpRequest, form: DocumentEmailForm, record: Any, status: int = 200
    ) -> HttpResponse:
        context = self.get_context(
            form=form,
            record=record,
            title=printing.document_title(self.kind),
            pdf_url=reverse(f"sales:{self.kind}_pdf", args=[record.pk]),
        )
        return render(request, "sales/document_email.html", context, status=status)

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        record = self.record(request, pk)
        subject = services_printing.document_email_subject(
            record=record, company_name=company_profile_get().name
        )
        form = DocumentEmailForm(
            actor=signed_in(request), record=record, initial={"subject": subject}
        )
        contacts = form.fields["contact"]
        assert isinstance(contacts, PickerField)
        primary = contacts.queryset.filter(is_primary=True).first()  # type: ignore[union-attr]
        if primary is not None:
            form.initial["contact"] = primary.pk
        return self.render_form(request, form, record)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        record = self.record(request, pk)
        form = DocumentEmailForm(request.POST, actor=signed_in(request), record=record)
        sent, status = save_with_form(
            form,
            type(record),
            lambda: services_printing.document_email_send(
                actor=signed_in(request),
                record=record,
                contact=form.cleaned_data["contact"],
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
            ),
        )
        if sent is None:
            return self.render_form(request, form, record, status=422 if status == 200 else status)
        messages.success(
            request,
            _("%(document)s %(code)s was e-mailed to %(contact)s.")
            % {
                "document": printing.document_title(self.kind),
                "code": record.code,
                "contact": form.cleaned_data["contact"].name,
            },
        )
        return redirect(record.get_absolute_url())


quote_pdf = DocumentPdfView.as_view(kind="quote")
quote_email = DocumentEmailView.as_view(kind="quote")
order_pdf = DocumentPdfView.as_view(kind="order")
order_email = DocumentEmailView.as_view(kind="order")
contract_pdf = DocumentPdfView.as_view(kind="contract")
contract_email = DocumentEmailView.as_view(kind="contract")
