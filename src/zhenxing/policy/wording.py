"""The words a regime gives the pages (P17): what the objects are called on a date, and which types a county
may confirm. Read from the `regime` parameter in force, so a Yunnan document renaming them or replacing the
type vocabulary is entered as data, never as code."""

from __future__ import annotations

import datetime

from zhenxing.policy.regimes import RegimeNotConfigured, regime_for

# before the first regime (dates earlier than 2021) a page still needs a word: the transition period's
EARLIEST_OBJECT_NAME = "监测对象"


def object_name_on(day: datetime.date) -> str:
    """监测对象 under the transition period, 防止返贫致贫对象 from 2026-01-01 (P17)."""
    try:
        return regime_for(day).object_name
    except RegimeNotConfigured:
        return EARLIEST_OBJECT_NAME


def object_name_in_full(name: str) -> str:
    """The name as a notice's heading writes it: 防止返贫监测对象 for 监测对象; a name that already says what
    it prevents (防止返贫致贫对象) is kept."""
    return name if name.startswith("防止") else f"防止返贫{name}"


def monitoring_types_on(day: datetime.date) -> tuple[str, ...]:
    """The type vocabulary a decision on `day` may choose from (P5 types until a Yunnan document replaces
    them, P17); RegimeNotConfigured when no regime covers the day."""
    return regime_for(day).monitoring_types


def suggestion_note(suggested: str, types: tuple[str, ...]) -> str:
    """Why a confirmation form starts without the engine's suggested type (empty when it can be used)."""
    if not suggested or suggested in types:
        return ""
    return f"系统建议的类型“{suggested}”不在现行对象类型中，请选择"
