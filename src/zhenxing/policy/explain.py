"""Chinese words for what the rules decided, for pages (no decisions here: only names)."""

from __future__ import annotations

import re

from zhenxing.policy.rules.elimination import reason_message

RULE_TITLES = {
    "P2": "P2 身份证号码校验（出生日期取自身份证号）",
    "P3": "P3 家庭纯收入与扣除刚性支出后的收入",
    "P4": "P4 当年防止返贫监测范围",
    "P5": "P5 监测范围判定与监测对象类型",
    "P6": "P6 风险类型识别",
    "P7": "P7 帮扶措施建议",
    "P9": "P9 风险消除条件",
    "P11": "P11 医保资助参保、一次性交通补助",
}


_LEADING_RULE_CODE = re.compile(r"^P\d+(?:[-、]P?\d+)*\s*[：:]\s*")


def note_for_page(note: str) -> str:
    """A parameter's 说明 as a page shows it: without the rule code that starts the stored text (“P17：…”)."""
    return _LEADING_RULE_CODE.sub("", note)


def elimination_reasons_text(codes: list[str], *, min_months: int) -> list[str]:
    return [reason_message(code, min_months=min_months) for code in codes]


FIELD_LABELS = {
    "year": "年度",
    "decided_on": "决定日期",
    "contract_version": "接口版本",
    "monitoring_line": "监测范围",
    "kind": "户类型",
    "members": "家庭成员",
    "id_number": "身份证号",
    "birth_date": "出生日期",
    "relation": "与户主关系",
    "labour": "劳动技能",
    "health": "健康状况",
    "disability": "残疾",
    "category": "残疾类别",
    "grade": "残疾等级",
    "schooling": "在校生状况",
    "work_place": "务工所在地",
    "work_months": "务工月数",
    "welfare_job_months": "公益性岗位月数",
    "income": "收入",
    "wage": "工资性收入",
    "business": "生产经营性收入",
    "property": "财产性收入",
    "transfer": "转移性收入",
    "business_cost": "生产经营性支出",
    "insurance_payouts": "理赔收入",
    "rigid_expenses": "刚性支出",
    "medical": "医疗",
    "education": "教育",
    "rehabilitation": "康复",
    "accident": "意外事故",
    "disaster": "灾害",
    "water": "饮水",
    "supply_cut_days": "断水天数",
    "housing_grade": "住房安全等级",
    "monitoring_months": "纳入监测月数",
}


def location_text(loc: list[str | int]) -> str:
    """["household", "members", 0, "id_number"] → "第1名成员 · 身份证号"."""
    parts: list[str] = []
    for index, part in enumerate(loc):
        if part == "household":
            continue
        if isinstance(part, int):
            if index > 0 and loc[index - 1] == "members":
                parts[-1] = f"第{part + 1}名成员"
            continue
        parts.append(FIELD_LABELS.get(part, part))
    return " · ".join(parts)
