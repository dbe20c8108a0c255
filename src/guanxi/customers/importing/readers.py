"""The readers moved to :mod:`guanxi.core.imports.readers`, shared by every import."""

from guanxi.core.imports.readers import (  # noqa: F401 (re-exported for existing callers)
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    Table,
    cell_text,
    detect_encoding,
    estimate_rows,
    is_xlsx,
    open_table,
)
