"""The only place a lead's status changes, against the declared table of allowed moves."""

from __future__ import annotations

from zhenxing.common.errors import Conflict
from zhenxing.screening.models import Lead, LeadStatus

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
