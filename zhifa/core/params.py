"""Query-string values read leniently for list filters: what cannot be read is None (that filter is left off),
never an error page — and never a number too big for the database's integer columns."""

from datetime import date


def int_or_none(value) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def date_or_none(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
