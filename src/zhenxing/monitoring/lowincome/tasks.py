"""The 民政比对 as a background job (P17): a comparison a page started (`lowincome_start`), by its run's id,
which holds the county and who started it. The run records the job, so that the job sweep fails it if the
worker dies (common/jobs.py)."""

from __future__ import annotations

from django_tasks import task

from zhenxing.common import jobs
from zhenxing.screening.models import ScreeningRun
from zhenxing.screening.services import screening_fail_lost


@task()
def lowincome_task(run_id: int) -> dict[str, object]:
    from zhenxing.monitoring.lowincome.services import lowincome_compare

    run = ScreeningRun.objects.select_related("started_by").get(pk=run_id)
    # lowincome_start records both
    assert run.started_by is not None
    assert run.county_id is not None
    return dict(lowincome_compare(county_code=run.county_id, actor=run.started_by, run_id=run.pk).run.summary)


@jobs.on_job_lost(lowincome_task)
def lowincome_lost(job: jobs.LostJob) -> None:
    screening_fail_lost(job_id=job.id, cause=job.cause)
