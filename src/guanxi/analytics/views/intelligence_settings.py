"""The customer-intelligence settings page 客户智能设置 (administrators): the models' windows and
thresholds, at ``/settings/intelligence/``."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from guanxi.analytics.forms.intelligence_settings import IntelligenceSettingsForm
from guanxi.analytics.models import IntelligenceSettings
from guanxi.analytics.rules import CHANGE_INTELLIGENCE_SETTINGS
from guanxi.analytics.services.intelligence_settings import intelligence_settings_update
from guanxi.core.views.generic import ScopedPageView, save_with_form


class IntelligenceSettingsView(ScopedPageView):
    permission = CHANGE_INTELLIGENCE_SETTINGS
    active_nav = "intelligence_settings"
    http_method_names = ["get", "post", "head", "options"]

    def render_form(self, request: HttpRequest, form: Any, status: int = 200) -> HttpResponse:
        context = self.get_context(form=form)
        return render(request, "analytics/intelligence_settings.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        row = IntelligenceSettings.current()
        return self.render_form(
            request, IntelligenceSettingsForm(initial=IntelligenceSettingsForm.initial_for(row))
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = IntelligenceSettingsForm(request.POST)
        saved, status = save_with_form(
            form,
            IntelligenceSettings,
            lambda: intelligence_settings_update(actor=request.user, **form.service_arguments()),
        )
        if saved is None:
            return self.render_form(request, form, status=status)
        messages.success(request, _("The customer intelligence settings were saved."))
        return redirect("analytics_settings:intelligence")


intelligence_settings_page = IntelligenceSettingsView.as_view()
