"""The only place an ID-number conflict's status changes, against the declared table of allowed moves."""

from __future__ import annotations

from zhenxing.common.errors import Conflict
from zhenxing.registry.enums import IdConflictStatus
from zhenxing.registry.models import IdConflict

S = IdConflictStatus
ALLOWED: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.RESOLVED}),
    S.RESOLVED: frozenset(),
}


def move(conflict: IdConflict, to: IdConflictStatus) -> str:
    """Set the new status on the (locked) row and return the old one; the caller saves and audits."""
    current = conflict.status
    if to not in ALLOWED[current]:
        raise Conflict(f"该冲突当前状态为“{IdConflictStatus(current).label}”，不能变为“{to.label}”")
    conflict.status = to
    return current
