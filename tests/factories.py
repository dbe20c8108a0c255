"""factory_boy factories with zh_CN data for tests."""

import factory
from factory.django import DjangoModelFactory
from faker import Faker

from guanxi.core.models import DictionaryEntry
from guanxi.core.services.records import code_next
from guanxi.customers.models import Contact, Customer

_FAKE_ZH = Faker("zh_CN")


def dictionary(kind: str, code: str) -> DictionaryEntry:
    return DictionaryEntry.objects.get(kind=kind, code=code)


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    # Drawn from the same sequence as customer_create, so services and factories never collide.
    code = factory.LazyFunction(lambda: code_next(prefix="KH"))
    # Faker has few zh_CN company names; the sequence keeps two customers of a test apart.
    name = factory.Sequence(lambda n: f"{_FAKE_ZH.company()}（{n}）")
    phone = factory.Faker("phone_number", locale="zh_CN")
    email = factory.Faker("company_email", locale="zh_CN")
    owner = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Search and duplicate-check keys are derived as customer_create derives them.
        from guanxi.customers.services.customers import derive_keys

        customer = model_class(*args, **kwargs)
        derive_keys(customer)
        customer.save()
        return customer


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name", locale="zh_CN")
    mobile = factory.Faker("phone_number", locale="zh_CN")
    email = factory.Faker("email", locale="zh_CN")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from guanxi.customers.services.customers import customer_search_refresh

        contact = super()._create(model_class, *args, **kwargs)
        customer_search_refresh(customer=contact.customer)
        return contact
