"""Records that risk factors read but that higher apps own. Risk sits below inspections (an inspection result
changes a colour), so inspections registers its reader here when Django starts instead of risk importing it."""

from collections.abc import Callable, Iterable
from datetime import date

# subject ids -> {subject id: date of its last finished inspection}
LastInspections = Callable[[Iterable[int]], dict[int, date]]

_last_inspections: LastInspections | None = None


def register_last_inspections(reader: LastInspections) -> None:
    global _last_inspections
    _last_inspections = reader


def last_inspections(ids: Iterable[int]) -> dict[int, date]:
    """The last finished inspection of each subject that has one. Refuses to guess when nobody registered a
    reader: every subject would look never inspected and score high."""
    if _last_inspections is None:
        raise RuntimeError("no reader of inspection dates registered (is zhifa.inspections installed?)")
    return _last_inspections(ids)
