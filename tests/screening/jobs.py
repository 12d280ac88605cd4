"""Running the queued background jobs in the test's own process, as `zhenxing db_worker` runs each one
(claim, run, record the outcome, fail the job's own row if it raised)."""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult

from zhenxing.common.management.commands.db_worker import LeasedWorker

WORKER_ID = "test-worker"


def run_queued_jobs() -> int:
    worker = LeasedWorker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False, max_tasks=None,
        worker_id=WORKER_ID, excluded_queue_names=[],
    )  # fmt: skip
    ran = 0
    for job in list(DBTaskResult.objects.ready().order_by("enqueued_at")):
        job.claim(WORKER_ID)
        worker.run_task(job)
        ran += 1
    return ran
