"""Freezing a period and correcting its values (P16, P13): a year takes the monthly and quarterly computed
indicators too (a stock at 31 December, a flow over the year), so the yearly statistics have every figure; a
period is frozen before its deadline only with a written reason; the prefecture's total of a reported indicator
only once all 12 counties have a value (a share: their unweighted mean, said so); a county's correction writes
the prefecture's total again from the counties' current values; a township never enters a share or a
prefecture-level indicator; a county's target is its own split (a rate: the prefecture's); every figure's part
has a Chinese label and a reporting unit is named, not coded."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.factories import division, make_household
from tests.planning.builders import COUNTY, TOWNSHIP, planning_users
from tests.planning.test_stats_export import client_of, row_of, sheets
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, PermissionDenied
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.monitoring.enums import CaseStatus
from zhenxing.monitoring.models import Case, HousingLedgerEntry
from zhenxing.planning import computed, freeze, services, stats
from zhenxing.planning.enums import PeriodKind, ValueState
from zhenxing.planning.models import Indicator, IndicatorValue, Period

pytestmark = pytest.mark.django_db

D = datetime.date
VILLAGE = "532926101202"
PREFECTURE = "5329"


def value_of(code: str, period: Period, place: str) -> IndicatorValue:
    return IndicatorValue.objects.get(
        indicator__code=code, period=period, division__code=place, is_current=True
    )


def a_case(household: Any, *, identified_on: D, eliminated_on: D | None = None) -> Case:
    eliminated = {"eliminated_on": eliminated_on, "elimination_method": "收入稳定"} if eliminated_on else {}
    return Case.objects.create(
        household=household, village_id=VILLAGE, source="cadre",
        status=CaseStatus.ELIMINATED if eliminated_on else CaseStatus.CONFIRMED,
        step_started_on=identified_on, due=identified_on, identified_on=identified_on,
        opened_at=datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC), monitoring_type="脱贫不稳定户",
        risk_types=["因病"], **eliminated,
    )  # fmt: skip


def a_housing_entry(household: Any, user: Any, *, opened_on: D, closed_on: D | None = None) -> None:
    closed = {"status": "closed", "closed_on": closed_on, "closed_by": user, "completion": "竣工验收合格"}
    HousingLedgerEntry.objects.create(
        village=division(VILLAGE), household=household, grade="C", way="修缮加固", opened_on=opened_on,
        opened_by=user, guarantee_years=15, **(closed if closed_on else {}),
    )  # fmt: skip


def only_active(*codes: str) -> None:
    Indicator.objects.exclude(code__in=codes).update(active=False)


def test_p16_year_freeze_gives_the_monthly_and_quarterly_indicators_a_yearly_value() -> None:
    # given in 南涧 2025: a household monitored since March, one identified in April and eliminated in September,
    # a house registered in February and closed in August, another registered in May and still open
    users = planning_users()
    first, second = make_household(VILLAGE), make_household(VILLAGE)
    a_case(first, identified_on=D(2025, 3, 1))
    a_case(second, identified_on=D(2025, 4, 1), eliminated_on=D(2025, 9, 1))
    a_housing_entry(first, users.county, opened_on=D(2025, 2, 1), closed_on=D(2025, 8, 1))
    a_housing_entry(second, users.county, opened_on=D(2025, 5, 1))
    # when the year 2025 is frozen
    period = freeze.period_ensure(kind=PeriodKind.YEAR, year=2025, number=0)
    freeze.period_freeze(period=period, actor=users.prefecture)
    # then each monthly/quarterly computed indicator has the year's value: stocks at 31 December, flows Jan-Dec
    expected = {
        "monitoring_households": 1, "monitoring_people": 2, "identified_households": 2,
        "eliminated_households": 1, "tuopin_newly_identified": 2, "reopened_households": 0,
        "housing_open": 1, "housing_closed": 1,
    }  # fmt: skip
    for code, number in expected.items():
        indicator = Indicator.objects.get(code=code)
        assert indicator.period in (PeriodKind.MONTH, PeriodKind.QUARTER), code
        county = value_of(code, period, COUNTY)
        assert (county.state, county.value) == (ValueState.VALUE, Decimal(number)), code
        assert value_of(code, period, PREFECTURE).value == Decimal(number), code
    households = value_of("monitoring_households", period, COUNTY)
    assert households.provenance["as_of"] and households.selector_version == 1
    # and the county's yearly statistics read them from the year: no 未冻结
    table = sheets(client_of(users.county).get(f"/planning/stats/?year=2025&county={COUNTY}").content)[
        stats.SHEET_NAME
    ]
    assert row_of(table, "监测对象户数")[4] == 1 and row_of(table, "住房安全台账销号户数")[4] == 1
    assert not [row for row in table[2:] if len(row) > 4 and row[4] == "未冻结"]


def test_p16_month_freeze_keeps_to_its_own_indicators() -> None:
    users = planning_users()
    period = freeze.period_ensure(kind=PeriodKind.MONTH, year=2025, number=10)
    freeze.period_freeze(period=period, actor=users.prefecture)
    kinds = set(IndicatorValue.objects.filter(period=period).values_list("indicator__period", flat=True))
    assert kinds == {PeriodKind.MONTH}


def test_p16_freeze_before_the_deadline_needs_a_written_reason() -> None:
    # given October 2025 (deadline 10 November) on 5 November
    users = planning_users()
    period = freeze.period_ensure(kind=PeriodKind.MONTH, year=2025, number=10)
    assert period.deadline == D(2025, 11, 10)
    with clock.travel(D(2025, 11, 5)):
        # when the prefecture freezes without a reason, then it is refused in Chinese
        with pytest.raises(Conflict, match="截止前冻结请写明提前冻结的原因"):
            freeze.period_freeze(period=period, actor=users.prefecture)
        with pytest.raises(Conflict, match="截止前冻结请写明"):
            freeze.period_freeze(period=period, actor=users.prefecture, early_reason="  ")
        # when it writes why, the period is frozen and the audit keeps the reason
        assert (
            freeze.period_freeze(period=period, actor=users.prefecture, early_reason="州委会议提前调度") > 0
        )
    event = AuditEvent.objects.get(action="planning.period_freeze")
    assert event.reason == "州委会议提前调度"
    # and the daily run takes only the periods past their deadline
    assert freeze.periods_due(D(2025, 12, 11)) == []
    november = freeze.period_ensure(kind=PeriodKind.MONTH, year=2025, number=11)
    assert freeze.periods_due(D(2025, 12, 10)) == [] and freeze.periods_due(D(2025, 12, 11)) == [november]


def test_p16_freeze_of_a_period_not_ended_is_refused_even_with_a_reason() -> None:
    users = planning_users()
    period = freeze.period_ensure(kind=PeriodKind.MONTH, year=2025, number=10)
    with clock.travel(D(2025, 10, 20)), pytest.raises(Conflict, match="尚未结束"):
        freeze.period_freeze(period=period, actor=users.prefecture, early_reason="州委会议提前调度")


def test_p16_reported_total_only_when_every_county_has_a_value() -> None:
    leaders = Indicator.objects.get(code="entrepreneurship_leaders")
    rate = Indicator.objects.get(code="township_vacancy_rate")
    eleven: list[Decimal | None] = [Decimal(10)] * 11
    # some counties unreported: 未填报, with how many did
    assert freeze.reported_total(leaders, [*eleven, None]) == (
        ValueState.MISSING, None, {"counties_reported": 11, "counties": 12}, None,
    )  # fmt: skip
    assert freeze.reported_total(rate, [*eleven, None])[0] == ValueState.MISSING
    # all 12: the sum, or for a share the unweighted mean, said so
    assert freeze.reported_total(leaders, [*eleven, Decimal(2)])[1] == Decimal(112)
    state, mean, provenance, _ = freeze.reported_total(rate, [*eleven, Decimal(4)])
    assert (state, mean) == (ValueState.VALUE, Decimal("9.50"))
    assert provenance["note"] == "各县(市)填报值的算术平均（未加权）"


def test_p16_county_corrections_rebuild_the_reported_prefecture_total() -> None:
    # given 2025 frozen with 创业致富带头人 unreported everywhere
    users = planning_users()
    only_active("entrepreneurship_leaders")
    period = freeze.period_ensure(kind=PeriodKind.YEAR, year=2025, number=0)
    freeze.period_freeze(period=period, actor=users.prefecture)
    counties = list(Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code"))
    assert value_of("entrepreneurship_leaders", period, PREFECTURE).state == ValueState.MISSING
    # when the prefecture enters 11 counties' values: the total stays 未填报, saying how many have one
    for n, county in enumerate(counties[:-1], start=1):
        freeze.indicator_value_correct(
            actor=users.prefecture, value=value_of("entrepreneurship_leaders", period, county.code),
            new_value=Decimal(n), reason="县局补报花名册",
        )  # fmt: skip
    total = value_of("entrepreneurship_leaders", period, PREFECTURE)
    assert (total.state, total.provenance["counties_reported"], total.version) == (ValueState.MISSING, 11, 12)
    assert dict(stats.provenance_lines(total))["说明"].startswith("更正后12个县(市)中只有11个有值")
    # when the twelfth is entered, the total is the counties' sum, a new version with its reason
    freeze.indicator_value_correct(
        actor=users.prefecture, value=value_of("entrepreneurship_leaders", period, counties[-1].code),
        new_value=Decimal(100), reason="县局补报花名册",
    )  # fmt: skip
    total = value_of("entrepreneurship_leaders", period, PREFECTURE)
    assert (total.state, total.value, total.reason) == (
        ValueState.VALUE,
        Decimal(166),
        "县(市)数值更正后重算",
    )
    assert AuditEvent.objects.filter(action="planning.value_correct", division__code=PREFECTURE).count() == 12
    lines = dict(stats.provenance_lines(total))
    assert lines["汇总方式"] == "12个县(市)的值相加" and "重新合计" in lines["说明"]


def test_p16_county_correction_rebuilds_a_computed_total_from_numerators_and_denominators() -> None:
    # given October 2025's monitored households and 2025's 培训后就业率 frozen on an empty register
    users = planning_users()
    only_active("monitoring_households", "training_employment_rate")
    month = freeze.period_ensure(kind=PeriodKind.MONTH, year=2025, number=10)
    freeze.period_freeze(period=month, actor=users.prefecture)
    # when a county's count is typed in: the total is the counties' figures added up again
    freeze.indicator_value_correct(
        actor=users.prefecture, value=value_of("monitoring_households", month, COUNTY), new_value=Decimal(7),
        reason="县局复核补录",
    )  # fmt: skip
    total = value_of("monitoring_households", month, PREFECTURE)
    assert (total.version, total.value, total.reason) == (2, Decimal(7), "县(市)数值更正后重算")
    assert Decimal(total.provenance["figures"]["numerator"]) == 7 and total.provenance["selector"]
    # when it is recomputed from today's records: the parameters cited, the total back to 0
    recomputed = freeze.indicator_value_correct(
        actor=users.prefecture, value=value_of("monitoring_households", month, COUNTY), recompute=True,
        reason="按现有数据重算",
    )  # fmt: skip
    assert "planning_rules" in recomputed.provenance["parameters"] and recomputed.value == 0
    assert value_of("monitoring_households", month, PREFECTURE).value == 0
    # when a county's share is typed in: its parts are unknown, the total keeps its value and says so
    year = freeze.period_ensure(kind=PeriodKind.YEAR, year=2025, number=0)
    freeze.period_freeze(period=year, actor=users.prefecture)
    before = value_of("training_employment_rate", year, PREFECTURE)
    freeze.indicator_value_correct(
        actor=users.prefecture, value=value_of("training_employment_rate", year, COUNTY),
        new_value=Decimal(95), reason="县人社局复核",
    )  # fmt: skip
    after = value_of("training_employment_rate", year, PREFECTURE)
    assert (after.version, after.state, after.value) == (2, before.state, before.value)
    assert after.provenance["not_rebuilt"] == "县级数值已更正，全州合计未重算"
    assert ("说明", "县级数值已更正，全州合计未重算") in stats.provenance_lines(after)


def test_p16_township_may_not_enter_a_share_or_a_prefecture_indicator() -> None:
    users = planning_users()
    period = freeze.period_ensure(kind=PeriodKind.YEAR, year=2025, number=0)
    for code, message in (
        ("township_vacancy_rate", re.escape("为比率，由县(市)填报")),
        ("county_chest_pain_centres", "州级指标"),
    ):
        with pytest.raises(PermissionDenied, match=message):
            services.report_enter(
                actor=users.township, indicator=Indicator.objects.get(code=code), period=period,
                division=division(TOWNSHIP), value=Decimal(5), evidence="乡镇统计表",
            )  # fmt: skip
    # the county enters its share
    report = services.report_enter(
        actor=users.county, indicator=Indicator.objects.get(code="township_vacancy_rate"), period=period,
        division=division(COUNTY), value=Decimal(5), evidence="县委组织部统计表",
    )  # fmt: skip
    assert report.pk is not None


def test_p16_county_target_is_its_own_split_or_for_a_rate_the_prefectures() -> None:
    users = planning_users()
    leaders = Indicator.objects.get(code="entrepreneurship_leaders")
    rate = Indicator.objects.get(code="training_employment_rate")
    county = division(COUNTY)
    # given the plan's prefecture totals only: a count is 未分解 for the county, a rate is the prefecture's
    targets = stats.targets_for(2025, county)
    assert leaders.pk not in targets and targets[rate.pk] == Decimal(90)
    assert leaders.pk in stats.undivided_for(2025, county) and rate.pk not in stats.undivided_for(
        2025, county
    )
    assert stats.targets_for(2025, division(PREFECTURE))[leaders.pk] == Decimal(5000)
    # when the prefecture splits 400 to 南涧, that is its target
    services.indicator_target_set(actor=users.prefecture, indicator=leaders, year=2025, county=county,
                                  value=Decimal(400))  # fmt: skip
    assert stats.targets_for(2025, county)[leaders.pk] == Decimal(400)
    assert leaders.pk not in stats.undivided_for(2025, county)


def test_p16_provenance_labels_every_part_and_names_the_reporting_unit() -> None:
    # given a 返贫人口 figure with its basic-needs part and a township's reported value
    users = planning_users()
    period = freeze.period_ensure(kind=PeriodKind.YEAR, year=2025, number=0)
    returned = IndicatorValue(
        indicator=Indicator.objects.get(code="returned_people"), period=period, division=division(COUNTY),
        state=ValueState.VALUE, value=Decimal(4), recorded_by=users.prefecture, recorded_at=clock.now(),
        provenance={"selector": "returned_people", "version": 1, "definition": "返贫人口", "as_of": "",
                    "figures": {"numerator": "4", "basic_needs_people": 2, "households_people": 4}},
    )  # fmt: skip
    labels = [label for label, _ in stats.provenance_lines(returned)]
    assert not [label for label in labels if label.isascii()], labels
    reported = IndicatorValue(
        indicator=Indicator.objects.get(code="entrepreneurship_leaders"), period=period, division=division(COUNTY),
        state=ValueState.VALUE, value=Decimal(4), recorded_at=clock.now(),
        provenance={"report": 1, "division": TOWNSHIP, "value": "4", "entered_by": "p_xiang", "entered_at": "",
                    "reviews": [], "evidence": ""},
    )  # fmt: skip
    assert dict(stats.provenance_lines(reported))["填报单位"] == division(TOWNSHIP).name
    # and every part key a selector writes (parts={"key": ...}) has a label
    sources = Path(computed.__file__).parent.glob("*.py")
    bodies = [body for path in sources for body in re.findall(r"parts=\{([^}]*)\}", path.read_text("utf-8"))]
    keys = {key for body in bodies for key in re.findall(r'"(\w+)":', body)}
    assert {"basic_needs_people", "households_people"} <= keys <= set(stats.FIGURE_LABELS)
