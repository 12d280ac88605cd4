"""The 台账 import: stage (validate every row) → confirm → commit (a background job, atomic) → summary.

A job that fails — by an error, or because its worker died (common/jobs.py) — leaves the registry as it was
and its staged rows are purged; the batch may be confirmed again while its file is kept (encrypted,
transfer/uploads.py): the file is read and validated again, staged again, and a new job commits it."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.scoping import scope_prefixes
from zhenxing.audit import services as audit
from zhenxing.common import jobs
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.workflow import transition
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.registry.layout import MEMBER_SHEET
from zhenxing.transfer import staging, transitions, uploads
from zhenxing.transfer.apply import apply_import
from zhenxing.transfer.models import ImportBatch, ImportStatus, ImportUpload, StagedRow
from zhenxing.transfer.reading import WorkbookError, check_file, read_sheets
from zhenxing.transfer.validation import Validated, validate

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

logger = logging.getLogger(__name__)
PROGRESS_KEY = "import-progress-{}"
MAX_LISTED_PROBLEMS = 5000
RECONFIRM_DAYS = 7  # a failed batch may be confirmed again this long; then its kept file is deleted
UNCONFIRMED_DAYS = 7  # a validated batch left unconfirmed this long is failed and its staged data purged
# test-only: a pause after each step of the job, so that a test can kill the worker mid-import (test_faults.py)
STEP_PAUSE_SECONDS = float(os.environ.get("ZHENXING_TEST_IMPORT_STEP_PAUSE") or 0)
LOST_REASONS = {
    jobs.DIED: "后台任务进程意外退出，导入未完成，台账未改动",
    jobs.INTERRUPTED: "后台任务被中断，导入未完成，台账未改动",
}


def progress_of(batch_id: int) -> dict[str, Any] | None:
    value: dict[str, Any] | None = cache.get(PROGRESS_KEY.format(batch_id))
    return value


def _read_and_validate(*, actor: User, data: bytes) -> tuple[int, int, Validated]:
    """Every row of the workbook checked against the actor's current scope: (member rows, year rows, result)."""
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
    members = sum(len(s.rows) for s in sheets if s.name == MEMBER_SHEET)
    return members, sum(len(s.rows) for s in sheets if s.name != MEMBER_SHEET), result


def _problems(batch: ImportBatch, result: Validated) -> None:
    batch.errors = [p.as_dict() for p in result.errors[:MAX_LISTED_PROBLEMS]]
    batch.warnings = [p.as_dict() for p in result.warnings[:MAX_LISTED_PROBLEMS]]
    batch.summary = {"error_count": len(result.errors), "warning_count": len(result.warnings)}


def _stage_rows(batch: ImportBatch, result: Validated) -> None:
    staging.stage_rows(batch, result.members, result.years)


staged_payloads = staging.staged_payloads


def import_stage(*, actor: User, file_name: str, data: bytes) -> ImportBatch:
    """Validate every row of an uploaded workbook and keep the valid rows staged (no plaintext ID), and the
    file encrypted until the batch is committed (so that a failed commit can be confirmed again)."""
    if not has_capability(actor, Capability.IMPORT_REGISTRY) or actor.jurisdiction is None:
        raise PermissionDenied("您的角色不能导入台账")
    member_rows, year_rows, result = _read_and_validate(actor=actor, data=data)
    status = ImportStatus.INVALID if result.errors else ImportStatus.VALIDATED
    with transaction.atomic():
        batch = ImportBatch(
            created_by=actor,
            scope_division=actor.jurisdiction,
            file_name=file_name[:200],
            file_sha256=hashlib.sha256(data).hexdigest(),
            status=status,
            member_rows=member_rows,
            year_rows=year_rows,
        )
        _problems(batch, result)
        batch.save()
        if status == ImportStatus.VALIDATED:
            _stage_rows(batch, result)
            ImportUpload.objects.create(batch=batch, cipher=uploads.seal(data, batch_id=batch.pk))
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
    """Confirm a validated batch (or, after a failed commit, confirm it again): its job is queued."""
    from zhenxing.transfer.tasks import import_commit_task

    # who may confirm is asked before the batch's state, which a stranger should not learn (403, not 409):
    # whoever uploaded the workbook saw its validation report, and only they confirm it
    if batch.created_by_id != actor.pk:
        raise PermissionDenied("只有上传人可以确认导入")
    if batch.status == ImportStatus.FAILED:
        return _import_reconfirm(actor=actor, batch=batch)
    with transaction.atomic():
        locked = transition(transitions.IMPORT, batch, to=ImportStatus.QUEUED, actor=actor)
        # The job takes the id only. Its row is written in this transaction: the batch is never left queued
        # without a job (a process dying right after the commit), and no worker sees the job before the commit.
        import_commit_task.enqueue(locked.pk)
    return locked


