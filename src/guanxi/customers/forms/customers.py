"""Forms of the customer pages; they parse input, the services decide what is allowed."""

from typing import Any, cast

from django import forms
from django.db.models import Field, Q
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.analytics.models import RFMSegment
from guanxi.analytics.selectors.scores import reorder_due_lookups
from guanxi.core.forms.divisions import division_fields_bind
from guanxi.core.forms.pickers import PickerField
from guanxi.core.models import DictionaryKind, Division
from guanxi.core.scoping import sees_everything
from guanxi.core.selectors.divisions import division_filter_choices
from guanxi.customers import masking
from guanxi.customers.models import Contact, Customer
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services import customers as services
from guanxi.customers.services.customers import CUSTOMER_EDITABLE_FIELDS

_DICTIONARY_FIELDS = {
    "level": DictionaryKind.CUSTOMER_LEVEL,
    "region": DictionaryKind.REGION,
    "industry": DictionaryKind.INDUSTRY,
    "source": DictionaryKind.SOURCE,
}


class CustomerForm(forms.ModelForm):
    """The editable fields of a customer.

    Built without an instance even when editing, so validating the form never changes the
    record the service is about to compare and save.
    """

    website = forms.URLField(
        label=Customer._meta.get_field("website").verbose_name,
        required=False,
        assume_scheme="https",
    )

    owner = PickerField("user", label=Customer._meta.get_field("owner").verbose_name)
    tags = forms.CharField(
        label=Customer._meta.get_field("tags").verbose_name,
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas."),
    )

    class Meta:
        model = Customer
        fields = list(CUSTOMER_EDITABLE_FIELDS)
        widgets = {"address": forms.TextInput}
        help_texts = {
            "region": _("Follows the province when a province is chosen."),
            "satisfaction": _(
                "Your own rating, 1–5. The satisfaction from service feedback is computed "
                "separately and shown on the customer page."
            ),
        }

    def __init__(self, *args, actor, customer: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kind in _DICTIONARY_FIELDS.items():
            current = getattr(customer, name) if customer is not None else None
            choice = cast(forms.ModelChoiceField, self.fields[name])
            choice.queryset = selectors.customer_dictionary_choices(kind=kind, current=current)
        division_fields_bind(self)
        owner = cast(PickerField, self.fields["owner"])
        owners = selectors.customer_owner_choices(actor=actor)
        if customer is not None and customer.owner_id:
            # The current owner stays selectable even if this editor could not assign them.
            owners = User.objects.filter(
                Q(pk__in=owners.values("pk")) | Q(pk=customer.owner_id)
            ).order_by("username")
        owner.bind(actor, queryset=owners.select_related("team"))
        # Only someone who sees the pool may put a customer there; others would lose sight of it.
        owner.required = not sees_everything(actor)
        if not owner.required:
            owner.help_text = _("Empty: the customer goes to the pool.")
        if customer is None and not self.is_bound:
            choices = list(owners[:2])
            if len(choices) == 1:
                self.initial.setdefault("owner", choices[0].pk)

    def _active_entry(self, name: str):
        entry = self.cleaned_data.get(name)
        if entry is not None and not entry.is_active:
            raise forms.ValidationError(
                _("“%(label)s” is no longer in use; choose another value."),
                code="inactive",
                params={"label": entry.label},
            )
        return entry

    def clean_tax_id(self):
        return services.identifier_normalise(self.cleaned_data.get("tax_id", ""))

    def clean_business_licence_no(self):
        return services.identifier_normalise(self.cleaned_data.get("business_licence_no", ""))

    def clean_level(self):
        return self._active_entry("level")

    def clean_region(self):
        return self._active_entry("region")

    def clean_industry(self):
        return self._active_entry("industry")

    def clean_source(self):
        return self._active_entry("source")

    def values(self) -> dict:
        # Only the fields on the form: a protected field left out is left unchanged.
        names = [name for name in CUSTOMER_EDITABLE_FIELDS if name in self.fields]
        return {name: self.cleaned_data[name] for name in names}

    @staticmethod
    def initial_for(customer: Customer) -> dict:
        initial = {name: getattr(customer, name) for name in CUSTOMER_EDITABLE_FIELDS}
        initial.update(version=customer.version, owner=customer.owner_id)
        initial["tags"] = ", ".join(customer.tag_list)
        return initial


class CustomerCreateForm(CustomerForm):
    """A new customer; a likely duplicate must be confirmed with the "create anyway" box."""

    confirm_duplicate = forms.BooleanField(
        label=_("Create anyway"), required=False, widget=forms.HiddenInput
    )

    def ask_confirmation(self) -> None:
        """Offer the "create anyway" box (shown only once duplicates were found)."""
        self.fields["confirm_duplicate"].widget = forms.CheckboxInput()


class CustomerEditForm(CustomerForm):
    # The version the editor read: a save against a newer version is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, actor, customer: Customer | None = None, **kwargs):
        super().__init__(*args, actor=actor, customer=customer, **kwargs)
        # A field the editor sees masked or not at all is not on the form: saving the form
        # must never replace the stored value with its mask (or with nothing).
        self.protected_labels = []
        for name in masking.protected_fields(actor, Customer):
            if self.fields.pop(name, None) is not None:
                field = cast("Field[Any, Any]", Customer._meta.get_field(name))
                self.protected_labels.append(field.verbose_name)


class ContactForm(forms.ModelForm):
    """A new contact person of a customer."""

    class Meta:
        model = Contact
        fields = [
            "name",
            "gender",
            "title",
            "office_phone",
            "mobile",
            "email",
            "province",
            "city",
            "district",
            "notes",
            "is_primary",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        division_fields_bind(self)

    def values(self) -> dict:
        return dict(self.cleaned_data)


class CustomerFilterForm(forms.Form):
    """The search box and filters of the customer list; every value is checked, never trusted."""

    POOL = "pool"

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=30)
    owner = PickerField("user", label=_("Account manager"), required=False)
    # Customers nobody owns (the pool); ``owner=pool`` in older links and saved views means it.
    pool = forms.BooleanField(label=_("Pool only"), required=False)
    level = forms.ChoiceField(label=_("Customer level"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    # Every city, grouped by province: the filters apply on change without reloading the form.
    city = forms.ChoiceField(label=_("City"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Customer.Status.choices]
    )
    credit_status = forms.ChoiceField(
        label=_("Credit status"),
        required=False,
        choices=[("", _("All")), *Customer.CreditStatus.choices],
    )

    # The churn model's risk (analytics CustomerScore), in percent.
    churn_risk_min = forms.DecimalField(
        label=_("Churn risk at least (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
    )

    # Customers with a phone or identifier stored before its check that fails it.
    check = forms.ChoiceField(
        label=_("Data check"),
        required=False,
        choices=[
            ("", _("All")),
            ("to_correct", _("Values to correct")),
            ("follow_up_due", _("Follow-up due")),
        ],
    )

    # The stored scores of the nightly RFM / purchase-cycle run (analytics).
    rfm_segment = forms.ChoiceField(
        label=_("RFM segment"), required=False, choices=[("", _("All")), *RFMSegment.choices]
    )
    reorder = forms.ChoiceField(
        label=_("Re-order"),
        required=False,
        choices=[
            ("", _("All")),
            ("due_or_overdue", _("Due soon or overdue")),
            ("due", _("Due soon")),
            ("overdue", _("Overdue")),
        ],
    )

    def __init__(self, data=None, *args, actor, **kwargs):
        if data is not None and data.get("owner") == self.POOL:
            data = data.copy()
            data.pop("owner")
            data["pool"] = "on"
        super().__init__(data, *args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {
                "type": "search",
                "placeholder": _("Name, pinyin, code, phone, e-mail or contact"),
            }
        )
        cast(PickerField, self.fields["owner"]).bind(
            actor, queryset=selectors.customer_owner_filter_choices(actor=actor)
        )
        kinds = {
            "level": DictionaryKind.CUSTOMER_LEVEL,
            "region": DictionaryKind.REGION,
            "industry": DictionaryKind.INDUSTRY,
        }
        self._entries: dict[tuple[str, str], object] = {}
        for entry in selectors.customer_dictionary_entries(kinds=kinds.values()):
            self._entries[(entry.kind, entry.code)] = entry
        for name, kind in kinds.items():
            self.fields[name].choices = [("", _("All"))] + [
                (code, entry.label)
                for (entry_kind, code), entry in self._entries.items()
                if entry_kind == kind
            ]
        self._kinds = kinds
        provinces: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        for division in division_filter_choices():
            if division.level == Division.Level.PROVINCE:
                provinces[division.code] = (division.name, [])
            elif division.parent_id in provinces:
                provinces[division.parent_id][1].append((division.code, division.name))
        self.fields["province"].choices = [("", _("All"))] + [
            (code, name) for code, (name, _cities) in provinces.items()
        ]
        self.fields["city"].choices = [("", _("All"))] + [
            (name, cities) for name, cities in provinces.values() if cities
        ]

    def query(self) -> tuple[str, dict]:
        """The search term and the filters for ``customer_list``, from the valid fields only."""
        if not self.is_bound:
            return "", {}
        self.is_valid()
        data = self.cleaned_data
        filters: dict = {}
        if data.get("pool"):
            filters["owner__isnull"] = True
        elif owner := data.get("owner"):
            filters["owner_id"] = owner.pk
        for name, kind in self._kinds.items():
            if data.get(name):
                filters[name] = self._entries[(kind, data[name])]
        for name in ("status", "credit_status"):
            if data.get(name):
                filters[name] = data[name]
        for name in ("province", "city"):
            if data.get(name):
                filters[f"{name}_id"] = data[name]
        if data.get("tag"):
            filters["tag"] = data["tag"]
        if data.get("churn_risk_min") is not None:
            filters["score__churn_risk__gte"] = data["churn_risk_min"]
        if data.get("check") == "to_correct":
            filters["to_correct"] = True
        elif data.get("check") == "follow_up_due":
            filters["follow_up_due"] = True
        if data.get("rfm_segment"):
            filters["score__rfm_segment"] = data["rfm_segment"]
        if data.get("reorder"):
            filters.update(reorder_due_lookups(data["reorder"]))
        return data.get("q", "").strip(), filters
