"""The only place an import's status changes, against the declared table of allowed moves."""

from __future__ import annotations

from zhenxing.common.errors import Conflict
from zhenxing.transfer.models import ImportBatch, ImportStatus

S = ImportStatus
ALLOWED: dict[str, frozenset[str]] = {
    S.VALIDATED: frozenset({S.QUEUED}),
    S.QUEUED: frozenset({S.RUNNING, S.FAILED}),
    S.RUNNING: frozenset({S.DONE, S.FAILED}),
    S.INVALID: frozenset(),
    S.DONE: frozenset(),
    S.FAILED: frozenset(),
}


def move(batch: ImportBatch, to: ImportStatus) -> str:
    """Set the new status on the (locked) row and return the old one; the caller saves and audits."""
    current = batch.status
    if to not in ALLOWED[current]:
        raise Conflict(f"导入批次当前状态为“{ImportStatus(current).label}”，不能变为“{to.label}”")
    batch.status = to
    return current
