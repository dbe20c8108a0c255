"""Forms of the product 产品 and inventory 库存 pages; they only parse, the services decide."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.forms.pickers import PickerField
from guanxi.core.models import DictionaryEntry
from guanxi.sales.models import InventoryItem, Product, ProductCategory, Warehouse
from guanxi.sales.selectors import products as selectors_products


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


class ProductForm(forms.Form):
    name = forms.CharField(label=_label(Product, "name"), max_length=200)
    code = forms.CharField(
        label=_label(Product, "code"),
        max_length=40,
        required=False,
        help_text=Product._meta.get_field("code").help_text,
    )
    model_no = forms.CharField(label=_label(Product, "model_no"), max_length=100, required=False)
    grade = forms.CharField(label=_label(Product, "grade"), max_length=100, required=False)
    category: forms.ModelChoiceField[ProductCategory] = forms.ModelChoiceField(
        label=_label(Product, "category"), queryset=None
    )
    unit: forms.ModelChoiceField[DictionaryEntry] = forms.ModelChoiceField(
        label=_label(Product, "unit"), queryset=None, required=False
    )
    price = forms.DecimalField(
        label=_label(Product, "price"), max_digits=14, decimal_places=2, min_value=0
    )
    is_active = forms.BooleanField(label=_label(Product, "is_active"), required=False, initial=True)

    def __init__(self, *args, actor, product: Product | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["category"]
        ).queryset = selectors_products.product_category_list(actor=actor)
        cast(
            forms.ModelChoiceField, self.fields["unit"]
        ).queryset = selectors_products.unit_choices(current=product.unit if product else None)

    @staticmethod
    def initial_for(product: Product) -> dict:
        return {
            "name": product.name,
            "code": product.code,
            "model_no": product.model_no,
            "grade": product.grade,
            "category": product.category_id,
            "unit": product.unit_id,
            "price": product.price,
            "is_active": product.is_active,
            "version": product.version,
        }

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ProductEditForm(ProductForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or model"), max_length=100, required=False)
    category: forms.ModelChoiceField[ProductCategory] = forms.ModelChoiceField(
        label=_label(Product, "category"),
        queryset=None,
        required=False,
        empty_label=_("All categories"),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors_products.product_category_list(actor=actor)

    def query(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {"search": self.cleaned_data["q"], "category": self.cleaned_data["category"]}


class InventoryFilterForm(forms.Form):
    product = PickerField("product", label=_label(InventoryItem, "product"), required=False)
    warehouse: forms.ModelChoiceField[Warehouse] = forms.ModelChoiceField(
        label=_label(InventoryItem, "warehouse"),
        queryset=None,
        required=False,
        empty_label=_("All warehouses"),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        # Inactive products keep their stock: the filter finds them too.
        cast(PickerField, self.fields["product"]).bind(
            actor, queryset=selectors_products.product_list(actor=actor)
        )
        self.fields["warehouse"].queryset = selectors_products.warehouse_list(actor=actor)

    def query(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {
            "product": self.cleaned_data["product"],
            "warehouse": self.cleaned_data["warehouse"],
        }
