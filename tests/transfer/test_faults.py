"""An import survives its worker being killed (issue 13): the batch is failed by the next worker's sweep, with
its reason; nothing was written; its staged rows are gone; it can be confirmed again and then commits."""

from __future__ import annotations

import datetime
import os
import signal
from typing import Any

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.test import Client
from django.urls import reverse

from ..conftest import OTHER_COUNTY, VILLAGE
from ..factories import division, make_user
from ..sites import Site, claim_as_dead_worker, wait_until
from .workbook_builder import member_rows, workbook, year_rows

STAGE_AND_CONFIRM = """
from tests.factories import make_user
from tests.transfer.workbook_builder import member_rows, workbook, year_rows
from zhenxing.accounts.enums import Role
from zhenxing.transfer import services
user = make_user(Role.TOWNSHIP, "532926101", username="importer")
members = member_rows("532926101202", 300)
batch = services.import_stage(actor=user, file_name="台账.xlsx", data=workbook(members, year_rows(members)))
services.import_confirm(actor=user, batch=batch)
print(batch.pk)
"""
CONFIRM_AGAIN = """
from zhenxing.accounts.models import User
from zhenxing.transfer import services
from zhenxing.transfer.models import ImportBatch
batch = services.import_confirm(actor=User.objects.get(username="importer"), batch=ImportBatch.objects.get(pk={pk}))
print(batch.status)
"""
DIED = "后台任务进程意外退出，导入未完成，台账未改动；可重新确认导入"


def _status(site: Site, batch_id: int) -> str:
    return str(site.value("SELECT status FROM transfer_importbatch WHERE id = %s", (batch_id,)))


def _count(site: Site, table: str, where: str = "", params: tuple[object, ...] = ()) -> int:
    return int(site.value(f"SELECT COUNT(*) FROM {table} {where}", params))  # noqa: S608 - the test's own names


def test_a_worker_killed_mid_import_fails_the_batch_which_can_be_confirmed_again(site: Site) -> None:
    # given a confirmed import of 300 households, whose job pauses after each step (a test-only setting)
    batch_id = int(site.shell(STAGE_AND_CONFIRM))
    staged = _count(site, "transfer_stagedrow", "WHERE batch_id = %s", (batch_id,))
    assert staged == 2  # 900 member rows and 300 year rows, a sealed chunk per sheet (issue 22)
    # and a worker of another queue, idle, sweeping every second
    site.start("db_worker", "--no-reload", "--queue-name", "other", ZHENXING_JOB_SWEEP_SECONDS="1")
    wait_until(lambda: _count(site, "common_workerlease") == 1, what="the idle worker's lease")
    # when a worker runs the import
    worker = site.worker(ZHENXING_TEST_IMPORT_STEP_PAUSE="3")
    progress = FileBasedCache(str(site.var / "cache"), {})
    seen = wait_until(
        lambda: (p := progress.get(f"import-progress-{batch_id}")) and 0 < p["done"] < p["total"] and p,
        what="the import to be half-way",
    )
    # and is killed (SIGKILL) half-way through
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    # then the other worker's sweep fails the batch, with its reason in Chinese; no one has to do anything
    wait_until(lambda: _status(site, batch_id) == "failed", what="the sweep to fail the batch")
    assert site.value("SELECT failure FROM transfer_importbatch WHERE id = %s", (batch_id,)) == DIED, seen
    # and nothing of it was written, its staged rows are gone, and its job is recorded as lost
    assert _count(site, "registry_household") == 0 and _count(site, "registry_person") == 0
    assert _count(site, "transfer_stagedrow", "WHERE batch_id = %s", (batch_id,)) == 0
    job = site.query("SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult")
    assert job == [("FAILED", "zhenxing.common.jobs.WorkerLost")]
    audit = site.query(
        "SELECT actor_label, reason FROM audit_auditevent WHERE action = 'import.fail' AND target_id = %s",
        (str(batch_id),),
    )
    assert audit == [("system", DIED)]
    # when the uploader confirms it again, the kept file is validated and staged again, and a worker commits it
    assert site.shell(CONFIRM_AGAIN.format(pk=batch_id)) == "queued"
    site.worker()
    wait_until(lambda: _status(site, batch_id) == "done", what="the import to be committed")
    assert _count(site, "registry_household") == 300 and _count(site, "registry_person") == 900
    assert _count(site, "transfer_stagedrow") == 0 and _count(site, "transfer_importupload") == 0
    # and only the live workers' leases are left (the dead one's went with the sweep)
    assert _count(site, "common_workerlease") == 2


