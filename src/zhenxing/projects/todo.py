"""The project library's part of a home page (P14): the projects waiting for the user's step and the overdue
ones (and for the county the started emergency projects waiting for their 补公示), each count made by the
same filtered selector as the list its tile links to (listing.py), overdue by the
workflow kernel's one definition (PROJECT.overdue)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse

from zhenxing.accounts.enums import Role
from zhenxing.common.todo import Tile
from zhenxing.projects.listing import ProjectFilter, project_list_filtered

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def project_list_url(**query: str) -> str:
    return f"{reverse('projects:list')}?{urlencode(query)}" if query else reverse("projects:list")


def project_tiles(*, user: User, today: datetime.date) -> list[Tile]:
    mine = project_list_filtered(user=user, f=ProjectFilter(mine=True), today=today).count()
    overdue = project_list_filtered(user=user, f=ProjectFilter(overdue=True), today=today).count()
    tiles = [
        Tile("projects-mine", "待我办理的项目", mine, project_list_url(mine="1")),
        Tile("projects-overdue", "超期项目", overdue, project_list_url(overdue="1"), urgent=True),
    ]
    if user.role == Role.COUNTY:  # the county posts the 补公示 of the emergency projects it started (P14)
        late = project_list_filtered(user=user, f=ProjectFilter(late_notice=True), today=today).count()
        tiles.append(
            Tile("projects-late-notice", "待补公示", late, project_list_url(late_notice="1"), urgent=True)
        )
    return tiles
