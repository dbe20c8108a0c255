"""Total cost of ownership 总拥有成本 (TCO) of a CRM over five years, in Decimal money.

A plan lists amounts by **category** (the eight of :data:`CATEGORIES`: software licences,
software maintenance, hardware, telecom, external service providers, the vendor's professional
services, internal staff, other), **year** (1–5) and **kind**: *initial* (one-off: buying and
introducing the system) or *ongoing* (running it). From them:

- the totals per category, per year and over the five years;
- the split initial ÷ total and ongoing ÷ total, set against the usual range of CRM projects
  (initial 55–65 %, ongoing 35–45 %: :data:`INITIAL_BENCHMARK`, :data:`ONGOING_BENCHMARK`);
- the cost per user per year: total ÷ (users × 5), to the cent;
- the maintenance rate of each year: maintenance of the year ÷ the licences bought up to that
  year, against the usual 15–25 % (:data:`MAINTENANCE_BENCHMARK`);
- the budget of years 3–5 and how much of it keeps the system running (保持运行, usually
  15–20 %) and how much buys competitive advantage (竞争优势, usually 25–40 %): the plan states
  those two amounts; their shares are of the years 3–5 total.

No database and no Django: bad input raises :class:`TCOError` naming the input.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

LICENCE = "licence"
MAINTENANCE = "maintenance"
HARDWARE = "hardware"
TELECOM = "telecom"
EXTERNAL_SERVICES = "external_services"
VENDOR_SERVICES = "vendor_services"
INTERNAL_STAFF = "internal_staff"
OTHER = "other"
CATEGORIES = (
    LICENCE,
    MAINTENANCE,
    HARDWARE,
    TELECOM,
    EXTERNAL_SERVICES,
    VENDOR_SERVICES,
    INTERNAL_STAFF,
    OTHER,
)
INITIAL = "initial"
ONGOING = "ongoing"
KINDS = (INITIAL, ONGOING)
YEARS = 5
# The budget split is judged from this year on (the system runs; the project is over).
LATE_FROM_YEAR = 3
MAX_AMOUNT = Decimal("999999999999.99")
MAX_USERS = 1_000_000

INITIAL_BENCHMARK = (Decimal("0.55"), Decimal("0.65"))
ONGOING_BENCHMARK = (Decimal("0.35"), Decimal("0.45"))
MAINTENANCE_BENCHMARK = (Decimal("0.15"), Decimal("0.25"))
RUN_BENCHMARK = (Decimal("0.15"), Decimal("0.20"))
ADVANTAGE_BENCHMARK = (Decimal("0.25"), Decimal("0.40"))

BELOW = "below"
WITHIN = "within"
ABOVE = "above"
POSITIONS = (BELOW, WITHIN, ABOVE)

_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")


class TCOError(ValueError):
    """Input that is no TCO plan. ``name`` is the input (``costs[3].amount``, ``users``...),
    ``kind`` one of: not_number, negative, too_large, year, category, kind, duplicate,
    users, split."""

    def __init__(self, kind: str, name: str):
        super().__init__(f"{kind}: {name}")
        self.kind = kind
        self.name = name


@dataclass(frozen=True)
class CostItem:
    """One amount of a plan: what (category), when (year 1–5), one-off or running (kind)."""

    category: str
    year: int
    kind: str
    amount: Decimal


@dataclass(frozen=True)
class TCOResult:
    # Per category (in the order of CATEGORIES): the amount of each year, initial and ongoing.
    by_category: dict[str, list[Decimal]]
    category_totals: dict[str, Decimal]
    initial_by_year: list[Decimal]
    ongoing_by_year: list[Decimal]
    year_totals: list[Decimal]
    initial_total: Decimal
    ongoing_total: Decimal
    total: Decimal
    # Ratios (0.6 is 60 %); None when there is nothing to divide by.
    initial_share: Decimal | None
    ongoing_share: Decimal | None
    initial_position: str | None
    ongoing_position: str | None
    cost_per_user_year: Decimal
    maintenance_rates: list[Decimal | None]
    maintenance_positions: list[str | None]
    late_budget: Decimal
    keep_running: Decimal
    competitive_advantage: Decimal
    run_share: Decimal | None
    advantage_share: Decimal | None
    run_position: str | None
    advantage_position: str | None
    users: int = field(default=1)


def position(value: Decimal | None, bounds: tuple[Decimal, Decimal]) -> str | None:
    """Where ``value`` falls against a benchmark range: below, within (bounds included), above."""
    if value is None:
        return None
    low, high = bounds
    if value < low:
        return BELOW
    if value > high:
        return ABOVE
    return WITHIN


def money(value: object, name: str) -> Decimal:
    """``value`` as an amount of money (Decimal, two places), or :class:`TCOError` naming it:
    not a number, negative or beyond what an amount field stores."""
    if isinstance(value, bool) or value is None:
        raise TCOError("not_number", name)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise TCOError("not_number", name) from None
    if not number.is_finite():
        raise TCOError("not_number", name)
    if number < 0:
        raise TCOError("negative", name)
    if number > MAX_AMOUNT:
        raise TCOError("too_large", name)
    return number.quantize(_CENT, rounding=ROUND_HALF_UP)


def check_item(item: CostItem, index: int) -> CostItem:
    """``item`` checked (category, year, kind, amount), its amount to the cent."""
    where = f"costs[{index}]"
    if item.category not in CATEGORIES:
        raise TCOError("category", f"{where}.category")
    if isinstance(item.year, bool) or not isinstance(item.year, int):
        raise TCOError("year", f"{where}.year")
    if not 1 <= item.year <= YEARS:
        raise TCOError("year", f"{where}.year")
    if item.kind not in KINDS:
        raise TCOError("kind", f"{where}.kind")
    return CostItem(item.category, item.year, item.kind, money(item.amount, f"{where}.amount"))


def check_items(items: Iterable[CostItem]) -> list[CostItem]:
    """Every item checked; the same category, year and kind twice is refused (``duplicate``)."""
    checked: list[CostItem] = []
    seen: set[tuple[str, int, str]] = set()
    for index, item in enumerate(items):
        good = check_item(item, index)
        key = (good.category, good.year, good.kind)
        if key in seen:
            raise TCOError("duplicate", f"costs[{index}]")
        seen.add(key)
        checked.append(good)
    return checked


def check_users(users: object) -> int:
    if isinstance(users, bool) or not isinstance(users, int) or not 1 <= users <= MAX_USERS:
        raise TCOError("users", "users")
    return users


def cost_per_user_year(total: Decimal, users: int) -> Decimal:
    """``total`` ÷ (``users`` × the plan's years), to the cent."""
    return (total / (users * YEARS)).quantize(_CENT, rounding=ROUND_HALF_UP)


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return part / whole if whole else None


def tco(
    items: Iterable[CostItem],
    *,
    users: int,
    keep_running: Decimal | int | str = _ZERO,
    competitive_advantage: Decimal | int | str = _ZERO,
) -> TCOResult:
    """The five-year TCO of the plan's ``items`` for ``users`` users (see the module)."""
    checked = check_items(items)
    users = check_users(users)
    run = money(keep_running, "keep_running")
    advantage = money(competitive_advantage, "competitive_advantage")

    by_category = {category: [_ZERO] * YEARS for category in CATEGORIES}
    initial_by_year = [_ZERO] * YEARS
    ongoing_by_year = [_ZERO] * YEARS
    for item in checked:
        slot = item.year - 1
        by_category[item.category][slot] += item.amount
        if item.kind == INITIAL:
            initial_by_year[slot] += item.amount
        else:
            ongoing_by_year[slot] += item.amount
    year_totals = [a + b for a, b in zip(initial_by_year, ongoing_by_year, strict=True)]
    initial_total, ongoing_total = sum(initial_by_year, _ZERO), sum(ongoing_by_year, _ZERO)
    total = initial_total + ongoing_total

    maintenance_rates: list[Decimal | None] = []
    licences = _ZERO
    for slot in range(YEARS):
        licences += by_category[LICENCE][slot]
        maintenance_rates.append(_share(by_category[MAINTENANCE][slot], licences))

    late_budget = sum(year_totals[LATE_FROM_YEAR - 1 :], _ZERO)
    if run + advantage > late_budget:
        # Cannot spend more of the years 3–5 budget than there is.
        # Named: the amount that alone exceeds the budget, else the second of the two.
        raise TCOError("split", "keep_running" if run > late_budget else "competitive_advantage")
    initial_share, ongoing_share = _share(initial_total, total), _share(ongoing_total, total)
    run_share, advantage_share = _share(run, late_budget), _share(advantage, late_budget)
    return TCOResult(
        by_category=by_category,
        category_totals={category: sum(by_category[category], _ZERO) for category in CATEGORIES},
        initial_by_year=initial_by_year,
        ongoing_by_year=ongoing_by_year,
        year_totals=year_totals,
        initial_total=initial_total,
        ongoing_total=ongoing_total,
        total=total,
        initial_share=initial_share,
        ongoing_share=ongoing_share,
        initial_position=position(initial_share, INITIAL_BENCHMARK),
        ongoing_position=position(ongoing_share, ONGOING_BENCHMARK),
        cost_per_user_year=cost_per_user_year(total, users),
        maintenance_rates=maintenance_rates,
        maintenance_positions=[position(rate, MAINTENANCE_BENCHMARK) for rate in maintenance_rates],
        late_budget=late_budget,
        keep_running=run,
        competitive_advantage=advantage,
        run_share=run_share,
        advantage_share=advantage_share,
        run_position=position(run_share, RUN_BENCHMARK),
        advantage_position=position(advantage_share, ADVANTAGE_BENCHMARK),
        users=users,
    )
