"""The planning chain at the service level (P16, P11): a reported value entered by a township with evidence and
reviewed upward, a year frozen at its deadline with the value's provenance, a later correction versioned with
its reason; a county under 约谈/督办 with a rectification task tracked to closure."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.factories import division
from tests.planning.builders import (
    COUNTY,
    TOWNSHIP,
    an_assessment,
    days_from_today,
    planning_users,
)
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict, PermissionDenied
from zhenxing.planning import freeze, services
from zhenxing.planning.enums import (
    IndicatorSource,
    ReportStatus,
    SupervisionKind,
    SupervisionReason,
    TaskStatus,
    ValueState,
)
from zhenxing.planning.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db


def test_p16_reported_value_reviewed_upward_frozen_and_corrected_with_a_new_version() -> None:
    # given the plan's 创业致富带头人 indicator (reported, yearly) and the 2025 period after its end
    users = planning_users()
    leaders = Indicator.objects.get(code="entrepreneurship_leaders")
    period = freeze.period_ensure(kind="year", year=2025, number=0)
    assert period.deadline == datetime.date(2026, 1, 10)
    # when the township enters 12 with its evidence, a colleague reviews it, the county and the prefecture too
    report = services.report_enter(
        actor=users.township, indicator=leaders, period=period, division=division(TOWNSHIP),
        value=Decimal("12"), evidence="乡镇创业致富带头人花名册（2025年12月）",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):  # nobody reviews their own value
        services.report_move(
            actor=users.township, report=report, to=ReportStatus.TOWNSHIP_REVIEWED, opinion="同意"
        )
    services.report_move(actor=users.township_colleague, report=report, to=ReportStatus.TOWNSHIP_REVIEWED,
                         opinion="核实无误")  # fmt: skip
    services.report_move(actor=users.county, report=report, to=ReportStatus.RETURNED, opinion="请附花名册")
    services.report_revise(actor=users.township, report=report, value=Decimal("13"),
                           evidence="花名册已附，新增1人", reason="补充12月新认定1人")  # fmt: skip
    services.report_move(actor=users.township_colleague, report=report, to=ReportStatus.TOWNSHIP_REVIEWED,
                         opinion="核实无误")  # fmt: skip
    services.report_move(actor=users.county, report=report, to=ReportStatus.COUNTY_REVIEWED, opinion="同意")
    report = services.report_move(
        actor=users.prefecture, report=report, to=ReportStatus.ACCEPTED, opinion="确认"
    )
    assert report.value == Decimal("13")
    assert AuditEvent.objects.filter(action="planning.report_revise", new_values__value="13").exists()
    # when the year is frozen (the computed indicators are tested with their own selectors)
    Indicator.objects.filter(source=IndicatorSource.COMPUTED).update(active=False)
    written = freeze.period_freeze(period=period, actor=users.prefecture)
    # then every reported yearly indicator has a value for the 12 counties and the prefecture
    reported = Indicator.objects.filter(source=IndicatorSource.REPORTED, period="year", active=True).count()
    assert written == reported * 13
    frozen = IndicatorValue.objects.get(indicator=leaders, period=period, division__code=COUNTY)
    assert (frozen.state, frozen.value, frozen.version) == (ValueState.VALUE, Decimal("13"), 1)
    reviews = frozen.provenance["sum_of"][0]["reviews"]
    assert [r["by"] for r in reviews][-1] == "p_zhou"
    total = IndicatorValue.objects.get(indicator=leaders, period=period, division__code="5329")
    # and the prefecture's total is not one county's figure: 未填报 until all 12 counties have one
    assert (total.state, total.value) == (ValueState.MISSING, None)
    assert total.provenance == {"counties_reported": 1, "counties": 12}
    assert (
        IndicatorValue.objects.get(indicator=leaders, period=period, division__code="532923").state
        == "missing"
    )
    with pytest.raises(Conflict):
        freeze.period_freeze(period=period, actor=users.prefecture)
    # when the prefecture corrects the county's value with a reason
    corrected = freeze.indicator_value_correct(
        actor=users.prefecture, value=frozen, new_value=Decimal("14"), reason="县人社局复核后补报1人"
    )
    # then the correction is version 2, the first stays, and the audit keeps both values
    frozen.refresh_from_db()
    assert (corrected.version, corrected.value, corrected.supersedes_id) == (2, Decimal("14"), frozen.pk)
    assert not frozen.is_current
    event = AuditEvent.objects.get(action="planning.value_correct", division__code=COUNTY)
    assert (event.old_values["value"], event.new_values["value"]) == ("13.0000", "14")
    # and the prefecture's total is written again from the counties' current values, still 未填报
    rebuilt = IndicatorValue.objects.get(
        indicator=leaders, period=period, division__code="5329", is_current=True
    )
    assert (rebuilt.version, rebuilt.state, rebuilt.reason) == (2, ValueState.MISSING, "县(市)数值更正后重算")
    with pytest.raises(Conflict):
        freeze.indicator_value_correct(
            actor=users.prefecture, value=frozen, new_value=Decimal("15"), reason="再次更正"
        )


def test_p16_month_of_computed_indicators_frozen_with_selector_versions() -> None:
    # given a past month
    users = planning_users()
    period = freeze.period_ensure(kind="month", year=2026, number=10)
    # when it is frozen
    freeze.period_freeze(period=period, actor=users.prefecture)
    # then each monthly indicator has its selector, version and the time of the data in its provenance
    value = IndicatorValue.objects.get(
        indicator__code="monitoring_households", period=period, division__code=COUNTY
    )
    assert value.provenance["selector"] == "monitoring_households"
    assert value.selector_version == 1 and value.computed_as_of is not None
    assert AuditEvent.objects.filter(action="planning.period_freeze").count() == 1


def test_p11_p16_county_graded_general_gets_a_rectification_task_tracked_to_closure() -> None:
    # given a county assessed 一般
    users = planning_users()
    assessment = an_assessment()
    supervision = services.supervision_open(
        assessment=assessment, kind=SupervisionKind.LISTING, reasons=[SupervisionReason.GRADE], actor=None
    )
    # when the prefecture sets a task, the county reports its result and the prefecture closes it
    task = services.task_add(
        actor=users.prefecture, supervision=supervision, title="逾期未核实预警线索全部办结", detail="",
        owner="南涧县乡村振兴局", owner_person="张三", due_on=days_from_today(30),
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.task_move(actor=users.other_county, task=task, to=TaskStatus.SUBMITTED, result="已整改")
    services.task_move(
        actor=users.county, task=task, to=TaskStatus.SUBMITTED, result="37条线索已全部核实办结"
    )
    task = services.task_move(
        actor=users.prefecture, task=task, to=TaskStatus.CLOSED, opinion="经抽查属实，销号"
    )
    # then it is closed with its result and each step audited
    assert task.status == TaskStatus.CLOSED and task.closed_on is not None
    assert list(task.steps.values_list("action", flat=True)) == ["报送整改结果", "审核销号"]
    assert AuditEvent.objects.filter(action="planning.task_close", target_id=str(task.pk)).exists()
