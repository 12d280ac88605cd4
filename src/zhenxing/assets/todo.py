"""The asset register's part of a home page (P15): each tile the count of the list it links to — projects accepted
and paid with money not yet registered as assets (the county and its sector departments), disposals and plans
waiting for the user's step, and the county's data-quality errors (no responsible unit, inspection overdue) and
idle or under-used assets."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.urls import reverse

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.assets import oversight, selectors
from zhenxing.assets.models import AssetFundShare
from zhenxing.common.todo import Tile
from zhenxing.funds.models import Payment

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def projects_to_register(user: User) -> int:
    """Accepted projects in scope paid more than their assets took (two grouped sums, not one per project)."""
    codes = set(selectors.accepted_projects_for_user(user=user).values_list("code", flat=True))
    if not codes:
        return 0
    paid = dict(
        Payment.objects.filter(split__project__code__in=codes)
        .values_list("split__project__code")
        .annotate(total=Sum("amount_fen"))
    )
    taken = dict(
        AssetFundShare.objects.filter(asset__project__code__in=codes)
        .values_list("asset__project__code")
        .annotate(total=Sum("amount_fen"))
    )
    return sum(1 for code, fen in paid.items() if fen and fen > (taken.get(code) or 0))


def asset_tiles(user: User, today: datetime.date) -> list[Tile]:
    if not has_capability(user, Capability.VIEW_ASSETS):
        return []
    tiles: list[Tile] = []
    if has_capability(user, Capability.MANAGE_ASSETS):
        tiles.append(
            Tile(
                "assets-to-register",
                "待登记资产的验收项目",
                projects_to_register(user),
                reverse("assets:list"),
            )
        )
    if user.role in selectors.DISPOSAL_WAITING_FOR:
        waiting = selectors.disposals_waiting_for(user=user).count()
        url = f"{reverse('assets:disposals')}?waiting=1"
        tiles.append(Tile("assets-disposals-waiting", "待我审批的资产处置", waiting, url, urgent=True))
    if user.role in selectors.PLAN_WAITING_FOR:
        plans = selectors.plan_list_for_user(user=user).filter(
            status__in=selectors.PLAN_WAITING_FOR[user.role]
        )
        tiles.append(
            Tile("assets-plans-waiting", "待办理的收益分配方案", plans.count(), reverse("assets:plans"))
        )
    counties = oversight.counties_for_user(user=user)
    if len(counties) == 1:  # a county's own figures; the prefecture reads them on the oversight page
        code = counties[0].code
        summary = oversight.county_summary(user=user, county_code=code, on=today)
        tiles += [
            Tile("assets-quality", "资产数据质量问题（无管护责任、巡查逾期）", summary.data_quality_errors,
                 reverse("assets:quality", args=[code]), urgent=True),
            Tile("assets-idle", "闲置、低效资产", summary.idle, reverse("assets:idle", args=[code]), urgent=True),
        ]  # fmt: skip
    return tiles
