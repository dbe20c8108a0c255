"""API paths of the sales app, included by guanxi.api_urls before its catch-all."""

from guanxi.sales import api_opportunities

urlpatterns: list = [*api_opportunities.urlpatterns]
