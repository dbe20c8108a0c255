"""The OpenAPI schema is valid, and the API keeps to it under generated requests."""

import datetime
import io

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from guanxi.accounts.models import Team, User
from guanxi.accounts.services.tokens import token_issue
from guanxi.core.models import DictionaryEntry
from guanxi.customers.models import Contact, Customer
from guanxi.sales.models import (
    Contract,
    Lead,
    Opportunity,
    Product,
    ProductCategory,
    Quote,
    Receivable,
)
from guanxi.sales.models.pipeline import Deal
from guanxi.sales.models.target import Target
from guanxi.sales.services.contracts import contract_create, receivable_create
from guanxi.sales.services.leads import lead_create
from guanxi.sales.services.opportunities import opportunity_assign, opportunity_create
from guanxi.sales.services.pipeline import deal_create
from guanxi.sales.services.quotes import quote_create
from guanxi.sales.services.targets import target_create
from guanxi.service.models import ServiceRequest
from guanxi.service.services.requests import service_request_assign, service_request_create
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_schema_generates_without_warnings(db):
    # The same command CI runs; --fail-on-warn turns any schema warning into an error.
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/customers/{id}/" in out.getvalue()


def test_schema_and_docs_are_served(client, db):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_every_endpoint_is_in_the_schema(openapi_schema):
    paths = set(openapi_schema["paths"])
    assert {
        "/api/auth/token/",
        "/api/me/",
        "/api/customers/",
        "/api/customers/{id}/",
        "/api/contacts/",
        "/api/contacts/{id}/",
        "/api/users/",
        "/api/users/{id}/",
        "/api/teams/",
        "/api/teams/{id}/",
        "/api/dictionaries/",
        "/api/dictionaries/{id}/",
    } <= paths
    # Statistics and reports 统计报表.
    assert {
        "/api/reports/customer-contribution/",
        "/api/reports/customer-composition/",
        "/api/reports/service-composition/",
        "/api/reports/churn/",
        "/api/reports/sales-trend/",
        "/api/reports/employee-performance/",
        "/api/reports/customer-pyramid/",
        "/api/kpis/",
    } <= paths


def _known_records(org) -> dict:
    """Ids the generated requests may point at, so writes reach the services, not just 404s."""
    # Codes outside the KH series, which the customer service hands out.
    customers = [
        CustomerFactory(owner=org[owner] if owner else None, code=f"FUZZ{index}")
        for index, owner in enumerate(["manager1", "manager2", None, "manager3"])
    ]
    contacts = [ContactFactory(customer=customer) for customer in customers]
    opportunities = [
        opportunity_create(
            actor=org["manager1"], prospect_name=f"模糊测试{index}", summary="x", probability=50
        )
        for index in range(2)
    ]
    opportunity_assign(
        actor=org["supervisor"], opportunity=opportunities[1], assignee=org["manager1"]
    )
    deals = [  # the pipeline 销售漏斗
        deal_create(actor=org["manager1"], customer=customers[0], title=f"模糊{i}", amount=1)
        for i in range(2)
    ]
    targets = [  # sales targets 销售目标
        target_create(
            actor=org["supervisor"],
            user=org["manager1"],
            period_kind="month",
            period_start=datetime.date(2026, month, 1),
            amount=100,
        )
        for month in (1, 2)
    ]
    leads = [  # leads 线索: one owned, one nobody owns yet
        lead_create(actor=org["admin"], owner=org["manager1"], name="模糊线索0"),
        lead_create(actor=org["admin"], name="模糊线索1"),
    ]
    # Quotes 报价, of one product.
    category = ProductCategory.objects.create(name="模糊类别")
    product = Product.objects.create(name="模糊产品", price=10, category=category)
    quotes = [
        quote_create(
            actor=org["manager1"],
            customer=customers[0],
            lines=[{"product": product, "quantity": 1}],
        )
        for _ in range(2)
    ]
    contracts = [  # contracts 合同
        contract_create(actor=org["manager1"], customer=customers[0], title=f"模糊{i}", amount=1)
        for i in range(2)
    ]
    receivables = [  # receivables 应收款
        receivable_create(actor=org["manager1"], contract=c, due_date=datetime.date(2026, 1, 1))
        for c in contracts
    ]
    service_requests = [  # service requests 客户服务: one new, one assigned
        service_request_create(
            actor=org["manager1"],
            customer=customers[0],
            service_type=DictionaryEntry.objects.get(kind="service_type", code="complaint"),
            channel=DictionaryEntry.objects.get(kind="channel", code="phone"),
            summary=f"模糊{i}",
            request="x",
        )
        for i in range(2)
    ]
    service_request_assign(
        actor=org["supervisor"], service_request=service_requests[1], assignee=org["manager1"]
    )
    return {
        "service-requests": [r.pk for r in service_requests],
        "targets": [t.pk for t in targets],
        "leads": [lead.pk for lead in leads],
        "receivables": [r.pk for r in receivables],
        "contracts": [c.pk for c in contracts],
        "quotes": [q.pk for q in quotes],
        "deals": [d.pk for d in deals],
        "customers": [c.pk for c in customers],
        "contacts": [c.pk for c in contacts],
        "opportunities": [o.pk for o in opportunities],
        "assigned_to": org["manager1"].pk,
        "users": [org[name].pk for name in ["manager2", "manager3", "assistant"]],
        "teams": list(Team.objects.values_list("pk", flat=True)),
        "dictionaries": list(DictionaryEntry.objects.values_list("pk", flat=True)[:5]),
        "team": org["manager1"].team_id,
        "customer": customers[0].pk,
        "owner": org["manager2"].pk,
    }