# --- the same in one process (both engines): what the sweep does with a lost import job, and the page ---------


def _confirmed_batch(households: int = 3) -> tuple[Any, Any, Any]:
    """A confirmed batch and its job, the job claimed by a worker that then died half-way through."""
    from django_tasks_db.models import DBTaskResult

    from zhenxing.accounts.enums import Role
    from zhenxing.transfer import services
    from zhenxing.transfer.models import ImportBatch, ImportStatus
    from zhenxing.transfer.tasks import import_commit_task

    user = make_user(Role.TOWNSHIP, "532926101")
    members = member_rows(VILLAGE, households)
    batch = services.import_stage(
        actor=user, file_name="台账.xlsx", data=workbook(members, year_rows(members))
    )
    services.import_confirm(actor=user, batch=batch)
    job = DBTaskResult.objects.get(task_path=import_commit_task.module_path)
    assert job.args_kwargs["args"] == [batch.pk]  # ids only
    claim_as_dead_worker(job.pk)
    # the job had moved the batch to running before its worker died (its import transaction rolled back)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    return user, batch, job


@pytest.mark.django_db
def test_a_lost_import_job_is_failed_by_the_sweep_and_the_page_offers_to_confirm_again(
    client: Client,
) -> None:
    from zhenxing.audit.models import AuditEvent
    from zhenxing.common.jobs import jobs_sweep
    from zhenxing.registry.models import Household
    from zhenxing.transfer import services
    from zhenxing.transfer.models import ImportBatch, ImportStatus, ImportUpload, StagedRow

    # given a batch whose worker died mid-import
    user, batch, job = _confirmed_batch()
    # when the sweep runs
    assert jobs_sweep() == [str(job.pk)]
    # then the job and the batch are failed, with the reason; the staged rows are gone, the file is kept
    job.refresh_from_db()
    batch.refresh_from_db()
    assert (job.status, job.exception_class_path) == ("FAILED", "zhenxing.common.jobs.WorkerLost")
    assert (batch.status, batch.failure) == (ImportStatus.FAILED, DIED)
    assert batch.reconfirm_until is not None and ImportUpload.objects.filter(batch=batch).exists()
    assert not StagedRow.objects.filter(batch=batch).exists()
    event = AuditEvent.objects.get(action="import.fail", target_id=str(batch.pk))
    assert (event.actor_label, event.old_values, event.new_values) == (
        "system",
        {"status": "running"},
        {"status": "failed"},
    )
    assert jobs_sweep() == []  # nothing twice
    # and the status page (and its polled part) shows the failure and a button to confirm again
    client.force_login(user)
    for name in ("transfer:batch", "transfer:progress"):
        page = client.get(reverse(name, args=[batch.pk])).content.decode()
        assert DIED in page and 'data-testid="reconfirm"' in page and "导入中" not in page
    # when the uploader confirms again, the file is validated and staged again, and a new job is queued
    response = client.post(reverse("transfer:confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED and batch.failure == "" and batch.reconfirm_until is None
    # staged again: 9 member rows and 3 year rows, a chunk per sheet (issue 22: staged by the chunk)
    assert len(services.staged_payloads(batch)) == 12
    assert StagedRow.objects.filter(batch=batch).count() == 2
    assert AuditEvent.objects.filter(action="import.reconfirm", target_id=str(batch.pk)).count() == 1
    # then the new job commits it, and nothing of the upload is left behind
    assert services.import_commit(batch_id=batch.pk).status == ImportStatus.DONE
    assert Household.objects.count() == 3
    assert not ImportUpload.objects.exists() and not StagedRow.objects.exists()
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.DONE


@pytest.mark.django_db
def test_confirming_again_validates_against_the_uploaders_scope_of_today() -> None:
    from zhenxing.common.jobs import jobs_sweep
    from zhenxing.transfer import services
    from zhenxing.transfer.models import ImportStatus, ImportUpload, StagedRow

    # given a failed batch whose uploader has since moved to another county
    user, batch, _ = _confirmed_batch()
    jobs_sweep()
    user.jurisdiction = division(OTHER_COUNTY)
    user.save(update_fields=["jurisdiction"])
    batch.refresh_from_db()
    # when they confirm it again
    again = services.import_confirm(actor=user, batch=batch)
    # then its rows are outside their scope now: the batch is invalid, listed with its errors, nothing kept
    assert again.status == ImportStatus.INVALID
    assert sum("管辖范围" in error["message"] for error in again.errors) == 9  # one per person
    assert not StagedRow.objects.exists() and not ImportUpload.objects.exists()


@pytest.mark.django_db
def test_another_user_cannot_confirm_a_failed_batch_again() -> None:
    from zhenxing.accounts.enums import Role
    from zhenxing.common.errors import PermissionDenied
    from zhenxing.common.jobs import jobs_sweep
    from zhenxing.transfer import services

    _, batch, _ = _confirmed_batch()
    jobs_sweep()
    batch.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.import_confirm(actor=make_user(Role.TOWNSHIP, "532926101", username="other"), batch=batch)


@pytest.mark.django_db
def test_staged_data_of_a_batch_left_unconfirmed_expires_and_a_failed_batchs_file_lapses() -> None:
    from zhenxing.accounts.enums import Role
    from zhenxing.audit.models import AuditEvent
    from zhenxing.common.errors import Conflict
    from zhenxing.common.jobs import jobs_sweep
    from zhenxing.transfer import services
    from zhenxing.transfer.models import ImportBatch, ImportStatus, ImportUpload, StagedRow

    # given a batch validated eight days ago and never confirmed, and a failed batch
    user = make_user(Role.TOWNSHIP, "532926101")
    members = member_rows(VILLAGE, 2)
    left = services.import_stage(actor=user, file_name="a.xlsx", data=workbook(members))
    eight_days_ago = left.created_at - datetime.timedelta(days=services.UNCONFIRMED_DAYS + 1)
    ImportBatch.objects.filter(pk=left.pk).update(created_at=eight_days_ago)
    _, failed, _ = _confirmed_batch()
    jobs_sweep()
    # when the sweep runs after the failed batch's file may no longer be kept
    ImportBatch.objects.filter(pk=failed.pk).update(reconfirm_until=eight_days_ago)
    jobs_sweep()
    # then the unconfirmed batch is failed and its staged rows and file are gone
    left.refresh_from_db()
    assert left.status == ImportStatus.FAILED
    assert left.failure == f"超过{services.UNCONFIRMED_DAYS}天未确认导入，暂存数据已清除；请重新上传"
    assert not StagedRow.objects.exists() and not ImportUpload.objects.exists()
    # and the failed batch says so, and can no longer be confirmed again
    failed.refresh_from_db()
    assert failed.reconfirm_until is None and failed.failure.endswith("原文件保留期已过，请重新上传")
    assert AuditEvent.objects.filter(action="import.expire", target_id=str(failed.pk)).exists()
    with pytest.raises(Conflict, match="请重新上传"):
        services.import_confirm(actor=failed.created_by, batch=failed)
