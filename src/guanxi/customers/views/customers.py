"""The customer pages 客户: list, detail, create, edit, delete, and adding a contact.

Reads go through the scoped selectors (out of scope → 404), writes through the services
(no right → 403, stale version → conflict shown on the form); the flow is the generic scoped
views' (:mod:`guanxi.core.views.generic`).
"""

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Re-exported: the sales pages still import the sign-in-and-right decorator from here.
from guanxi.core import lists
from guanxi.core.htmx import is_partial
from guanxi.core.lists import ListColumn
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.views.generic import (
    ObjectFormView,
    ObjectListView,
    ObjectView,
    ScopedPageView,
    object_or_404,
)
from guanxi.core.views.inline import InlineEditForm, InlineEditView
from guanxi.core.views.list_views import remembered_columns
from guanxi.customers import rules
from guanxi.customers.dedup import DuplicateError
from guanxi.customers.forms.customers import (
    ContactForm,
    CustomerCreateForm,
    CustomerEditForm,
    CustomerFilterForm,
)
from guanxi.customers.models import COMPLETENESS_FIELDS, Contact, Customer
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.selectors import pool as selectors_pool
from guanxi.customers.services import customers as services
from guanxi.customers.views.base import RecycleBinDeleteView, signed_in
from guanxi.customers.views.timeline import customer_360_context

ACTIVE_NAV = "customers"

# (sort key, header) of the list's sortable columns; the keys are selectors.CUSTOMER_SORTS keys.
SORTABLE_COLUMNS = [
    ("code", gettext_lazy("Code")),
    ("name", gettext_lazy("Name")),
    ("level", gettext_lazy("Level")),
    ("region", gettext_lazy("Region")),
    ("owner", gettext_lazy("Account manager")),
    ("status", gettext_lazy("Status")),
    ("credit_status", gettext_lazy("Credit status")),
    ("churn_risk", gettext_lazy("Churn risk")),
]


# The columns a reader may hide (the code and the name always show).
LIST_COLUMNS = [
    ListColumn(key, label, key != "churn_risk")
    for key, label in SORTABLE_COLUMNS
    if key not in ("code", "name")
] + [
    ListColumn("province", gettext_lazy("Province / city")),
    ListColumn("phone", gettext_lazy("Phone")),
    # The models' stored scores, shown on demand (they carry their own as-of time on the 360).
    ListColumn("rfm_segment", gettext_lazy("RFM segment"), False),
    ListColumn("clv_12m", gettext_lazy("CLV, 12 months"), False),
]


def _columns(sort: str, shown: set[str]) -> list[dict[str, Any]]:
    """Header links: a click sorts by the column, a second click reverses it."""
    columns = []
    for key, label in SORTABLE_COLUMNS:
        if key not in ("code", "name") and key not in shown:
            continue
        direction = "ascending" if sort == key else "descending" if sort == f"-{key}" else ""
        columns.append(
            {
                "key": key,
                "label": label,
                "direction": direction,
                "next": f"-{key}" if sort == key else key,
            }
        )
    return columns


class CustomerPageMixin:
    """A page about one customer of the reader's scope (404 outside it)."""

    model: ClassVar[type[Model]] = Customer
    context_object_name: ClassVar[str] = "customer"
    active_nav: ClassVar[str] = ACTIVE_NAV

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors.customer_get, actor=signed_in(request), pk=pk)


# -- the list and the 360 page ------------------------------------------------------------------


class CustomerListView(ObjectListView):
    permission = rules.VIEW_CUSTOMER
    active_nav = ACTIVE_NAV
    template_name = "customers/customer_list.html"
    partial_template_name = "customers/partials/_table.html"
    list_key = "customers"
    list_columns = LIST_COLUMNS

    def get_filter_form(self, request: HttpRequest) -> forms.Form:
        return CustomerFilterForm(request.GET or None, actor=signed_in(request))

    def rows(self, request: HttpRequest, form: forms.Form | None) -> QuerySet:
        assert isinstance(form, CustomerFilterForm)
        search, filters = form.query()
        sort = request.GET.get("sort", "")
        if sort in selectors.CUSTOMER_SORTS and not selectors.customer_sort_allowed(
            actor=signed_in(request), sort=sort
        ):
            messages.info(
                request, _("Sorting by a field protected for your role is not available.")
            )
            sort = ""
        self.sort = sort if sort in selectors.CUSTOMER_SORTS else selectors.DEFAULT_CUSTOMER_SORT
        self.ordering = selectors.CUSTOMER_SORTS[self.sort]  # type: ignore[misc]
        return selectors.customer_list(
            actor=signed_in(request), search=search, filters=filters, sort=self.sort
        )

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        # A history restore needs the page, so the templates are told which one they fill.
        shown = lists.shown_columns(
            lists.registered(self.list_key) or lists.RegisteredList(self.list_key, ()),
            remembered_columns(request, self.list_key),
        )
        return {
            "sort": self.sort,
            "columns": _columns(self.sort, set(shown)),
            "partial": is_partial(request),
        }


