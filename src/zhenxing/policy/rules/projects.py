"""P14: the project library's rules as pure functions — amounts in 万元 to the fen, the entry conditions a
project must meet before it is stored, and the 联农带农 mechanisms. Nothing here touches the database; the
projects app gathers a draft's facts and asks these."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from zhenxing.policy.rules.money import MAX_YUAN

FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 元 = 1,000,000 分
MAX_FEN = MAX_YUAN * 100
WAN_DECIMALS = 6  # 万元 to the fen: six decimals
MAX_WAN = Decimal(MAX_FEN).scaleb(-WAN_DECIMALS)

# P14: the 联农带农 mechanisms a 产业发展 or 就业 project names (one or more)
LINKAGE_MECHANISMS: dict[str, str] = {
    "land_transfer": "土地流转",
    "employment": "就业务工",
    "production": "带动生产",
    "sales": "帮助产销对接",
    "equity": "资产入股",
    "dividend": "收益分红",
}
# P14: 绩效目标 need at least one indicator of each kind, each with a target value
TARGET_KINDS: dict[str, str] = {"output": "产出指标", "benefit": "效益指标", "satisfaction": "满意度指标"}


@dataclass(frozen=True)
class Problem:
    """One unmet condition: the field it is about (the form's and the API's own key) and a Chinese message."""

    field: str
    code: str
    message: str


def wan_to_fen(raw: object, *, label: str) -> int:
    """An amount entered in 万元 (to the fen: at most six decimals) as integer fen. Refuses what is not a
    number, negative, above 10^12 元 or finer than a fen (more than two decimals of a yuan), naming `label`."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError(f"{label}应为金额（万元）")
    text = str(raw).strip().replace(",", "").replace("，", "")
    if not text:
        raise ValueError(f"请填写{label}（万元）")
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"{label}应为金额（万元），收到“{raw}”") from error
    if not amount.is_finite():
        raise ValueError(f"{label}应为金额（万元）")
    if amount < 0:
        raise ValueError(f"{label}不能为负数")
    if amount > MAX_WAN:  # compared exactly (no rounding), before any arithmetic on a huge exponent
        raise ValueError(f"{label}超过上限（10^12元）")
    # in integers, not Decimal arithmetic: a product is rounded to the context's 28 digits, which would take
    # a seventh decimal of 1.000000000000000000000000000001 away instead of refusing it
    _, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)  # finite
    number, shift = int("".join(map(str, digits)) or "0"), exponent + WAN_DECIMALS
    if shift >= 0:
        return number * 10**shift
    fen, rest = divmod(number, 10**-shift)
    if rest:
        raise ValueError(f"{label}最多精确到分（万元金额最多6位小数，即元的2位小数）")
    return fen


def fen_to_wan(fen: int) -> Decimal:
    """For display and export: exact, with the trailing zeros of the fen dropped (12.5 not 12.500000)."""
    value = Decimal(fen) / FEN_PER_WAN
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


@dataclass(frozen=True)
class Target:
    kind: str
    indicator: str
    value: str


@dataclass(frozen=True)
class ProjectFacts:
    """What a draft project says, as plain values, for the entry check (P14)."""

    name: str
    category_needs_linkage: bool  # 产业发展 and 就业 projects (the category catalogue says which)
    level: str  # village / township / county
    village_codes: Sequence[str]  # the administrative villages it serves
    proposer_village_code: str | None  # a village project's own village
    implementing_unit: str
    content: str
    scale: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    total_fen: int | None
    sources_fen: Mapping[str, int]  # fund source → planned fen
    targets: Sequence[Target]
    linkage_mechanisms: Sequence[str] = ()
    linked_tuopin_people: int | None = None
    linked_monitoring_people: int | None = None
    to_households: bool = False
    household_count: int = 0
    households_outside: Sequence[str] = field(default_factory=tuple)  # labels of listed households elsewhere


def entry_problems(facts: ProjectFacts) -> list[Problem]:
    """P14 entry conditions: every missing or inconsistent item, not only the first. Empty: it may enter."""
    problems: list[Problem] = []

    def need(ok: bool, name: str, message: str, code: str = "required") -> None:
        if not ok:
            problems.append(Problem(name, code, message))

    need(bool(facts.name.strip()), "name", "请填写项目名称")
    need(bool(facts.village_codes), "places", "请填写项目地点（到行政村）")
    # with no place at all only "请填写项目地点" is said: the proposing village's rule speaks of places given
    if facts.level == "village" and facts.proposer_village_code is not None and facts.village_codes:
        need(
            facts.proposer_village_code in facts.village_codes, "places",
            "村级项目的地点须包含申报村", "village_not_own",
        )  # fmt: skip
    need(bool(facts.implementing_unit.strip()), "implementing_unit", "请填写实施单位")
    need(bool(facts.content.strip()), "content", "请填写建设内容")
    need(bool(facts.scale.strip()), "scale", "请填写建设规模")
    need(facts.starts_on is not None, "starts_on", "请填写计划开工日期")
    need(facts.ends_on is not None, "ends_on", "请填写计划完工日期")
    if facts.starts_on is not None and facts.ends_on is not None:
        need(facts.ends_on >= facts.starts_on, "ends_on", "计划完工日期不能早于计划开工日期", "order")
    need(facts.total_fen is not None and facts.total_fen > 0, "total", "请填写计划总投资（大于0）")
    need(bool(facts.sources_fen) and any(facts.sources_fen.values()), "sources", "请按资金来源填写计划投资")
    if facts.total_fen is not None and facts.sources_fen:
        need(
            sum(facts.sources_fen.values()) == facts.total_fen, "sources",
            "各资金来源之和须等于计划总投资", "sum",
        )  # fmt: skip
    kinds = {target.kind for target in facts.targets if target.indicator.strip() and target.value.strip()}
    for kind, label in TARGET_KINDS.items():
        need(kind in kinds, f"targets.{kind}", f"绩效目标须至少有一项{label}（含目标值）")
    for target in facts.targets:
        if target.indicator.strip() and not target.value.strip():
            problems.append(
                Problem(f"targets.{target.kind}", "no_value", f"绩效指标“{target.indicator}”缺少目标值")
            )
    if facts.category_needs_linkage:
        known = [m for m in facts.linkage_mechanisms if m in LINKAGE_MECHANISMS]
        need(bool(known), "linkage_mechanisms", "产业发展和就业项目须填写联农带农机制")
        need(facts.linked_tuopin_people is not None, "linked_tuopin_people", "请填写联农带农带动的脱贫人口数")
        need(
            facts.linked_monitoring_people is not None, "linked_monitoring_people",
            "请填写联农带农带动的监测对象人数",
        )  # fmt: skip
    unknown = [m for m in facts.linkage_mechanisms if m not in LINKAGE_MECHANISMS]
    need(not unknown, "linkage_mechanisms", f"不认识的联农带农机制：{'、'.join(unknown)}", "unknown")
    if facts.to_households:
        need(facts.household_count > 0, "households", "到户项目须列出受益农户")
        if facts.households_outside:
            problems.append(
                Problem(
                    "households", "outside",
                    "受益农户不在项目所在村：" + "、".join(facts.households_outside[:5])
                    + ("等" if len(facts.households_outside) > 5 else ""),
                )
            )  # fmt: skip
    return problems


def notice_ends_on(posted_on: datetime.date, period_days: int) -> datetime.date:
    """P14 公告公示: an announcement runs `period_days` calendar days with the posting day as its first, so a
    10-day notice posted on the 1st runs to the 10th and has ended on the 11th."""
    return posted_on + datetime.timedelta(days=period_days - 1)
