"""The import itself: checks against the database, then every row through intake in one transaction."""

import hashlib
import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.urls import reverse

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_deferred, audit_record
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.core.memo import memo_batch
from zhifa.dispatch.choices import Channel
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.hotline.columns import (
    ID_CHUNK,
    MAX_ERRORS_KEPT,
    RETRYABLE_SQLSTATES,
    ImportRejected,
    ImportReport,
    ParsedFile,
)
from zhifa.dispatch.hotline.parse import (
    _RowErrors,
    parse_hotline_file,
)
from zhifa.dispatch.models import Event
from zhifa.jobs.models import Job
from zhifa.jobs.services import job_submit
from zhifa.org.scope import scope_for

PROGRESS_EVERY = 10


def _subdistrict_lookup() -> dict[str, str]:
    from zhifa.org.choices import RegionLevel
    from zhifa.org.models import Region

    table = {}
    for code, name in Region.objects.filter(level=RegionLevel.SUBDISTRICT).values_list("code", "name"):
        table[code] = code
        table[name] = code
        # 12345 often writes "九堡" for "九堡街道".
        if name.endswith("街道"):
            table.setdefault(name.removesuffix("街道"), code)
    return table


def _database_errors(parsed: ParsedFile) -> tuple[list[dict], dict[int, str]]:
    """Order numbers already imported and unknown subdistricts; returns errors and row → subdistrict code."""
    errors = _RowErrors(parsed.header)
    numbers = [r.external_no for r in parsed.rows]
    known: dict[str, str] = {}
    for start in range(0, len(numbers), ID_CHUNK):
        known.update(
            Event.objects.filter(
                channel=Channel.HOTLINE, external_no__in=numbers[start : start + ID_CHUNK]
            ).values_list("external_no", "receipt_no")
        )
    lookup = _subdistrict_lookup()
    codes = {}
    for row in parsed.rows:
        if row.external_no in known:
            errors.add(
                row.row,
                "external_no",
                f"工单编号“{row.external_no}”已导入过（受理编号 {known[row.external_no]}），不能重复导入",
            )
        if row.subdistrict:
            code = lookup.get(row.subdistrict) or lookup.get(unicodedata.normalize("NFKC", row.subdistrict))
            if code is None:
                errors.add(row.row, "subdistrict", f"所属街道“{row.subdistrict}”不是本区的街道")
            else:
                codes[row.row] = code
    return errors.rows, codes


def require_hotline_importer(by) -> None:
    """Only the district command centre (and admins) import 12345 orders; checked before a file is read."""
    if by is None or not getattr(by, "is_authenticated", False):
        raise PermissionError_("请先登录")
    if not (by.is_superuser or by.role in (Role.ADMIN, Role.DISTRICT_COMMAND)):
        raise PermissionError_("只有区协调指挥中心可以导入 12345 工单")
    if not scope_for(by).can_write:
        raise PermissionError_("您的角色为只读，不能导入工单")


def _reject(errors: list[dict], parsed: ParsedFile) -> ImportRejected:
    positions = {written: pos for pos, written in parsed.header.values()}
    errors.sort(key=lambda e: (e["row"], positions.get(e["column"], len(positions))))
    rows = len({e["row"] for e in errors})
    kept = [{"field": f"第{e['row']}行·{e['column']}", **e} for e in errors[:MAX_ERRORS_KEPT]]
    return ImportRejected(
        f"导入失败：{rows} 行共 {len(errors)} 处错误，未导入任何工单。请改正后重新上传整个文件",
        kept,
        total=len(errors),
        ignored_columns=parsed.ignored_columns,
    )


def hotline_import_start(*, data: bytes, filename: str, by) -> ImportReport | Job:
    """The page's and the API's import: the file is checked at once (any row error is reported now); up to
    ZHIFA_IMPORT_BACKGROUND_ROWS rows are imported at once, a bigger file by a background job whose progress the
    page shows (the returned Job)."""
    require_hotline_importer(by)
    parsed = parse_hotline_file(data=data, filename=filename)
    db_errors, _ = _database_errors(parsed)
    if parsed.errors or db_errors:
        raise _reject(parsed.errors + db_errors, parsed)
    if len(parsed.rows) <= settings.ZHIFA_IMPORT_BACKGROUND_ROWS:
        return hotline_import(data=data, filename=filename, by=by)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        job = job_submit(
            kind=HOTLINE_JOB, by=by, params={"filename": filename, "rows": len(parsed.rows)}, payload=data
        )
        audit_record(
            actor=by,
            action="dispatch.hotline_import_submit",
            obj=job,
            object_repr=f"12345 工单导入（后台）：{filename}"[:200],
            after={"filename": filename, "sha256": digest, "rows": len(parsed.rows), "job": str(job.pk)},
        )
    return job


