"""The dictionary values customers, sales and service records choose from, seeded on first migrate
(administrators edit them later)."""

SEED: dict[str, list[tuple[str, str, str]]] = {
    "customer_level": [
        ("ordinary", "普通客户", "Ordinary customer"),
        ("key_prospect", "重点开发客户", "Key development customer"),
        ("major", "大客户", "Major account"),
        ("partner", "合作伙伴", "Partner"),
        ("strategic_partner", "战略合作伙伴", "Strategic partner"),
    ],
    "region": [
        ("north", "华北", "North China"),
        ("northeast", "东北", "Northeast China"),
        ("east", "华东", "East China"),
        ("central", "华中", "Central China"),
        ("south", "华南", "South China"),
        ("southwest", "西南", "Southwest China"),
        ("northwest", "西北", "Northwest China"),
        ("overseas", "海外", "Overseas"),
    ],
    "industry": [
        ("manufacturing", "制造业", "Manufacturing"),
        ("it", "信息技术", "Information technology"),
        ("finance", "金融", "Finance"),
        ("retail", "零售", "Retail"),
        ("education", "教育", "Education"),
        ("healthcare", "医疗", "Healthcare"),
        ("construction", "建筑", "Construction"),
        ("logistics", "物流", "Logistics"),
        ("energy", "能源", "Energy"),
        ("catering", "餐饮", "Food and beverage"),
        ("other", "其他", "Other"),
    ],
    "source": [
        ("telemarketing", "电话营销", "Telemarketing"),
        ("website", "网站", "Website"),
        ("exhibition", "展会", "Exhibition"),
        ("referral", "客户介绍", "Referral"),
        ("advertising", "广告", "Advertising"),
        ("campaign", "市场活动", "Campaign"),
        ("other", "其他", "Other"),
    ],
    "service_type": [
        ("consultation", "咨询", "Consultation"),
        ("suggestion", "建议", "Suggestion"),
        ("complaint", "投诉", "Complaint"),
    ],
    "unit": [
        ("piece", "个", "piece"),
        ("unit", "台", "unit"),
        ("item", "件", "item"),
        ("set", "套", "set"),
        ("box", "箱", "box"),
        ("kg", "千克", "kg"),
        ("ton", "吨", "ton"),
    ],
    "channel": [
        ("phone", "电话", "Phone"),
        ("email", "电子邮件", "E-mail"),
        ("web", "网站", "Web"),
        ("walk_in", "上门", "Walk-in"),
    ],
    "churn_reason": [
        ("price", "价格因素", "Price"),
        ("service", "服务不满意", "Unhappy with service"),
        ("competitor", "转向竞争对手", "Moved to a competitor"),
        ("demand", "需求变化", "Needs changed"),
        ("closed", "停业或倒闭", "Went out of business"),
        ("other", "其他", "Other"),
    ],
    "lost_reason": [
        ("price", "价格过高", "Price too high"),
        ("competitor", "竞争对手胜出", "Competitor won"),
        ("no_budget", "没有预算", "No budget"),
        ("no_decision", "未做决定", "No decision"),
        ("other", "其他", "Other"),
    ],
}


def seed_dictionaries(entry_model) -> None:
    """Add the missing seed values; entries an admin already edited or added stay as they are.

    Takes the model as an argument so the data migration can pass its historical model.
    """
    for kind, values in SEED.items():
        for order, (code, name_zh, name_en) in enumerate(values, start=1):
            entry_model.objects.get_or_create(
                kind=kind,
                code=code,
                defaults={"name_zh": name_zh, "name_en": name_en, "sort_order": order * 10},
            )
