"""The sales seeders: the product catalogue and orders 订单 with lines for ``guanxi seed`` and
the bench; importing this module registers the others too — opportunities (seed_opportunities),
deals (seed_pipeline), leads (seed_leads), quotes, contracts, receivables and payments
(seed_contracts) and targets (seed_targets).

Runs after the customers seeder. The catalogue (about 300 products in 8 categories, two
warehouses with stock) is reference data like the bench organisation: made once, reused by
later runs and not counted. Orders follow the customers seeded by this run: owned customers get
on average 1.6 orders (so about 1.5 per customer with the pool's 5 % that get none), each with
on average 3.5 lines — 1,000,000 customers give about 1.5 million orders and 5.3 million lines;
some lines are the companion product of the line before (``COMPANION_SHARE``).
Each batch of customers also gets its ``last_order_at`` / ``last_won_at`` set in one bulk
update, as ``customer_order_recorded`` would have set them.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from guanxi.core.bulk import bulk_insert, reserve_ids
from guanxi.core.models import DictionaryEntry
from guanxi.core.seeding import SeedContext, register_seeder, words, words_of
from guanxi.core.services.records import code_reserve
from guanxi.customers.models import Customer
from guanxi.sales.models import InventoryItem, Order, OrderLine, Product, ProductCategory, Warehouse
from guanxi.sales.search import product_search_text
from guanxi.sales.seed.base import customer_batches
from guanxi.sales.services.orders import ORDER_CODE_PREFIX, line_amount

# rate λ of an exponential whose floor has mean m: e^λ = 1 + 1/m
ORDERS_RATE = 0.4855  # floor mean 1.6 orders per owned customer
EXTRA_LINES_RATE = 0.3365  # floor mean 2.5, plus the first line: 3.5 lines per order
MAX_ORDERS_PER_CUSTOMER = 60
MAX_LINES_PER_ORDER = 30
# A line after the first is, this often, the companion of the line before it (products pair
# up in catalogue order: 0 with 1, 2 with 3, …), so the association rules find real pairs.
COMPANION_SHARE = 0.25
RECENT_DAYS = 30
DISCOUNTS = [Decimal(0)] * 6 + [Decimal(5), Decimal(10), Decimal("12.5"), Decimal(20)]

# (category, product stems, price range in yuan, unit code)
CATALOGUE = [
    ("电子元件", "电阻 电容 电感 二极管 三极管 继电器 连接器 传感器", (1, 80), "piece"),
    ("机械配件", "轴承 齿轮 联轴器 链条 皮带轮 密封圈 弹簧 法兰", (20, 900), "piece"),
    ("办公设备", "打印机 复印机 投影仪 碎纸机 扫描仪 考勤机 装订机 电话机", (300, 9000), "unit"),
    ("五金工具", "扳手 螺丝刀 电钻 角磨机 卷尺 钳子 工具箱 锤子", (15, 1200), "set"),
    ("化工原料", "树脂 溶剂 涂料 胶黏剂 助剂 颜料 清洗剂 润滑油", (500, 20000), "ton"),
    ("包装材料", "纸箱 缠绕膜 气泡袋 封箱胶带 托盘 编织袋 泡沫板 标签纸", (2, 300), "box"),
    ("劳保用品", "手套 安全帽 防护眼镜 口罩 工作服 安全鞋 耳塞 反光背心", (5, 400), "item"),
    ("食品饮料", "矿泉水 茶叶 咖啡 饼干 坚果 果汁 牛奶 月饼", (10, 600), "box"),
]
MODELS_PER_STEM = 5
GRADES = ["A级", "B级", "优等品", "一等品", "合格品", "2026批", "2025批"]
WAREHOUSES = [("SH01", "上海仓"), ("BJ01", "北京仓")]
STREETS = words_of("人民 解放 建设 中山 长江 黄河 和平 东风 光明 新华")


def _catalogue(ctx: SeedContext) -> list[tuple[int, Decimal]]:
    """(id, price) of the active products, creating the catalogue on first use."""
    existing = list(
        Product.objects.filter(is_active=True).order_by("pk").values_list("pk", "price")
    )
    if existing:
        return existing
    rng = random.Random("guanxi-catalogue")  # noqa: S311  (the same catalogue every time)
    units = dict(DictionaryEntry.objects.filter(kind="unit").values_list("code", "pk"))
    with transaction.atomic():
        products = []
        for sort, (name, stems, (low, high), unit) in enumerate(CATALOGUE):
            category, _created = ProductCategory.objects.get_or_create(
                name=name, defaults={"sort_order": sort}
            )
            for stem in stems.split():
                prefix = "".join(rng.choice("ABCDEFGHJKMNPRSTXYZ") for _ in range(2))
                for number in range(MODELS_PER_STEM):
                    price = Decimal(rng.randrange(low * 100, high * 100)) / 100
                    model_no = f"{prefix}-{rng.randrange(100, 999)}{number}"
                    grade = rng.choice(GRADES)
                    products.append(
                        Product(
                            name=stem,
                            model_no=model_no,
                            grade=grade,
                            search_text=product_search_text(
                                name=stem, model_no=model_no, grade=grade
                            ),
                            unit_id=units.get(unit),
                            price=price,
                            category=category,
                            created_at=ctx.now,
                        )
                    )
        Product.objects.bulk_create(products)
        products = list(Product.objects.order_by("pk"))
        for code, name in WAREHOUSES:
            warehouse, _created = Warehouse.objects.get_or_create(
                code=code, defaults={"name": name}
            )
            InventoryItem.objects.bulk_create(
                InventoryItem(
                    warehouse=warehouse,
                    location=f"{rng.choice('ABCD')}-{rng.randint(1, 20):02d}-{index:03d}",
                    product=product,
                    quantity=Decimal(rng.randrange(0, 5000)),
                )
                for index, product in enumerate(products)
                if rng.random() < 0.7
            )
    return [(product.pk, product.price) for product in products]


def _status(rng: random.Random, when, now) -> str:
    if now - when > timedelta(days=RECENT_DAYS):
        return Order.Status.CANCELLED.value if rng.random() < 0.06 else Order.Status.COMPLETED.value
    return rng.choice(
        [Order.Status.DRAFT.value, Order.Status.CONFIRMED.value, Order.Status.SHIPPED.value]
    )


def _orders_for_batch(ctx: SeedContext, rng: random.Random, batch, catalogue):
    """Order rows with their lines (no ids or codes yet) and each customer's last order time."""
    orders: list[dict] = []
    last: dict[int, datetime] = {}
    now = ctx.now
    for customer_id, owner_id, created in batch:
        if owner_id is None:
            continue
        count = min(int(rng.expovariate(ORDERS_RATE)), MAX_ORDERS_PER_CUSTOMER)
        if not count:
            continue
        span = max(int((now - created).total_seconds()), 1)
        address = f"{rng.choice(words.CITY)}市{rng.choice(STREETS)}路{rng.randint(1, 999)}号"
        for _ in range(count):
            when = created + timedelta(seconds=rng.randrange(span))
            order_lines, total = [], Decimal("0.00")
            extra = min(int(rng.expovariate(EXTRA_LINES_RATE)), MAX_LINES_PER_ORDER - 1)
            index = 0
            for position in range(1, extra + 2):
                if position > 1 and rng.random() < COMPANION_SHARE:
                    index ^= 1  # the product's companion: bought together more than by chance
                else:
                    index = rng.randrange(len(catalogue))
                product_id, price = catalogue[index]
                quantity = Decimal(rng.randint(1, 50))
                discount = rng.choice(DISCOUNTS)
                amount = line_amount(quantity=quantity, unit_price=price, discount=discount)
                total += amount
                order_lines.append(
                    {
                        "position": position,
                        "product_id": product_id,
                        "quantity": quantity,
                        "unit_price": price,
                        "discount": discount,
                        "amount": amount,
                    }
                )
            orders.append(
                {
                    "customer_id": customer_id,
                    "owner_id": owner_id,
                    "order_date": timezone.localdate(when),
                    "status": _status(rng, when, now),
                    "delivery_address": address,
                    "total": total,
                    "line_count": len(order_lines),
                    "item_quantity": sum(line["quantity"] for line in order_lines),
                    "created_by_id": owner_id,
                    "updated_by_id": owner_id,
                    "created_at": when,
                    "updated_at": when,
                    "_lines": order_lines,
                }
            )
            if customer_id not in last or when > last[customer_id]:
                last[customer_id] = when
    return orders, last


