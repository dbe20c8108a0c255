"""The template tags every page uses to show a protected field."""

from django.contrib.auth.models import Group
from django.template import Context, Template
from django.test import RequestFactory

from guanxi.customers.services.field_rules import field_rule_create
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory


def render(text: str, user=None, **values) -> str:
    request = RequestFactory().get("/")
    if user is not None:
        request.user = type(user).objects.get(pk=user.pk)
    template = Template("{% load customer_fields %}" + text)
    return template.render(Context({"request": request, **values}))


def test_tags_follow_the_viewers_rules(org):
    field_rule_create(
        actor=org["admin"],
        field="customer.phone",
        role=Group.objects.get(name="account_manager"),
        mode="masked",
    )
    field_rule_create(
        actor=org["admin"],
        field="contact.email",
        role=Group.objects.get(name="account_manager"),
        mode="hidden",
    )
    customer = CustomerFactory(phone="13812348000", address="<b>北京</b>", fax="")
    contact = ContactFactory(customer=customer, email="a@example.com")
    text = (
        '{% protected c "phone" %}|{% protected c "fax" %}|{% protected k "email" %}|'
        '{% protected c "address" %}|{% is_hidden k "email" %}|{% field_mode c "phone" %}|'
        '{% protected k "email" as e %}[{{ e }}]|{% is_hidden "contact" "email" %}'
    )
    manager = render(text, org["manager1"], c=customer, k=contact)
    assert manager == "138****8000|—|—|&lt;b&gt;北京&lt;/b&gt;|True|masked|[]|True"
    admin = render(text, org["admin"], c=customer, k=contact)
    escaped = "&lt;b&gt;北京&lt;/b&gt;"
    assert admin == f"138 1234 8000|—|a@example.com|{escaped}|False||[a@example.com]|False"


def test_without_a_known_viewer_every_protectable_field_is_masked(db):
    customer = CustomerFactory(phone="13812348000")
    assert render('{% protected c "phone" %}|{% protected c "name" %}', c=customer) == (
        f"138****8000|{customer.name}"
    )


def test_a_missing_record_shows_a_dash(org):
    assert render('{% protected missing "phone" %}', org["manager1"]) == "—"
