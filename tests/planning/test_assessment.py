"""The county assessment (P16, grades P11): scores explained down to the records behind them, a county graded
一般 (or at 规模性返贫 risk) summoned and listed, each computation a new version, the what-if side by side
without writing anything."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.factories import division, make_household, make_user
from tests.planning.builders import COUNTY, OTHER_COUNTY, VILLAGE, planning_users
from tests.planning.test_process_figures import a_lead
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.monitoring.enums import CaseStatus
from zhenxing.monitoring.models import Case
from zhenxing.planning import process, services
from zhenxing.planning.assessment import (
    assessment_compute,
    assessment_compute_all,
    assessment_records,
    assessment_what_if,
)
from zhenxing.planning.enums import SupervisionKind, SupervisionReason, ValueState
from zhenxing.planning.freeze import period_ensure
from zhenxing.planning.models import (
    Assessment,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Period,
    Supervision,
)
from zhenxing.policy import services as policy_services
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.models import Parameter
from zhenxing.policy.rules.planning import BASIC_NEEDS_RISK_TYPES
from zhenxing.registry.models import Household, HouseholdYear, Membership
from zhenxing.screening.models import Lead

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def frozen_2025() -> None:
    """The 2025 year period frozen (the assessment reads frozen values only); its values are each test's own."""
    period = period_ensure(kind="year", year=2025, number=0)
    Period.objects.filter(pk=period.pk).update(frozen_at=clock.now())


def item(assessment: Assessment, key: str) -> dict:  # type: ignore[type-arg]
    return next(i for i in assessment.scores["items"] if i["key"] == key)


def poor_findings(actor: object) -> None:
    """Field findings heavy enough to bring 南涧 below 80 (一般)."""
    for dimension in ("work", "results"):
        services.finding_record(
            actor=actor, county=division(COUNTY), year=2025, dimension=dimension,  # type: ignore[arg-type]
            description="抽查发现监测户帮扶措施未落实", deduction=Decimal("50"),
        )  # fmt: skip


def test_p16_an_overdue_lead_is_in_the_items_records_and_costs_its_deduction() -> None:
    # given 南涧 assessed for 2025 before a lead was planted
    users = planning_users()
    before = assessment_compute(county=division(COUNTY), year=2025, actor=users.prefecture, today=TODAY)
    # when a lead open past its 2025 check day is planted and the county reassessed
    lead = a_lead(make_household(VILLAGE), due=datetime.date(2025, 6, 1))
    after = assessment_compute(county=division(COUNTY), year=2025, actor=users.prefecture, today=TODAY)
    # then the overdue-lead item lists the lead and has lost 0.5 (the shipped per-lead deduction)
    was, now = item(before, "overdue_leads"), item(after, "overdue_leads")
    assert now["records"] == {"model": "screening.lead", "ids": [lead.pk], "count": 1}
    assert Decimal(was["points"]) - Decimal(now["points"]) == Decimal("0.5")
    assert "逾期线索 1 条 × 0.5 分 = 扣 0.5 分" in now["explanation"]
    assert (now["dimension"], now["label"], now["scored"], now["full"]) == ("work", "逾期线索", True, "10.0")
    # and the drill-down finds the lead
    label, records = assessment_records(after, "overdue_leads")
    assert label == "screening.lead" and list(records) == [Lead.objects.get(pk=lead.pk)]


def test_p16_a_target_item_cites_its_frozen_value_and_target() -> None:
    # given 南涧's frozen 2025 fund progress 90 against its target 95
    users = planning_users()
    indicator = Indicator.objects.get(code="fund_progress")
    period = period_ensure(kind="year", year=2025, number=0)
    frozen = IndicatorValue.objects.create(
        indicator=indicator, period=period, division=division(COUNTY), state=ValueState.VALUE, value=Decimal("90"),
        recorded_at=clock.now(),
    )  # fmt: skip
    IndicatorTarget.objects.create(
        indicator=indicator, year=2025, county=division(COUNTY), value=Decimal("95")
    )
    # when assessed
    assessment = assessment_compute(county=division(COUNTY), year=2025, actor=users.prefecture, today=TODAY)
    # then the item scores 10 × 90/95 and says which value and target it read
    fund = item(assessment, "fund_progress")
    assert fund["records"] == {"indicator": "fund_progress", "value": "90.0000", "target": "95.0000",
                               "value_id": frozen.pk}  # fmt: skip
    assert fund["points"] == "9.47" and fund["scored"]
    assert assessment.inputs["indicator_values"] == [
        {"indicator": "fund_progress", "value_id": frozen.pk, "version": 1}
    ]
    assert item(assessment, "income_per_capita")["scored"] is False  # nothing frozen: left out
    label, values = assessment_records(assessment, "fund_progress")
    assert label == "planning.indicatorvalue" and [v.pk for v in values] == [frozen.pk]


