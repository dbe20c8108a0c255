"""纷享销客 (ShareCRM / fxiaoke): the Excel files of 导出 on 客户、联系人、销售线索、商机 lists,
headed with the fields' Chinese display names."""

from django.utils.translation import gettext_lazy as _

from guanxi.core.imports.presets import EntityPreset, Preset

LEVEL = {"重要客户": "major", "普通客户": "ordinary", "非优先客户": "ordinary"}
SOURCE = {
    "电话营销": "telemarketing",
    "网站": "website",
    "官网": "website",
    "线上注册": "website",
    "展会": "exhibition",
    "会议": "campaign",
    "市场活动": "campaign",
    "广告": "advertising",
    "客户介绍": "referral",
    "转介绍": "referral",
    "其他": "other",
}
LEAD_SOURCE = {
    "官网": "web",
    "线上注册": "web",
    "网站": "web",
    "展会": "campaign",
    "会议": "campaign",
}
COMMON = {"创建时间": "created_at", "负责人": "owner"}

PRESET = Preset(
    key="fxiaoke",
    name="纷享销客",
    description=_("纷享销客 (ShareCRM) exports of customers, contacts, leads and opportunities."),
    entities={
        "customers": EntityPreset(
            columns={
                **COMMON,
                "客户名称": "name",
                "客户编号": "external_ref",
                "客户级别": "level",
                "客户类型": "kind",
                "客户来源": "source",
                "来源": "source",
                "所属行业": "industry",
                "行业": "industry",
                "电话": "phone",
                "邮箱": "email",
                "网址": "website",
                "省份": "province",
                "省": "province",
                "城市": "city",
                "市": "city",
                "区": "district",
                "区县": "district",
                "详细地址": "address",
                "邮编": "postcode",
                "税号": "tax_id",
                "统一社会信用代码": "tax_id",
                "标签": "tags",
                "备注": "notes",
            },
            values={
                "level": LEVEL,
                "source": SOURCE,
                "kind": {"企业客户": "company", "个人客户": "person", "企业": "company"},
            },
        ),
        "contacts": EntityPreset(
            columns={
                "创建时间": "created_at",
                "姓名": "name",
                "联系人编号": "external_ref",
                "客户名称": "customer",
                "性别": "gender",
                "职务": "title",
                "手机": "mobile",
                "电话": "office_phone",
                "邮箱": "email",
                "备注": "notes",
            },
            values={"gender": {"男": "male", "女": "female"}},
        ),
        "leads": EntityPreset(
            columns={
                **COMMON,
                "姓名": "name",
                "线索编号": "external_ref",
                "公司名称": "company",
                "公司": "company",
                "手机": "phone",
                "电话": "phone",
                "邮箱": "email",
                "线索来源": "source",
                "来源": "source",
                "备注": "notes",
            },
            values={"source": LEAD_SOURCE},
        ),
        "opportunities": EntityPreset(
            columns={
                "创建时间": "created_at",
                "负责人": "assigned_to",
                "商机名称": "summary",
                "商机编号": "external_ref",
                "客户名称": "prospect_name",
                "商机金额": "expected_amount",
                "预计成交日期": "expected_close_date",
                "预计成交金额": "expected_amount",
                "赢率": "probability",
                "商机来源": "source",
                "备注": "description",
            },
            values={"source": SOURCE},
        ),
        "deals": EntityPreset(
            columns={
                **COMMON,
                "商机名称": "title",
                "商机编号": "external_ref",
                "客户名称": "customer",
                "商机金额": "amount",
                "预计成交日期": "expected_close_date",
                "赢率": "probability",
                "销售阶段": "stage",
                "阶段": "stage",
            }
        ),
    },
)
