"""P7 assistance measures recommended from risk types."""

from __future__ import annotations

from zhenxing.policy.household import Household
from zhenxing.policy.rules.people import can_work_at_all, household_has_labour, in_working_age
from zhenxing.policy.vocab import DEVELOPMENT_MEASURES, MEASURES, WEAK_LABOUR

RISK_MEASURES: dict[str, tuple[str, ...]] = {
    "因病": ("健康帮扶",),
    "因残": ("综合保障",),
    "因学": ("其他教育帮扶",),
    "义务教育阶段失学辍学": ("义务教育保障",),
    "住房出现安全问题": ("住房安全保障",),
    "饮水安全问题": ("饮水安全保障",),
    "因自然灾害": ("综合保障",),
    "因意外事故": ("综合保障",),
    "因产业项目失败": ("产业帮扶", "金融帮扶"),
    "因务工就业不稳": ("就业帮扶",),
    "缺劳动力": ("综合保障",),
    "其他": (),
}


def recommend_measures(
    household: Household, *, year: int, risk_types: list[str], eligible: bool
) -> list[str]:
    """P7: measures for a household within the range or already monitored (`eligible`), in catalogue order.

    Then: with labour, at least one development-type measure (就业帮扶 if none); without labour but with a
    weak/half labourer aged 16-64, 公益岗位帮扶 if no development-type measure; nobody able to work at all,
    综合保障.
    """
    if not eligible:
        return []
    chosen: set[str] = set()
    for risk in risk_types:
        chosen.update(RISK_MEASURES[risk])
    has_development = bool(chosen & set(DEVELOPMENT_MEASURES))
    labour = household_has_labour(household, year)
    if labour and not has_development:
        chosen.add("就业帮扶")
    weak_worker = any(m.labour == WEAK_LABOUR and in_working_age(m, year) for m in household.members)
    if not labour and weak_worker and not has_development:
        chosen.add("公益岗位帮扶")
    if not any(can_work_at_all(m, year) for m in household.members):
        chosen.add("综合保障")
    return [measure for measure in MEASURES if measure in chosen]


def is_comprehensive(risk_types: list[str]) -> bool:
    """P7: one risk type → single measures (单项措施); two or more → comprehensive (综合性帮扶)."""
    return len(risk_types) >= 2


def is_development_measure(measure: str) -> bool:
    return measure in DEVELOPMENT_MEASURES
