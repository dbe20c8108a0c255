"""The two-factor middleware decides nothing per request: it reads the step the sign-in left in
the session, so pages pay no query for it."""

from django.http import HttpResponse

from guanxi.accounts.middleware import TwoFactorMiddleware
from guanxi.accounts.selectors.security import SIGNIN_STATE_KEY, STATE_VERIFY


def test_a_finished_sign_in_costs_no_query(org, rf, django_assert_num_queries):
    request = rf.get("/customers/")
    request.user = org["manager1"]
    request.session = {}

    with django_assert_num_queries(0):
        response = TwoFactorMiddleware(lambda _request: HttpResponse("page"))(request)

    assert response.content == b"page"


def test_a_pending_code_holds_every_page_but_the_code_step(org, rf, django_assert_num_queries):
    request = rf.get("/customers/?page=2")
    request.user = org["manager1"]
    request.session = {SIGNIN_STATE_KEY: STATE_VERIFY}

    with django_assert_num_queries(0):
        response = TwoFactorMiddleware(lambda _request: HttpResponse("page"))(request)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/verify/?next=%2Fcustomers%2F%3Fpage%3D2"