def test_p16_a_county_graded_poor_gets_talk_and_listing_and_a_good_one_none() -> None:
    # given 南涧 with overdue leads and heavy field findings
    users = planning_users()
    for _ in range(3):
        a_lead(make_household(VILLAGE), due=datetime.date(2025, 6, 1))
    poor_findings(users.prefecture)
    # when every county is assessed
    assessments = {
        a.county.code: a for a in assessment_compute_all(year=2025, actor=users.prefecture, today=TODAY)
    }
    # then 南涧 is 一般 and gets both records for its grade; 巍山, untouched, is 好 and gets none
    assert len(assessments) == 12
    poor, good = assessments[COUNTY], assessments[OTHER_COUNTY]
    assert poor.grade == "一般" and good.grade == "好"
    supervisions = Supervision.objects.filter(county=division(COUNTY), year=2025)
    assert sorted(s.kind for s in supervisions) == sorted([SupervisionKind.TALK, SupervisionKind.LISTING])
    assert all(s.reasons == [SupervisionReason.GRADE] and s.assessment == poor for s in supervisions)
    assert not Supervision.objects.filter(county=division(OTHER_COUNTY)).exists()
    assert poor.inputs["findings"]["by_dimension"] == {"work": "50.00", "results": "50.00"}
    assert AuditEvent.objects.filter(action="planning.supervision_open").count() == 2


