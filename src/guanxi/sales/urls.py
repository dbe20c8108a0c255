"""Pages of the sales app under /sales/; each subject adds its block below."""

from django.urls import path

from guanxi.core.views.imports import import_urlpatterns
from guanxi.sales.views import contracts as views_contracts
from guanxi.sales.views import deals as views_deals
from guanxi.sales.views import inline as views_inline
from guanxi.sales.views import leads as views_leads
from guanxi.sales.views import opportunities as views_opportunities
from guanxi.sales.views import orders as views_orders
from guanxi.sales.views import pdf as views_pdf
from guanxi.sales.views import pipeline as views_pipeline
from guanxi.sales.views import products as views_products
from guanxi.sales.views import quotes as views_quotes
from guanxi.sales.views import targets as views_targets

app_name = "sales"

urlpatterns: list = []


# Sales opportunities 销售机会.
urlpatterns += [
    path("opportunities/", views_opportunities.opportunity_list, name="opportunity_list"),
    path(
        "opportunities/<int:pk>/inline/probability/",
        views_inline.opportunity_inline_probability,
        name="inline_opportunity_probability",
    ),
    path(
        "opportunities/<int:pk>/inline/close-date/",
        views_inline.opportunity_inline_close_date,
        name="inline_opportunity_close_date",
    ),
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

# Products 产品, inventory 库存 and orders 订单.

urlpatterns += [
    path("products/", views_products.product_list, name="product_list"),
    path("products/new/", views_products.product_create, name="product_create"),
    path("products/<int:pk>/", views_products.product_detail, name="product_detail"),
    path("products/<int:pk>/edit/", views_products.product_edit, name="product_edit"),
    path("inventory/", views_products.inventory_list, name="inventory_list"),
    path("orders/", views_orders.order_list, name="order_list"),
    path("orders/new/", views_orders.order_create, name="order_create"),
    path("orders/<int:pk>/", views_orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/edit/", views_orders.order_edit, name="order_edit"),
    path("orders/<int:pk>/advance/", views_orders.order_advance, name="order_advance"),
    path("orders/<int:pk>/cancel/", views_orders.order_cancel, name="order_cancel"),
]


# Pipeline 销售漏斗 and deals 商机.
urlpatterns += [
    path("pipeline/", views_pipeline.pipeline_board, name="pipeline_board"),
    path("pipeline/forecast/", views_pipeline.pipeline_forecast, name="pipeline_forecast"),
    path("pipeline/stages/", views_pipeline.stage_list, name="stage_list"),
    path("pipeline/stages/new/", views_pipeline.stage_create, name="stage_create"),
    path("pipeline/stages/<int:pk>/edit/", views_pipeline.stage_edit, name="stage_edit"),
    path("pipeline/stages/<int:pk>/delete/", views_pipeline.stage_delete, name="stage_delete"),
    path("deals/", views_deals.deal_list, name="deal_list"),
    path("deals/new/", views_pipeline.deal_create, name="deal_create"),
    path("deals/<int:pk>/", views_pipeline.deal_detail, name="deal_detail"),
    path("deals/<int:pk>/edit/", views_pipeline.deal_edit, name="deal_edit"),
    path("deals/<int:pk>/delete/", views_pipeline.deal_delete, name="deal_delete"),
    path("deals/<int:pk>/move/", views_pipeline.deal_move, name="deal_move"),
]


# Sales targets 销售目标.
urlpatterns += [
    path("targets/", views_targets.target_list, name="target_list"),
    path("targets/new/", views_targets.target_create, name="target_create"),
    path("targets/<int:pk>/edit/", views_targets.target_edit, name="target_edit"),
    path("targets/<int:pk>/delete/", views_targets.target_delete, name="target_delete"),
]


# Leads 线索; the web form is public.
urlpatterns += [
    path("leads/", views_leads.lead_list, name="lead_list"),
    path(
        "leads/<int:pk>/inline/source/", views_inline.lead_inline_source, name="inline_lead_source"
    ),
    path("leads/new/", views_leads.lead_create, name="lead_create"),
    path("leads/web-form/", views_leads.lead_web_form, name="lead_web_form"),
    path("leads/routing/", views_leads.routing_rules, name="lead_routing"),
    path(
        "leads/routing/<int:pk>/delete/",
        views_leads.routing_rule_delete,
        name="lead_routing_delete",
    ),
    path("leads/<int:pk>/", views_leads.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/edit/", views_leads.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/assign/", views_leads.lead_assign, name="lead_assign"),
    path("leads/<int:pk>/convert/", views_leads.lead_convert, name="lead_convert"),
    path("leads/<int:pk>/disqualify/", views_leads.lead_disqualify, name="lead_disqualify"),
]


# Quotes 报价.
urlpatterns += [
    path("quotes/", views_quotes.quote_list, name="quote_list"),
    path("quotes/new/", views_quotes.quote_create, name="quote_create"),
    path("quotes/<int:pk>/", views_quotes.quote_detail, name="quote_detail"),
    path("quotes/<int:pk>/edit/", views_quotes.quote_edit, name="quote_edit"),
    path("quotes/<int:pk>/status/", views_quotes.quote_status, name="quote_status"),
    path("quotes/<int:pk>/convert/", views_quotes.quote_convert, name="quote_convert"),
]


# Contracts 合同.
urlpatterns += [
    path("contracts/", views_contracts.contract_list, name="contract_list"),
    path("contracts/new/", views_contracts.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views_contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views_contracts.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/status/", views_contracts.contract_status, name="contract_status"),
]

urlpatterns += [  # receivables 应收款 and payments 回款
    path("receivables/", views_contracts.receivable_list, name="receivable_list"),
    path("receivables/new/", views_contracts.receivable_create, name="receivable_create"),
    path("receivables/<int:pk>/", views_contracts.receivable_detail, name="receivable_detail"),
]

# Printed documents 打印: the PDF of a quote, order or contract, and e-mailing it to a contact.
urlpatterns += [
    path("quotes/<int:pk>/pdf/", views_pdf.quote_pdf, name="quote_pdf"),
    path("quotes/<int:pk>/email/", views_pdf.quote_email, name="quote_email"),
    path("orders/<int:pk>/pdf/", views_pdf.order_pdf, name="order_pdf"),
    path("orders/<int:pk>/email/", views_pdf.order_email, name="order_email"),
    path("contracts/<int:pk>/pdf/", views_pdf.contract_pdf, name="contract_pdf"),
    path("contracts/<int:pk>/email/", views_pdf.contract_email, name="contract_email"),
]
# Imports 导入 (the import framework's shared pages): the catalogue, leads, opportunities,
# deals, order history, quotes, contracts and receivables.
urlpatterns += [
    *import_urlpatterns("products", "products/import/"),
    *import_urlpatterns("inventory", "inventory/import/"),
    *import_urlpatterns("leads", "leads/import/"),
    *import_urlpatterns("opportunities", "opportunities/import/"),
    *import_urlpatterns("deals", "deals/import/"),
    *import_urlpatterns("orders", "orders/import/"),
    *import_urlpatterns("quotes", "quotes/import/"),
    *import_urlpatterns("contracts", "contracts/import/"),
    *import_urlpatterns("receivables", "receivables/import/"),
]
