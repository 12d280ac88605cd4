"""The cases part of a home page: the user's queue, the overdue cases, the households the user helps and their
plan warnings, the notices running, and for townships and above the overdue ranking of the places below —
each count made by the same scoped selector as the list its tile or row links to. Overdue is the workflow
kernel's one definition (identification selectors `overdue_for_user`, screening `overdue_ranking`)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse

from zhenxing.accounts.enums import Role
from zhenxing.common.todo import RankingRow, Tile
from zhenxing.divisions.models import Division
from zhenxing.monitoring.assistance.selectors import helper_cases_for_user, plan_flags
from zhenxing.monitoring.case_workflow import STEP_ROLE
from zhenxing.monitoring.identification import selectors as identification
from zhenxing.monitoring.notices.selectors import notice_list_for_user, notice_running
from zhenxing.policy.rules.measures import PLAN_ERROR, PLAN_WARNING
from zhenxing.screening import selectors as screening
from zhenxing.screening.todo import lead_list_url

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def case_list_url(tab: str, *, place: str = "") -> str:
    """The case list's tab, filtered to one place for a ranking row (identification/views.py case_list)."""
    return f"{reverse('monitoring:list')}?{urlencode({'tab': tab, **({'place': place} if place else {})})}"


def case_tiles(*, user: User, today: datetime.date) -> list[Tile]:
    overdue = identification.overdue_for_user(user=user, today=today).count()
    tiles = [Tile("cases-overdue", "超期案件", overdue, case_list_url("overdue"), urgent=True)]
    if user.role in STEP_ROLE.values():  # the prefecture has no step of its own: no queue to show
        queue = identification.queue_for_user(user=user, today=today).count()
        tiles.insert(0, Tile("cases-queue", "待我办理的案件", queue, case_list_url("queue")))
    helped = list(helper_cases_for_user(user=user, today=today))
    if helped or user.role == Role.VILLAGE:
        flags = plan_flags(helped, today=today)
        warned = sum(1 for flag in flags.values() if flag in (PLAN_WARNING, PLAN_ERROR))
        tiles.append(
            Tile(
                "helped", "我的帮扶户", len(helped), reverse("monitoring:mine"),
                note=f"其中 {warned} 户帮扶计划预警" if warned else "",
            )
        )  # fmt: skip
    running = notice_running(notice_list_for_user(user=user), today=today).count()
    notices_url = f"{reverse('monitoring:notices')}?state=running"
    tiles.append(Tile("notices-running", "公示中", running, notices_url))
    return tiles


def overdue_ranking(*, user: User, today: datetime.date) -> list[RankingRow]:
    """Overdue cases and overdue leads by the places one level below the user (townships for a county,
    counties for the prefecture), most first; each count links to its list filtered to that place."""
    cases = dict(identification.overdue_ranking(user=user, today=today))
    leads = {row.code: row.total for row in screening.overdue_ranking(user=user, today=today)}
    codes = set(cases) | set(leads)
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    rows = [
        RankingRow(
            code=code, name=names.get(code, code),
            cases=cases.get(code, 0), cases_url=case_list_url("overdue", place=code),
            leads=leads.get(code, 0), leads_url=lead_list_url(overdue=True, place=code),
        )
        for code in codes
    ]  # fmt: skip
    return sorted(rows, key=lambda row: (-row.total, row.code))
