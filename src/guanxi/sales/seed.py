"""The sales app's seeders, found by ``guanxi.core.seeding`` (autodiscovered ``seed`` modules)."""

from guanxi.sales import seed_opportunities  # noqa: F401
