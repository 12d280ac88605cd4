"""The only place a lead's or a screening run's status changes, against the declared tables of allowed moves."""

from __future__ import annotations

from zhenxing.common.errors import Conflict
from zhenxing.screening.models import Lead, LeadStatus, RunStatus, ScreeningRun

ALLOWED: dict[str, frozenset[str]] = {
    LeadStatus.OPEN: frozenset({LeadStatus.CONFIRMED, LeadStatus.DISMISSED}),
    LeadStatus.CONFIRMED: frozenset(),
    LeadStatus.DISMISSED: frozenset(),
}


def move(lead: Lead, to: LeadStatus) -> str:
    current = lead.status
    if to not in ALLOWED[current]:
        raise Conflict(f"线索当前状态为“{LeadStatus(current).label}”，不能改为“{to.label}”")
    lead.status = to
    return current


RUN_ALLOWED: dict[str, frozenset[str]] = {
    # → FAILED: the round raised, or its process died (common/jobs.py); its lead changes were rolled back
    RunStatus.RUNNING: frozenset({RunStatus.DONE, RunStatus.FAILED}),
    RunStatus.DONE: frozenset(),
    RunStatus.FAILED: frozenset(),
}


def move_run(run: ScreeningRun, to: RunStatus) -> str:
    current = run.status
    if to not in RUN_ALLOWED[current]:
        raise Conflict(f"筛查轮次当前状态为“{RunStatus(current).label}”，不能改为“{to.label}”")
    run.status = to
    return current
