"""Imports of the customers app, on the import framework of ``guanxi.core.imports``.

``customers`` is the customer importer: its columns and field rules (``customer_columns``),
the duplicate check against the file and the live customers (``customer_duplicates``) and the
bulk write of a batch of new customers (``commit``). ``contacts`` and ``interactions`` import
the people and the history of those customers; ``related`` finds the customer a row names.
"""
