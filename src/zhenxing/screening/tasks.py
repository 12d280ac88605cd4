from __future__ import annotations

from django_tasks import task

from zhenxing.screening.services import screening_run


@task()
def screening_task(year: int, engine: str) -> dict[str, object]:
    """Background screening round (`zhenxing screen --background`). Takes a year and an engine name only."""
    return dict(screening_run(year=year, engine=engine).summary)
