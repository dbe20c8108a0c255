"""Pages of the sales app under /sales/; each subject adds its block below."""

from django.urls import path

app_name = "sales"

urlpatterns: list = []

from guanxi.sales import views_opportunities  # noqa: E402  (sales opportunities 销售机会)

urlpatterns += [
    path("opportunities/", views_opportunities.opportunity_list, name="opportunity_list"),
    path("opportunities/new/", views_opportunities.opportunity_create, name="opportunity_create"),
    path(
        "opportunities/<int:pk>/",
        views_opportunities.opportunity_detail,
        name="opportunity_detail",
    ),
    path(
        "opportunities/<int:pk>/edit/",
        views_opportunities.opportunity_edit,
        name="opportunity_edit",
    ),
    path(
        "opportunities/<int:pk>/delete/",
        views_opportunities.opportunity_delete,
        name="opportunity_delete",
    ),
    path(
        "opportunities/<int:pk>/assign/",
        views_opportunities.opportunity_assign,
        name="opportunity_assign",
    ),
    path(
        "opportunities/<int:pk>/plan-items/",
        views_opportunities.plan_item_create,
        name="plan_item_create",
    ),
    path(
        "opportunities/<int:pk>/plan-items/<int:item_pk>/result/",
        views_opportunities.plan_item_result,
        name="plan_item_result",
    ),
    path(
        "opportunities/<int:pk>/succeed/",
        views_opportunities.opportunity_succeed,
        name="opportunity_succeed",
    ),
    path(
        "opportunities/<int:pk>/terminate/",
        views_opportunities.opportunity_terminate,
        name="opportunity_terminate",
    ),
]
