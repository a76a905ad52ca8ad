"""12345 hotline work orders from an xlsx / csv export: every row is checked first (file, then database), and
only a file without a single error goes through the ordinary intake, all rows in one transaction or none."""

from zhifa.dispatch.importing.columns import (
    CLOCK_SKEW,
    COLUMN_BY_KEY,
    COLUMNS,
    COMPACT,
    DATE_TIME,
    EARLIEST,
    EXCEL_TEXT,
    HEADER_SCAN_ROWS,
    ID_CHUNK,
    MAX_BYTES,
    MAX_ERRORS_KEPT,
    MAX_ROWS,
    NORMAL_WORDS,
    REQUIRED,
    RETRYABLE_SQLSTATES,
    SCIENTIFIC,
    URGENT_WORDS,
    Column,
    HotlineRow,
    ImportRejected,
    ImportReport,
    ParsedFile,
)
from zhifa.dispatch.importing.parse import (
    check_upload_size,
    parse_hotline_file,
    parse_received_at,
)
from zhifa.dispatch.importing.service import (
    hotline_import,
    require_hotline_importer,
)
from zhifa.dispatch.importing.template import (
    EXAMPLE,
    FORMATS,
    hotline_template_xlsx,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "MAX_ERRORS_KEPT",
    "HEADER_SCAN_ROWS",
    "EARLIEST",
    "CLOCK_SKEW",
    "ID_CHUNK",
    "RETRYABLE_SQLSTATES",
    "Column",
    "COLUMNS",
    "COLUMN_BY_KEY",
    "REQUIRED",
    "URGENT_WORDS",
    "NORMAL_WORDS",
    "DATE_TIME",
    "COMPACT",
    "EXCEL_TEXT",
    "SCIENTIFIC",
    "HotlineRow",
    "ParsedFile",
    "ImportReport",
    "ImportRejected",
    "parse_received_at",
    "check_upload_size",
    "parse_hotline_file",
    "require_hotline_importer",
    "hotline_import",
    "EXAMPLE",
    "FORMATS",
    "hotline_template_xlsx",
]
