"""An announcement's state as a person reads it (P14): a posted notice whose period has ended reads 公示期满 from
its dates, while its stored status stays 公示中 (nothing runs at midnight to change it). One rule for every page
that shows a notice's state, and the query of the started emergency projects still waiting for their
announcement (补公示)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q

from zhenxing.projects.enums import NoticeStatus, ProjectStatus
from zhenxing.projects.models import ProjectNoticeEntry


def notice_state(notice: Any, today: datetime.date) -> NoticeStatus:
    """草稿 until posted; 公示期满 once its last day (ends_on) is before today; else its stored status."""
    if notice.ends_on is not None and notice.ends_on < today:
        return NoticeStatus.ENDED
    return NoticeStatus(notice.status)


def awaiting_late_notice_q() -> Q:
    """待补公示: emergency projects that have started (P14: the announcement may follow the start) and are on no
    posted announcement yet; not those 出库, replaced by an adjustment or cancelled."""
    posted = ProjectNoticeEntry.objects.filter(project=OuterRef("pk")).exclude(
        notice__status=NoticeStatus.DRAFT
    )
    condition = Q(emergency=True, started_on__isnull=False) & ~Q(
        status__in=(
            ProjectStatus.WITHDRAWN,
            ProjectStatus.TERMINATED,
            ProjectStatus.ADJUSTED,
            ProjectStatus.CANCELLED,
        )
    )
    return condition & ~Q(Exists(posted))
