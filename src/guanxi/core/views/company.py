"""The company profile page 公司信息 (administrators): the letterhead of printed documents."""

import mimetypes
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from guanxi.core.forms.company import CompanyProfileForm
from guanxi.core.models import CompanyProfile
from guanxi.core.rules import CHANGE_COMPANY_PROFILE
from guanxi.core.selectors.company import company_profile_get
from guanxi.core.services.company import COMPANY_IMAGE_FIELDS, company_profile_update
from guanxi.core.views.generic import ScopedPageView, save_with_form

ACTIVE_NAV = "company_profile"


class CompanyProfileView(ScopedPageView):
    permission = CHANGE_COMPANY_PROFILE
    active_nav = ACTIVE_NAV
    http_method_names = ["get", "post", "head", "options"]

    def render_form(self, request: HttpRequest, form: Any, status: int = 200) -> HttpResponse:
        context = self.get_context(form=form, profile=company_profile_get())
        return render(request, "core/company_profile.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        profile = company_profile_get()
        form = CompanyProfileForm(initial=CompanyProfileForm.initial_for(profile))
        return self.render_form(request, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CompanyProfileForm(request.POST, request.FILES)
        saved, status = save_with_form(
            form,
            CompanyProfile,
            lambda: company_profile_update(actor=request.user, **form.service_arguments()),
        )
        if saved is None:
            return self.render_form(request, form, status=status)
        messages.success(request, _("The company profile was saved."))
        return redirect("core:company_profile")


class CompanyImageView(ScopedPageView):
    """The stored logo or seal, for the administrators' preview (never a public file)."""

    permission = CHANGE_COMPANY_PROFILE
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, kind: str) -> FileResponse:
        if kind not in COMPANY_IMAGE_FIELDS:
            raise Http404
        image = getattr(company_profile_get(), kind)
        if not image:
            raise Http404
        try:
            handle = image.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        response = FileResponse(
            handle, content_type=mimetypes.guess_type(image.name)[0] or "image/png"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


company_profile = CompanyProfileView.as_view()
company_image = CompanyImageView.as_view()
