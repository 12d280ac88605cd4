from __future__ import annotations

from django_tasks import task

from zhenxing.transfer import services


@task()
def import_commit_task(batch_id: int) -> str:
    """Background job: commit a confirmed import. Takes an id, never personal data."""
    return services.import_commit(batch_id=batch_id).status
