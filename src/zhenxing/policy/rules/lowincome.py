"""P17: one monitoring with 民政's low-income population — the comparison's pure parts.

The comparison runs both ways and against the registry's own 低保/特困 fields; each difference is one of
four kinds (M1-M4), raised as a lead to be checked, never as a finding: a household below the 低保 standard
is "可能符合低保条件，请核实", never "符合". Money is integer fen and compared without dividing (P3).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zhenxing.policy.rules.money import below_line
from zhenxing.policy.vocab import RISK_TYPES

# P17: 民政's rosters; 临时救助 is one-off help, not a roster of the low-income population
ROSTER_CATEGORIES = ("低保", "特困", "低保边缘", "刚性支出困难")
# the categories the registry also keeps on each person (P1: 低保 / 特困 status)
REGISTRY_CATEGORIES = ("低保", "特困")
# P17, P3: what the 低保 test leaves out of income
NOT_INCOME_IN_DIBAO_TEST = ("低保金", "特困供养金")

POSSIBLY = "可能符合，请核实"
POSSIBLY_DIBAO = "可能符合低保条件，请核实"
DATA_CHECK = "数据核实"
OTHER_RISK = "其他"

# One visit serves both (P17): a visit this recent may be cited in the outcome sent to 民政 instead of a new
# one. Not a rule of POLICY.md (it says only "one visit serving both"): a working default, kept here in one place.
VISIT_CITATION_DAYS = 90


@dataclass(frozen=True)
class DifferenceKind:
    code: str  # the signal's rule code
    name: str  # the signal's rule name (at most 60 characters)
    grade: str  # P10 grade
    short: str  # how a page's column names it
    title: str  # the kind's Chinese name wherever its code would appear (the code only as a small suffix)
    check: str  # what the result is: 可能符合…，请核实 (M1, M2) or 数据核实 (M3, M4)
    confirmed: str  # the closing outcome when the difference holds (sent to 民政)
    dismissed: str  # the closing outcome when it does not


M1 = DifferenceKind(
    "M1", "民政低收入人口未纳入监测且有风险（P17，可能符合，请核实）", "橙", "民政有、未监测且有风险",
    "民政救助对象有返贫致贫风险未纳入监测", POSSIBLY, "核实纳入（启动识别）", "核实不纳入",
)  # fmt: skip
M2 = DifferenceKind(
    "M2", "监测对象收入低于低保标准、未享受低保特困（P17，可能符合低保条件，请核实）", "橙", "可能符合低保",
    "可能符合低保条件", POSSIBLY_DIBAO, "已告知民政核定", "核实不符合",
)  # fmt: skip
M3 = DifferenceKind(
    "M3", "台账登记低保或特困，民政名册无（P17，数据核实）", "黄", "台账有、民政无",
    "台账有低保/特困而民政名册无", DATA_CHECK, "台账已更正", "台账无误，请民政核定",
)  # fmt: skip
M4 = DifferenceKind(
    "M4", "民政名册有低保或特困，台账未登记（P17，数据核实）", "黄", "民政有、台账无",
    "民政名册有而台账无", DATA_CHECK, "台账已更正", "台账无误，请民政核定",
)  # fmt: skip
KINDS = {kind.code: kind for kind in (M1, M2, M3, M4)}


def closing_kind(codes: Iterable[str]) -> DifferenceKind:
    """The kind a lead holding these differences is closed as (one open lead per household, P10, may hold
    several): M1 first — only an M1 lead, confirmed, opens an identification case (P8) — then M2, M3, M4."""
    present = set(codes)
    return next((kind for code, kind in KINDS.items() if code in present), M3)


def opens_case(kind: DifferenceKind) -> bool:
    """P17/P8: a person on 民政's roster showing a risk and not monitored (M1), confirmed, is identified; a
    household possibly eligible for 低保 (M2) goes to 民政 for their determination, and a data difference
    (M3, M4) is corrected or sent back — neither opens a case."""
    return kind.code == M1.code


def income_without_assistance(net_income_fen: int, assistance_benefit_fen: int) -> int:
    """P17: in a 低保 test, 低保金 and 特困供养金 are not counted as income (P3 家庭纯收入 less them), in fen."""
    return net_income_fen - assistance_benefit_fen


def possibly_dibao(
    *, net_income_fen: int, assistance_benefit_fen: int, standard_fen: int, members: int
) -> bool:
    """P17: income without 低保金/特困供养金 below the county's 低保 standard, compared exactly as P3 does
    (total < standard × the year's members, no division). A year without members is never below: it has no
    per-capita income. True means "可能符合低保条件，请核实" — a lead to check, never an eligibility."""
    if members <= 0:
        return False
    return below_line(
        income_without_assistance(net_income_fen, assistance_benefit_fen), standard_fen, members
    )


def dibao_gap_fen(
    *, net_income_fen: int, assistance_benefit_fen: int, standard_fen: int, members: int
) -> int:
    """How far below the standard × members the income without assistance is (fen, > 0 when below): the
    signal's value, so that a larger gap reads as worse evidence (P10 suppression)."""
    return standard_fen * members - income_without_assistance(net_income_fen, assistance_benefit_fen)


def standard_note(*, standard_year: int | None, income_year: int) -> str:
    """P17: the 低保 standard is per county and year; the one in force may be of an earlier year (the 2020
    province value of P4 while no later one is entered): a test of another year's income with it says so,
    暂用{year}年标准, as a provisional line does. Empty when the years agree or the standard is for every year."""
    if standard_year is None or standard_year == income_year:
        return ""
    return f"暂用{standard_year}年标准（{income_year}年标准未录入）"


def risk_of_unmonitored(*, within_range: bool, risk_types: Iterable[str]) -> list[str]:
    """P17 (M1): a household on 民政's roster shows a risk when the policy engine puts it within the monitoring
    range or finds any P6 risk type. The types in the P6 list's order; within the range with none: 其他 (P6)."""
    found = [risk for risk in RISK_TYPES if risk in set(risk_types)]
    if not found and within_range:
        return [OTHER_RISK]
    return found


def registry_roster_differences(
    *, registry: Iterable[str], roster: Iterable[str]
) -> tuple[list[str], list[str]]:
    """P17 (M3, M4): for one person, the 低保/特困 categories the registry has and the roster lacks, and those
    the roster has and the registry lacks. Other roster categories (低保边缘, 刚性支出困难) are not in the
    registry and never differ here."""
    mine = {c for c in registry if c in REGISTRY_CATEGORIES}
    theirs = {c for c in roster if c in REGISTRY_CATEGORIES}
    return (
        [c for c in REGISTRY_CATEGORIES if c in mine - theirs],
        [c for c in REGISTRY_CATEGORIES if c in theirs - mine],
    )
