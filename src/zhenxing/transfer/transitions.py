"""The only place an import's status changes, against the declared table of allowed moves."""

from __future__ import annotations

from zhenxing.common.errors import Conflict
from zhenxing.transfer.models import ImportBatch, ImportStatus

S = ImportStatus
ALLOWED: dict[str, frozenset[str]] = {
    # → FAILED: left unconfirmed too long (its staged data is purged)
    S.VALIDATED: frozenset({S.QUEUED, S.FAILED}),
    # → FAILED: the job raised, or its worker died (common/jobs.py)
    S.QUEUED: frozenset({S.RUNNING, S.FAILED}),
    S.RUNNING: frozenset({S.DONE, S.FAILED}),
    S.INVALID: frozenset(),
    S.DONE: frozenset(),
    # confirmed again from the kept file: → QUEUED when it still validates, → INVALID when it no longer does
    S.FAILED: frozenset({S.QUEUED, S.INVALID}),
}


def move(batch: ImportBatch, to: ImportStatus) -> str:
    """Set the new status on the (locked) row and return the old one; the caller saves and audits."""
    current = batch.status
    if to not in ALLOWED[current]:
        raise Conflict(f"导入批次当前状态为“{ImportStatus(current).label}”，不能变为“{to.label}”")
    batch.status = to
    return current
