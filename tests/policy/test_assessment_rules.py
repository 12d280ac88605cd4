"""P16 考核评估 with P11's grades (policy/rules/assessment.py): items, dimensions, the weighted total, the grade
boundaries (inclusive), the what-if scheme and who is put under supervision."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenxing.policy.rules.assessment import (
    DIMENSIONS,
    GRADES,
    ITEMS,
    ITEMS_BY_KEY,
    CountyScore,
    ItemInput,
    Scheme,
    county_score,
    grade_of,
    item_score,
    needs_supervision,
    parameter_keys,
    scheme_from_values,
    scheme_problem,
    scheme_with,
    shipped_value,
)

SHIPPED = scheme_from_values(shipped_value())
D = Decimal


def _all_full() -> dict[str, ItemInput]:
    """Every item at its best: no record lowering it, every target reached."""
    return {
        spec.key: ItemInput(count=0) if spec.method == "per_record" else ItemInput(value=D(100), target=D(90))
        for spec in ITEMS
    }


def test_p16_catalogue_in_order_with_dimensions_and_sources() -> None:
    # the catalogue the lead's planning app counts by, in order
    assert [spec.key for spec in ITEMS] == [
        "work_team_shortfall", "rectification_overdue", "fund_progress", "industry_share", "housing_open",
        "transfer_employment", "training_employment_rate", "overdue_leads", "overdue_case_steps", "plan_errors",
        "notices_late", "evaluations_late", "data_quality", "income_per_capita", "returns", "reported_met",
    ]  # fmt: skip
    assert ITEMS_BY_KEY["industry_share"].source == "fund_industry_share"
    assert ITEMS_BY_KEY["industry_share"].method == "target"
    assert ITEMS_BY_KEY["overdue_leads"].method == "per_record"
    assert {spec.dimension for spec in ITEMS} == {key for key, _ in DIMENSIONS}
    assert GRADES == ("好", "较好", "一般")


def test_p16_shipped_scheme_in_points() -> None:
    # the parameter stores tenths of a point; the scheme is in points
    assert SHIPPED.weights == {"responsibility": 20, "policy": 25, "work": 25, "results": 30}
    assert SHIPPED.full["fund_progress"] == D(10)
    assert SHIPPED.full["industry_share"] == D(5)
    assert SHIPPED.per["overdue_leads"] == D("0.5")
    assert SHIPPED.per["data_quality"] == D("0.1")
    assert SHIPPED.per["returns"] == D(2)
    assert "fund_progress" not in SHIPPED.per
    assert (SHIPPED.good_from, SHIPPED.fair_from) == (D(90), D(80))
    assert scheme_problem(SHIPPED) is None
    assert set(shipped_value()) == set(parameter_keys())


def test_p16_per_record_item_explains_its_deduction() -> None:
    # given 7 overdue leads at 0.5 points each
    score = item_score(ITEMS_BY_KEY["overdue_leads"], ItemInput(count=7), SHIPPED)
    # then 10 - 3.5 points, said in Chinese
    assert score.points == D("6.5")
    assert score.full == D(10)
    assert score.scored
    assert score.explanation == "逾期线索 7 条 × 0.5 分 = 扣 3.5 分"


def test_p16_per_record_item_never_below_zero() -> None:
    score = item_score(ITEMS_BY_KEY["returns"], ItemInput(count=9), SHIPPED)
    assert score.points == 0
    assert score.explanation == "返贫 9 人 × 2 分 = 扣 18 分（以满分 10 分为限）"


def test_p16_per_record_item_without_records_is_full() -> None:
    score = item_score(ITEMS_BY_KEY["work_team_shortfall"], ItemInput(count=0), SHIPPED)
    assert score.points == D(10)
    assert score.explanation == "驻村工作队配备不足 0 个村，不扣分"


def test_p16_item_without_data_is_not_scored() -> None:
    per_record = item_score(ITEMS_BY_KEY["overdue_leads"], ItemInput(), SHIPPED)
    target = item_score(ITEMS_BY_KEY["income_per_capita"], ItemInput(target=D(12000)), SHIPPED)
    assert not per_record.scored and not target.scored
    assert "未配置" in target.explanation


def test_p16_target_item_at_least() -> None:
    spec = ITEMS_BY_KEY["fund_progress"]
    reached = item_score(spec, ItemInput(value=D(95), target=D(90)), SHIPPED)
    short = item_score(spec, ItemInput(value=D(45), target=D(90)), SHIPPED)
    assert reached.points == D(10)
    assert short.points == D(5)
    assert short.explanation == "衔接资金支出进度 45，目标 ≥ 90，得 5 分（满分 10 分）"


def test_p16_target_item_at_most() -> None:
    spec = ITEMS_BY_KEY["reported_met"]
    assert item_score(spec, ItemInput(value=D(20), target=D(10), direction="<="), SHIPPED).points == D("2.5")
    assert item_score(spec, ItemInput(value=D(0), target=D(10), direction="<="), SHIPPED).points == D(5)
    assert item_score(spec, ItemInput(value=D(8), target=D(10), direction="<="), SHIPPED).points == D(5)


def test_p16_target_item_without_target_is_not_scored() -> None:
    # given a value with no target: what cannot be measured is neither rewarded nor punished
    spec = ITEMS_BY_KEY["income_per_capita"]
    score = item_score(spec, ItemInput(value=D(11000)), SHIPPED)
    assert not score.scored and score.points == 0
    assert score.explanation == "脱贫人口人均纯收入 11000，未设目标，不计分"
    # and a dimension leaves it out of its full points (its other items decide it)
    result = county_score(SHIPPED, {"income_per_capita": ItemInput(value=D(11000))}, {})
    results = next(d for d in result.dimensions if d.key == "results")
    assert results.full == 0 and results.percent == 100


def test_p16_target_zero_at_most_is_met_only_at_zero() -> None:
    # given a "≤ 0" target (e.g. no returns at all): met at 0 or below, missed above it
    spec = ITEMS_BY_KEY["reported_met"]
    met = item_score(spec, ItemInput(value=D(0), target=D(0), direction="<="), SHIPPED)
    below = item_score(spec, ItemInput(value=D(-1), target=D(0), direction="<="), SHIPPED)
    missed = item_score(spec, ItemInput(value=D("0.5"), target=D(0), direction="<="), SHIPPED)
    assert met.scored and met.points == below.points == D(5)
    assert missed.scored and missed.points == 0
    assert missed.explanation == "报送指标达标率 0.5，目标 ≤ 0，得 0 分（满分 5 分）"


def test_p16_target_zero_at_least_is_met_at_zero_or_more() -> None:
    spec = ITEMS_BY_KEY["income_per_capita"]
    assert item_score(spec, ItemInput(value=D(11000), target=D(0)), SHIPPED).points == D(10)
    assert item_score(spec, ItemInput(value=D(0), target=D(0)), SHIPPED).points == D(10)
    assert item_score(spec, ItemInput(value=D(-3), target=D(0)), SHIPPED).points == 0


@given(
    spec=st.sampled_from(ITEMS),
    count=st.integers(min_value=0, max_value=10_000),
    value=st.decimals(min_value=-1000, max_value=10**9, places=2),
    target=st.one_of(st.none(), st.decimals(min_value=0, max_value=10**9, places=2)),
    direction=st.sampled_from((">=", "<=")),
)
def test_p16_item_points_always_within_zero_and_full(
    spec: object, count: int, value: Decimal, target: Decimal | None, direction: str
) -> None:
    assert isinstance(spec, type(ITEMS[0]))
    given_input = ItemInput(count=count, value=value, target=target, direction=direction)
    score = item_score(spec, given_input, SHIPPED)
    assert 0 <= score.points <= score.full


def test_p16_all_full_county_scores_100_and_is_good() -> None:
    result = county_score(SHIPPED, _all_full(), {})
    assert isinstance(result, CountyScore)
    assert [d.key for d in result.dimensions] == [key for key, _ in DIMENSIONS]
    assert all(d.score == 100 for d in result.dimensions)
    assert result.total == D(100)
    assert result.grade == "好"


def test_p16_dimension_leaves_out_unscored_items_and_takes_findings() -> None:
    # given only 工作落实's overdue leads counted (7 × 0.5) and an assessors' finding of 5 points there
    inputs = {"overdue_leads": ItemInput(count=7)}
    result = county_score(SHIPPED, inputs, {"work": D(5)})
    work = next(d for d in result.dimensions if d.key == "work")
    # then the dimension is 6.5 of 10 (the unscored items are out of its full points), 65%, less 5
    assert (work.points, work.full, work.percent, work.findings, work.score) == (
        D("6.5"), D(10), D("65.00"), D(5), D("60.00"),
    )  # fmt: skip
    # and a dimension with nothing scored counts 100
    responsibility = next(d for d in result.dimensions if d.key == "responsibility")
    assert (responsibility.full, responsibility.percent) == (0, D(100))
    # total = 20×100 + 25×100 + 25×60 + 30×100, over 100
    assert result.total == D("90.00")
    assert result.grade == "好"


def test_p16_findings_never_push_a_dimension_below_zero() -> None:
    result = county_score(SHIPPED, _all_full(), {"results": D(150)})
    results = next(d for d in result.dimensions if d.key == "results")
    assert results.score == 0
    assert result.total == D(70)
    assert result.grade == "一般"


def test_p16_unknown_input_or_finding_is_refused() -> None:
    with pytest.raises(ValueError, match="没有"):
        county_score(SHIPPED, {"nonsense": ItemInput(count=1)}, {})
    with pytest.raises(ValueError, match="没有"):
        county_score(SHIPPED, {}, {"nonsense": D(1)})


def test_p16_total_rounds_half_up_to_cents() -> None:
    # 工作落实 less 0.01: 25 × 99.99 / 100 = 24.9975, total 99.9975 → 100.00 (half up)
    assert county_score(SHIPPED, _all_full(), {"work": D("0.01")}).total == D("100.00")
    # less 0.03: 99.9925 → 99.99
    assert county_score(SHIPPED, _all_full(), {"work": D("0.03")}).total == D("99.99")


def test_p16_dimension_percent_rounds_to_cents() -> None:
    # 1 overdue lead at 0.0001 of 工作落实's 40 points: 99.99975% → 100.00
    scheme = scheme_with(SHIPPED, overdue_leads_per="0.0001")
    result = county_score(scheme, {**_all_full(), "overdue_leads": ItemInput(count=1)}, {})
    assert next(d for d in result.dimensions if d.key == "work").percent == D("100.00")
    # 1 open housing case at 1 point of 政策落实's 30 points: 96.666…% → 96.67
    result = county_score(SHIPPED, {**_all_full(), "housing_open": ItemInput(count=1)}, {})
    assert next(d for d in result.dimensions if d.key == "policy").percent == D("96.67")


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (D(100), "好"),
        (D("90.00"), "好"),
        (D("89.99"), "较好"),
        (D("80.00"), "较好"),
        (D("79.99"), "一般"),
        (D(0), "一般"),
    ],
)
def test_p11_grade_boundaries_are_inclusive(total: Decimal, grade: str) -> None:
    assert grade_of(total, SHIPPED) == grade


@given(
    low=st.decimals(min_value=0, max_value=100, places=2),
    high=st.decimals(min_value=0, max_value=100, places=2),
)
def test_p11_grade_is_monotone_in_the_total(low: Decimal, high: Decimal) -> None:
    low, high = min(low, high), max(low, high)
    assert GRADES.index(grade_of(high, SHIPPED)) <= GRADES.index(grade_of(low, SHIPPED))


def test_p16_what_if_changes_weights_and_thresholds_without_touching_the_original() -> None:
    # given a county at 工作落实 60, others 100: 90 under the shipped weights
    inputs = {"overdue_leads": ItemInput(count=7)}
    before = county_score(SHIPPED, inputs, {"work": D(5)})
    # when 工作落实 weighs 35 and 巩固成效 20, and 好 starts at 95
    what_if = scheme_with(SHIPPED, weight_work=35, weight_results=20, good_from=95)
    after = county_score(what_if, inputs, {"work": D(5)})
    # then the total and the grade follow, and the shipped scheme is unchanged
    assert (before.total, before.grade) == (D(90), "好")
    assert (after.total, after.grade) == (D(86), "较好")
    assert SHIPPED.weights["work"] == 25 and SHIPPED.good_from == 90
    assert scheme_problem(what_if) is None


def test_p16_what_if_per_and_full_in_points() -> None:
    what_if = scheme_with(SHIPPED, overdue_leads_per=1, fund_progress_full="12.5")
    assert what_if.per["overdue_leads"] == D(1)
    assert what_if.full["fund_progress"] == D("12.5")
    assert item_score(ITEMS_BY_KEY["overdue_leads"], ItemInput(count=3), what_if).points == D(7)


def test_p16_what_if_refuses_unknown_names() -> None:
    with pytest.raises(ValueError, match="weight_nothing"):
        scheme_with(SHIPPED, weight_nothing=10)
    with pytest.raises(ValueError, match="fund_progress_per"):
        scheme_with(SHIPPED, fund_progress_per=1)  # a target item has no deduction per record


def test_p16_scheme_problems_in_chinese() -> None:
    assert "合计应为100，现为 105" in str(scheme_problem(scheme_with(SHIPPED, weight_work=30)))
    assert "“较好”最低分 < “好”最低分" in str(scheme_problem(scheme_with(SHIPPED, fair_from=90)))
    assert scheme_problem(scheme_with(SHIPPED, overdue_leads_per=-1)) == "满分和每条扣分不能为负数"
    assert isinstance(SHIPPED, Scheme)


@pytest.mark.parametrize(
    ("grade", "large_scale_return", "expected"),
    [("好", False, False), ("较好", False, False), ("一般", False, True), ("好", True, True)],
)
def test_p11_p16_supervision_for_poor_grade_or_large_scale_return(
    grade: str, large_scale_return: bool, expected: bool
) -> None:
    assert needs_supervision(grade, large_scale_return=large_scale_return) is expected
