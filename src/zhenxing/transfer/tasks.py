from __future__ import annotations

from django_tasks import task

from zhenxing.common import jobs
from zhenxing.transfer import services


@task()
def import_commit_task(batch_id: int) -> str:
    """Background job: commit a confirmed import. Takes an id, never personal data."""
    return services.import_commit(batch_id=batch_id).status


@jobs.on_job_lost(import_commit_task)
def import_commit_lost(job: jobs.LostJob) -> None:
    """The worker died (or the job was interrupted) mid-import: fail the batch so it can be confirmed again."""
    batch_id = job.args[0] if job.args else job.kwargs["batch_id"]
    services.import_fail_lost(batch_id=int(batch_id), cause=job.cause)


jobs.housekeeping(services.import_expire)
