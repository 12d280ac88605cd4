"""The 台账 import: stage (validate every row) → confirm → commit (a background job, atomic) → summary."""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.scoping import scope_prefixes
from zhenxing.audit import services as audit
from zhenxing.common.bulk import allocate_ids, as_json, insert_rows
from zhenxing.common.errors import ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.transfer import transitions
from zhenxing.transfer.apply import apply_import
from zhenxing.transfer.layout import MEMBER_SHEET
from zhenxing.transfer.models import ImportBatch, ImportStatus, StagedRow
from zhenxing.transfer.reading import WorkbookError, check_file, read_sheets
from zhenxing.transfer.validation import validate

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

logger = logging.getLogger(__name__)
PROGRESS_KEY = "import-progress-{}"
MAX_LISTED_PROBLEMS = 5000


def progress_of(batch_id: int) -> dict[str, Any] | None:
    value: dict[str, Any] | None = cache.get(PROGRESS_KEY.format(batch_id))
    return value


def _jsonable(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in cleaned.items()
    }


def import_stage(*, actor: User, file_name: str, data: bytes) -> ImportBatch:
    """Validate every row of an uploaded workbook and keep the valid rows staged (no plaintext ID)."""
    if not has_capability(actor, Capability.IMPORT_REGISTRY) or actor.jurisdiction is None:
        raise PermissionDenied("您的角色不能导入台账")
    try:
        check_file(data, max_bytes=settings.ZHENXING_IMPORT_MAX_BYTES)
        sheets = read_sheets(data)
    except WorkbookError as error:
        raise InvalidInput([ErrorDetail(("file",), "bad_file", str(error))]) from error
    prefixes = scope_prefixes(actor)
    villages = {
        code
        for code in Division.objects.filter(level=DivisionLevel.VILLAGE).values_list("code", flat=True)
        if any(code.startswith(prefix) for prefix in prefixes)
    }
    result = validate(sheets, today=timezone.localdate(), allowed_village_codes=villages)
    status = ImportStatus.INVALID if result.errors else ImportStatus.VALIDATED
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            created_by=actor,
            scope_division=actor.jurisdiction,
            file_name=file_name[:200],
            file_sha256=hashlib.sha256(data).hexdigest(),
            status=status,
            member_rows=sum(len(s.rows) for s in sheets if s.name == MEMBER_SHEET),
            year_rows=sum(len(s.rows) for s in sheets if s.name != MEMBER_SHEET),
            errors=[p.as_dict() for p in result.errors[:MAX_LISTED_PROBLEMS]],
            warnings=[p.as_dict() for p in result.warnings[:MAX_LISTED_PROBLEMS]],
            summary={"error_count": len(result.errors), "warning_count": len(result.warnings)},
        )
        if status == ImportStatus.VALIDATED:
            staged = [("member", row, as_json(_jsonable(c))) for row, c in result.members]
            staged += [("year", row, as_json(c)) for row, c in result.years]
            ids = allocate_ids("transfer_stagedrow", len(staged))
            insert_rows(
                "transfer_stagedrow",
                ("id", "batch_id", "sheet", "row_number", "payload"),
                [(pk, batch.pk, *row) for pk, row in zip(ids, staged, strict=True)],
            )
        audit.record(
            actor=actor,
            action="import.stage",
            target=batch,
            division=actor.jurisdiction,
            new={
                "file": batch.file_name,
                "status": status,
                "rows": batch.member_rows,
                "errors": len(result.errors),
            },
        )
    return batch


def import_confirm(*, actor: User, batch: ImportBatch) -> ImportBatch:
    from zhenxing.transfer.tasks import import_commit_task

    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.created_by_id != actor.pk:
            raise PermissionDenied("只有上传人可以确认导入")
        old = transitions.move(locked, ImportStatus.QUEUED)
        locked.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="import.confirm",
            target=locked,
            division=locked.scope_division,
            old={"status": old},
            new={"status": locked.status},
        )
        # The job takes the id only; it starts once this transaction has committed.
        transaction.on_commit(lambda: import_commit_task.enqueue(locked.pk))
    return locked


def import_commit(*, batch_id: int) -> ImportBatch:
    """The job: all rows in one transaction, or none (a failure or a killed worker leaves the data as it was)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("created_by").get(pk=batch_id)
        transitions.move(batch, ImportStatus.RUNNING)
        batch.save(update_fields=["status"])
    key = PROGRESS_KEY.format(batch_id)

    def progress(stage: str, done: int, total: int) -> None:
        cache.set(key, {"stage": stage, "done": done, "total": max(total, 1)}, timeout=24 * 3600)

    progress("准备", 0, batch.member_rows + batch.year_rows)
    try:
        with transaction.atomic():
            rows = list(
                StagedRow.objects.filter(batch=batch)
                .order_by("sheet", "row_number")
                .values_list("sheet", "payload")
            )
            members = [payload for sheet, payload in rows if sheet == "member"]
            years = [payload for sheet, payload in rows if sheet == "year"]
            for member in members:
                member["birth_date"] = _date(member["birth_date"])
            summary = apply_import(
                members=members,
                years=years,
                actor_id=batch.created_by_id,
                actor_label=batch.created_by.get_username(),
                progress=progress,
            )
            locked = ImportBatch.objects.select_for_update().get(pk=batch_id)
            old = transitions.move(locked, ImportStatus.DONE)
            locked.summary = {**locked.summary, **summary.as_dict()}
            locked.finished_at = timezone.now()
            locked.save(update_fields=["status", "summary", "finished_at"])
            audit.record(
                actor=batch.created_by, action="import.commit", target=locked, division=locked.scope_division,
                old={"status": old}, new={"status": locked.status, **summary.as_dict()},
            )  # fmt: skip
            StagedRow.objects.filter(batch=batch).delete()
        return locked
    except Exception as error:
        logger.exception(
            "import %s failed", batch_id
        )  # the traceback names no personal data: rows are not logged
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch_id)
            old = transitions.move(locked, ImportStatus.FAILED)
            locked.failure = f"导入失败，数据未改动：{type(error).__name__}"
            locked.finished_at = timezone.now()
            locked.save(update_fields=["status", "failure", "finished_at"])
            audit.record(
                actor=batch.created_by,
                action="import.fail",
                target=locked,
                division=locked.scope_division,
                old={"status": old},
                new={"status": locked.status},
            )
            StagedRow.objects.filter(batch=batch).delete()
        return locked


def _date(value: str) -> Any:
    import datetime

    return datetime.date.fromisoformat(value)