def _aim(known: dict):
    """Half of the cases are pointed at existing records, with a current If-Match."""

    def aim(pair):
        case, index = pair
        if index is None:
            return case
        resource = case.operation.path.split("/")[2]
        ids = known.get(resource)
        if case.path_parameters and "id" in case.path_parameters and ids:
            pk = ids[index % len(ids)]
            case.path_parameters["id"] = pk
            rows = getattr(MODELS[resource], "all_objects", None)  # users carry no version
            version = rows.filter(pk=pk).values_list("version", flat=True).first() if rows else None
            if version is not None and case.method.upper() in {"PUT", "PATCH", "DELETE"}:
                case.headers = {**(case.headers or {}), "If-Match": f'"{version}"'}
        if isinstance(case.body, dict):
            body = case.body
            body.pop("version", None)
            for field in ["level", "region", "industry", "source"]:
                if field in body:
                    body[field] = None
            for field in ["customer", "owner", "team", "assigned_to"]:
                if field in body:
                    body[field] = known[field]
            if "parent" in body:
                body["parent"] = None
            if "supports" in body:
                body["supports"] = []
            if "roles" in body:
                body["roles"] = ["account_manager"]
        return case

    return aim


MODELS = {
    "customers": Customer,
    "contacts": Contact,
    "users": User,
    "teams": Team,
    "dictionaries": DictionaryEntry,
    "opportunities": Opportunity,
    "deals": Deal,
    "targets": Target,
    "leads": Lead,
    "quotes": Quote,
    "contracts": Contract,
    "receivables": Receivable,
    "service-requests": ServiceRequest,
}


@pytest.fixture
def keep_test_connection():
    """Call the WSGI app in-process without closing the test's database connection.

    Django closes connections at request end; inside the test transaction that would drop
    the connection (and the test data). Django's own test client disconnects the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.fuzz
@pytest.mark.django_db
def test_generated_requests_as_admin_stay_within_the_schema(org, keep_test_connection):
    cache.clear()
    known = _known_records(org)
    # A superuser administrator: a generated request that edits their own roles cannot
    # take away the rights the remaining operations are exercised with.
    fuzzer = User.objects.create_superuser("fuzzer", password="fuzzing-the-api-2026")
    fuzzer.groups.set(org["admin"].groups.all())
    _token, key = token_issue(user=fuzzer)
    headers = {"Authorization": f"Token {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    # Deletions last, so the records they remove were useful to every other operation first.
    operations.sort(key=lambda operation: operation.method.upper() == "DELETE")
    unthrottled = {"anon": "100000/min", "user": "100000/min", "token": "100000/min"}
    rest = {**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": unthrottled}

    for operation in operations:
        strategy = st.tuples(operation.as_strategy(), st.one_of(st.none(), st.integers(0, 10))).map(
            _aim(known)
        )

        @given(case=strategy)
        @settings(
            max_examples=20,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        with override_settings(REST_FRAMEWORK=rest):
            run()