def test_p16_large_scale_return_is_flagged_and_a_reason_for_supervision(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given 30 people returned to poverty in 南涧 (the shipped threshold) and a work-team shortfall (stubbed
    # until planning.teams lands)
    returns = {c.code: process.Figure(0, "registry.person", [], "返贫人口") for c in process.counties()}
    returns[COUNTY] = process.Figure(30, "registry.person", [], "返贫人口")
    village = division(VILLAGE)
    teams = {c.code: process.Figure(0, "divisions.division", [], "") for c in process.counties()}
    teams[COUNTY] = process.Figure(1, "divisions.division", [village.pk], "驻村工作队配备不足的村")
    monkeypatch.setitem(process.FIGURES, "returns", lambda year, today: returns)
    monkeypatch.setitem(process.FIGURES, "work_team_shortfall", lambda year, today: teams)
    # when assessed
    assessment = assessment_compute(county=division(COUNTY), year=2025, actor=None, today=TODAY)
    # then it is flagged and summoned for that reason, and the shortfall costs its 2 points
    assert assessment.large_scale_return and assessment.inputs["returned_people"] == 30
    # (30 returns × 2 points also empty its 巩固成效 items: 70.00, 一般 as well — both reasons recorded)
    kinds = Supervision.objects.filter(county=division(COUNTY)).values_list("kind", "reasons")
    both = ["grade", "large_scale_return"]
    assert assessment.grade == "一般" and sorted(kinds) == [("listing", both), ("talk", both)]
    shortfall = item(assessment, "work_team_shortfall")
    assert shortfall["points"] == "8.0" and shortfall["records"]["ids"] == [village.pk]
    assert assessment_records(assessment, "work_team_shortfall")[1].get() == village


def test_p16_recomputing_makes_version_two_and_keeps_version_one() -> None:
    users = planning_users()
    first = assessment_compute(county=division(COUNTY), year=2025, actor=users.prefecture, today=TODAY)
    poor_findings(users.prefecture)
    second = assessment_compute(county=division(COUNTY), year=2025, actor=users.prefecture, today=TODAY)
    first.refresh_from_db()
    assert (first.version, first.is_current, second.version, second.is_current) == (1, False, 2, True)
    assert first.grade == "好" and second.grade == "一般"
    event = AuditEvent.objects.filter(action="planning.assessment_compute").order_by("-pk").first()
    assert event is not None
    assert event.old_values == {"total": str(first.total), "grade": "好"}
    assert event.new_values["total"] == str(second.total) and event.new_values["version"] == 2
    assert second.inputs["parameters"]["assessment"]["kind"] == "assessment"


def test_p16_only_the_prefecture_computes() -> None:
    users = planning_users()
    with pytest.raises(PermissionDenied):
        assessment_compute(county=division(COUNTY), year=2025, actor=users.county, today=TODAY)
    assert not Assessment.objects.exists()


def test_p16_what_if_changes_grades_side_by_side_without_writing() -> None:
    # given 南涧 graded 一般 (72.50), the others 好
    users = planning_users()
    poor_findings(users.prefecture)
    assessment_compute_all(year=2025, actor=users.prefecture, today=TODAY)
    stored, events = Assessment.objects.count(), AuditEvent.objects.count()
    # when the 较好 threshold is lowered to 70 and 好 raised to 100.5 is refused
    rows = {
        row.county.code: row for row in assessment_what_if(year=2025, overrides={"fair_from": Decimal(70)})
    }
    # then 南涧 would be 较好, the others unchanged; nothing written
    nanjian = rows[COUNTY]
    assert (nanjian.current_grade, nanjian.new_grade, nanjian.changed) == ("一般", "较好", True)
    assert nanjian.new_total == nanjian.current_total == Decimal("72.50")
    assert not rows[OTHER_COUNTY].changed and rows[OTHER_COUNTY].new_grade == "好"
    weighted = assessment_what_if(
        year=2025, overrides={"weight_policy": Decimal(45), "weight_work": Decimal(5)}
    )
    assert [(r.new_total, r.new_grade) for r in weighted if r.county.code == COUNTY] == [
        (Decimal("82.50"), "较好")
    ]
    with pytest.raises(InvalidInput):
        assessment_what_if(year=2025, overrides={"weight_work": Decimal(50)})  # weights no longer add to 100
    assert (Assessment.objects.count(), AuditEvent.objects.count()) == (stored, events)


def test_p16_the_assessment_waits_for_the_year_to_be_frozen() -> None:
    # given 2024, whose year period is not frozen
    users = planning_users()
    period_ensure(kind="year", year=2024, number=0)
    # when computed, one county or all, then refused in Chinese and nothing stored
    with pytest.raises(Conflict, match="2024年度统计期尚未冻结，请先冻结再计算考核"):
        assessment_compute(county=division(COUNTY), year=2024, actor=users.prefecture, today=TODAY)
    with pytest.raises(Conflict, match="2024年度统计期尚未冻结"):
        assessment_compute_all(year=2024, actor=users.prefecture, today=TODAY)
    assert not Assessment.objects.exists()


def a_returned_case(household: Household, risk_types: list[str]) -> Case:
    return Case.objects.create(
        household=household, village=household.village, source="cadre", status=CaseStatus.CONFIRMED,
        step_started_on=datetime.date(2025, 5, 1), due=datetime.date(2025, 5, 1),
        identified_on=datetime.date(2025, 5, 1), opened_at=datetime.datetime(2025, 4, 2, tzinfo=datetime.UTC),
        monitoring_type="脱贫不稳定户", risk_types=risk_types,
    )  # fmt: skip


def test_p16_returns_drill_down_to_the_households_and_say_when_only_basic_needs_are_counted() -> None:
    # given a 脱贫户 of 南涧 confirmed in 2025 with an unmet basic need, the poverty standard 未配置
    users = planning_users()
    household = make_household(VILLAGE)
    a_returned_case(household, [BASIC_NEEDS_RISK_TYPES[0]])
    members = Membership.objects.filter(household=household, left_on__isnull=True).count()
    # when assessed
    assessment = assessment_compute(county=division(COUNTY), year=2025, actor=users.prefecture, today=TODAY)
    # then the 返贫 item counts its members, names the household, and says only the basic-needs part was counted
    returns = item(assessment, "returns")
    assert returns["scored"] and returns["records"] == {
        "model": "registry.household", "ids": [household.pk], "count": members,
    }  # fmt: skip
    assert "国家扶贫标准未配置，仅计两不愁三保障未保障的返贫人口" in returns["explanation"]
    assert assessment.inputs["returned_people"] == members
    assert assessment.inputs["returned_people_note"] == process.RETURNS_PARTIAL_NOTE
    # and the drill-down finds the household
    label, records = assessment_records(assessment, "returns")
    assert label == "registry.household" and list(records) == [household]


def test_p16_returns_with_the_standard_configured_count_income_and_carry_no_note() -> None:
    # given the 2025 standard of 4,000 元 and a 南涧 脱贫户 confirmed in 2025 with almost no income
    users = planning_users()
    policy_services.parameter_create(
        actor=make_user(Role.ADMIN), kind=ParameterKind.POVERTY_STANDARD, year=2025, value={"yuan": "4000"},
        document="示例", verified=True,
    )  # fmt: skip
    household = make_household(VILLAGE)
    HouseholdYear.objects.filter(household=household).update(wage=100, business=0)
    a_returned_case(household, ["因病"])
    # when assessed
    assessment = assessment_compute(county=division(COUNTY), year=2025, actor=users.prefecture, today=TODAY)
    # then the household is behind the item, with no 未配置 note
    returns = item(assessment, "returns")
    assert returns["records"]["ids"] == [household.pk] and "未配置" not in returns["explanation"]
    assert assessment.inputs["returned_people_note"] == ""


def test_p16_a_summed_target_not_split_to_the_county_is_not_scored_a_rate_falls_back() -> None:
    # given 2025 frozen values of 南涧: transfer employment (summed) with only the prefecture's target, and
    # the training employment rate (a ratio) with only the prefecture's target of 60 %
    users = planning_users()
    period = period_ensure(kind="year", year=2025, number=0)
    for code, value in (("transfer_employment", "9000"), ("training_employment_rate", "45")):
        IndicatorValue.objects.create(
            indicator=Indicator.objects.get(code=code), period=period, division=division(COUNTY),
            state=ValueState.VALUE, value=Decimal(value), recorded_at=clock.now(),
        )  # fmt: skip
    for code, target in (("transfer_employment", "180000"), ("training_employment_rate", "60")):
        IndicatorTarget.objects.update_or_create(
            indicator=Indicator.objects.get(code=code), year=2025, county=None,
            defaults={"value": Decimal(target)},
        )  # fmt: skip
    # when assessed
    assessment = assessment_compute(county=division(COUNTY), year=2025, actor=users.prefecture, today=TODAY)
    # then the county is not measured against Dali's total: not scored, and said why
    transfer = item(assessment, "transfer_employment")
    assert not transfer["scored"] and transfer["records"]["target"] is None
    assert "目标未分解到县" in transfer["explanation"]
    # and the rate is measured against the prefecture's rate: 45 / 60 of its full points
    rate = item(assessment, "training_employment_rate")
    assert rate["scored"] and rate["records"]["target"] == "60.0000"
    assert Decimal(rate["points"]) == (Decimal(rate["full"]) * 45 / 60).quantize(Decimal("0.01"))


def test_p16_a_county_target_of_its_own_is_used_for_a_summed_indicator() -> None:
    users = planning_users()
    period = period_ensure(kind="year", year=2025, number=0)
    indicator = Indicator.objects.get(code="transfer_employment")
    IndicatorValue.objects.create(
        indicator=indicator, period=period, division=division(COUNTY), state=ValueState.VALUE,
        value=Decimal("9000"), recorded_at=clock.now(),
    )  # fmt: skip
    IndicatorTarget.objects.create(
        indicator=indicator, year=2025, county=division(COUNTY), value=Decimal(9000)
    )
    assessment = assessment_compute(county=division(COUNTY), year=2025, actor=users.prefecture, today=TODAY)
    transfer = item(assessment, "transfer_employment")
    assert transfer["scored"] and Decimal(transfer["points"]) == Decimal(transfer["full"])


def test_p16_without_the_work_team_parameter_only_that_item_is_left_unscored() -> None:
    # given no work_team parameter for any year
    users = planning_users()
    Parameter.objects.filter(kind=ParameterKind.WORK_TEAM).delete()
    # when assessed, the assessment is still made, the work-team item left out
    assessment = assessment_compute(county=division(COUNTY), year=2025, actor=users.prefecture, today=TODAY)
    shortfall = item(assessment, "work_team_shortfall")
    assert not shortfall["scored"] and shortfall["records"] is None
    assert item(assessment, "overdue_leads")["scored"]


def test_p16_data_quality_is_said_to_be_as_of_computing() -> None:
    users = planning_users()
    assessment = assessment_compute(county=division(COUNTY), year=2025, actor=users.prefecture, today=TODAY)
    assert "按计算当日的农户数据检查" in item(assessment, "data_quality")["explanation"]
    assert assessment.inputs["as_of_computing"] == ["data_quality"]
