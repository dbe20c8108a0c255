"""API paths of the sales app, included by guanxi.api_urls before its catch-all."""

from guanxi.sales import api_opportunities

urlpatterns: list = [*api_opportunities.urlpatterns]

from guanxi.sales import api_pipeline  # noqa: E402  (pipeline 销售漏斗 and deals 商机)

urlpatterns += api_pipeline.urlpatterns
