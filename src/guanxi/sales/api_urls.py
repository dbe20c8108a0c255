"""API paths of the sales app, included by guanxi.api_urls before its catch-all."""

urlpatterns: list = []
