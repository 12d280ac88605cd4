"""Scoped reads of notices (评议公示, 消除公示) and their objections, and the cases waiting to be listed."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet

from zhenxing.accounts.scoping import restrict_to_scope
from zhenxing.common.errors import not_found
from zhenxing.monitoring.cases import case_list_for_user
from zhenxing.monitoring.enums import CaseStatus, NoticePurpose
from zhenxing.monitoring.models import Case, Notice, NoticeEntry, Objection

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def notice_ready_for_user(*, user: User) -> dict[str, QuerySet[Case]]:
    """Cases whose meeting is held and that wait to be listed on a notice, per purpose (P8, P9)."""
    cases = case_list_for_user(user=user)
    return {
        NoticePurpose.IDENTIFICATION: cases.filter(status=CaseStatus.REVIEW, meeting_on__isnull=False),
        # listed once per elimination: not when a notice made since the case reached this step has it
        NoticePurpose.ELIMINATION: cases.filter(
            status=CaseStatus.ELIMINATION_NOTICE, elimination_meeting_on__isnull=False
        ).exclude(
            Exists(
                NoticeEntry.objects.filter(
                    case=OuterRef("pk"),
                    notice__purpose=NoticePurpose.ELIMINATION,
                    notice__created_at__date__gte=OuterRef("step_started_on"),
                )
            )
        ),
    }


def notice_list_for_user(*, user: User) -> QuerySet[Notice]:
    return restrict_to_scope(Notice.objects.all(), user=user, division_field="village")


def notice_running(notices: QuerySet[Notice], *, today: datetime.date) -> QuerySet[Notice]:
    """公示中: posted, and its objection period not over (today is its last day still)."""
    return notices.filter(posted_on__lte=today, ends_on__gte=today)


def notice_get_for_user(*, user: User, pk: int) -> Notice:
    notice = notice_list_for_user(user=user).select_related("village").filter(pk=pk).first()
    if notice is None:
        raise not_found()
    return notice


def objection_get_for_user(*, user: User, pk: int) -> Objection:
    objection = (
        Objection.objects.filter(notice__in=notice_list_for_user(user=user))
        .select_related("notice")
        .filter(pk=pk)
        .first()
    )
    if objection is None:
        raise not_found()
    return objection
