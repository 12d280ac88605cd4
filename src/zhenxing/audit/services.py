"""`record`: the one way an audit event is written, inside the transaction of the write it records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from zhenxing.audit.models import AuditEvent
from zhenxing.audit.sensitive import protect
from zhenxing.common.request_context import current_client_ip

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.divisions.models import Division

SYSTEM_ACTOR = "system"


class AuditOutsideTransaction(RuntimeError):
    pass


def target_of(target: models.Model | tuple[str, str]) -> tuple[str, str]:
    if isinstance(target, models.Model):
        return f"{target._meta.app_label}.{target._meta.model_name}", str(target.pk)
    return target


def record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | tuple[str, str],
    division: Division | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
    actor_label: str | None = None,
) -> AuditEvent:
    """Write one audit event. Must run inside the write's transaction, so that both land or neither does.

    Sensitive values in `old`/`new` are masked or hashed here (audit/sensitive.py), whoever the caller.
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(f"audit.record({action}) 必须在写操作的同一事务中调用")
    target_type, target_id = target_of(target)
    label = actor_label or (actor.get_username() if actor is not None else SYSTEM_ACTOR)
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=label,
        action=action,
        target_type=target_type,
        target_id=target_id,
        division=division,
        old_values=protect(old) if old is not None else None,
        new_values=protect(new) if new is not None else None,
        reason=reason,
        client_ip=current_client_ip.get(),
    )


AUDIT_COLUMNS = (
    "id", "created_at", "actor_id", "actor_label", "action", "target_type", "target_id", "division_id", "old_values",
    "new_values", "reason", "client_ip",
)  # fmt: skip


def record_many(rows: list[tuple[object, ...]]) -> None:
    """Bulk form of `record` for jobs that write thousands of events (imports, screening rounds): each row is
    AUDIT_COLUMNS without the id, values already protected and JSON-encoded. Same transaction rule."""
    from zhenxing.common.bulk import allocate_ids, insert_rows

    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction("audit.record_many 必须在写操作的同一事务中调用")
    ids = allocate_ids("audit_auditevent", len(rows))
    insert_rows("audit_auditevent", AUDIT_COLUMNS, [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
