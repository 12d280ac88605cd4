"""The P15 asset rules and the P11 collective tiers as pure functions (policy/rules/assets.py): fund shares of an
asset's value, the 一分了之 boundary, the county government's threshold for a disposal, the tiers' bounds, and
amounts in 元."""

from __future__ import annotations

import datetime
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhenxing.policy.rules.assets import (
    FEN_PER_WAN,
    collective_tier,
    disposal_needs_government,
    even_handout,
    inspection_due,
    remaining_by_source,
    shares_of_value,
    yuan_to_fen,
)

SOURCES = ("central", "province", "prefecture", "county", "other")
TIER_BOUNDS_YUAN = [20000, 50000, 100000]  # the shipped collective_economy_tiers parameter (P11)

remainders = st.dictionaries(
    st.sampled_from(SOURCES), st.integers(min_value=0, max_value=10**11), min_size=1, max_size=5
)


@settings(max_examples=300, deadline=None)
@given(remaining=remainders, data=st.data())
def test_p15_shares_sum_to_the_value_within_each_remainder_and_proportional_within_a_fen(
    remaining: dict[str, int], data: st.DataObject
) -> None:
    total = sum(remaining.values())
    if total == 0:
        assert shares_of_value(1, remaining) is None
        return
    value = data.draw(st.integers(min_value=1, max_value=total))
    shares = shares_of_value(value, remaining)
    assert shares is not None
    assert sum(shares.values()) == value
    for source, fen in shares.items():
        assert 0 < fen <= remaining[source]
        assert abs(Fraction(fen) - Fraction(value * remaining[source], total)) < 1
    for source in remaining:
        if source not in shares:
            assert Fraction(value * remaining[source], total) < 1


@settings(max_examples=100, deadline=None)
@given(remaining=remainders, extra=st.integers(min_value=1, max_value=10**6))
def test_p15_shares_are_none_when_the_value_exceeds_what_remains(
    remaining: dict[str, int], extra: int
) -> None:
    assert shares_of_value(sum(remaining.values()) + extra, remaining) is None


def test_p15_shares_none_for_zero_or_negative_value_and_exact_for_the_whole_remainder() -> None:
    remaining = {"central": 60 * FEN_PER_WAN, "county": 20 * FEN_PER_WAN}
    assert shares_of_value(0, remaining) is None
    assert shares_of_value(-1, remaining) is None
    assert shares_of_value(80 * FEN_PER_WAN, remaining) == remaining
    assert shares_of_value(50 * FEN_PER_WAN, remaining) == {"central": 37_500_000, "county": 12_500_000}
    # one fen over three equal sources: the tie goes to the first source by name
    assert shares_of_value(1, {"county": 1, "central": 1, "province": 1}) == {"central": 1}


def test_p15_remaining_by_source_never_below_zero_and_skips_unpaid_sources() -> None:
    assert remaining_by_source({"central": 100, "county": 0}, {"central": 130}) == {"central": 0}
    assert remaining_by_source({"central": 100, "county": 50}, {"county": 20}) == {
        "central": 100,
        "county": 30,
    }


def _line(equal_households: int, others: int) -> dict[int, int]:
    amounts = dict.fromkeys(range(equal_households), 50000)
    amounts.update({1000 + n: 300_00 + n for n in range(others)})
    return amounts


def test_p15_even_handout_exactly_at_the_share_is_refused_and_just_below_allowed() -> None:
    # 80 of 100 households get the same cash amount: exactly 80% → 一分了之
    assert even_handout(
        unconditional=True, amounts_by_household=_line(80, 0), village_households=100, share_percent=80
    )
    # 79 of 100: just below
    assert not even_handout(
        unconditional=True, amounts_by_household=_line(79, 21), village_households=100, share_percent=80
    )
    # 4 of 5 (exactly 80%) refused, 3 of 5 allowed; a fraction of a household never rounds in the payer's favour
    assert even_handout(unconditional=True, amounts_by_household=_line(4, 1), village_households=5,
                        share_percent=80)  # fmt: skip
    assert not even_handout(unconditional=True, amounts_by_household=_line(3, 2), village_households=5,
                            share_percent=80)  # fmt: skip
    # 7 of 9 is 77.8%: allowed at 80%, refused at 77
    assert not even_handout(unconditional=True, amounts_by_household=_line(7, 2), village_households=9,
                            share_percent=80)  # fmt: skip
    assert even_handout(unconditional=True, amounts_by_household=_line(7, 2), village_households=9,
                        share_percent=77)  # fmt: skip


