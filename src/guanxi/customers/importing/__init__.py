"""Imports of the customers app.

The customer import from CSV and xlsx: read → map columns → validate (dry run) → commit.
``mapping`` names the columns, ``validate`` checks each row with the customer rules,
``commit`` writes the valid new rows in batches; the services in
``customers/services/imports.py`` drive them and keep the customer ImportJob's counters and
report. (The readers are shared by every import: ``guanxi.core.imports.readers``.)

The importers of contacts (``contacts``) and interactions (``interactions``) plug into the
import framework of ``guanxi.core.imports``; ``related`` finds the customer a row names.
"""
