"""The evaluation methods as plain functions on numbers: AHP weights and consistency, Delphi
rounds' agreement, fuzzy comprehensive evaluation. No database, no Django: pages, API and
services call them; their tests feed them published and hand-computed examples."""
