"""What the worker can run, registered by the apps above in their AppConfig.ready() (jobs sits just above core
and imports none of them): job kinds started from a page, and periodic jobs for Celery beat."""

from collections.abc import Callable
from dataclasses import dataclass

# run(job, progress) -> result (JSON-able dict); progress(done, total). Raise ServiceError for a refusal the
# person must read; anything else is a fault (retried when the kind says it is safe).
JobRun = Callable[..., dict]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str  # what the page calls it (Chinese)
    run: JobRun
    retry_safe: bool  # all-or-nothing and idempotent: a worker fault may run it again


_kinds: dict[str, JobKind] = {}
_periodic: dict[str, Callable[[], object]] = {}


def register_job(name: str, *, label: str, run: JobRun, retry_safe: bool = True) -> None:
    _kinds[name] = JobKind(name, label, run, retry_safe)


def job_kind(name: str) -> JobKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r} is registered") from None


def register_periodic(name: str, run: Callable[[], object]) -> None:
    """A periodic job's body, called by beat's schedule under `name` (zhifa.jobs.worker.beat_schedule)."""
    _periodic[name] = run


def periodic(name: str) -> Callable[[], object] | None:
    return _periodic.get(name)
