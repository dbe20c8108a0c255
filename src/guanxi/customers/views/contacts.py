"""The contacts list 联系人: every contact the reader sees, across customers.

Names sort by their pinyin (杨 < 张 < 赵, ``Contact.name_sort``); the reader chooses the
columns and saves views as on every list. Protected fields (mobile, office phone, e-mail) show
as field protection says, and a column hidden by it is not offered at all.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from guanxi.core.htmx import is_partial
from guanxi.core.lists import ListColumn
from guanxi.core.views.generic import ObjectListView
from guanxi.customers import rules
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.views.base import signed_in

CONTACT_COLUMNS = [
    ListColumn("title", _("Job title")),
    ListColumn("mobile", _("Mobile")),
    ListColumn("office_phone", _("Office phone"), shown_by_default=False),
    ListColumn("email", _("E-mail")),
]


class ContactFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=selectors.MAX_CONTACT_SEARCH)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Contact's or customer's name")}
        )

    def search(self) -> str:
        return (self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""


class ContactListView(ObjectListView):
    permission = rules.VIEW_CONTACT
    active_nav = "customers"
    template_name = "customers/contact_list.html"
    partial_template_name = "customers/partials/_contact_table.html"
    filter_form = ContactFilterForm
    list_key = "contacts"
    list_columns = CONTACT_COLUMNS

    def rows(self, request: HttpRequest, form: forms.Form | None) -> QuerySet:
        sort = request.GET.get("sort", "")
        self.sort = sort if sort in selectors.CONTACT_SORTS else selectors.DEFAULT_CONTACT_SORT
        self.ordering = selectors.CONTACT_SORTS[self.sort]  # type: ignore[misc]
        search = form.search() if isinstance(form, ContactFilterForm) else ""
        return selectors.contact_directory(actor=signed_in(request), search=search, sort=self.sort)

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        return {"sort": self.sort, "partial": is_partial(request)}


contact_list = ContactListView.as_view()
