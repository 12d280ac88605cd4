"""The leads part of a home page: leads to check (soonest deadline first) and the overdue ones, counted by the
same scoped selector as the leads list that each tile links to."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.common.todo import Tile
from zhenxing.screening.models import LeadStatus
from zhenxing.screening.selectors import lead_page_for_user, run_list_for_user

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def lead_list_url(*, overdue: bool = False, place: str = "") -> str:
    """The leads list filtered as a tile or a ranking row counts (screening/views.py lead_list)."""
    query = {
        "status": LeadStatus.OPEN,
        **({"overdue": "1"} if overdue else {}),
        **({"place": place} if place else {}),
    }
    return f"{reverse('screening:list')}?{urlencode(query)}"


def lead_tiles(*, user: User, today: datetime.date) -> list[Tile]:
    open_leads = lead_page_for_user(user=user, status=LeadStatus.OPEN, today=today)
    soonest = open_leads.order_by("village_due").values_list("village_due", flat=True).first()
    overdue = lead_page_for_user(user=user, status=LeadStatus.OPEN, today=today, overdue=True).count()
    return [
        Tile(
            "leads-open", "待核实线索", open_leads.count(), lead_list_url(),
            note=f"最近期限 {soonest:%Y-%m-%d}" if soonest else "",
        ),
        Tile("leads-overdue", "逾期未核实线索", overdue, lead_list_url(overdue=True), urgent=True),
    ]  # fmt: skip


def run_scope_label(user: User) -> str:
    """What a round this user starts covers: its own county, or the whole prefecture."""
    if user.role == Role.COUNTY and user.jurisdiction is not None:
        return f"{user.jurisdiction.name}的农户"
    return "全州农户"


def round_card(*, user: User) -> dict[str, object]:
    """The county's and the prefecture's entry to start a screening round, with the last run they can see."""
    if not has_capability(user, Capability.RUN_SCREENING):
        return {}
    return {"round": {"scope": run_scope_label(user), "last": run_list_for_user(user=user).first()}}
