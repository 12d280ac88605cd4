"""The housing-safety ledger's states (P11), declared on the workflow kernel: an entry is closed once, by a
cadre of the village, township or county (解决一户、销号一户)."""

from __future__ import annotations

from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common.workflow import Move, Transition, Workflow
from zhenxing.monitoring.assistance.transitions import HELPER_ROLES
from zhenxing.monitoring.enums import LedgerStatus


def record_closing(t: Transition) -> None:
    """解决一户、销号一户: the entry keeps when, by whom and how the solved house was checked."""
    t.set(closed_on=t.today, closed_by=t.actor, completion=t.opinion)
    t.new["closed_on"] = str(t.today)


LEDGER = Workflow(
    name="住房安全台账",
    labels=dict(LedgerStatus.choices),
    role_labels=dict(Role.choices),
    moves=[
        Move(
            LedgerStatus.OPEN,
            LedgerStatus.CLOSED,
            role,
            "销号",
            effects=(record_closing,),
            action="housing.close",
        )
        for role in HELPER_ROLES
    ],
    audit=audit.record,
    action_prefix="housing",
    division="village",
    conflict_message="该记录{source}",
)
