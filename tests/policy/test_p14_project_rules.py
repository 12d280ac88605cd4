"""P14: the project library's pure rules (policy/rules/projects.py) — amounts in 万元 to the fen (wan_to_fen and
fen_to_wan, with property tests: any amount of at most six decimals of a 万元 in range round-trips exactly, finer
ones and those out of range are refused) and the entry conditions (entry_problems names every unmet item)."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from zhenxing.policy.rules.projects import (
    FEN_PER_WAN,
    MAX_FEN,
    ProjectFacts,
    Target,
    entry_problems,
    fen_to_wan,
    wan_to_fen,
)

MAX_WAN = Decimal(MAX_FEN) / FEN_PER_WAN  # 10^12 元 = 10^8 万元


# --- wan_to_fen and fen_to_wan


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("120.5", 120_500_000),
        ("0.000001", 1),  # one fen
        ("0.01", 10_000),  # one hundred yuan
        (" 1,234.56 ", 1_234_560_000),
        ("1，000", 1_000_000_000),  # a full-width comma as typed on a Chinese keyboard
        ("100000000", 10**14),  # exactly 10^12 元: the limit is inside
        ("0", 0),
        ("1.000000000000000000000000000000", 1_000_000),  # trailing zeros past the context's precision
        (12, 12_000_000),
        (Decimal("3.25"), 3_250_000),
    ],
)
def test_p14_wan_to_fen_reads_amounts_to_the_fen(raw: object, fen: int) -> None:
    """P14: 万元 to the fen."""
    assert wan_to_fen(raw, label="计划总投资") == fen


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("-0.01", "不能为负数"),
        ("-5", "不能为负数"),
        ("100000000.000001", "超过上限"),
        ("1e9", "超过上限"),
        ("1.0000001", "最多精确到分"),
        ("0.0000005", "最多精确到分"),
        # more digits than the Decimal context's 28: the seventh decimal must not be rounded away
        ("1.000000000000000000000000000001", "最多精确到分"),
        ("99999999.9999999999999999999999991", "最多精确到分"),
        ("", "请填写"),
        ("   ", "请填写"),
        (None, "应为金额"),
        (True, "应为金额"),
        ("十二万", "应为金额"),
        ("12万", "应为金额"),
        ("NaN", "应为金额"),
        ("Infinity", "应为金额"),
    ],
)
def test_p14_wan_to_fen_refuses_naming_the_field(raw: object, says: str) -> None:
    with pytest.raises(ValueError, match=says) as caught:
        wan_to_fen(raw, label="中央财政衔接资金")
    assert "中央财政衔接资金" in str(caught.value)


@pytest.mark.parametrize(
    ("fen", "shown"),
    [
        (120_500_000, "120.5"),
        (1_000_000, "1"),
        (1, "0.000001"),
        (0, "0"),
        (10**14, "100000000"),
        (10_010_000, "10.01"),
    ],
)
def test_p14_fen_to_wan_shows_exact_wan_without_trailing_zeros(fen: int, shown: str) -> None:
    assert str(fen_to_wan(fen)) == shown


@given(st.decimals(min_value=0, max_value=MAX_WAN, places=6, allow_nan=False, allow_infinity=False))
def test_p14_any_amount_to_the_fen_in_range_round_trips_exactly(amount: Decimal) -> None:
    fen = wan_to_fen(str(amount), label="计划总投资")
    assert fen == amount * FEN_PER_WAN
    assert fen_to_wan(fen) == amount
    # and what is shown reads back as the same fen, never in exponent form
    assert "E" not in str(fen_to_wan(fen)).upper()
    assert wan_to_fen(str(fen_to_wan(fen)), label="计划总投资") == fen


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_p14_any_fen_in_range_round_trips_through_wan(fen: int) -> None:
    assert wan_to_fen(str(fen_to_wan(fen)), label="计划总投资") == fen


@example((30, 10**30 + 1))  # 1.000000000000000000000000000001 万元: past the Decimal context's precision
@example((40, 5 * 10**40 + 10**8))
@given(
    st.integers(min_value=7, max_value=12).flatmap(
        lambda places: st.tuples(st.just(places), st.integers(min_value=1, max_value=10**8 * 10**places))
    )
)
def test_p14_more_than_six_decimals_of_a_wan_are_refused(case: tuple[int, int]) -> None:
    places, digits = case
    assume(digits % 10 ** (places - 6) != 0)  # a real seventh (or later) decimal, not trailing zeros
    amount = Decimal(f"{digits}E-{places}")  # exact (scaleb would round to the context's 28 digits)
    with pytest.raises(ValueError, match="最多精确到分"):
        wan_to_fen(str(amount), label="计划总投资")


@given(st.decimals(min_value=MAX_WAN + Decimal("0.000001"), max_value=MAX_WAN * 1000, places=6))
def test_p14_amounts_above_ten_to_the_twelve_yuan_are_refused(amount: Decimal) -> None:
    with pytest.raises(ValueError, match="超过上限"):
        wan_to_fen(str(amount), label="计划总投资")


@given(st.decimals(max_value=Decimal("-0.000001"), min_value=-MAX_WAN, places=6))
def test_p14_negative_amounts_are_refused(amount: Decimal) -> None:
    with pytest.raises(ValueError, match="不能为负数"):
        wan_to_fen(str(amount), label="计划总投资")


# --- entry_problems


def complete(**changes: object) -> ProjectFacts:
    """A village road that meets every P14 entry condition."""
    values: dict[str, object] = {
        "name": "西山村道路硬化", "category_needs_linkage": False, "level": "village",
        "village_codes": ["532926101202"], "proposer_village_code": "532926101202",
        "implementing_unit": "南涧镇人民政府", "content": "硬化村组道路", "scale": "2.5公里",
        "starts_on": datetime.date(2026, 3, 1), "ends_on": datetime.date(2026, 9, 30),
        "total_fen": 120_500_000, "sources_fen": {"central": 100_000_000, "county": 20_500_000},
        "targets": [Target("output", "道路长度", "≥2.5公里"), Target("benefit", "受益人口", "≥120人"),
                    Target("satisfaction", "满意度", "≥90%")],
    }  # fmt: skip
    values.update(changes)
    return ProjectFacts(**values)  # type: ignore[arg-type]


def fields(facts: ProjectFacts) -> list[str]:
    return [problem.field for problem in entry_problems(facts)]


def test_p14_a_complete_project_may_enter() -> None:
    assert entry_problems(complete()) == []


def test_p14_an_empty_project_names_every_missing_item() -> None:
    empty = ProjectFacts(
        name="", category_needs_linkage=False, level="village", village_codes=[], proposer_village_code=None,
        implementing_unit="", content="", scale="", starts_on=None, ends_on=None, total_fen=None, sources_fen={},
        targets=[],
    )  # fmt: skip
    assert fields(empty) == [
        "name", "places", "implementing_unit", "content", "scale", "starts_on", "ends_on", "total", "sources",
        "targets.output", "targets.benefit", "targets.satisfaction",
    ]  # fmt: skip
    assert all(problem.message for problem in entry_problems(empty))


def test_p14_end_before_start_is_an_order_problem_on_ends_on() -> None:
    problems = entry_problems(complete(ends_on=datetime.date(2026, 2, 28)))
    assert [(p.field, p.code) for p in problems] == [("ends_on", "order")]
    # the same day is fine (a one-day job)
    assert entry_problems(complete(ends_on=datetime.date(2026, 3, 1))) == []


def test_p14_a_zero_total_is_refused() -> None:
    assert "total" in fields(complete(total_fen=0, sources_fen={"central": 0}))


def test_p14_a_village_project_must_include_its_own_village() -> None:
    problems = entry_problems(complete(village_codes=["532926101204"]))
    assert [(p.field, p.code) for p in problems] == [("places", "village_not_own")]
    # a township's project has no own village to include
    assert (
        entry_problems(complete(level="township", proposer_village_code=None, village_codes=["532926101204"]))
        == []
    )


def test_p14_industry_projects_need_their_linkage_mechanism_and_counts() -> None:
    facts = complete(category_needs_linkage=True)
    assert fields(facts) == ["linkage_mechanisms", "linked_tuopin_people", "linked_monitoring_people"]
    linked = dataclasses.replace(
        facts, linkage_mechanisms=["employment"], linked_tuopin_people=0, linked_monitoring_people=0
    )
    assert entry_problems(linked) == []  # zero people is an answer; no answer is not
    assert [(p.field, p.code) for p in entry_problems(dataclasses.replace(linked, linkage_mechanisms=["magic"]))] == [
        ("linkage_mechanisms", "required"), ("linkage_mechanisms", "unknown"),
    ]  # fmt: skip


def test_p14_a_target_without_its_value_is_named() -> None:
    facts = complete(targets=[Target("output", "道路长度", ""), Target("benefit", "受益人口", "≥120人"),
                              Target("satisfaction", "满意度", "≥90%")])  # fmt: skip
    assert [(p.field, p.code) for p in entry_problems(facts)] == [
        ("targets.output", "required"), ("targets.output", "no_value"),
    ]  # fmt: skip


def test_p14_to_household_projects_list_households_in_their_villages() -> None:
    assert [(p.field, p.code) for p in entry_problems(complete(to_households=True))] == [
        ("households", "required")
    ]
    outside = [f"团山村委会农户{n}" for n in range(7)]
    problems = entry_problems(complete(to_households=True, household_count=7, households_outside=outside))
    assert [(p.field, p.code) for p in problems] == [("households", "outside")]
    assert problems[0].message.endswith("等") and "农户5" not in problems[0].message  # the first five named


@given(
    st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=9),
    st.integers(min_value=-3, max_value=3),
)
def test_p14_sources_must_sum_to_the_total_exactly(amounts: list[int], off_by: int) -> None:
    sources = {f"source{i}": amount for i, amount in enumerate(amounts)}
    total = sum(amounts) + off_by
    assume(total > 0 and any(amounts))
    problems = [(p.field, p.code) for p in entry_problems(complete(total_fen=total, sources_fen=sources))]
    assert (("sources", "sum") in problems) == (off_by != 0)


def test_p14_a_ten_day_notice_posted_on_the_first_runs_to_the_tenth() -> None:
    import datetime

    from zhenxing.policy.rules.projects import notice_ends_on

    assert notice_ends_on(datetime.date(2026, 3, 1), 10) == datetime.date(2026, 3, 10)
    assert notice_ends_on(datetime.date(2026, 2, 25), 10) == datetime.date(2026, 3, 6)  # across a month end
    assert notice_ends_on(datetime.date(2026, 3, 1), 1) == datetime.date(2026, 3, 1)
