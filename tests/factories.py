"""factory_boy factories with zh_CN data for tests."""

import factory
from factory.django import DjangoModelFactory

from guanxi.core.models import DictionaryEntry
from guanxi.customers.models import Contact, Customer


def dictionary(kind: str, code: str) -> DictionaryEntry:
    return DictionaryEntry.objects.get(kind=kind, code=code)


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"KH2026{n + 1:04d}")
    name = factory.Faker("company", locale="zh_CN")
    phone = factory.Faker("phone_number", locale="zh_CN")
    email = factory.Faker("company_email", locale="zh_CN")
    owner = None


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name", locale="zh_CN")
    mobile = factory.Faker("phone_number", locale="zh_CN")
    email = factory.Faker("email", locale="zh_CN")
