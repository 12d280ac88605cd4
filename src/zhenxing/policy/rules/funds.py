"""P14: the linkage funds' rules as pure functions — 支出进度 and the schedule it is held to, the industry share
of the central funds and its warning, and the balances a split or a payment must stay within. Nothing here
touches the database: the funds app gathers the sums and asks these, passing the parameters in force."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

# the schedule parameter's keys (fund_schedule), by the month they close
SCHEDULE_MONTHS: dict[str, int] = {"m03": 3, "m06": 6, "m09": 9, "m11": 11, "m12": 12}
# the industry share parameter's flags, by fund source (projects.enums.FundSource codes)
SHARE_SOURCE_FLAGS: dict[str, str] = {
    "central": "count_central",
    "province": "count_province",
    "prefecture": "count_prefecture",
    "county": "count_county",
}
_CENT = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent to two decimals (half up); None when there is no whole to divide by."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_CENT, rounding=ROUND_HALF_UP)


def disbursement_progress(*, paid_fen: int, allocated_fen: int) -> Decimal | None:
    """P14: 支出进度 = paid / allocated (of a budget year), in percent."""
    return percent(paid_fen, allocated_fen)


def schedule_target(schedule: Mapping[str, int], *, budget_year: int, on: datetime.date) -> tuple[int, str]:
    """The share (percent) of a budget year's allocation that should be paid by `on`, and the month end it
    comes from: the latest schedule month that has closed by `on` (none yet: 0). A budget year that ended is
    held to its year-end value."""
    if on.year > budget_year:
        return int(schedule["m12"]), f"{budget_year}年12月末"
    if on.year < budget_year:
        return 0, ""
    due, label = 0, ""
    for key, month in SCHEDULE_MONTHS.items():
        month_end = _month_end(budget_year, month)
        if on >= month_end:
            due, label = int(schedule[key]), f"{budget_year}年{month}月末"
    return due, label


def _month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def behind_schedule(progress: Decimal | None, target_percent: int) -> bool:
    """P14: warned when the paid share is below what the schedule expects by now (nothing allocated: no)."""
    return progress is not None and progress < target_percent


def counted_sources(share_parameter: Mapping[str, int]) -> tuple[str, ...]:
    """P14: the sources the industry share counts, as the parameter states them (data, not code)."""
    return tuple(source for source, flag in SHARE_SOURCE_FLAGS.items() if int(share_parameter.get(flag, 0)))


def industry_share_warning(*, industry_fen: int, counted_fen: int, target_percent: int) -> bool:
    """P14: below the year's value the county is warned, never refused; no counted money, no warning."""
    share = percent(industry_fen, counted_fen)
    return share is not None and share < target_percent


def line_has_room(*, line_fen: int, committed_fen: int, returned_fen: int, amount_fen: int) -> bool:
    """P14: a split never takes a line above its amount. Money returned at 出库 is on the line again; money
    收回 at 终止 is not (the finance bureau took it back), so it is not counted here."""
    return committed_fen - returned_fen + amount_fen <= line_fen


def within_plan(*, planned_fen: int, split_fen: int, amount_fen: int) -> bool:
    """P14: a project's splits of one source never exceed its planned amount of that source."""
    return split_fen + amount_fen <= planned_fen


def split_unpaid(*, split_fen: int, paid_fen: int, released_fen: int) -> int:
    """P14: what a payment may still draw on a split (paid is net of reversals)."""
    return split_fen - paid_fen - released_fen


def per_person_yuan(allocated_fen: int, people: int) -> Decimal | None:
    """P14 (P2 flags): an allocation per 脱贫 person, in 元 to two decimals (half up); None without people."""
    if people <= 0:
        return None
    return (Decimal(allocated_fen) / 100 / Decimal(people)).quantize(_CENT, rounding=ROUND_HALF_UP)


# the per-person comparison's groups (P2): the 7 省级乡村振兴重点帮扶县, the other 脱贫县; other counties none
KEY_GROUP, OTHER_TUOPIN_GROUP = "key", "other_tuopin"
PER_PERSON_SOURCES = ("province", "prefecture")  # P14: the provincial and prefecture linkage funds


def per_person_group(*, is_tuopin_county: bool, is_key_county: bool) -> str | None:
    """P2: which side of the per-person comparison a county is on (a county that is no 脱贫县: neither)."""
    if is_key_county:
        return KEY_GROUP
    return OTHER_TUOPIN_GROUP if is_tuopin_county else None
