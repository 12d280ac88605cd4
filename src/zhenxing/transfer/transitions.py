"""An import batch's states, declared on the workflow kernel (common/workflow.py): the only moves there are.
The uploader's confirmation goes through the kernel's transition service; the job's own moves (its writers in
services.py hold the batch's lock) ask `move`, which assigns through the same table."""

from __future__ import annotations

from zhenxing.audit import services as audit
from zhenxing.common.workflow import Move, Workflow
from zhenxing.transfer.models import ImportBatch, ImportStatus

S = ImportStatus
IMPORT = Workflow(
    name="导入批次",
    labels=dict(ImportStatus.choices),
    role_labels={},
    moves=[
        Move(
            S.VALIDATED, S.QUEUED, None, "确认导入", action="import.confirm"
        ),  # by its uploader only (services)
        # left unconfirmed too long (its staged data is purged)
        Move(S.VALIDATED, S.FAILED, None, "过期"),
        Move(S.QUEUED, S.RUNNING, None, "开始"),
        # the job raised, or its worker died (common/jobs.py)
        Move(S.QUEUED, S.FAILED, None, "失败"),
        Move(S.RUNNING, S.DONE, None, "完成"),
        Move(S.RUNNING, S.FAILED, None, "失败"),
        # confirmed again from the kept file: queued when it still validates, invalid when it no longer does
        Move(S.FAILED, S.QUEUED, None, "重新确认"),
        Move(S.FAILED, S.INVALID, None, "重新校验未通过"),
    ],
    conflict_message="导入批次当前状态为“{source}”，不能变为“{target}”",
    audit=audit.record,
    action_prefix="import",
    division="scope_division",
)


def move(batch: ImportBatch, to: ImportStatus) -> str:
    """Set the new status on the (locked) row and return the old one; the caller saves and audits."""
    current = batch.status
    IMPORT.assign(batch, to=to)
    return current
