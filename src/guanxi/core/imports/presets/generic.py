"""A generic spreadsheet: the headers people write themselves, in Chinese or English, beyond
the synonyms every importer knows, and the usual spellings of gender, customer kind and
yes/no-like levels."""

from django.utils.translation import gettext_lazy as _

from guanxi.core.imports.presets import EntityPreset, Preset

GENDER = {
    "男": "male",
    "女": "female",
    "M": "male",
    "F": "female",
    "先生": "male",
    "女士": "female",
}

PRESET = Preset(
    key="generic",
    name=_("Generic spreadsheet"),
    description=_("A spreadsheet made by hand, headed in Chinese or English."),
    entities={
        "customers": EntityPreset(
            columns={
                "公司名称": "name",
                "单位名称": "name",
                "客户等级": "level",
                "客户类别": "kind",
                "业务员": "owner",
                "销售": "owner",
                "联系电话": "phone",
                "地址": "address",
                "省份": "province",
                "城市": "city",
                "区县": "district",
                "备注": "notes",
                "Company": "name",
                "Owner": "owner",
            },
            values={"kind": {"企业": "company", "公司": "company", "个人": "person"}},
        ),
        "contacts": EntityPreset(
            columns={"公司名称": "customer", "单位名称": "customer", "Company": "customer"},
            values={"gender": GENDER},
        ),
        "leads": EntityPreset(
            columns={"公司名称": "company", "单位名称": "company", "联系电话": "phone"}
        ),
        "opportunities": EntityPreset(
            columns={"公司名称": "prospect_name", "预计金额": "expected_amount"}
        ),
        "deals": EntityPreset(columns={"公司名称": "customer", "金额": "amount"}),
    },
)
