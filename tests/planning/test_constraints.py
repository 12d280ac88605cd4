"""The planning app's database refusals (P12, P16, P11): raw rows that skip the services are refused by each
constraint of planning/models — the last guard when a bug or a hand-written query gets past a service."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from tests.factories import division
from tests.planning.builders import COUNTY, TOWNSHIP, VILLAGE, an_assessment, planning_users
from zhenxing.common import clock
from zhenxing.planning.enums import (
    IndicatorSource,
    PeriodKind,
    ReportStatus,
    SupervisionKind,
    TaskStatus,
    TeamRole,
    ValueState,
)
from zhenxing.planning.models import (
    FieldFinding,
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    IndicatorValue,
    Period,
    PlanningAttachment,
    RectificationTask,
    Supervision,
    WorkTeamMember,
)

pytestmark = pytest.mark.django_db


def refused(model: Any, **fields: Any) -> None:
    """The row is refused by the database (an IntegrityError), the transaction still usable afterwards."""
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


def a_period(kind: str = PeriodKind.YEAR, number: int = 0, year: int = 2025) -> Period:
    return Period.objects.create(
        kind=kind, year=year, number=number, starts_on=datetime.date(year, 1, 1),
        ends_on=datetime.date(year, 12, 31), deadline=datetime.date(year + 1, 1, 10),
    )  # fmt: skip


def reported() -> Indicator:
    return Indicator.objects.filter(source=IndicatorSource.REPORTED).first()  # type: ignore[return-value]


def report_fields(township: Any, **extra: Any) -> dict[str, Any]:
    fields = {
        "indicator": reported(), "division": division(TOWNSHIP), "county": division(COUNTY),
        "value": Decimal(3), "evidence": "花名册", "status": ReportStatus.ENTERED, "entered_by": township,
        "entered_at": clock.now(),
    }  # fmt: skip
    return {"period": extra.pop("period", None) or a_period(), **fields, **extra}


def value_fields(**extra: Any) -> dict[str, Any]:
    fields = {
        "indicator": reported(), "division": division(COUNTY), "state": ValueState.VALUE,
        "value": Decimal(1), "recorded_at": clock.now(),
    }  # fmt: skip
    return {"period": extra.pop("period", None) or a_period(), **fields, **extra}


def test_p12_indicator_computed_has_selector() -> None:
    base = {
        "name": "测试",
        "unit": "人",
        "level": "county",
        "department": "州农业农村局",
        "period": PeriodKind.YEAR,
    }
    refused(Indicator, code="t_computed", source=IndicatorSource.COMPUTED, selector="", **base)
    refused(
        Indicator,
        code="t_reported",
        source=IndicatorSource.REPORTED,
        selector="monitoring_households",
        **base,
    )
    Indicator.objects.create(code="t_ok", source=IndicatorSource.REPORTED, selector="", **base)


def test_p16_target_one_per_county_and_one_prefecture_total() -> None:
    indicator = Indicator.objects.create(
        code="t_targets", name="测试", unit="人", level="county", department="州农业农村局", period=PeriodKind.YEAR,
        source=IndicatorSource.REPORTED,
    )  # fmt: skip
    IndicatorTarget.objects.create(indicator=indicator, year=2025, county=division(COUNTY), value=Decimal(1))
    refused(IndicatorTarget, indicator=indicator, year=2025, county=division(COUNTY), value=Decimal(2))
    # the prefecture's total: county empty, once a year (NULLs are not equal in a plain unique index)
    IndicatorTarget.objects.create(indicator=indicator, year=2025, county=None, value=Decimal(10))
    refused(IndicatorTarget, indicator=indicator, year=2025, county=None, value=Decimal(11))
    refused(IndicatorTarget, indicator=indicator, year=2020, county=None, value=Decimal(1))  # year range
    IndicatorTarget.objects.create(indicator=indicator, year=2026, county=None, value=Decimal(12))


def test_p16_period_number_fits_kind() -> None:
    for kind, number in ((PeriodKind.YEAR, 1), (PeriodKind.QUARTER, 0), (PeriodKind.QUARTER, 5),
                         (PeriodKind.MONTH, 0), (PeriodKind.MONTH, 13)):  # fmt: skip
        with pytest.raises(IntegrityError), transaction.atomic():
            a_period(kind, number)
    a_period(PeriodKind.QUARTER, 4)
    a_period(PeriodKind.MONTH, 12)


def test_p16_report_one_per_division_and_has_evidence() -> None:
    fields = report_fields(planning_users().township)
    IndicatorReport.objects.create(**fields)
    refused(IndicatorReport, **fields)
    refused(IndicatorReport, **{**fields, "division": division(COUNTY), "evidence": ""})


def test_p16_indicator_value_one_current_version() -> None:
    first = IndicatorValue.objects.create(**value_fields())
    # a second current row of the same indicator, period and division, even as another version
    refused(
        IndicatorValue,
        **{**value_fields(period=first.period), "version": 2, "supersedes": first, "reason": "更正"},
    )
    # the same version twice, even not current
    refused(IndicatorValue, **{**value_fields(period=first.period), "is_current": False})


def test_p16_indicator_value_has_value_iff_state() -> None:
    period = a_period()
    refused(IndicatorValue, **value_fields(period=period, state=ValueState.VALUE, value=None))
    refused(IndicatorValue, **value_fields(period=period, state=ValueState.MISSING, value=Decimal(1)))
    refused(IndicatorValue, **value_fields(period=period, state="guess"))
    IndicatorValue.objects.create(**value_fields(period=period, state=ValueState.UNCONFIGURED, value=None))


def test_p16_indicator_value_correction_has_reason() -> None:
    first = IndicatorValue.objects.create(**value_fields(is_current=False))
    period = first.period
    refused(IndicatorValue, **value_fields(period=period, version=2, supersedes=first, reason=""))
    refused(IndicatorValue, **value_fields(period=period, version=2, supersedes=None, reason="更正"))
    refused(IndicatorValue, **value_fields(period=period, version=1, supersedes=first, reason="更正"))
    IndicatorValue.objects.create(
        **value_fields(period=period, version=2, supersedes=first, reason="核实更正")
    )


def test_p16_finding_ranges_and_withdrawal_reason() -> None:
    users = planning_users()
    base = {"county": division(COUNTY), "year": 2025, "dimension": "work", "description": "抽查发现问题",
            "entered_by": users.prefecture, "entered_at": clock.now()}  # fmt: skip
    refused(FieldFinding, **base, deduction=Decimal(0))
    refused(FieldFinding, **base, deduction=Decimal("100.01"))
    refused(FieldFinding, **{**base, "dimension": "other"}, deduction=Decimal(1))
    refused(FieldFinding, **base, deduction=Decimal(1), withdrawn_at=clock.now(), withdrawn_reason="")
    refused(FieldFinding, **base, deduction=Decimal(1), withdrawn_reason="没有撤销时间")
    FieldFinding.objects.create(**base, deduction=Decimal(100))


def test_p16_assessment_one_current_per_county_and_year() -> None:
    an_assessment()
    with pytest.raises(IntegrityError), transaction.atomic():
        an_assessment()  # a second current version 1
    earlier = an_assessment(year=2024)
    earlier.is_current = False
    earlier.save(update_fields=["is_current"])


def test_p16_supervision_one_per_kind_and_task_closed_has_result() -> None:
    users = planning_users()
    assessment = an_assessment()
    base = {"county": division(COUNTY), "year": 2025, "assessment": assessment, "opened_at": clock.now()}
    supervision = Supervision.objects.create(kind=SupervisionKind.TALK, **base)
    refused(Supervision, kind=SupervisionKind.TALK, **base)
    Supervision.objects.create(kind=SupervisionKind.LISTING, **base)
    task = {"supervision": supervision, "county": division(COUNTY), "title": "整改返贫风险", "owner": "县乡村振兴局",
            "owner_person": "王强", "due_on": datetime.date(2026, 3, 1), "created_by": users.prefecture,
            "created_at": clock.now()}  # fmt: skip
    refused(
        RectificationTask, **task, status=TaskStatus.CLOSED, closed_on=datetime.date(2026, 2, 1), result=""
    )
    refused(RectificationTask, **task, status=TaskStatus.CLOSED, result="已整改")
    refused(RectificationTask, **task, status="lost")
    RectificationTask.objects.create(
        **task, status=TaskStatus.CLOSED, closed_on=datetime.date(2026, 2, 1), result="已整改"
    )


def test_p11_team_member_end_after_start_with_reason() -> None:
    users = planning_users()
    base = {"village": division(VILLAGE), "county": division(COUNTY), "name": "张明", "unit": "州财政局",
            "starts_on": datetime.date(2025, 1, 1), "recorded_by": users.county}  # fmt: skip
    refused(WorkTeamMember, **base, role=TeamRole.MEMBER, ends_on=datetime.date(2025, 6, 1), end_reason="")
    refused(
        WorkTeamMember, **base, role=TeamRole.MEMBER, ends_on=datetime.date(2024, 6, 1), end_reason="调回"
    )
    refused(WorkTeamMember, **base, role="captain")
    WorkTeamMember.objects.create(
        **base, role=TeamRole.MEMBER, ends_on=datetime.date(2025, 1, 1), end_reason="调回"
    )


def test_p16_planning_attachment_has_exactly_one_owner() -> None:
    users = planning_users()
    report = IndicatorReport.objects.create(**report_fields(users.township))
    finding = FieldFinding.objects.create(
        county=division(COUNTY), year=2025, dimension="work", description="抽查发现问题", deduction=Decimal(1),
        entered_by=users.prefecture, entered_at=clock.now(),
    )  # fmt: skip
    base = {
        "file": "planning_attachments/x.pdf",
        "name": "x.pdf",
        "content_type": "application/pdf",
        "size": 1,
    }
    refused(PlanningAttachment, **base)
    refused(PlanningAttachment, **base, report=report, finding=finding)
    PlanningAttachment.objects.create(**base, report=report)