def test_p15_even_handout_never_for_conditional_kinds_or_an_empty_village() -> None:
    everyone_equal = _line(100, 0)
    assert not even_handout(
        unconditional=False, amounts_by_household=everyone_equal, village_households=100, share_percent=80
    )
    assert not even_handout(
        unconditional=True, amounts_by_household={}, village_households=100, share_percent=80
    )
    assert not even_handout(
        unconditional=True, amounts_by_household=everyone_equal, village_households=0, share_percent=80
    )


def test_p15_even_handout_of_nothing_is_no_handout() -> None:
    # a line whose households all get 0 fen pays nobody (it used to fail on an empty count)
    assert not even_handout(unconditional=True, amounts_by_household={1: 0, 2: 0}, village_households=2,
                            share_percent=80)  # fmt: skip


def test_p15_disposal_exactly_at_the_threshold_stays_with_the_sector_one_fen_above_goes_to_government() -> (
    None
):
    assert not disposal_needs_government(50 * FEN_PER_WAN, above_wan=50)
    assert disposal_needs_government(50 * FEN_PER_WAN + 1, above_wan=50)
    assert not disposal_needs_government(0, above_wan=0)
    assert disposal_needs_government(1, above_wan=0)


@pytest.mark.parametrize(
    ("yuan_fen", "tier"),
    [
        (0, 0),
        (20000_00 - 1, 0),
        (20000_00, 1),  # P11: 2万 belongs to 2万（含）至5万
        (50000_00 - 1, 1),
        (50000_00, 2),
        (100000_00 - 1, 2),
        (100000_00, 3),
        (10**14, 3),
    ],
)
def test_p11_collective_tier_bounds_belong_to_the_tier_above(yuan_fen: int, tier: int) -> None:
    assert collective_tier(yuan_fen, TIER_BOUNDS_YUAN) == tier


def test_p15_inspection_due_one_interval_after() -> None:
    assert inspection_due(datetime.date(2026, 3, 1), interval_days=365) == datetime.date(2027, 3, 1)


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("12.34", 1234),
        ("1,000", 100000),
        ("1，000.5", 100050),
        (" 7 ", 700),
        (0, 0),
        ("1000000000000", 10**14),
    ],
)
def test_p15_yuan_to_fen_accepts_amounts_to_the_fen(raw: object, fen: int) -> None:
    assert yuan_to_fen(raw, label="金额") == fen


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "金额应为金额（元）"),
        (True, "金额应为金额（元）"),
        ("", "请填写金额（元）"),
        ("  ", "请填写金额（元）"),
        ("abc", "金额应为金额（元），收到“abc”"),
        ("NaN", "金额应为金额（元）"),
        ("Infinity", "金额应为金额（元）"),
        ("-1", "金额不能为负数"),
        ("1000000000000.01", "金额超过上限（10^12元）"),
        ("1.234", "金额最多两位小数（到分）"),
    ],
)
def test_p15_yuan_to_fen_refuses_with_the_label(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        yuan_to_fen(raw, label="金额")


def test_p15_a_meeting_decides_with_two_thirds_present() -> None:
    from zhenxing.policy.rules.assets import meeting_can_decide

    assert meeting_can_decide(attendees=20, expected=30)
    assert not meeting_can_decide(attendees=19, expected=30)
    assert not meeting_can_decide(attendees=31, expected=30)
    assert not meeting_can_decide(attendees=0, expected=0)


def test_p15_only_a_household_asset_belongs_to_a_household() -> None:
    from zhenxing.policy.rules.assets import owner_kind_fits

    assert owner_kind_fits(category="household", owner_kind="household")
    assert not owner_kind_fits(category="household", owner_kind="collective")
    assert owner_kind_fits(category="public", owner_kind="collective")
    assert owner_kind_fits(category="operating", owner_kind="unit")
    assert not owner_kind_fits(category="public", owner_kind="household")
