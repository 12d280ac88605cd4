from __future__ import annotations

import datetime

from django_tasks import task
from django_tasks.base import TaskContext

from zhenxing.common import jobs
from zhenxing.screening.models import ScreeningRun
from zhenxing.screening.services import screening_fail_lost, screening_run


@task(takes_context=True)
def screening_task(
    context: TaskContext,
    year: int,
    engine: str,
    reuse_snapshot_minutes: int | None = None,
    master: str | None = None,
    run_id: int | None = None,
) -> dict[str, object]:
    """Background screening round (`zhenxing screen --background`): a year, an engine name and its options only;
    or the run a page started (`screening_start`), by its id, which holds its scope and who started it.
    The run records the job it runs as, so that the job sweep can fail it if the worker dies."""
    started_by = None
    if run_id is not None:
        started_by = ScreeningRun.objects.select_related("started_by").get(pk=run_id).started_by
    return dict(
        screening_run(
            year=year,
            engine=engine,
            snapshot_max_age=datetime.timedelta(minutes=reuse_snapshot_minutes)
            if reuse_snapshot_minutes is not None
            else None,
            master=master,
            job_id=str(context.task_result.id),
            run_id=run_id,
            actor=started_by,
        ).summary
    )


@jobs.on_job_lost(screening_task)
def screening_lost(job: jobs.LostJob) -> None:
    screening_fail_lost(job_id=job.id, cause=job.cause)
