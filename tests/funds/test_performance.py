"""绩效评价 (P14): each indicator counted by hand on a small county year (performance_world.py), every number
explained by exactly the projects behind it, weights from the parameter, the grade bands, and the prefecture's
ranking of all counties."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import COUNTY
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.divisions.models import Division
from zhenxing.funds.performance import all_counties_evaluation, county_evaluation, performance_all_counties
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.rules import performance as rules
from zhenxing.policy.selectors import parameter_for
from zhenxing.policy.services import parameter_revise
from zhenxing.projects import notices
from zhenxing.projects.models import ProjectNotice

from .performance_world import build_world, post

pytestmark = pytest.mark.django_db


def _lines(indicator: object) -> dict[str, bool | None]:
    return {line.code: line.met for line in indicator.lines if line.code}  # type: ignore[attr-defined]


def test_p14_each_indicator_is_counted_by_hand_and_explained_by_its_projects() -> None:
    # given the small county year
    world = build_world()
    p = {key: project.code for key, project in world.p.items()}
    # when the county's year is evaluated
    evaluation = county_evaluation(Division.objects.get(code=COUNTY), world.year)
    # then 支出进度: 40 paid of 150 allocated, the two projects' money and the unsplit rest behind it
    money = evaluation.indicator("disbursement")
    assert (money.numerator, money.denominator) == (40_000_000, 150_000_000)
    assert money.value == Decimal("26.67") and money.weight == 30 and money.score == Decimal("8.00")
    assert {line.code: (line.numerator, line.denominator) for line in money.lines} == {
        p["A"]: (30_000_000, 80_000_000), p["E"]: (10_000_000, 10_000_000), "": (0, 60_000_000)
    }  # fmt: skip
    # 完工率: A of A–E (F 出库 and G of last year left out, E 终止 counted as not done)
    completion = evaluation.indicator("completion")
    assert _lines(completion) == {p["A"]: True, p["B"]: False, p["C"]: False, p["D"]: False, p["E"]: False}
    assert completion.value == Decimal("20.00") and completion.score == Decimal("4.00")
    assert "终止" in next(line.why for line in completion.lines if line.code == p["E"])
    # 绩效目标: A's three targets, two met
    targets = evaluation.indicator("targets")
    assert _lines(targets) == {p["A"]: False} and (targets.numerator, targets.denominator) == (2, 3)
    assert targets.value == Decimal("66.67") and targets.score == Decimal("13.33")
    # 公告公示: B only (A done without its result notice, C's plan a draft, D and E none)
    shown = evaluation.indicator("notices")
    assert _lines(shown) == {p["A"]: False, p["B"]: True, p["C"]: False, p["D"]: False, p["E"]: False}
    assert "实施结果未公示" in next(line.why for line in shown.lines if line.code == p["A"])
    assert shown.value == Decimal("20.00") and shown.score == Decimal("3.00")
    # 联农带农: the two walnut projects, D with nobody linked
    linkage = evaluation.indicator("linkage")
    assert _lines(linkage) == {p["C"]: True, p["D"]: False}
    assert linkage.value == Decimal("50.00") and linkage.score == Decimal("7.50")
    # and the total is the sum of the weighted scores, graded
    assert evaluation.total == Decimal("35.83") and evaluation.grade == "不合格"
    parameter = parameter_for(ParameterKind.FUND_PERFORMANCE, year=world.year)
    assert evaluation.citation["id"] == parameter.pk and evaluation.citation["version"] == parameter.version


def test_p14_a_result_notice_posted_once_done_completes_the_project_notices() -> None:
    world = build_world()
    post(world.users["county"], "result", [world.p["A"]])
    evaluation = county_evaluation(Division.objects.get(code=COUNTY), world.year)
    shown = evaluation.indicator("notices")
    assert (shown.numerator, shown.denominator) == (2, 5)
    assert _lines(shown)[world.p["A"].code] is True
    # a draft is never counted: C's plan posted now counts
    draft = ProjectNotice.objects.get(status="draft")
    notices.notice_post(actor=world.users["county"], notice=draft)
    assert (
        county_evaluation(Division.objects.get(code=COUNTY), world.year).indicator("notices").numerator == 3
    )


def test_p14_the_weights_are_the_parameters_and_the_score_follows_them() -> None:
    # given the county year and weights moved to 支出进度 alone… almost: 60/10/10/10/10
    world = build_world()
    admin = make_user(Role.ADMIN, username="perf_admin")
    parameter = parameter_for(ParameterKind.FUND_PERFORMANCE, year=world.year)
    revised = parameter_revise(
        actor=admin, parameter=parameter,
        value={"disbursement": 60, "completion": 10, "targets": 10, "notices": 10, "linkage": 10},
        document="州乡村振兴局〔2026〕绩效评价办法", verified=True, reason="支出进度权重提高",
    )  # fmt: skip
    evaluation = county_evaluation(Division.objects.get(code=COUNTY), world.year)
    # then 26.67×0.6 + 20×0.1 + 66.67×0.1 + 20×0.1 + 50×0.1 = 16.00 + 2.00 + 6.67 + 2.00 + 5.00
    assert [i.weight for i in evaluation.indicators] == [60, 10, 10, 10, 10]
    assert evaluation.total == Decimal("31.67")
    assert evaluation.citation["id"] == revised.pk and evaluation.citation["version"] == parameter.version + 1


def test_p14_an_indicator_with_nothing_to_count_is_left_out_and_the_rest_rescaled() -> None:
    # no money, no linkage projects: three indicators of weights 20, 20, 15 remain
    values = {"disbursement": None, "completion": Decimal("100"), "targets": Decimal("50"), "notices": Decimal("0"),
              "linkage": None}  # fmt: skip
    weights = {"disbursement": 30, "completion": 20, "targets": 20, "notices": 15, "linkage": 15}
    # (20 + 10 + 0) / 55 × 100 = 54.545… → 54.55
    assert rules.total_score(values, weights) == Decimal("54.55")
    assert rules.total_score(dict.fromkeys(weights), weights) is None
    assert rules.grade(None) == "不适用"


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("90", "优秀"),
        ("89.99", "良好"),
        ("80", "良好"),
        ("79.99", "合格"),
        ("60", "合格"),
        ("59.99", "不合格"),
    ],
)
def test_p14_grade_bands(total: str, grade: str) -> None:
    assert rules.grade(Decimal(total)) == grade


def test_p14_the_prefecture_ranks_all_its_counties_in_a_few_queries(
    django_assert_max_num_queries: object,
) -> None:
    world = build_world()
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        evaluations = performance_all_counties(world.year)
    assert len(evaluations) == 12
    assert [e.county.code for e in all_counties_evaluation(world.year)] == [
        e.county.code for e in evaluations
    ]
    nanjian = next(e for e in evaluations if e.county.code == COUNTY)
    assert nanjian.total == Decimal("35.83")
    # 大理市 has one project, 竣工, nothing else: its rank is above 南涧's
    totals = [e.total for e in evaluations if e.total is not None]
    assert totals == sorted(totals, reverse=True)
    dali = next(e for e in evaluations if e.county.code == "532901")
    assert _lines(dali.indicator("completion")) == {world.p["H"].code: True}


def test_p14_rescaled_only_when_a_weighted_indicator_is_left_out_and_another_counts() -> None:
    weights = {"disbursement": 30, "completion": 20, "targets": 20, "notices": 15, "linkage": 15}
    every = dict.fromkeys(weights, Decimal("50"))
    assert rules.rescaled(every, weights) is False  # all applicable: the plain sum
    assert rules.rescaled({**every, "linkage": None}, weights) is True
    assert rules.rescaled({**every, "linkage": None}, {**weights, "linkage": 0}) is False  # weighs nothing
    assert rules.rescaled(dict.fromkeys(weights), weights) is False  # no total at all: not rescaled, unscored


def test_p14_ranks_place_only_the_scored_and_equal_totals_share_a_place() -> None:
    totals = [Decimal("80"), Decimal("70"), Decimal("70"), None, Decimal("10"), None]
    assert rules.ranks(totals) == [1, 2, 2, None, 4, None]
    assert rules.ranks([None, None]) == [None, None]
