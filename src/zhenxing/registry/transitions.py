"""An ID-number conflict's states, declared on the workflow kernel (common/workflow.py): the only move there is."""

from __future__ import annotations

from zhenxing.common.workflow import Move, Workflow
from zhenxing.registry.enums import IdConflictStatus
from zhenxing.registry.models import IdConflict

S = IdConflictStatus
ID_CONFLICT = Workflow(
    name="证件号码冲突",
    labels=dict(IdConflictStatus.choices),
    role_labels={},
    moves=[Move(S.PENDING, S.RESOLVED, None, "处理")],  # who may: registry.conflicts asks the capabilities
    conflict_message="该冲突当前状态为“{source}”，不能变为“{target}”",
)


def move(conflict: IdConflict, to: IdConflictStatus) -> str:
    """Set the new status on the (locked) row and return the old one; the caller saves and audits."""
    current = conflict.status
    ID_CONFLICT.assign(conflict, to=to)
    return current
