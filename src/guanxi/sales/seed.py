"""The sales app's seeders, found by ``guanxi.core.seeding`` (autodiscovered ``seed`` modules)."""

import guanxi.sales.seed_pipeline  # noqa: F401  (pipeline 销售漏斗)
from guanxi.sales import seed_opportunities  # noqa: F401
