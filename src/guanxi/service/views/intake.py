"""Public service pages (no sign-in) and the survey button of the request page.

- ``/service/web-form/``: anyone files a request. Rate limited per address (429 with a
  message; saved submissions count), spam-protected like the lead form (``guanxi.core.spam``):
  a robot's submission (the honeypot filled) is dropped but answered like a success, one sent
  too fast comes back with a message. The thank-you page shows the request code.
- ``/service/survey/<token>/``: the one-time satisfaction survey 满意度调查 link. An unknown
  token is a 404; an answered, expired or no longer open one shows why (410).
- ``POST /service/requests/<pk>/survey/``: staff e-mail the survey of a handled request.
"""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.accounts.models import User
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.spam import over_rate_limit, rate_limit_count
from guanxi.core.views.generic import ObjectActionView, object_or_404
from guanxi.service import rules, surveys
from guanxi.service.forms.intake import ServiceWebForm, SurveyForm
from guanxi.service.intake import MailNotSent, service_request_receive_web
from guanxi.service.models import SatisfactionSurvey, ServiceRequest
from guanxi.service.selectors import requests as selectors

# The public form: at most this many submissions per client address in the window (seconds).
WEB_FORM_RATE = 5
WEB_FORM_WINDOW = 10 * 60
THANKS_SALT = "guanxi.service.web-form-thanks"
THANKS_MAX_AGE = 24 * 3600
FORM_TEMPLATE = "service/intake_web_form.html"
SURVEY_TEMPLATE = "service/survey_page.html"


# -- the public web form -----------------------------------------------------------------------


# Public, no sign-in: a plain view (rate limit, spam trap), not a generic scoped one.
@ensure_csrf_cookie
@csrf_protect
@require_http_methods(["GET", "POST"])
def service_web_form(request: HttpRequest) -> HttpResponse:
    """在线服务: anyone files a service request; they get its code to quote later."""
    if request.method != "POST":
        return render(request, FORM_TEMPLATE, {"form": ServiceWebForm()})
    form = ServiceWebForm(request.POST)
    if over_rate_limit(
        request, scope="service-web-form", rate=WEB_FORM_RATE, window=WEB_FORM_WINDOW
    ):
        form.add_error(
            None,
            _("Too many submissions from your address. Please try again in a few minutes."),
        )
        return render(request, FORM_TEMPLATE, {"form": form, "limited": True}, status=429)
    if form.is_robot():
        return redirect("service:web_form_thanks")
    if form.is_expired():
        context = {"form": ServiceWebForm(), "expired": True}
        return render(request, FORM_TEMPLATE, context, status=400)
    if form.is_valid():
        try:
            service_request = service_request_receive_web(**form.values())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            rate_limit_count(request, scope="service-web-form", window=WEB_FORM_WINDOW)
            receipt = signing.dumps(service_request.code, salt=THANKS_SALT)
            return redirect(reverse("service:web_form_thanks") + f"?r={receipt}")
    return render(request, FORM_TEMPLATE, {"form": form}, status=400)


# Public, no sign-in: shows the code of the signed receipt.
@require_GET
def service_web_form_thanks(request: HttpRequest) -> HttpResponse:
    """The thank-you page, with the request code from the signed receipt (none for a
    dropped robot's submission, whose answer looks the same otherwise)."""
    try:
        code = signing.loads(request.GET.get("r", ""), salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
    except signing.BadSignature:
        code = ""
    return render(request, "service/intake_web_form_thanks.html", {"code": code})


# -- satisfaction surveys ----------------------------------------------------------------------


# Public, no sign-in: the one-time survey link is the key, not a user's scope.
@ensure_csrf_cookie
@csrf_protect
@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        survey = surveys.survey_get(token=token)
    except SatisfactionSurvey.DoesNotExist as missing:
        raise Http404 from missing
    state = surveys.survey_state(survey)
    context = {"survey": survey, "service_request": survey.request, "state": state}
    if state != surveys.OPEN:
        return render(request, SURVEY_TEMPLATE, context, status=410)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            surveys.survey_answer(token=token, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return render(request, SURVEY_TEMPLATE, {**context, "state": "thanks"})
    status = 400 if request.method == "POST" else 200
    return render(request, SURVEY_TEMPLATE, {**context, "form": form}, status=status)


class SurveySendView(ObjectActionView):
    """Staff e-mail the satisfaction survey of a handled request to its requester."""

    permission = rules.CHANGE_SERVICEREQUEST
    model = ServiceRequest

    def get_object(self, request: HttpRequest, pk: Any) -> ServiceRequest:
        return object_or_404(  # type: ignore[return-value]
            selectors.service_request_get, actor=request.user, pk=pk
        )

    def act(self, request: HttpRequest, record: Model, form: forms.Form | None) -> None:
        assert isinstance(record, ServiceRequest)
        try:
            survey = surveys.survey_send(actor=cast(User, request.user), service_request=record)
        except MailNotSent:
            messages.error(
                request, _("The survey could not be sent: the mail server did not accept it.")
            )
        else:
            messages.success(
                request, _("Satisfaction survey sent to %(email)s.") % {"email": survey.email}
            )


survey_send = SurveySendView.as_view()
