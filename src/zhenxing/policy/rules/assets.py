"""P15 project assets and P11 collective-economy tiers, as pure functions: no Django, money in integer fen, no
division at a threshold (every comparison is a product), the parameters passed in.

- `shares_of_value`: an asset's value split over the fund sources of what its project paid and no asset
  already took (P15: values and fund shares come from the payments; one project's assets never exceed them).
- `even_handout`: the 一分了之 refusal of an income-distribution line (P15: 严禁简单发钱发物).
- `disposal_needs_government`: the value above which a disposal goes on to the county government (P15; the
  chain is unverified, its threshold data).
- `inspection_due`: the next 管护 inspection's due day (P15).
- `collective_tier`: a village's 村级集体经济收入 tier (P11: < 2万, 2-5万, 5-10万, ≥ 10万)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

FEN_PER_WAN = 1_000_000
FEN_PER_YUAN = 100
TIER_LABELS = ("2万元以下", "2万元（含）至5万元", "5万元（含）至10万元", "10万元及以上")
# the plan's 2020 figures (P11): villages with 脱贫 population by tier, of 1,144
PLAN_2020_TIERS = (15, 546, 309, 274)
PLAN_2020_VILLAGES = 1144


def remaining_by_source(paid: Mapping[str, int], taken: Mapping[str, int]) -> dict[str, int]:
    """What each source paid to the project and no asset has taken yet (never below 0)."""
    return {source: max(0, fen - taken.get(source, 0)) for source, fen in paid.items() if fen > 0}


def shares_of_value(value_fen: int, remaining: Mapping[str, int]) -> dict[str, int] | None:
    """The asset's value split over the sources in proportion to what each still has, to the fen (largest
    remainder, ties by source name), never above any source's remainder; None when the value is more than
    everything that remains (P15: the assets' values sum to no more than what was paid)."""
    total = sum(remaining.values())
    if value_fen <= 0 or value_fen > total:
        return None
    exact = {source: value_fen * fen for source, fen in remaining.items()}  # shares × total
    shares = {source: product // total for source, product in exact.items()}
    left = value_fen - sum(shares.values())
    order = sorted(remaining, key=lambda source: (-(exact[source] % total), source))
    for source in order:
        if left == 0:
            break
        if shares[source] < remaining[source]:
            shares[source] += 1
            left -= 1
    return {source: fen for source, fen in shares.items() if fen > 0}


def even_handout(
    *,
    unconditional: bool,
    amounts_by_household: Mapping[int, int],
    village_households: int,
    share_percent: int,
) -> bool:
    """True when a cash or goods line with no work or condition type pays the same amount to at least
    `share_percent` of the village's households (P15 一分了之: refused). `amounts_by_household` is each
    beneficiary household's total from the line."""
    if not unconditional or village_households <= 0:
        return False
    most_common = Counter(amount for amount in amounts_by_household.values() if amount > 0).most_common(1)
    if not most_common:  # nobody is paid anything
        return False
    _, equal = most_common[0]
    return equal * 100 >= share_percent * village_households


def households_paid_alike_per_person(payouts: Iterable[tuple[int, int, int]]) -> int:
    """Of an unconditional handout's payouts (household, person, fen), the number of households whose members get
    the most widespread equal per-person amount (P15 一分了之 by head: 100 元 to every person reaches every household
    although larger households get more). A person's amounts are summed first."""
    per_person: dict[tuple[int, int], int] = {}
    for household, person, fen in payouts:
        per_person[household, person] = per_person.get((household, person), 0) + fen
    households_by_amount: dict[int, set[int]] = {}
    for (household, _), fen in per_person.items():
        if fen > 0:
            households_by_amount.setdefault(fen, set()).add(household)
    return max((len(households) for households in households_by_amount.values()), default=0)


def reaches_share(households: int, *, village_households: int, share_percent: int) -> bool:
    return village_households > 0 and households * 100 >= share_percent * village_households


def meeting_can_decide(*, attendees: int, expected: int) -> bool:
    """A 四议 meeting decides with two thirds of those expected present (P15 四议两公开; the 村民委员会组织法 asks
    two thirds of a 村民代表会议's members, more than half for the others: two thirds for all is this system's
    default, unverified)."""
    return 0 < attendees <= expected and attendees * 3 >= expected * 2


def owner_kind_fits(*, category: str, owner_kind: str) -> bool:
    """P15 确权: a 到户类 asset belongs to its household; a 公益性 or 经营性 one to the village collective economic
    organisation or a county or township unit."""
    return (owner_kind == "household") == (category == "household")


def disposal_needs_government(valuation_fen: int, *, above_wan: int) -> bool:
    """Above the threshold (万元) the county government approves after the sector department (P15)."""
    return valuation_fen > above_wan * FEN_PER_WAN


def inspection_due(last: datetime.date, *, interval_days: int) -> datetime.date:
    return last + datetime.timedelta(days=interval_days)


def collective_tier(income_fen: int, bounds_yuan: Sequence[int]) -> int:
    """0 below the first bound, 3 at or above the last (P11's 以下 / 及以上 wording: a bound belongs to the
    tier above it); bounds in whole yuan, as the collective_economy_tiers parameter keeps them."""
    return sum(1 for bound in bounds_yuan if income_fen >= bound * FEN_PER_YUAN)


MAX_YUAN = 10**12
# one asset's or one village collective's income of a year above 1亿元 is a typing error here (the plan's top tier is
# 10万元 and above; Dali's largest village economies earn a few million): refused with a request to check it
PLAUSIBLE_YEARLY_INCOME_FEN = 100_000_000 * FEN_PER_YUAN


def yuan_to_fen(raw: object, *, label: str) -> int:
    """An amount entered in 元 (at most two decimals) as integer fen; refuses what is not a number, negative,
    above 10^12 元 or finer than a fen, naming `label`."""
    from decimal import Decimal, InvalidOperation

    if isinstance(raw, bool) or raw is None:
        raise ValueError(f"{label}应为金额（元）")
    text = str(raw).strip().replace(",", "").replace("，", "")
    if not text:
        raise ValueError(f"请填写{label}（元）")
    if "e" in text.lower():
        raise ValueError(f"{label}请直接填写数字（元），不要使用科学计数法")
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"{label}应为金额（元），收到“{raw}”") from error
    if not amount.is_finite():
        raise ValueError(f"{label}应为金额（元）")
    if amount < 0:
        raise ValueError(f"{label}不能为负数")
    if amount > MAX_YUAN:
        raise ValueError(f"{label}超过上限（10^12元）")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{label}最多两位小数（到分）")
    return int(fen)
