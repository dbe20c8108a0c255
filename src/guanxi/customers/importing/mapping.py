"""Which file column feeds which customer field: header synonyms in Chinese and English.

A header matches after folding width, case, spaces and punctuation, so ``客户 名称``,
``Customer_Name`` and ``ＣＵＳＴＯＭＥＲ　ＮＡＭＥ`` all mean ``name``. A mapping is stored as
``{header text: field name}``; unmapped columns are ignored.

The functions take the field table (``fields``, in the shape of :data:`IMPORT_FIELDS`) and the
required fields, so other imports (the sales app's lead import) map their columns the same way.
"""

from django.utils.translation import gettext_lazy

from guanxi.core.imports import mapping as _generic
from guanxi.core.imports.mapping import fold  # noqa: F401 (re-exported for existing callers)
from guanxi.core.imports.registry import CREATED_AT_SYNONYMS, EXTERNAL_REF_SYNONYMS

# (field, label shown in the mapping form and the template file, synonyms). The label's
# Chinese and English forms are synonyms too, so a downloaded template always maps itself.
IMPORT_FIELDS: tuple[tuple[str, object, tuple[str, ...]], ...] = (
    (
        "code",
        gettext_lazy("Customer code"),
        ("客户编号", "客户编码", "编号", "编码", "代码", "code"),
    ),
    (
        "name",
        gettext_lazy("Customer name"),
        ("客户名称", "客户名", "名称", "公司名称", "单位名称", "客户", "name", "company"),
    ),
    ("kind", gettext_lazy("Kind"), ("客户类型", "类型", "类别", "kind", "type")),
    ("level", gettext_lazy("Customer level"), ("客户等级", "等级", "级别", "level")),
    ("region", gettext_lazy("Region"), ("地区", "区域", "所在地区", "region", "area")),
    ("industry", gettext_lazy("Industry"), ("行业", "所属行业", "industry")),
    ("source", gettext_lazy("Customer source"), ("客户来源", "来源", "source")),
    (
        "owner",
        gettext_lazy("Account manager"),
        ("客户经理", "负责人", "所有者", "业务员", "owner", "accountmanager", "username"),
    ),
    ("phone", gettext_lazy("Phone"), ("电话", "联系电话", "公司电话", "phone", "telephone", "tel")),
    ("fax", gettext_lazy("Fax"), ("传真", "fax")),
    ("email", gettext_lazy("E-mail"), ("邮箱", "电子邮件", "电子邮箱", "email", "mail")),
    ("address", gettext_lazy("Address"), ("地址", "公司地址", "联系地址", "address")),
    ("postcode", gettext_lazy("Postcode"), ("邮编", "邮政编码", "postcode", "zip", "zipcode")),
    ("website", gettext_lazy("Website"), ("网址", "网站", "主页", "website", "url", "web")),
    (
        "business_licence_no",
        gettext_lazy("Business licence no."),
        ("营业执照注册号", "营业执照号", "营业执照", "businesslicence", "businesslicense"),
    ),
    (
        "legal_representative",
        gettext_lazy("Legal representative"),
        ("法人", "法人代表", "法定代表人", "legalrepresentative"),
    ),
    (
        "registered_capital",
        gettext_lazy("Registered capital"),
        ("注册资金", "注册资本", "registeredcapital"),
    ),
    ("annual_revenue", gettext_lazy("Annual revenue"), ("年营业额", "年营收", "annualrevenue")),
    ("bank", gettext_lazy("Bank"), ("开户银行", "开户行", "银行", "bank")),
    (
        "bank_account",
        gettext_lazy("Bank account"),
        ("银行帐号", "银行账号", "帐号", "账号", "bankaccount"),
    ),
    ("tax_id", gettext_lazy("Tax id"), ("税号", "纳税人识别号", "统一社会信用代码", "taxid")),
    ("tags", gettext_lazy("Tags"), ("标签", "tags", "tag")),
    ("satisfaction", gettext_lazy("Satisfaction"), ("满意度", "satisfaction")),
    ("credit", gettext_lazy("Credit rating"), ("信用度", "信用等级", "credit", "creditrating")),
    ("credit_status", gettext_lazy("Credit status"), ("信用状态", "creditstatus")),
    (
        "credit_hold_reason",
        gettext_lazy("Credit hold reason"),
        ("信用冻结原因", "冻结原因", "holdreason"),
    ),
    ("external_ref", gettext_lazy("External id"), EXTERNAL_REF_SYNONYMS),
    ("created_at", gettext_lazy("Original creation date"), CREATED_AT_SYNONYMS),
)
FIELD_NAMES = tuple(name for name, _label, _synonyms in IMPORT_FIELDS)
REQUIRED_FIELDS = ("name",)
NOT_A_CUSTOMER_FIELD = gettext_lazy("“%(field)s” is not a customer field.")


def field_labels(fields=IMPORT_FIELDS) -> dict[str, str]:
    """Each importable field's label in the active language."""
    return _generic.field_labels(fields)


def guess_mapping(headers: list[str], fields=IMPORT_FIELDS) -> dict[str, str]:
    """``{header: field}`` for every header that names a field; each field is used once."""
    return _generic.guess_mapping(headers, fields)


def mapping_clean(
    mapping,
    headers: list[str],
    *,
    fields=IMPORT_FIELDS,
    required=REQUIRED_FIELDS,
    not_a_field=NOT_A_CUSTOMER_FIELD,
) -> dict[str, str]:
    """A mapping chosen by a person, checked (``guanxi.core.imports.mapping.mapping_clean``)."""
    return _generic.mapping_clean(
        mapping, headers, fields=fields, required=required, not_a_field=not_a_field
    )
