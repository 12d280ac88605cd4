"""The planning app's part of a home page (P16, P11): reported values waiting for the user's review (or the
user's own returned ones), rectification tasks waiting for the user's step (how many are past their deadline), and a
county's villages short of their work team. Each tile links to the list showing exactly those records."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.common.todo import Tile
from zhenxing.planning import selectors
from zhenxing.planning.teams import work_team_shortfalls
from zhenxing.planning.transitions import TASK

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def planning_tiles(user: User, today: datetime.date) -> list[Tile]:
    if not has_capability(user, Capability.VIEW_PLANNING):
        return []
    tiles: list[Tile] = []
    if user.role in selectors.REPORT_WAITING_FOR or has_capability(user, Capability.REPORT_INDICATOR):
        waiting = selectors.reports_waiting_for(user=user).count()
        url = f"{reverse('planning:reports')}?waiting=1"
        tiles.append(Tile("planning-reports-waiting", "待我审核或修改的指标填报", waiting, url))
    if user.role in selectors.TASK_WAITING_FOR:
        tasks = selectors.tasks_waiting_for(user=user)
        url = f"{reverse('planning:supervisions')}?waiting=1"
        label = "待报送整改结果的督办任务" if user.role == Role.COUNTY else "待审核销号的整改任务"
        overdue = tasks.filter(TASK.overdue(today)).count()
        note = f"其中 {overdue} 项已逾期" if overdue else ""
        tiles.append(
            Tile("planning-tasks-waiting", label, tasks.count(), url, note=note, urgent=bool(overdue))
        )
    if has_capability(user, Capability.MANAGE_WORK_TEAMS) and user.jurisdiction is not None:
        short = len(work_team_shortfalls(on=today, county_code=user.jurisdiction.code))
        url = f"{reverse('planning:teams')}?short=1"
        tiles.append(Tile("planning-team-shortfalls", "驻村工作队配备不足的村", short, url, urgent=True))
    return tiles
