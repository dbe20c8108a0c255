"""The recommendation fragments 产品推荐, loaded by htmx into the pages that show them, so those
pages pay no query for them:

- on a product's page: "customers who bought this also bought" (``product_also_bought``);
- on the customer 360 page and beside the lines of the quote form: "recommended for this
  customer" (``customer_recommendations``; ``?for=quote`` adds a button per product that
  puts it on a new line of the quote).

Without the reports' right, or for a customer outside the reader's scope, 403/404 like any
page; a product they may not read 404.
"""

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.accounts.models import User
from guanxi.analytics import rules
from guanxi.analytics.selectors.recommendations import (
    also_bought,
    associations_as_of,
    customer_recommendations,
    recommendation_customer,
)
from guanxi.core.views.generic import ScopedPageView, object_or_404
from guanxi.customers.models import Customer
from guanxi.sales.models import Product
from guanxi.sales.selectors.products import product_get


class _FragmentView(ScopedPageView):
    http_method_names = ["get", "head", "options"]
    permission = rules.VIEW_REPORTS


class ProductAlsoBoughtView(_FragmentView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = cast(User, request.user)  # signed in (ScopedPageView)
        product = cast(Product, object_or_404(product_get, actor=actor, pk=pk))
        found = also_bought(actor=actor, product=product)
        context = {
            "product": product,
            "rules": found,
            "as_of": found[0].computed_at if found else associations_as_of(),
        }
        return render(request, "analytics/partials/_also_bought.html", context)


class CustomerRecommendationsView(_FragmentView):
    """The customer of the path, or (the quote form, whose customer is being chosen) of
    ``?customer=``: none chosen yet asks for one."""

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        actor = cast(User, request.user)  # signed in (ScopedPageView)
        template = "analytics/partials/_recommendations.html"
        for_quote = request.GET.get("for") == "quote"
        if pk is None:
            raw = request.GET.get("customer", "").strip()
            if not raw.isdigit():
                return render(request, template, {"for_quote": for_quote, "no_customer": True})
            pk = int(raw)  # beyond any id: a 404 (object_or_404)
        customer = cast(Customer, object_or_404(recommendation_customer, actor=actor, pk=pk))
        found = customer_recommendations(actor=actor, customer=customer)
        context = {
            "customer": customer,
            "recommendations": found,
            "as_of": associations_as_of(),
            "for_quote": for_quote,
        }
        return render(request, template, context)


product_also_bought = ProductAlsoBoughtView.as_view()
customer_recommendations_view = CustomerRecommendationsView.as_view()
