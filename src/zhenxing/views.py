"""The home page: each role starts from its work. Every count is computed by the app that owns the data
(monitoring/todo.py, screening/todo.py, feeds/todo.py, projects/todo.py, funds/watch.py) together with the link to the list showing exactly
those records; this view only gathers them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.requests import request_user
from zhenxing.accounts.rollup import LEVEL_LABEL, rollup_level
from zhenxing.accounts.selectors import assignment_list_for_user
from zhenxing.assets import todo as asset_todo
from zhenxing.common import clock
from zhenxing.divisions import selectors as division_selectors
from zhenxing.feeds import todo as feeds_todo
from zhenxing.feeds.selectors import batch_list_for_user
from zhenxing.funds import watch as funds_watch
from zhenxing.monitoring import todo as monitoring_todo
from zhenxing.planning import todo as planning_todo
from zhenxing.projects import todo as projects_todo
from zhenxing.screening import todo as screening_todo

TERRITORIAL = (Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY, Role.PREFECTURE)
TILE_ORDER = ("leads-open", "cases-queue", "leads-overdue", "cases-overdue", "helped", "notices-running")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    today = clock.today()
    roots = list(division_selectors.division_roots_for_user(user=user))
    context: dict[str, Any] = {
        "areas": [(root, division_selectors.subtree_counts(division=root)) for root in roots],
        "assignments": assignment_list_for_user(user=user)[:20],
    }
    if user.role in TERRITORIAL:
        tiles = [
            *screening_todo.lead_tiles(user=user, today=today),
            *monitoring_todo.case_tiles(user=user, today=today),
        ]
        # one task per tile, most pressing first: leads to check, my queue, what is late, then the rest
        context["tiles"] = sorted(tiles, key=lambda tile: TILE_ORDER.index(tile.key))
        if user.role != Role.VILLAGE:
            context["ranking"] = monitoring_todo.overdue_ranking(user=user, today=today)
            context["level"] = LEVEL_LABEL[rollup_level(user)]
        context.update(screening_todo.round_card(user=user))
    elif user.role == Role.DEPARTMENT:
        context["batches"] = feeds_todo.recent_batches(user=user)
        context["batch_total"] = batch_list_for_user(user=user).count()
        context["fate"] = feeds_todo.lead_fate(user=user)
    if has_capability(user, Capability.VIEW_PROJECTS):  # P14: every project role, the county sector too
        context["project_tiles"] = projects_todo.project_tiles(user=user, today=today)
    if has_capability(
        user, Capability.VIEW_FUNDS
    ):  # P14: the county's and the prefecture's watch, the bureaus'
        context["fund_tiles"] = funds_watch.fund_tiles(user, today)
    if has_capability(user, Capability.VIEW_ASSETS):  # P15: the register's to-do of every asset role
        context["asset_tiles"] = asset_todo.asset_tiles(user, today)
    if has_capability(user, Capability.VIEW_PLANNING):  # P16/P11: reports to review, 督办 tasks, work teams
        context["planning_tiles"] = planning_todo.planning_tiles(user, today)
    return render(request, "home.html", context)