def _assign_ids_and_codes(orders: list[dict]) -> list[dict]:
    """Ids for the orders and lines, codes from the DD sequence of each order's year."""
    by_year: dict[int, list[dict]] = {}
    for order in orders:
        by_year.setdefault(order["order_date"].year, []).append(order)
    for year, rows in sorted(by_year.items()):
        first = code_reserve(prefix=ORDER_CODE_PREFIX, year=year, count=len(rows))
        for offset, row in enumerate(rows):
            row["code"] = f"{ORDER_CODE_PREFIX}{year}{first + offset:04d}"
    lines = []
    for order, pk in zip(orders, reserve_ids(Order, len(orders)), strict=True):
        order["id"] = pk
        for line in order.pop("_lines"):
            line["order_id"] = pk
            lines.append(line)
    for line, pk in zip(lines, reserve_ids(OrderLine, len(lines)), strict=True):
        line["id"] = pk
    return lines


@register_seeder("orders", order=40)
def seed_orders(ctx: SeedContext, customers: int) -> None:
    if not customers:
        return
    catalogue = _catalogue(ctx)
    if not catalogue:
        return
    # A generator of its own, so the customers' data stays what it was before orders existed.
    rng = random.Random(repr(ctx.rng.getstate()[1][16:32]))  # noqa: S311  (sample data)
    for batch in customer_batches(ctx, customers, "owner_id", "created_at"):
        orders, last = _orders_for_batch(ctx, rng, batch, catalogue)
        if not orders:
            continue
        with ctx.batch_transaction():
            lines = _assign_ids_and_codes(orders)
            ctx.writer.submit(partial(_write, orders, lines, sorted(last.items())))
        ctx.add("orders", len(orders))
        ctx.add("order_lines", len(lines))


def _set_last_orders(pairs: list[tuple[int, datetime]]) -> None:
    """``last_order_at`` and ``last_won_at`` of many customers in one statement.

    ``pairs`` are (customer id, time) sorted by id; on PostgreSQL the id range is given too, so
    the planner walks the primary key over the batch instead of scanning the table.
    """
    table = connection.ops.quote_name(Customer._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids = [pk for pk, _when in pairs]
            cursor.execute(
                f"UPDATE {table} AS c SET last_order_at = v.t, last_won_at = v.t "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, t) "
                "WHERE c.id = v.id AND c.id BETWEEN %s AND %s",
                [ids, [when for _pk, when in pairs], ids[0], ids[-1]],
            )
            return
        adapt = connection.ops.adapt_datetimefield_value
        cursor.executemany(
            f"UPDATE {table} SET last_order_at = %s, last_won_at = %s WHERE id = %s",  # noqa: S608
            [(adapt(when), adapt(when), pk) for pk, when in pairs],
        )


def _write(orders: list[dict], lines: list[dict], last: list[tuple[int, datetime]]) -> None:
    with transaction.atomic():
        bulk_insert(Order, orders)
        bulk_insert(OrderLine, lines)
        _set_last_orders(last)
