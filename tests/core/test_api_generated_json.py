"""Generated JSON bodies on write endpoints never cause a 5xx.

Hypothesis sends arbitrary JSON (any nesting, types and field values, known field names with
values of any type, valid ids mixed in, with and without an Idempotency-Key) to the creates and
partial updates of customers, orders and service requests. Each answer must be below 500. Fast and
repeatable: a fixed number of derandomized examples per endpoint.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guanxi.customers.models import Customer
from guanxi.sales.models import Order
from guanxi.service.models import ServiceRequest
from tests.core.fixtures.dictionaries import dictionary
from tests.sales.fixtures.orders import catalogue, make_order

EXAMPLES = 50

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=300)
    | st.sampled_from(["", "0", "-1", "1900-01-01", "0001-01-01", "9999-12-31", "1e400", "\x00"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def _bodies(fields: list[str], ids: dict[str, list[int]]):
    """Arbitrary JSON, or objects with the endpoint's field names holding anything (an id
    that exists, for the fields that name records, so the services are reached)."""
    values = {
        name: (st.sampled_from(ids[name]) | json_values) if name in ids else json_values
        for name in fields
    }
    return json_values | st.fixed_dictionaries({}, optional=values)


def _raw(bodies):
    """The bodies as sent: JSON text, lists nested to any depth, or text that is no JSON."""
    return (
        bodies.map(json.dumps)
        | st.integers(1, 5000).map(lambda depth: "[" * depth + "]" * depth)
        | st.text(max_size=50)
    )


@pytest.fixture
def world(api, org, customers):
    products = catalogue()
    manager = org["manager1"]
    order = make_order(manager, customers["manager1"], products)
    lines = [
        {"product": products["drill"].pk, "quantity": 1},
        {"product": products["wrench"].pk, "quantity": "2", "discount": 5},
    ]
    ids = {
        "customer": [customers["manager1"].pk, customers["pool"].pk, customers["manager2"].pk],
        "owner": [manager.pk, org["manager2"].pk],
        "service_type": [dictionary("service_type", "complaint").pk],
        "channel": [dictionary("channel", "phone").pk],
        "product": [products["drill"].pk],
    }
    request = {
        "customer": customers["manager1"].pk,
        "service_type": ids["service_type"][0],
        "channel": ids["channel"][0],
        "summary": "生成的请求",
        "request": "x",
    }
    made = api("manager1").post("/api/service-requests/", request, format="json")
    assert made.status_code == 201, made.content
    return {"order": order, "ids": ids, "lines": lines, "service_request": made.json()["id"]}


CUSTOMER_FIELDS = [
    "name",
    "kind",
    "level",
    "region",
    "industry",
    "source",
    "owner",
    "phone",
    "email",
    "address",
    "website",
    "tax_id",
    "business_licence_no",
    "registered_capital",
    "version",
    "confirm_duplicate",
]
ORDER_FIELDS = [
    "customer",
    "order_date",
    "status",
    "delivery_address",
    "notes",
    "lines",
    "credit_override",
    "credit_override_reason",
    "version",
]
REQUEST_FIELDS = ["customer", "contact", "service_type", "channel", "summary", "request", "version"]


def _check(client, method: str, url: str, strategy, headers: dict):
    keys = st.none() | st.sampled_from(["gen-1", "gen-2"])

    @given(body=_raw(strategy), key=keys)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(body, key):
        extra = dict(headers)
        if key is not None and method == "post":
            extra["HTTP_IDEMPOTENCY_KEY"] = key
        response = getattr(client, method)(url, body, content_type="application/json", **extra)
        assert response.status_code < 500, (url, body, response.content[:500])

    run()


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/api/customers/", CUSTOMER_FIELDS),
        ("/api/orders/", ORDER_FIELDS),
        ("/api/service-requests/", REQUEST_FIELDS),
    ],
)
def test_generated_creates_never_answer_5xx(api, world, url, fields):
    strategy = _bodies(fields, world["ids"])
    if url == "/api/orders/":
        # Half of the orders carry well-formed lines, so the line rules and totals run too.
        required = {
            "customer": st.sampled_from(world["ids"]["customer"]),
            "lines": st.just(world["lines"]),
            "order_date": st.dates().map(str),
        }
        others = {name: json_values for name in ORDER_FIELDS if name not in required}
        strategy = strategy | st.fixed_dictionaries(required, optional=others)
    _check(api("manager1"), "post", url, strategy, {})


def test_generated_partial_updates_never_answer_5xx(api, world, customers):
    client = api("manager1")
    targets = [
        ("customers", Customer, customers["manager1"].pk, CUSTOMER_FIELDS),
        ("orders", Order, world["order"].pk, ORDER_FIELDS),
        ("service-requests", ServiceRequest, world["service_request"], REQUEST_FIELDS),
    ]
    for resource, model, pk, fields in targets:
        version = model.objects.filter(pk=pk).values_list("version", flat=True).get()
        # An accepted PATCH bumps the version; the stale If-Match after it is a 412, no 5xx.
        headers = {"HTTP_IF_MATCH": f'"{version}"'}
        _check(client, "patch", f"/api/{resource}/{pk}/", _bodies(fields, world["ids"]), headers)
