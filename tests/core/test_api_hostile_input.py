import json

import pytest


def _p(label, fn):
    try:
        r = fn()
        print(label, r.status_code, r["Content-Type"], r.content[:150])
    except Exception as e:
        print(label, "RAISED", type(e), str(e)[:100])


def test_probe(api, db, customers):
    client = api()
    body = "[" * 1000 + "]" * 1000
    _p("deep500", lambda: client.post("/api/auth/token/", "[" * 500 + "]" * 500, content_type="application/json"))
    c = api("manager1")
    _p("cust", lambda: c.post("/api/customers/", body, content_type="application/json"))
    big = json.dumps({"name": "x" * (3 * 1024 * 1024)})
    _p("big json", lambda: c.post("/api/customers/", big, content_type="application/json"))
    _p("big multipart", lambda: c.post("/api/customers/", {"name": "x" * (3 * 1024 * 1024)}))
    _p("big form", lambda: c.post("/api/customers/", "name=" + "x" * (3 * 1024 * 1024), content_type="application/x-www-form-urlencoded"))
    _p("big form token", lambda: client.post("/api/auth/token/", "username=" + "x" * (3 * 1024 * 1024), content_type="application/x-www-form-urlencoded"))
    _p("big multipart token", lambda: client.post("/api/auth/token/", {"username": "x" * (3 * 1024 * 1024)}))
    _p("many fields token", lambda: client.post("/api/auth/token/", "&".join(f"a{i}=1" for i in range(1200)), content_type="application/x-www-form-urlencoded"))
    _p("order date", lambda: c.post("/api/orders/", {"customer": customers["manager1"].pk, "order_date": "0001-01-01", "lines": []}, format="json"))
    _p("order date2", lambda: c.post("/api/orders/", {"customer": customers["manager1"].pk, "order_date": "9999-12-31", "lines": []}, format="json"))
