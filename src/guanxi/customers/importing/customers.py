"""The customer importer 客户导入 on the import framework (registered in ``CustomersConfig``).

Every row is checked before anything of its batch is written: the customer's field rules
(``customer_columns``), the owner the importer may give customers to, the credit rule for a
customer imported on hold, and the duplicate check (``customer_duplicates``). New customers
then go in with a few bulk writes per batch (``commit``: codes, search and duplicate keys,
"imported" events), so a commit keeps its thousands of rows a second; a row naming a present
customer by external id updates it through ``customer_update``, or is unchanged.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts import roles
from guanxi.accounts.models import User
from guanxi.accounts.selectors.users import assignable_owners
from guanxi.core.imports.divisions import divisions_fill
from guanxi.core.imports.registry import CREATED, UNCHANGED, UPDATED, Importer, ImportRow
from guanxi.core.models import DictionaryEntry, Division
from guanxi.core.scoping import scope_queryset
from guanxi.core.selectors.divisions import province_region_get
from guanxi.customers import rules
from guanxi.customers.importing.commit import NewCustomer, prepare_rows, write_rows
from guanxi.customers.importing.customer_columns import (
    CUSTOMER_COLUMNS,
    FOREIGN_KEYS,
    LIFE_COLUMNS,
    NOT_UPDATED,
    customer_value_clean,
)
from guanxi.customers.importing.customer_duplicates import DuplicateFinder, duplicate_keys
from guanxi.customers.importing.customer_life import churn_of, life_check
from guanxi.customers.masking import field_protection
from guanxi.customers.models import Customer
from guanxi.customers.services import customers as services_customers
from guanxi.customers.services.churn import churns_imported

_ON_HOLD = Customer.CreditStatus.ON_HOLD
# Cleaned values of the columns whose cells repeat across a file (bounded per column).
_REPEATING = ("tags", "bank", "satisfaction", "credit", "registered_capital", "annual_revenue")
_CACHE_LIMIT = 4096


def default_owner_id(actor: Any) -> int | None:
    """An importing account manager owns what they import; anyone else fills the pool."""
    return actor.pk if actor.groups.filter(name=roles.ACCOUNT_MANAGER).exists() else None


class CustomerImporter(Importer):
    """Customers 客户: companies and people, with their account manager and dictionaries."""

    entity = "customers"
    model = Customer
    label = gettext_lazy("customers")
    permission = rules.IMPORT_CUSTOMERS
    url_namespace = "customers"
    list_url = "customers:list"
    owner_field = "owner"
    columns = CUSTOMER_COLUMNS

    def __init__(self, *, actor: Any) -> None:
        super().__init__(actor=actor)
        self.duplicates = DuplicateFinder(actor=actor)
        self._owners: set[int] | None = None
        self._default_owner: tuple[int | None] | None = None
        self._may_hold: dict[int | None, bool] = {}
        self._cache: dict[str, dict[Any, Any]] = {name: {} for name in _REPEATING}
        self._regions: dict[str, DictionaryEntry | None] = {}

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return scope_queryset(queryset, self.actor)

    # -- checks (no writes) --------------------------------------------------------------------

    def _clean(self, name: str, value: Any) -> Any:
        cache = self._cache.get(name)
        if cache is None:
            return customer_value_clean(name, value)
        outcome = cache.get(value)
        if outcome is None:
            try:
                outcome = customer_value_clean(name, value)
            except ValidationError as error:
                outcome = error
            if len(cache) < _CACHE_LIMIT:
                cache[value] = outcome
        if isinstance(outcome, ValidationError):
            raise ValidationError(outcome.messages)  # a fresh error: no growing traceback
        return outcome

    def _owner_ids(self) -> set[int]:
        if self._owners is None:
            self._owners = set(assignable_owners(actor=self.actor).values_list("pk", flat=True))
        return self._owners

    def _owner_default(self) -> int | None:
        if self._default_owner is None:
            self._default_owner = (default_owner_id(self.actor),)
        return self._default_owner[0]

    def _region_of(self, province: Division) -> DictionaryEntry | None:
        if province.pk not in self._regions:
            self._regions[province.pk] = province_region_get(province=province)
        return self._regions[province.pk]

    def prepare(self, rows: list[ImportRow]) -> None:
        """Apply the customer's field rules, the owner and credit rules to every row."""
        divisions_fill(rows)
        for row in rows:
            for name, value in list(row.values.items()):
                try:
                    row.values[name] = self._clean(name, value)
                except ValidationError as error:
                    del row.values[name]
                    for message in error.messages:
                        row.error(name, message)
            life_check(row)
            owner = row.values.get("owner")
            if owner is not None and owner not in self._owner_ids():
                row.error("owner", _("You cannot give customers to this user."), "refused")
            if row.failed:
                continue
            if row.existing is None:
                row.values.setdefault("owner", self._owner_default())
                province = row.values.get("province")
                region = self._region_of(province) if province is not None else None
                if region is not None:
                    # 大区 follows 省, as the customer services decide for a new customer.
                    row.values["region"] = region
                row.related["keys"] = duplicate_keys(row.values)

    def _check_credit_hold(self, row: ImportRow) -> None:
        """A new customer on credit hold obeys the credit rule (services.credit): set by an
        administrator or the supervisor of the owner's team, with a reason. Anyone else's row
        is refused rather than imported without the hold, which would hide the risk."""
        values = row.values
        if values.get("credit_status") != _ON_HOLD:
            values.pop("credit_hold_reason", None)  # no hold: nothing it could be the reason of
            return
        owner_id = values.get("owner")
        if owner_id not in self._may_hold:
            self._may_hold[owner_id] = bool(
                rules.may_set_credit_hold(self.actor, Customer(owner_id=owner_id))
            )
        if not self._may_hold[owner_id]:
            row.error(
                "credit_status",
                _(
                    "Only an administrator or the sales supervisor of the account manager's "
                    "team can import a customer on credit hold; the row is not imported."
                ),
                "refused",
            )
        elif not values.get("credit_hold_reason"):
            row.error(
                "credit_hold_reason",
                _("A customer on credit hold needs the reason, in the “%(field)s” column.")
                % {"field": _("Credit hold reason")},
                "required",
            )

    def natural_match(self, rows: list[ImportRow]) -> None:
        """Rows repeating a customer (by code, tax id, name, phone or e-mail) are marked; the
        others are new customers, which the credit rule checks."""
        self.duplicates.mark(rows)
        for row in rows:
            if not row.outcome:
                self._check_credit_hold(row)

    # -- writes --------------------------------------------------------------------------------

    def write_batch(self, rows: list[ImportRow]) -> bool:
        new = [row for row in rows if row.existing is None]
        present = [row for row in rows if row.existing is not None]
        for row in present:
            self._update(row)
        if new:
            self._create(new)
        job_id = str(self.job.pk) if self.job is not None else ""
        for rows_of, is_new in ((new, True), (present, False)):
            churned = [row for row in rows_of if row.related.get("churn") and not row.failed]
            if not churned:
                continue
            recorded = churns_imported(
                churns=[churn_of(row) for row in churned],
                actor=self.actor,
                new=is_new,
                import_job=job_id,
            )
            for row in churned:
                if not is_new and row.existing.pk in recorded and row.outcome == UNCHANGED:
                    row.outcome = UPDATED
        return True

    def write(self, row: ImportRow) -> str:
        self.write_batch([row])
        return row.outcome

    def _create(self, rows: list[ImportRow]) -> None:
        prepared = prepare_rows(
            rows=[
                NewCustomer(values=_stored(row.values), keys=row.related["keys"]) for row in rows
            ],
            actor=self.actor,
        )
        job = self.job
        write_rows(
            prepared,
            actor=self.actor,
            job_id=job.pk if job is not None else "",
            file_name=job.file_name if job is not None else "",
        )
        # The record as a query would give it (its other fields deferred): a quarter of the
        # cost of Customer(...) with keywords, which adds up over 100,000 rows.
        loaded = ["id", "code", "name"]
        for row, values in zip(rows, prepared.customers, strict=True):
            record = (values["id"], values["code"], values["name"])
            row.existing = Customer.from_db(DEFAULT_DB_ALIAS, loaded, record)
            row.outcome = CREATED

    def _update(self, row: ImportRow) -> None:
        customer = row.existing
        # As on the form: a field protected from the importer is left as it is.
        protected = field_protection(self.actor)
        given = {
            name: value
            for name, value in row.values.items()
            if name not in NOT_UPDATED
            and name in services_customers.CUSTOMER_EDITABLE_FIELDS
            and f"customer.{name}" not in protected
        }
        stored = _stored(given)
        changed = {
            name: given[name]
            for name, value in stored.items()
            if getattr(customer, f"{name}_id" if name in FOREIGN_KEYS else name) != value
        }
        if not changed:
            row.outcome = UNCHANGED
            return
        if "owner" in changed:
            changed["owner"] = _user(changed["owner"])
        try:
            with transaction.atomic():
                services_customers.customer_update(actor=self.actor, customer=customer, **changed)
        except ValidationError as error:
            row.errors_from(error)
            return
        except PermissionDenied as error:
            row.error("", str(error) or _("You may not import this row."), "refused")
            return
        row.outcome = UPDATED


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with dictionary entries and divisions as their primary keys (owners are
    already), without the columns that are no customer field (``LIFE_COLUMNS``)."""
    return {
        name: value.pk if isinstance(value, DictionaryEntry | Division) else value
        for name, value in values.items()
        if name not in LIFE_COLUMNS or name == "status"
    }


def _user(pk: int | None) -> User | None:
    return None if pk is None else User.objects.get(pk=pk)
