"""Driving a case through the P8 steps with the services, for the tests."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.monitoring.identification import services
from zhenxing.monitoring.models import Case, Notice
from zhenxing.monitoring.notices import services as notices
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household

from ..conftest import COUNTY, TOWNSHIP, VILLAGE
from ..factories import make_household, make_user

START = datetime.date(2025, 9, 1)  # a Monday


def people() -> dict[str, User]:
    return {
        "village": make_user(Role.VILLAGE, VILLAGE),
        "township": make_user(Role.TOWNSHIP, TOWNSHIP),
        "county": make_user(Role.COUNTY, COUNTY),
    }


def poor_household(code: str = "M-1") -> Household:
    household = make_household(VILLAGE, code=code)
    assert isinstance(household, Household)
    registry.household_year_upsert(
        actor=None, household=household, year=2025, values={"wage": 1_000_000, "business": 0, "transfer": 0}
    )
    return household


def to_review(user: dict[str, User], household: Household) -> Case:
    case = services.case_open_for_household(actor=user["village"], household=household, summary="因病支出大")
    case = services.case_move(actor=user["village"], case=case, to="analysis")
    case = services.case_move(
        actor=user["village"], case=case, to="investigation", findings="医保、民政数据已比对"
    )
    services.visit_record(
        actor=user["village"], case=case, client_uuid=uuid.uuid4(), visited_at=clock.now(), place="家中",
        findings="家中两人慢病，收入低", authorization_signed=True,
    )  # fmt: skip
    return services.case_move(actor=user["village"], case=case, to="review")


def posted_notice(user: dict[str, User], cases: list[Case]) -> Notice:
    for case in cases:
        services.case_record_meeting(
            actor=user["village"], case=case, held_on=clock.today(), minutes="党员群众评议：同意"
        )
    notice = notices.notice_create(
        actor=user["village"],
        village=cases[0].village,
        cases=cases,
        title="",
        object_to="西山村委会 0872-1234567",
    )
    return notices.notice_post(actor=user["village"], notice=notice)


def refreshed(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def audit_actions(case: Case) -> list[Any]:
    return list(
        AuditEvent.objects.filter(target_type="monitoring.case", target_id=str(case.pk)).values_list(
            "action", flat=True
        )
    )


CONFIRMED_ON = datetime.date(2025, 9, 8)


def confirmed(user: dict[str, User], household: Household) -> Case:
    """A household identified on Monday 8 September 2025 (the clock is left there)."""
    clock.travel_to(START)
    case = to_review(user, household)
    posted_notice(user, [case])
    clock.travel_to(CONFIRMED_ON)
    case = services.case_move(actor=user["village"], case=case, to="township_review")
    case = services.case_move(actor=user["township"], case=case, to="county_decision", findings="同意")
    return services.case_move(actor=user["county"], case=case, to="confirmed")


def raise_income(household: Household, *, wage_fen: int = 4_000_000) -> None:
    registry.household_year_upsert(
        actor=None, household=household, year=2025, values={"wage": wage_fen, "business": 0, "transfer": 0}
    )
