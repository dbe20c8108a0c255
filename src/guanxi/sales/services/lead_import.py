"""Lead import 线索导入 from a CSV or xlsx file: all rows or none.

The file is read with the import framework's readers (CSV in UTF-8 or GBK, xlsx), its columns
mapped with the same header matching (``core.imports.mapping``, here with the lead
fields below). Every row then goes through :func:`services.leads.lead_create` — the one place
that validates, scores and routes a lead — with the source *import*, inside one transaction:

* any row refused → nothing is kept, and the report names each bad row and field;
* ``dry_run`` → every row is checked, scored and routed as it would be, then rolled back
  (round-robin pointers included), so the preview shows who would get each lead.

Lead files are small: at most :data:`MAX_LEAD_IMPORT_ROWS` rows, :data:`MAX_LEAD_IMPORT_BYTES`.
"""

from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from guanxi.accounts.models import User
from guanxi.core.imports.mapping import field_labels, fold, guess_mapping, mapping_clean
from guanxi.core.imports.readers import open_table
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.rules import require
from guanxi.sales import rules
from guanxi.sales.models import Lead
from guanxi.sales.services.leads import lead_create

MAX_LEAD_IMPORT_ROWS = 5_000
MAX_LEAD_IMPORT_BYTES = 5 * 1024 * 1024
FILE_FIELD = "file"

# (field, label, header synonyms), as an importer's ``field_table()``.
LEAD_IMPORT_FIELDS: tuple[tuple[str, object, tuple[str, ...]], ...] = (
    (
        "name",
        pgettext_lazy("lead", "Name"),
        ("姓名", "联系人", "联系人姓名", "名字", "name", "contact", "contactname", "person"),
    ),
    (
        "company",
        gettext_lazy("Company"),
        ("公司", "公司名称", "单位", "单位名称", "企业", "企业名称", "company", "organisation"),
    ),
    (
        "phone",
        gettext_lazy("Phone"),
        ("电话", "手机", "手机号", "联系电话", "phone", "mobile", "tel", "telephone"),
    ),
    ("email", gettext_lazy("E-mail"), ("邮箱", "电子邮件", "电子邮箱", "email", "mail")),
    ("region", gettext_lazy("Region"), ("地区", "区域", "所在地区", "省份", "region", "area")),
    ("notes", gettext_lazy("Notes"), ("备注", "说明", "需求", "notes", "note", "remarks")),
)
LEAD_FIELD_NAMES = tuple(name for name, _label, _synonyms in LEAD_IMPORT_FIELDS)
NOT_A_LEAD_FIELD = gettext_lazy("“%(field)s” is not a lead field.")
NON_FIELD = "__all__"


@dataclass(frozen=True)
class RowError:
    """One refusal: the file row (as a spreadsheet numbers it), the field and the message."""

    row: int
    field: str
    label: str
    message: str

    def __str__(self) -> str:
        if self.field == NON_FIELD:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)d, %(field)s: %(message)s") % {
            "row": self.row,
            "field": self.label,
            "message": self.message,
        }


@dataclass
class LeadImportResult:
    """What an import did (or, with ``dry_run`` or errors, would have done: nothing is kept)."""

    dry_run: bool
    mapping: dict[str, str]
    rows: int = 0
    leads: list[tuple[int, Lead]] = field(default_factory=list)  # (row number, lead)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> int:
        """Leads written: none on a dry run or when any row was refused."""
        return 0 if self.dry_run or self.errors else len(self.leads)


class _Rollback(Exception):
    """Leaves the import's transaction without keeping anything."""


def _regions() -> dict[str, DictionaryEntry]:
    table: dict[str, DictionaryEntry] = {}
    for entry in DictionaryEntry.objects.filter(kind=DictionaryKind.REGION, is_active=True):
        for key in (entry.code, entry.name_zh, entry.name_en):
            table.setdefault(fold(key), entry)
    return table


def _row_errors(number: int, error: ValidationError, labels: dict[str, str]) -> list[RowError]:
    if not hasattr(error, "error_dict"):
        return [RowError(number, NON_FIELD, "", message) for message in error.messages]
    return [
        RowError(number, name, labels.get(name, name), message)
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _size(upload: IO[bytes]) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    upload.seek(0)
    return size


def lead_import(
    *,
    actor: User,
    file: IO[bytes],
    name: str,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
) -> LeadImportResult:
    """Import the leads of ``file`` (a binary file object named ``name``), all or none.

    ``mapping`` is ``{header: field}`` (guessed from the headers when ``None``); a bad file or
    mapping raises ``ValidationError`` on ``file`` or ``mapping``; refused rows are reported in
    the result (nothing kept). No right → ``PermissionDenied``.
    """
    require(actor, rules.ADD_LEAD)
    if _size(file) > MAX_LEAD_IMPORT_BYTES:
        raise ValidationError(
            {
                FILE_FIELD: _("The file is larger than %(size)d MB.")
                % {"size": MAX_LEAD_IMPORT_BYTES // (1024 * 1024)}
            }
        )
    labels = field_labels(LEAD_IMPORT_FIELDS)
    with open_table(file, name) as table:
        chosen = mapping_clean(
            guess_mapping(table.headers, LEAD_IMPORT_FIELDS) if mapping is None else mapping,
            table.headers,
            fields=LEAD_IMPORT_FIELDS,
            required=("name",),
            not_a_field=NOT_A_LEAD_FIELD,
        )
        columns = [
            (index, target)
            for index, header in enumerate(table.headers)
            if (target := chosen.get(header))
        ]
        rows: list[tuple[int, dict[str, Any]]] = []
        for number, cells in table.rows:
            if len(rows) == MAX_LEAD_IMPORT_ROWS:
                raise ValidationError(
                    {
                        FILE_FIELD: _(
                            "The file has more than %(count)d rows; split it into smaller files."
                        )
                        % {"count": MAX_LEAD_IMPORT_ROWS}
                    }
                )
            values = {
                target: cells[index] if index < len(cells) else "" for index, target in columns
            }
            rows.append((number, values))
    result = LeadImportResult(dry_run=dry_run, mapping=chosen, rows=len(rows))
    regions = _regions() if "region" in chosen.values() else {}
    try:
        with transaction.atomic():
            for number, values in rows:
                region_text = values.pop("region", "")
                region = regions.get(fold(region_text)) if region_text else None
                errors = []
                if region_text and region is None:
                    errors.append(
                        RowError(
                            number,
                            "region",
                            labels["region"],
                            _("“%(value)s” is not a region in the dictionary.")
                            % {"value": region_text},
                        )
                    )
                try:
                    # The other fields are checked even when the region is unknown, so the
                    # report names every problem of the row at once.
                    lead = lead_create(
                        actor=actor, region=region, source=Lead.Source.IMPORT, **values
                    )
                except ValidationError as error:
                    errors.extend(_row_errors(number, error, labels))
                if errors:
                    result.errors.extend(errors)
                else:
                    result.leads.append((number, lead))
            if dry_run or result.errors:
                raise _Rollback
    except _Rollback:
        pass
    return result
