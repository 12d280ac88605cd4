"""What a refused project write must leave behind: nothing (P14 "nothing stored"). A context manager that
counts the project library's rows and the audit log before and after."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from zhenxing.audit.models import AuditEvent
from zhenxing.projects.models import (
    PrefectureBatch,
    Project,
    ProjectAttachment,
    ProjectFunding,
    ProjectHousehold,
    ProjectNotice,
    ProjectPlace,
    ProjectStep,
    ProjectTarget,
)

COUNTED = (
    Project, ProjectPlace, ProjectFunding, ProjectTarget, ProjectHousehold, ProjectStep, ProjectAttachment,
    PrefectureBatch, ProjectNotice, AuditEvent,
)  # fmt: skip


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def _statuses() -> dict[int, str]:
    return dict(Project.objects.values_list("pk", "status"))


@contextmanager
def nothing_stored() -> Iterator[None]:
    """The block must raise (the caller's pytest.raises inside it); afterwards every count, including the
    audit log's, and every project's status are as they were."""
    before, statuses = _counts(), _statuses()
    yield
    assert _counts() == before
    assert _statuses() == statuses
