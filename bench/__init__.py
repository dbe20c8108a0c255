"""Guanxi's benchmark harness: ``python -m bench run --customers N`` (see docs/benchmarks.md)."""
