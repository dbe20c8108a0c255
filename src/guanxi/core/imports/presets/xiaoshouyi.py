"""销售易 (Neocrm / xiaoshouyi): the Excel files of 导出 on 客户、联系人、销售线索、销售机会,
headed with the fields' Chinese display names (the owner is 所有人 or 负责人)."""

from django.utils.translation import gettext_lazy as _

from guanxi.core.imports.presets import EntityPreset, Preset

LEVEL = {
    "A（重点客户）": "key_prospect",
    "A(重点客户)": "key_prospect",
    "B（普通客户）": "ordinary",
    "B(普通客户)": "ordinary",
    "C（非优先客户）": "ordinary",
    "C(非优先客户)": "ordinary",
    "重点客户": "key_prospect",
    "普通客户": "ordinary",
}
SOURCE = {
    "电话营销": "telemarketing",
    "网络推广": "website",
    "官网": "website",
    "展会": "exhibition",
    "客户介绍": "referral",
    "合作伙伴": "referral",
    "广告": "advertising",
    "市场活动": "campaign",
    "其他": "other",
}
LEAD_SOURCE = {"网络推广": "web", "官网": "web", "展会": "campaign", "市场活动": "campaign"}

PRESET = Preset(
    key="xiaoshouyi",
    name="销售易",
    description=_("销售易 (Neocrm) exports of customers, contacts, leads and opportunities."),
    entities={
        "customers": EntityPreset(
            columns={
                "客户名称": "name",
                "客户编号": "external_ref",
                "客户级别": "level",
                "客户类型": "kind",
                "客户来源": "source",
                "所属行业": "industry",
                "所有人": "owner",
                "负责人": "owner",
                "电话": "phone",
                "邮箱": "email",
                "网址": "website",
                "省份": "province",
                "城市": "city",
                "区县": "district",
                "详细地址": "address",
                "邮政编码": "postcode",
                "备注": "notes",
                "创建日期": "created_at",
                "创建时间": "created_at",
            },
            values={
                "level": LEVEL,
                "source": SOURCE,
                "kind": {"企业客户": "company", "个人客户": "person"},
            },
        ),
        "contacts": EntityPreset(
            columns={
                "姓名": "name",
                "联系人编号": "external_ref",
                "客户名称": "customer",
                "性别": "gender",
                "职务": "title",
                "手机": "mobile",
                "电话": "office_phone",
                "邮箱": "email",
                "备注": "notes",
                "创建日期": "created_at",
            },
            values={"gender": {"男": "male", "女": "female"}},
        ),
        "leads": EntityPreset(
            columns={
                "姓名": "name",
                "线索编号": "external_ref",
                "公司名称": "company",
                "手机": "phone",
                "电话": "phone",
                "邮箱": "email",
                "线索来源": "source",
                "所有人": "owner",
                "备注": "notes",
                "创建日期": "created_at",
            },
            values={"source": LEAD_SOURCE},
        ),
        "opportunities": EntityPreset(
            columns={
                "机会名称": "summary",
                "销售机会名称": "summary",
                "机会编号": "external_ref",
                "客户名称": "prospect_name",
                "销售金额": "expected_amount",
                "结单日期": "expected_close_date",
                "赢率": "probability",
                "机会来源": "source",
                "所有人": "assigned_to",
                "备注": "description",
                "创建日期": "created_at",
            },
            values={"source": SOURCE},
        ),
        "deals": EntityPreset(
            columns={
                "机会名称": "title",
                "销售机会名称": "title",
                "机会编号": "external_ref",
                "客户名称": "customer",
                "销售金额": "amount",
                "结单日期": "expected_close_date",
                "赢率": "probability",
                "销售阶段": "stage",
                "所有人": "owner",
                "创建日期": "created_at",
            }
        ),
    },
)
