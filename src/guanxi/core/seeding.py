"""What every seeder of demo and benchmark data shares: the context with its random source and
realistic zh_CN values, and the registry of each app's seeders.

Each app registers its seeders in its ``seed`` package (``customers/seed/customers.py``...); the
seed run itself (the accounts app's ``seed/organisation.py``, which writes the organisation the
data belongs to) calls them in order. The same N and seed
always give the same names, phones and owners. Rows go in through ``guanxi.core.bulk``.
"""

import importlib
import pkgutil
import random
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from guanxi.core.bulk import BATCH_SIZE, BatchWriter


def words_of(text: str) -> list[str]:
    return text.split()


class words:
    """Word lists the generated names are composed from (written for Guanxi, not a corpus)."""

    FAMILY = list(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
        "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶"
        "黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    ) + ["欧阳", "司马", "上官", "诸葛"]
    GIVEN = list(
        "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉萍晨辉鹏宇浩然欣怡子涵"
        "梓轩博文俊思远雨婷嘉琪晓东海波丹凤雪梅立新春林斌宁亮慧颖佳琳瑶晶鑫宏飞龙云"
    )
    CITY = words_of(
        "北京 上海 广州 深圳 杭州 南京 苏州 成都 重庆 武汉 西安 天津 长沙 郑州 青岛 宁波 厦门 "
        "福州 合肥 济南 沈阳 大连 昆明 南宁 无锡 佛山 东莞 石家庄 太原 哈尔滨 长春 南昌 贵阳 "
        "兰州 温州 珠海 烟台 常州 徐州 绍兴"
    )
    BRAND = list(
        "华盛鑫达恒通宏远泰祥瑞德兴隆安康美嘉永丰正元金源海天富利信诚创新力博宇星辰晨光启明卓越"
        "飞腾汇众和中"
    )
    TRADE = words_of(
        "科技 贸易 机械 电子 信息技术 实业 物流 建材 食品 医药 化工 纺织 汽车配件 网络 能源 "
        "环保 文化传媒 教育咨询 餐饮管理 软件"
    )
    FORM = words_of("有限公司 有限公司 有限公司 股份有限公司 集团有限公司 有限责任公司")
    MAIL_DOMAINS = words_of("163.com 126.com qq.com sina.com foxmail.com aliyun.com")


@dataclass
class SeedContext:
    """What every seeder shares: the random source, owners, dictionaries, the batch size."""

    rng: random.Random
    owners: Sequence[AbstractUser]
    dictionaries: dict[str, list[int]]
    now: datetime
    batch_size: int = BATCH_SIZE
    counts: dict[str, int] = field(default_factory=dict)
    writer: BatchWriter = field(default_factory=lambda: BatchWriter(threaded=False))
    end_steps: list[Callable[[], None]] = field(default_factory=list)

    def at_end(self, step: Callable[[], None]) -> None:
        """Run ``step`` once every seeder ran and every row is written (even after a failure).

        For work that later seeders' writes would otherwise pay for again, such as rebuilding
        an index the customers seeder dropped while the orders seeder still updates customers.
        """
        self.end_steps.append(step)

    def batch_transaction(self) -> AbstractContextManager:
        """Wrap reserving ids and submitting one batch (SQLite's MAX(id) needs the write lock)."""
        return nullcontext() if self.writer.threaded else transaction.atomic()

    # -- realistic zh_CN values -------------------------------------------------------------
    def person_name(self) -> str:
        rng = self.rng
        given = rng.choice(words.GIVEN)
        if rng.random() < 0.7:
            given += rng.choice(words.GIVEN)
        return rng.choice(words.FAMILY) + given

    def company_name(self) -> str:
        rng = self.rng
        brand = rng.choice(words.BRAND) + rng.choice(words.BRAND)
        return f"{rng.choice(words.CITY)}{brand}{rng.choice(words.TRADE)}{rng.choice(words.FORM)}"

    def mobile(self) -> str:
        """A valid mainland mobile number as stored (E.164, see core.phones)."""
        return f"+861{self.rng.choice(_MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"

    def landline(self) -> str:
        """A valid landline with its area code, as stored (E.164)."""
        area, digits = self.rng.choice(_AREA_CODES)
        first = self.rng.choice("3456")
        return f"+86{area}{first}{self.rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"

    def email(self, domain_seed: str) -> str:
        return f"{domain_seed}{self.rng.randrange(10**6)}@{self.rng.choice(words.MAIL_DOMAINS)}"

    def dictionary(self, kind: str) -> int | None:
        ids = self.dictionaries.get(kind)
        return self.rng.choice(ids) if ids else None

    def add(self, name: str, rows: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + rows


# Second and third digits of mainland mobile numbers that libphonenumber knows as valid.
_MOBILE_PREFIXES = [
    "30",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "38",
    "39",
    "50",
    "51",
    "52",
    "53",
    "55",
    "56",
    "57",
    "58",
    "59",
    "66",
    "77",
    "80",
    "81",
    "82",
    "83",
    "84",
    "85",
    "86",
    "87",
    "88",
    "89",
    "98",
    "99",
]
# Area codes (without the trunk 0) and the length of the local number after them.
_AREA_CODES = (("10", 8), ("21", 8), ("20", 8), ("755", 8), ("571", 8), ("25", 8), ("28", 8))

Seeder = Callable[[SeedContext, int], None]
_SEEDERS: dict[str, tuple[int, Seeder]] = {}


def register_seeder(name: str, *, order: int = 100):
    """Register ``fn(ctx, customers)``; seeders run by ``order`` (customers first, at 10)."""

    def decorate(fn: Seeder) -> Seeder:
        _SEEDERS[name] = (order, fn)
        return fn

    return decorate


def registered_seeders() -> list[tuple[str, Seeder]]:
    for app in apps.get_app_configs():
        try:
            package = importlib.import_module(f"{app.name}.seed")
        except ModuleNotFoundError as missing:
            if missing.name != f"{app.name}.seed":
                raise
            continue
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    return [(name, fn) for name, (_order, fn) in sorted(_SEEDERS.items(), key=lambda i: i[1][0])]


@dataclass
class SeedReport:
    counts: dict[str, int]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0