HOTLINE_JOB = "dispatch.hotline_import"


def hotline_import_job(job: Job, progress: Callable[[int, int], None]) -> dict:
    """The background job's body: the same all-or-nothing import, run by the person who submitted it."""
    report = hotline_import(
        data=bytes(job.payload), filename=job.params.get("filename", ""), by=job.created_by, progress=progress
    )
    summary = f"已导入 {report.count} 张 12345 工单：自动派发 {report.dispatched} 张"
    if report.awaiting:
        summary += f"，{report.awaiting} 张未能确定承办单位，待指挥中心人工派发"
    return {
        "summary": summary + "。",
        "count": report.count,
        "dispatched": report.dispatched,
        "awaiting_dispatch": report.awaiting,
        "first_receipt_no": report.events[0].receipt_no,
        "last_receipt_no": report.events[-1].receipt_no,
        "links": [
            {
                "href": f"{reverse('dispatch:board')}?channel=12345&status=all",
                "text": "在指挥调度中查看 12345 工单",
            }
        ],
    }


def hotline_import(
    *, data: bytes, filename: str, by, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Import a 12345 export: every row becomes an event through the intake, or, on any row error, none.

    `progress(done, total)` is told after every PROGRESS_EVERY rows (a background job shows it on the page)."""
    require_hotline_importer(by)
    parsed = parse_hotline_file(data=data, filename=filename)
    db_errors, subdistricts = _database_errors(parsed)
    errors = parsed.errors + db_errors
    if errors:
        raise _reject(errors, parsed)

    report = ImportReport(
        filename=filename,
        ignored_columns=parsed.ignored_columns,
        sheet=parsed.sheet,
        header_row=parsed.header_row,
    )
    digest = hashlib.sha256(data).hexdigest()
    current = None
    try:
        # The audit records are chained at the end (audit_deferred): other writers wait for the chain's head
        # only while this import's records are written, not for the whole import.
        with transaction.atomic(), memo_batch(), audit_deferred():
            total = len(parsed.rows)
            for done, row in enumerate(parsed.rows):
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done, total)
                current = row
                report.events.append(
                    event_intake(
                        channel=Channel.HOTLINE,
                        description=row.description,
                        title=row.title,
                        reporter_name=row.reporter_name,
                        reporter_phone=row.reporter_phone,
                        address=row.address,
                        subdistrict=subdistricts.get(row.row, ""),
                        lng=row.lng,
                        lat=row.lat,
                        priority=row.priority,
                        external_no=row.external_no,
                        by=by,
                        now=row.received_at,
                    )
                )
            audit_record(
                actor=by,
                action="dispatch.hotline_import",
                object_type="dispatch.hotline_import",
                object_id=digest[:16],
                object_repr=f"12345 工单导入：{filename}"[:200],
                after={
                    "filename": filename,
                    "sha256": digest,
                    "rows": parsed.data_rows,
                    "created": report.count,
                    "dispatched": report.dispatched,
                    "awaiting_dispatch": report.awaiting,
                    "ignored_columns": parsed.ignored_columns,
                    "first_receipt_no": report.events[0].receipt_no,
                    "last_receipt_no": report.events[-1].receipt_no,
                },
            )
    except IntegrityError:
        # Another import took one of these order numbers between our check and our insert.
        raise Conflict("导入期间有相同工单编号的工单被其他人导入，本次未导入任何工单，请重新上传") from None
    except OperationalError as exc:
        # Two imports sharing order numbers in a different order can deadlock (PostgreSQL picks one to fail).
        if getattr(exc.__cause__, "sqlstate", None) not in RETRYABLE_SQLSTATES:
            raise
        raise Conflict("导入时与其他人同时导入的工单冲突，本次未导入任何工单，请重新上传") from None
    except Conflict as exc:
        raise Conflict(f"第 {current.row} 行：{exc.message}；本次未导入任何工单") from None
    except ServiceError as exc:
        message = f"第 {current.row} 行受理失败：{exc.message}；本次未导入任何工单"
        raise ServiceError(
            message, [{"field": f"第{current.row}行", "row": current.row, "message": message}]
        ) from None
    return report


# --- the template ------------------------------------------------------------------------------------------
