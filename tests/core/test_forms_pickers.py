"""PickerField: what a picker posts (an id, the box's text, or both) becomes a record in the
actor's scope, or a clear error on the field."""

import re

import pytest
from django import forms
from django.utils import translation

from guanxi.core.forms.pickers import PickerField, bind_pickers
from tests.customers.fixtures.customers import CustomerFactory


class CustomerForm(forms.Form):
    customer = PickerField("customer", label="Customer", required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, actor)


@pytest.fixture(autouse=True)
def _in_english():
    """The form's errors are worded in the active language."""
    with translation.override("en"):
        yield


@pytest.fixture
def found(org):
    return {
        "zhangwei": CustomerFactory(owner=org["manager1"], name="张伟贸易有限公司"),
        "zhangwei2": CustomerFactory(owner=org["manager1"], name="张伟电子有限公司"),
        "theirs": CustomerFactory(owner=org["manager3"], name="杨静机械有限公司"),
    }


def clean(org, data, user="manager1"):
    form = CustomerForm(data, actor=org[user])
    return form, form.is_valid()


def test_an_id_with_or_without_its_label_is_the_record(org, found):
    mine = found["zhangwei"]
    for data in ({"customer": mine.pk}, {"customer": mine.pk, "customer_text": mine.name}):
        form, valid = clean(org, data)
        assert valid and form.cleaned_data["customer"] == mine, data


def test_an_id_out_of_scope_is_a_field_error_not_a_500(english, org, found):
    for forged in (found["theirs"].pk, 10**12):
        form, valid = clean(org, {"customer": forged, "customer_text": "x"})
        assert not valid
        assert form.errors["customer"] == [
            "Choose one from the list: this one is not available to you."
        ]
    # Someone who sees the north team may choose it.
    form, valid = clean(org, {"customer": found["theirs"].pk}, user="exec")
    assert valid and form.cleaned_data["customer"] == found["theirs"]


def test_without_the_script_the_text_is_searched(english, org, found):
    mine = found["zhangwei"]
    form, valid = clean(org, {"customer": "", "customer_text": mine.code.lower()})
    assert valid and form.cleaned_data["customer"] == mine
    # A chosen id whose box was changed afterwards: the new text counts.
    form, valid = clean(org, {"customer": mine.pk, "customer_text": "张伟电子"})
    assert valid and form.cleaned_data["customer"] == found["zhangwei2"]
    # ... and an emptied box chooses nobody.
    form, valid = clean(org, {"customer": mine.pk, "customer_text": ""})
    assert valid and form.cleaned_data["customer"] is None
    form, valid = clean(org, {"customer": "", "customer_text": "zw"})
    assert not valid and "Several match “zw”" in form.errors["customer"][0]
    form, valid = clean(org, {"customer": "", "customer_text": "杨静机械"})
    assert not valid and "Nothing matches “杨静机械”" in form.errors["customer"][0]


def test_the_widget_is_an_accessible_combobox_over_a_hidden_id(org, found):
    mine = found["zhangwei"]
    html = str(CustomerForm(initial={"customer": mine.pk}, actor=org["manager1"])["customer"])
    assert f'<input type="hidden" name="customer" value="{mine.pk}" data-picker-value' in html
    for attribute in (
        'role="combobox"',
        'aria-autocomplete="list"',
        'aria-expanded="false"',
        'aria-controls="id_customer_listbox"',
        'role="listbox"',
        'name="customer_text"',
        'data-picker-url="/pick/customer/"',
        f'value="{mine.name}"',
    ):
        assert attribute in html, attribute
    assert f"{mine.code} · 张伟" in html
    assert "<script" not in html and not re.search(r"\son[a-z]+=", html)
    # A record the reader may not see is never described.
    html = str(
        CustomerForm(initial={"customer": found["theirs"].pk}, actor=org["manager1"])["customer"]
    )
    assert found["theirs"].name not in html
