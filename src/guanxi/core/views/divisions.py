"""``GET /divisions/options/?province=<code>`` (or ``?city=<code>``): the next chooser of a
province → city → district cascade, rendered as the form renders it, and the one after it
emptied out of band. Reference data: any signed-in user."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from guanxi.core.forms.divisions import DivisionsForm, ProvinceRegionsForm
from guanxi.core.models import DictionaryEntry, DictionaryKind, ProvinceRegion
from guanxi.core.rules import CHANGE_PROVINCE_REGION
from guanxi.core.selectors.divisions import province_region_list
from guanxi.core.services.divisions import province_regions_update
from guanxi.core.views.generic import ScopedPageView, save_with_form


@login_required
@require_GET
def division_options(request: HttpRequest) -> HttpResponse:
    if "province" in request.GET:
        form = DivisionsForm(initial={"province": request.GET.get("province", "")[:6]})
        html = str(form["city"]) + form["district"].as_widget(attrs={"hx-swap-oob": "true"})
    else:
        form = DivisionsForm(initial={"city": request.GET.get("city", "")[:6]})
        html = str(form["district"])
    return HttpResponse(html)


class ProvinceRegionsView(ScopedPageView):
    """大区划分: which sales region each province belongs to (administrators)."""

    permission = CHANGE_PROVINCE_REGION
    active_nav = "province_regions"
    http_method_names = ["get", "post", "head", "options"]

    def _form(self, data: Any = None) -> ProvinceRegionsForm:
        regions = DictionaryEntry.objects.filter(
            kind=DictionaryKind.REGION, is_active=True
        ).order_by("sort_order", "code")
        return ProvinceRegionsForm(data, links=province_region_list(), regions=regions)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "core/province_regions.html", self.get_context(form=self._form()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        saved, status = save_with_form(
            form,
            ProvinceRegion,
            lambda: province_regions_update(actor=request.user, regions=form.regions()),
        )
        if saved is None:
            context = self.get_context(form=form)
            return render(request, "core/province_regions.html", context, status=status)
        messages.success(request, _("The sales regions of the provinces were saved."))
        return redirect("core:province_regions")


province_regions = ProvinceRegionsView.as_view()
