"""Customer import from CSV and xlsx: read → map columns → validate (dry run) → commit.

``mapping`` names the columns, ``readers`` streams rows, ``validate`` checks each row with the
customer rules, ``commit`` writes the valid new rows in batches. The services in
``customers/services/imports.py`` drive them and keep the ImportJob's counters and report.
"""
