"""The main navigation: one entry per module that exists, shown only to users allowed to use it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    permission: str

    def url(self) -> str:
        return reverse(self.url_name)


NAVIGATION = [
    NavItem("home", _("Home"), "core:home", ""),
    NavItem("customers", _("Customers"), "customers:list", "customers.view_customer"),
    NavItem(
        "interactions",
        _("Interactions"),
        "customers:interaction_list",
        "customers.view_interaction",
    ),
    NavItem("churn", _("Churn"), "customers:churn_list", "customers.view_churncase"),
    NavItem("pool", _("Pool"), "customers:pool", "customers.view_customer"),
    NavItem(
        "opportunities",
        _("Opportunities"),
        "sales:opportunity_list",
        "sales.view_opportunity",
    ),
    NavItem("pipeline", _("Pipeline"), "sales:pipeline_board", "sales.view_deal"),
    NavItem("users", _("Users"), "accounts:user_list", "accounts.manage_accounts"),
    NavItem("teams", _("Teams"), "accounts:team_list", "accounts.manage_accounts"),
    NavItem("roles", _("Roles"), "accounts:role_list", "accounts.manage_accounts"),
    NavItem(
        "dictionaries", _("Dictionaries"), "core:dictionary_list", "core.change_dictionaryentry"
    ),
    NavItem("recycle_bin", _("Recycle bin"), "core:recycle_bin", "accounts.manage_recycle_bin"),
    NavItem(
        "field_rules",
        _("Field protection"),
        "customers:field_rule_list",
        "accounts.manage_accounts",
    ),
]


def navigation_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAVIGATION if not item.permission or user.has_perm(item.permission)]


# Orders 订单 and products 产品 (sales app, issue #4); inventory is reached from the products.
NAVIGATION += [
    NavItem("orders", _("Orders"), "sales:order_list", "sales.view_order"),
    NavItem("products", _("Products"), "sales:product_list", "sales.view_product"),
]

# Sales targets 销售目标 (sales app, issue #4).
NAVIGATION += [
    NavItem("targets", _("Targets"), "sales:target_list", "sales.view_target"),
]

# Leads 线索 (sales app, issue #4); the routing rules are reached from the list.
NAVIGATION += [NavItem("leads", _("Leads"), "sales:lead_list", "sales.view_lead")]

# Quotes 报价 (sales app, issue #4).
NAVIGATION += [
    NavItem("quotes", _("Quotes"), "sales:quote_list", "sales.view_quote"),
]

# Receivables 应收款 (sales app, issue #4); contracts are reached from the quotes and receivables.
NAVIGATION += [
    NavItem("receivables", _("Receivables"), "sales:receivable_list", "sales.view_receivable"),
]

# Service requests 客户服务 (service app, issue #5); the SLA settings are reached from the queues.
NAVIGATION += [
    NavItem("service", _("Service"), "service:request_list", "service.view_servicerequest"),
]

# Statistics and reports 统计报表 (analytics app, issue #6).
NAVIGATION += [
    NavItem("reports", _("Reports"), "analytics:index", "analytics.view_reports"),
]
