"""When the job sweep takes a worker for dead (common/jobs.py), and what it does then."""

from __future__ import annotations

import datetime
import os
import uuid

import pytest
from django.utils import timezone

from ..sites import claim_as_dead_worker

pytestmark = pytest.mark.django_db


def _running_job(worker_id: str) -> object:
    from zhenxing.screening.tasks import screening_task

    result = screening_task.enqueue(2025, "db")
    from django_tasks_db.models import DBTaskResult

    job = DBTaskResult.objects.get(pk=result.id)
    job.claim(worker_id)
    return job


def _lease(worker_id: str, *, host: str, pid: int, started: str, expires_in: float) -> None:
    from zhenxing.common.models import WorkerLease

    now = timezone.now()
    WorkerLease.objects.create(
        worker_id=worker_id, kind="worker", host=host, pid=pid, process_started=started, started_at=now,
        renewed_at=now, expires_at=now + datetime.timedelta(seconds=expires_in),
    )  # fmt: skip


def test_a_live_worker_on_this_machine_is_not_taken_for_dead_though_its_lease_expired() -> None:
    """On SQLite a long import holds the write lock: no one can renew a lease meanwhile."""
    from zhenxing.common.jobs import jobs_sweep, process_started, this_host

    _lease("alive", host=this_host(), pid=os.getpid(), started=process_started(os.getpid()), expires_in=-600)
    _running_job("alive")
    assert jobs_sweep() == []


def test_a_reused_pid_does_not_pass_for_the_worker_that_died() -> None:
    from zhenxing.common.jobs import jobs_sweep, this_host

    # our own pid, but a process started at another time: the worker that held it is gone
    _lease("reused", host=this_host(), pid=os.getpid(), started="1", expires_in=600)
    job = _running_job("reused")
    assert jobs_sweep() == [str(job.pk)]  # type: ignore[attr-defined]


def test_a_worker_on_another_machine_is_dead_when_its_lease_expired_and_not_before() -> None:
    from zhenxing.common.jobs import jobs_sweep
    from zhenxing.common.models import WorkerLease

    _lease("far-fresh", host="elsewhere/boot", pid=1, started="", expires_in=600)
    _lease("far-expired", host="elsewhere/boot", pid=1, started="", expires_in=-1)
    _running_job("far-fresh")
    lost = _running_job("far-expired")
    assert jobs_sweep() == [str(lost.pk)]  # type: ignore[attr-defined]
    assert set(WorkerLease.objects.values_list("pk", flat=True)) == {"far-fresh"}


def test_a_job_whose_worker_holds_no_lease_is_failed() -> None:
    from zhenxing.common.jobs import jobs_sweep

    job = _running_job("never-leased")
    assert jobs_sweep() == [str(job.pk)]  # type: ignore[attr-defined]


def test_a_lost_screening_job_fails_its_run_with_the_reason() -> None:
    from django_tasks_db.models import DBTaskResult

    from zhenxing.audit.models import AuditEvent
    from zhenxing.common.jobs import jobs_sweep
    from zhenxing.screening.models import RuleSet, RunStatus, ScreeningRun
    from zhenxing.screening.tasks import screening_task

    # given a background round whose worker died while it ran
    job = DBTaskResult.objects.get(pk=screening_task.enqueue(2025, "duckdb").id)
    run = ScreeningRun.objects.create(
        year=2025, engine="duckdb", rule_set=RuleSet.objects.get(is_current=True), status=RunStatus.RUNNING,
        job_id=job.pk,
    )  # fmt: skip
    claim_as_dead_worker(job.pk)
    # when the sweep runs
    assert jobs_sweep() == [str(job.pk)]
    # then the run is failed with its reason, audited
    run.refresh_from_db()
    assert (run.status, run.failure) == (
        RunStatus.FAILED,
        "后台任务进程意外退出，本轮筛查未完成，预警线索未改动；可重新运行",
    )
    event = AuditEvent.objects.get(action="screening.fail", target_id=str(run.pk))
    assert (event.actor_label, event.old_values) == ("system", {"status": "running"})


def test_a_job_ended_by_an_unhandled_interruption_fails_its_run() -> None:
    """A second Ctrl+C in the worker raises SystemExit inside the job: the worker records the job failed,
    and the run must not stay running either."""
    from zhenxing.common.jobs import job_failed
    from zhenxing.screening.models import RuleSet, RunStatus, ScreeningRun

    job = _running_job("w")
    job.set_failed(SystemExit(1))  # type: ignore[attr-defined]
    run = ScreeningRun.objects.create(
        year=2025, engine="db", rule_set=RuleSet.objects.get(is_current=True), status=RunStatus.RUNNING,
        job_id=uuid.UUID(str(job.pk)),  # type: ignore[attr-defined]
    )  # fmt: skip
    job_failed(job)  # type: ignore[arg-type]
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.failure.startswith("筛查被中断")
