"""The settings hub 设置: every settings page the user may open, by section, with a hint."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.core.navigation import settings_sections_for
from guanxi.core.views.generic import ScopedPageView


class SettingsHubView(ScopedPageView):
    """Only for users holding at least one settings right; the others get a 403."""

    active_nav = "settings_hub"

    def get(self, request: HttpRequest) -> HttpResponse:
        sections = settings_sections_for(request.user)
        if not sections:
            raise PermissionDenied
        return render(request, "core/settings_hub.html", self.get_context(sections=sections))


settings_hub = SettingsHubView.as_view()
