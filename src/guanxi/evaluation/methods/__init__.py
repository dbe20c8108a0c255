"""The evaluation methods as plain functions on numbers: AHP weights and consistency, Delphi
rounds' agreement, fuzzy comprehensive evaluation, the five-year TCO and the ROI (NPV, payback,
sensitivity) in Decimal money. No database, no Django: pages, API and
services call them; their tests feed them published and hand-computed examples."""
