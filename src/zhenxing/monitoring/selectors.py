"""Scoped reads of cases, notices and the queues built on them."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhenxing.accounts.enums import Role
from zhenxing.accounts.scoping import restrict_to_scope
from zhenxing.common import clock
from zhenxing.common.errors import not_found
from zhenxing.monitoring.decisions import step_deadlines
from zhenxing.monitoring.enums import CaseStatus, NoticePurpose
from zhenxing.monitoring.models import Case, Notice, NoticeEntry, Objection
from zhenxing.monitoring.transitions import IDENTIFICATION, STEP_ROLE
from zhenxing.policy.rules.procedure import application_settle_days

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def case_list_for_user(*, user: User) -> QuerySet[Case]:
    return restrict_to_scope(
        Case.objects.all(), user=user, division_field="village", household_field="household"
    )


def case_get_for_user(*, user: User, pk: int) -> Case:
    """The case, with `is_overdue` as the overdue list counts it (the page's badge)."""
    cases = IDENTIFICATION.annotate_overdue(case_list_for_user(user=user), clock.today())
    case = cases.select_related("household", "village").filter(pk=pk).first()
    if case is None:
        raise not_found()
    return case


def overdue_for_user(*, user: User, today: datetime.date) -> QuerySet[Case]:
    """超期: cases still being identified past their step's limit or the whole procedure's (the kernel's one
    definition, which the list's badges, the tab and the ranking all use)."""
    return case_list_for_user(user=user).filter(IDENTIFICATION.overdue(today))


def unsettled_filter(today: datetime.date) -> Q:
    """Applications still at 申报 past the settle limit (the Yunnan 10-day rule)."""
    limits, _ = step_deadlines()
    cutoff = today - datetime.timedelta(days=application_settle_days(limits))
    return Q(status=CaseStatus.APPLICATION, step_started_on__lte=cutoff)


def queue_for_user(*, user: User, today: datetime.date) -> QuerySet[Case]:
    """待办: the cases whose current step is the user's role's, and for townships and counties also the
    applications left unsettled past the limit in their area."""
    steps = [step for step, role in STEP_ROLE.items() if role == user.role]
    condition = Q(status__in=steps)
    if user.role in (Role.TOWNSHIP, Role.COUNTY):
        condition |= unsettled_filter(today)
    return case_list_for_user(user=user).filter(condition)


def overdue_ranking(*, user: User, today: datetime.date) -> list[tuple[str, int]]:
    """Townships by number of overdue open cases, most first (codes; names are looked up by the view)."""
    codes = overdue_for_user(user=user, today=today).values_list("village_id", flat=True)
    return Counter(str(code)[:9] for code in codes).most_common()


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


def roster_for_user(*, user: User) -> QuerySet[Case]:
    """监测对象: confirmed cases in scope."""
    return (
        case_list_for_user(user=user)
        .filter(status=CaseStatus.CONFIRMED)
        .select_related("household", "village")
        .order_by("village_id", "identified_on", "pk")
    )