def _import_reconfirm(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """A failed batch confirmed again: the kept file is read and validated again (the registry and the
    uploader's scope may have changed since), staged again, and queued; or listed as invalid."""
    from zhenxing.transfer.tasks import import_commit_task

    upload = ImportUpload.objects.filter(batch_id=batch.pk).first()
    if batch.reconfirm_until is None or batch.reconfirm_until < timezone.now() or upload is None:
        raise Conflict("该批次的原文件已不再保留，请重新上传")
    try:
        data = uploads.unseal(upload.cipher, batch_id=batch.pk)
    except uploads.UploadUnreadable as error:
        raise Conflict(f"{error}，请重新上传") from error
    _, _, result = _read_and_validate(actor=actor, data=data)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        valid = not result.errors
        old = transitions.move(locked, ImportStatus.QUEUED if valid else ImportStatus.INVALID)
        if locked.reconfirm_until is None:
            raise Conflict("该批次的原文件已不再保留，请重新上传")
        previous_failure = locked.failure
        _problems(locked, result)
        locked.failure, locked.finished_at, locked.reconfirm_until = "", None, None
        locked.save(
            update_fields=[
                "status",
                "errors",
                "warnings",
                "summary",
                "failure",
                "finished_at",
                "reconfirm_until",
            ]
        )
        StagedRow.objects.filter(batch=locked).delete()
        if valid:
            _stage_rows(locked, result)
        else:
            ImportUpload.objects.filter(batch=locked).delete()
        audit.record(
            actor=actor,
            action="import.reconfirm",
            target=locked,
            division=locked.scope_division,
            old={"status": old, "failure": previous_failure},
            new={"status": locked.status, "errors": len(result.errors)},
        )
        if valid:
            import_commit_task.enqueue(locked.pk)
    return locked


def _fail(locked: ImportBatch, *, actor: User | None, failure: str) -> None:
    """Move the locked batch to failed: nothing of it was written; its staged rows go, its file stays a while."""
    old = transitions.move(locked, ImportStatus.FAILED)
    kept = ImportUpload.objects.filter(batch=locked).exists()
    locked.failure = f"{failure}；{'可重新确认导入' if kept else '请重新上传'}"
    locked.finished_at = timezone.now()
    locked.reconfirm_until = locked.finished_at + datetime.timedelta(days=RECONFIRM_DAYS) if kept else None
    locked.save(update_fields=["status", "failure", "finished_at", "reconfirm_until"])
    audit.record(
        actor=actor,
        action="import.fail",
        target=locked,
        division=locked.scope_division,
        old={"status": old},
        new={"status": locked.status},
        reason=locked.failure,
    )
    StagedRow.objects.filter(batch=locked).delete()
    key = PROGRESS_KEY.format(locked.pk)
    transaction.on_commit(lambda: cache.delete(key))


def import_commit(*, batch_id: int) -> ImportBatch:
    """The job: all rows in one transaction, or none (a failure or a killed worker leaves the data as it was)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("created_by").get(pk=batch_id)
        transitions.move(batch, ImportStatus.RUNNING)
        batch.save(update_fields=["status"])
    key = PROGRESS_KEY.format(batch_id)

    def progress(stage: str, done: int, total: int) -> None:
        cache.set(key, {"stage": stage, "done": done, "total": max(total, 1)}, timeout=24 * 3600)
        if STEP_PAUSE_SECONDS:
            time.sleep(STEP_PAUSE_SECONDS)

    progress("准备", 0, batch.member_rows + batch.year_rows)
    try:
        with transaction.atomic():
            members, years = staging.staged_records(batch)
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
            ImportUpload.objects.filter(batch=batch).delete()
        return locked
    except Exception as error:
        logger.exception(
            "import %s failed", batch_id
        )  # the traceback names no personal data: rows are not logged
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch_id)
            _fail(
                locked,
                actor=batch.created_by,
                failure=f"导入失败，数据未改动：{type(error).__name__}",
            )
        return locked


def import_fail_lost(*, batch_id: int, cause: str) -> None:
    """The job committing the batch was lost (its worker died, or it was interrupted): its one transaction
    was rolled back, so the registry is as it was. Fail the batch (it may be confirmed again). Idempotent."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if locked is None or locked.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return
        _fail(locked, actor=None, failure=LOST_REASONS[cause])


def import_expire(*, now: datetime.datetime | None = None) -> int:
    """Housekeeping (each job sweep): a batch left unconfirmed for UNCONFIRMED_DAYS is failed and its staged
    rows and file deleted; a failed batch's file is deleted once it may no longer be confirmed again."""
    moment = now or timezone.now()
    expired = 0
    unconfirmed = ImportBatch.objects.filter(
        status=ImportStatus.VALIDATED, created_at__lt=moment - datetime.timedelta(days=UNCONFIRMED_DAYS)
    ).values_list("pk", flat=True)
    for pk in list(unconfirmed):
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=pk)
            if locked.status != ImportStatus.VALIDATED:
                continue
            ImportUpload.objects.filter(batch=locked).delete()
            _fail(locked, actor=None, failure=f"超过{UNCONFIRMED_DAYS}天未确认导入，暂存数据已清除")
            expired += 1
    lapsed = ImportBatch.objects.filter(status=ImportStatus.FAILED, reconfirm_until__lt=moment)
    for pk in list(lapsed.values_list("pk", flat=True)):
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=pk)
            if locked.reconfirm_until is None or locked.reconfirm_until >= moment:
                continue
            ImportUpload.objects.filter(batch=locked).delete()
            locked.reconfirm_until = None
            locked.failure = (
                f"{locked.failure.removesuffix('；可重新确认导入')}；原文件保留期已过，请重新上传"
            )
            locked.save(update_fields=["reconfirm_until", "failure"])
            audit.record(
                actor=None,
                action="import.expire",
                target=locked,
                division=locked.scope_division,
                new={"file_kept": False},
            )
            expired += 1
    return expired