def customer_detail_context(request: HttpRequest, customer: Customer, **kwargs: Any) -> dict:
    """The 360 page 客户统一视图: profile, contacts, key figures, timeline, comments, history.

    A pool customer outside the viewer's scope is shown read-only (the pool selectors' rule).
    """
    context = customer_360_context(request, customer, **kwargs)
    context["read_only"] = customer.owner_id is None and not selectors_pool.customer_in_scope(
        actor=signed_in(request), customer=customer
    )
    context["can_set_credit_hold"] = rules.may_set_credit_hold(signed_in(request), customer)
    return context


def customer_detail_page(
    request: HttpRequest,
    customer: Customer,
    *,
    comment_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    """The 360 page, also shown again with a refused comment (see views.timeline)."""
    context = customer_detail_context(request, customer, comment_form=comment_form)
    return render(request, "customers/customer_detail.html", context, status=status)


class CustomerDetailView(CustomerPageMixin, ObjectView):
    permission = rules.VIEW_CUSTOMER
    template_name = "customers/customer_detail.html"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        # Readable: in the viewer's scope, or in the pool.
        return object_or_404(selectors_pool.customer_get_readable, actor=signed_in(request), pk=pk)

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        assert isinstance(record, Customer)
        return customer_detail_context(request, record)


class CustomerCompletenessView(ScopedPageView):
    """客户信息完整度 per account manager: how many key fields their customers have filled."""

    permission = rules.VIEW_CUSTOMER
    active_nav = ACTIVE_NAV
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rows = selectors.completeness_by_owner(actor=signed_in(request))
        fields = [
            getattr(Customer._meta.get_field(name), "verbose_name", name)
            for name in COMPLETENESS_FIELDS
        ]
        flagged, flagged_count = selectors.flagged_values(actor=signed_in(request))
        context = self.get_context(
            rows=rows, fields=fields, flagged=flagged, flagged_count=flagged_count
        )
        return render(request, "customers/completeness.html", context)


class CustomerLevelForm(InlineEditForm):
    value = forms.ModelChoiceField(
        label=gettext_lazy("Customer level"), queryset=Customer.objects.none(), required=False
    )

    def clean_value(self) -> Any:
        entry = self.cleaned_data.get("value")
        if entry is not None and not entry.is_active:
            raise forms.ValidationError(
                _("“%(label)s” is no longer in use; choose another value."),
                code="inactive",
                params={"label": entry.label},
            )
        return entry


class CustomerLevelInlineView(CustomerPageMixin, InlineEditView):
    """客户等级 edited in place on the list, through ``customer_update`` (versioned)."""

    permission = rules.CHANGE_CUSTOMER
    field = "level"

    def make_form(self, request: HttpRequest, record: Model, data: Any = None) -> forms.Form:
        assert isinstance(record, Customer)
        form = CustomerLevelForm(
            data,
            initial={"value": record.level_id, "version": record.version},
            auto_id=f"inline-level-{record.pk}-%s",
        )
        choice = form.fields["value"]
        assert isinstance(choice, forms.ModelChoiceField)
        current: DictionaryEntry | None = record.level  # type: ignore[assignment]
        choice.queryset = selectors.customer_dictionary_choices(
            kind=DictionaryKind.CUSTOMER_LEVEL, current=current
        )
        return form

    def display(self, record: Model) -> str:
        assert isinstance(record, Customer)
        level: DictionaryEntry | None = record.level  # type: ignore[assignment]
        return level.label if level is not None else "—"

    def label(self) -> str:
        return _("Customer level")

    def save(self, request: HttpRequest, record: Model, value: Any, version: int) -> Model:
        assert isinstance(record, Customer)
        return services.customer_update(
            actor=signed_in(request), customer=record, expected_version=version, level=value
        )

    def url(self, record: Model) -> str:
        return reverse("customers:inline_level", args=[record.pk])


# -- create, edit, delete -----------------------------------------------------------------------


class CustomerFormView(CustomerPageMixin, ObjectFormView):
    template_name = "customers/customer_form.html"
    form_template_name = "customers/partials/_customer_form.html"

    def render_form(
        self, request: HttpRequest, form: forms.Form, record: Model | None, status: int = 200
    ) -> HttpResponse:
        if status == 409 and record is not None:
            # Show the customer as it is now, not with the refused values.
            record = self.get_checked_object(request, record.pk)
        return super().render_form(request, form, record, status)

    def form_context(
        self, request: HttpRequest, form: forms.Form, record: Model | None
    ) -> dict[str, Any]:
        return {"duplicates": getattr(self, "duplicates", None)}


class CustomerCreateView(CustomerFormView):
    permission = rules.ADD_CUSTOMER

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        # A ModelForm: the generic hook is typed for plain forms only.
        return CustomerCreateForm(data, actor=signed_in(request))  # type: ignore[return-value]

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Any:
        assert isinstance(form, CustomerCreateForm)
        try:
            return services.customer_create(
                actor=signed_in(request),
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                **form.values(),
            )
        except DuplicateError as error:
            # Not an error on the form: the candidates are listed and the user confirms.
            self.duplicates = error.duplicates
            form.ask_confirmation()
            return None

    def success_message(self, record: Any) -> str:
        return _("Customer “%(name)s” was created.") % {"name": record.name}


class CustomerEditView(CustomerFormView):
    permission = rules.CHANGE_CUSTOMER

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        assert isinstance(record, Customer)
        if data is None:
            initial = CustomerEditForm.initial_for(record)
            form = CustomerEditForm(initial=initial, actor=signed_in(request), customer=record)
        else:
            form = CustomerEditForm(data, actor=signed_in(request), customer=record)
        return form  # type: ignore[return-value]  # a ModelForm, see CustomerCreateView

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(form, CustomerEditForm) and isinstance(record, Customer)
        return services.customer_update(
            actor=signed_in(request),
            customer=record,
            expected_version=form.cleaned_data["version"],
            **form.values(),
        )

    def success_message(self, record: Any) -> str:
        return _("Customer “%(name)s” was saved.") % {"name": record.name}


class CustomerDeleteView(CustomerPageMixin, RecycleBinDeleteView):
    permission = rules.DELETE_CUSTOMER
    template_name = "customers/customer_confirm_delete.html"

    def delete(self, request: HttpRequest, record: Model, expected_version: int) -> None:
        assert isinstance(record, Customer)
        services.customer_delete(
            actor=signed_in(request), customer=record, expected_version=expected_version
        )

    def success_url(self, request: HttpRequest, record: Model) -> str:
        return reverse("customers:list")

    def success_message(self, record: Any) -> str:
        return _("Customer “%(name)s” was moved to the recycle bin.") % {"name": record.name}


class ContactCreateView(CustomerPageMixin, ObjectFormView):
    """A new contact of the customer of the URL."""

    permission = rules.ADD_CONTACT
    form_class: ClassVar[type[forms.Form]] = ContactForm  # type: ignore[assignment]
    template_name = "customers/contact_form.html"
    form_template_name = "customers/partials/_contact_form.html"

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(form, ContactForm) and isinstance(record, Customer)
        return services.contact_create(actor=signed_in(request), customer=record, **form.values())

    def success_url(self, request: HttpRequest, record: Model) -> str:
        assert isinstance(record, Contact)
        return record.customer.get_absolute_url()

    def success_message(self, record: Any) -> str:
        return _("Contact “%(name)s” was added.") % {"name": record.name}


customer_list = CustomerListView.as_view()
customer_inline_level = CustomerLevelInlineView.as_view()
customer_detail = CustomerDetailView.as_view()
customer_completeness = CustomerCompletenessView.as_view()
customer_create = CustomerCreateView.as_view()
customer_edit = CustomerEditView.as_view()
customer_delete = CustomerDeleteView.as_view()
contact_create = ContactCreateView.as_view()
