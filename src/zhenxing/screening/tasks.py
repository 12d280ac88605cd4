from __future__ import annotations

import datetime

from django_tasks import task

from zhenxing.screening.services import screening_run


@task()
def screening_task(
    year: int, engine: str, reuse_snapshot_minutes: int | None = None, master: str | None = None
) -> dict[str, object]:
    """Background screening round (`zhenxing screen --background`): a year, an engine name and its options only."""
    return dict(
        screening_run(
            year=year,
            engine=engine,
            snapshot_max_age=datetime.timedelta(minutes=reuse_snapshot_minutes)
            if reuse_snapshot_minutes is not None
            else None,
            master=master,
        ).summary
    )
