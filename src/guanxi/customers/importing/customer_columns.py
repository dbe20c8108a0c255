"""The columns of the customer import 客户导入 and how a parsed cell becomes a stored value.

The framework parses each cell by its column's kind (dictionary entries by code, name or
pinyin, owners by username, name or e-mail, numbers, choices); :func:`customer_value_clean`
then applies the customer's own rules, the same the form and the API obey: phones in E.164,
checked identifiers, normalised tags, the model fields' validators. Add a column by adding it
to :data:`CUSTOMER_COLUMNS` (and to ``CUSTOMER_EDITABLE_FIELDS`` if the services write it).
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy

from guanxi.core.imports.divisions import DIVISION_COLUMNS
from guanxi.core.imports.registry import CHOICE, DATE, DECIMAL, DICT, INT, OWNER, Column
from guanxi.core.models import DictionaryKind
from guanxi.core.phones import phone_normalise
from guanxi.customers.identifiers import IDENTIFIER_FIELDS, identifier_check
from guanxi.customers.models import Customer
from guanxi.customers.services.credit import credit_hold_reason_clean
from guanxi.customers.services.customers import identifier_normalise, tags_normalise


class ImportedStatus(models.TextChoices):
    """The statuses a file may give a customer: still a customer, or gone (a churn warning is
    the daily job's to raise, not a file's)."""

    ACTIVE = "active", gettext_lazy("Active")
    CHURNED = "churned", gettext_lazy("Churned")


# The columns of a customer that left before the migration and of its start date: read by the
# importer (``customers.CustomerImporter``), never stored as they are.
CHURN_COLUMNS = ("status", "churned_on", "churn_reason")
LIFE_COLUMNS = ("customer_since", *CHURN_COLUMNS)

CUSTOMER_COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        gettext_lazy("Customer code"),
        synonyms=("客户编号", "客户编码", "编号", "编码", "代码", "code"),
        max_length=20,
    ),
    Column(
        "name",
        gettext_lazy("Customer name"),
        synonyms=("客户名称", "客户名", "名称", "公司名称", "单位名称", "客户", "name", "company"),
        required=True,
        max_length=200,
    ),
    Column(
        "kind",
        gettext_lazy("Kind"),
        CHOICE,
        ("客户类型", "类型", "类别", "kind", "type"),
        choices=Customer.Kind,
    ),
    Column(
        "level",
        gettext_lazy("Customer level"),
        DICT,
        ("客户等级", "等级", "级别", "level"),
        dictionary=DictionaryKind.CUSTOMER_LEVEL,
    ),
    Column(
        "region",
        gettext_lazy("Region"),
        DICT,
        ("地区", "区域", "所在地区", "region", "area"),
        dictionary=DictionaryKind.REGION,
    ),
    Column(
        "industry",
        gettext_lazy("Industry"),
        DICT,
        ("行业", "所属行业", "industry"),
        dictionary=DictionaryKind.INDUSTRY,
    ),
    Column(
        "source",
        gettext_lazy("Customer source"),
        DICT,
        ("客户来源", "来源", "source"),
        dictionary=DictionaryKind.SOURCE,
    ),
    Column(
        "owner",
        gettext_lazy("Account manager"),
        OWNER,
        ("客户经理", "负责人", "所有者", "业务员", "owner", "accountmanager", "username"),
    ),
    Column(
        "phone",
        gettext_lazy("Phone"),
        synonyms=("电话", "联系电话", "公司电话", "phone", "telephone", "tel"),
    ),
    Column("fax", gettext_lazy("Fax"), synonyms=("传真", "fax")),
    Column(
        "email", gettext_lazy("E-mail"), synonyms=("邮箱", "电子邮件", "电子邮箱", "email", "mail")
    ),
    Column(
        "address",
        gettext_lazy("Address"),
        synonyms=("地址", "公司地址", "联系地址", "address"),
        max_length=300,
    ),
    Column("postcode", gettext_lazy("Postcode"), synonyms=("邮编", "邮政编码", "postcode", "zip")),
    Column(
        "website",
        gettext_lazy("Website"),
        synonyms=("网址", "网站", "主页", "website", "url", "web"),
    ),
    Column(
        "business_licence_no",
        gettext_lazy("Business licence no."),
        synonyms=("营业执照注册号", "营业执照号", "营业执照", "businesslicence", "businesslicense"),
    ),
    Column(
        "legal_representative",
        gettext_lazy("Legal representative"),
        synonyms=("法人", "法人代表", "法定代表人", "legalrepresentative"),
        max_length=100,
    ),
    Column(
        "registered_capital",
        gettext_lazy("Registered capital"),
        DECIMAL,
        ("注册资金", "注册资本", "registeredcapital"),
    ),
    Column(
        "annual_revenue",
        gettext_lazy("Annual revenue"),
        DECIMAL,
        ("年营业额", "年营收", "annualrevenue"),
    ),
    Column("bank", gettext_lazy("Bank"), synonyms=("开户银行", "开户行", "银行", "bank")),
    Column(
        "bank_account",
        gettext_lazy("Bank account"),
        synonyms=("银行帐号", "银行账号", "帐号", "账号", "bankaccount"),
    ),
    Column(
        "tax_id",
        gettext_lazy("Tax id"),
        synonyms=("税号", "纳税人识别号", "统一社会信用代码", "taxid"),
    ),
    Column("tags", gettext_lazy("Tags"), synonyms=("标签", "tags", "tag")),
    Column("satisfaction", gettext_lazy("Satisfaction"), INT, ("满意度", "satisfaction")),
    Column(
        "credit",
        gettext_lazy("Credit rating"),
        INT,
        ("信用度", "信用等级", "credit", "creditrating"),
    ),
    Column(
        "credit_status",
        gettext_lazy("Credit status"),
        CHOICE,
        ("信用状态", "creditstatus"),
        choices=Customer.CreditStatus,
    ),
    Column(
        "credit_hold_reason",
        gettext_lazy("Credit hold reason"),
        synonyms=("信用冻结原因", "冻结原因", "holdreason"),
    ),
    Column(
        "notes",
        gettext_lazy("Notes"),
        synonyms=("备注", "说明", "备注说明", "notes", "note", "remarks", "comments"),
    ),
    Column(
        "customer_since",
        gettext_lazy("Customer since"),
        DATE,
        (
            "建档日期",
            "建档时间",
            "客户since",
            "成为客户日期",
            "客户起始日期",
            "合作开始日期",
            "开户日期",
            "customersince",
            "since",
            "startdate",
        ),
    ),
    Column(
        "status",
        gettext_lazy("Customer status"),
        CHOICE,
        ("客户状态", "状态", "status", "customerstatus"),
        choices=ImportedStatus,
    ),
    Column(
        "churned_on",
        gettext_lazy("Churn date"),
        DATE,
        ("流失日期", "流失时间", "流失于", "churnedon", "churndate", "lostdate"),
    ),
    Column(
        "churn_reason",
        gettext_lazy("Churn reason"),
        DICT,
        ("流失原因", "churnreason", "lostreason"),
        dictionary=DictionaryKind.CHURN_REASON,
    ),
    *DIVISION_COLUMNS,
)
# Foreign keys among the columns: stored as ``<name>_id``.
FOREIGN_KEYS = ("level", "region", "industry", "source", "owner", "province", "city", "district")
# Columns that only find or qualify a row, not fields a customer update writes.
NOT_UPDATED = (
    "code",
    "credit_status",
    "credit_hold_reason",
    "external_ref",
    "created_at",
    *LIFE_COLUMNS,
)
PHONE_FIELDS = ("phone", "fax")
_LABELS = {column.name: column.label for column in CUSTOMER_COLUMNS}
_MODEL_FIELDS = {field.name: field for field in Customer._meta.concrete_fields}


def customer_value_clean(name: str, value: Any) -> Any:
    """``value`` of column ``name`` as stored, or a ValidationError saying what is wrong."""
    if name in FOREIGN_KEYS or name in (
        "external_ref",
        "created_at",
        "kind",
        "credit_status",
        *LIFE_COLUMNS,
    ):
        return value
    if name == "code":
        return identifier_normalise(value)
    if name in PHONE_FIELDS:
        return phone_normalise(value, label=str(_LABELS[name]))
    if name in IDENTIFIER_FIELDS:
        return identifier_check(name, value, label=str(_LABELS[name]))
    if name == "tags":
        try:
            return tags_normalise(value)
        except ValidationError as error:
            raise ValidationError(error.message_dict["tags"]) from error
    if name == "credit_hold_reason":
        try:
            return credit_hold_reason_clean(value)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
    field = _MODEL_FIELDS[name]
    if isinstance(value, Decimal):
        value = field.to_python(value)
    for validator in field.validators:
        validator(value)
    return value
