"""The guards and effects of the planning workflows (transitions.py), named so that each declaration reads as
the procedure: a reported value reviewed upward (P16), a rectification task tracked to closure (P11, P16)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zhenxing.common.errors import ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.workflow import Transition
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.planning.scope import user_covers


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([ErrorDetail((field,), code, message)])


def has_reason(t: Transition) -> None:
    if len(t.opinion) < 2:
        raise _invalid("reason", "required", "请填写原因")


def has_opinion(t: Transition) -> None:
    if len(t.opinion) < 2:
        raise _invalid("opinion", "required", "请填写审核意见")


# a reported value


def reviewer_covers_the_report(t: Transition) -> None:
    report = t.subject
    if not user_covers(t.actor, report.division.code):
        raise PermissionDenied(f"{report.division.name}的填报不在您的管辖范围内")


def reviewer_is_not_the_enterer(t: Transition) -> None:
    """Nobody reviews the value they entered themselves."""
    if t.actor is not None and t.actor.pk == t.subject.entered_by_id:
        raise PermissionDenied("不能审核自己填报的数值")


def entered_for_a_township(t: Transition) -> None:
    if t.subject.division.level != DivisionLevel.TOWNSHIP:
        raise PermissionDenied("县级填报的数值由县级审核，不经乡镇")


def entered_for_a_county(t: Transition) -> None:
    if t.subject.division.level != DivisionLevel.COUNTY:
        raise PermissionDenied("乡镇填报的数值须先经乡镇审核")


def is_entering_side(actor: Any, report: Any) -> bool:
    """The report's enterer, or a colleague of the same role over the same division (and the same sector for a
    county sector department): who revises a returned value and adds evidence."""
    entered_by = report.entered_by
    return actor.pk == entered_by.pk or (
        actor.role == entered_by.role and actor.jurisdiction_id == entered_by.jurisdiction_id
        and getattr(actor, "sector_id", None) == entered_by.sector_id
    )  # fmt: skip


def reviser_is_the_entering_side(t: Transition) -> None:
    if t.actor is not None and not is_entering_side(t.actor, t.subject):
        raise PermissionDenied("只有填报单位可以修改退回的数值")


def record_revision(t: Transition) -> None:
    """修改后重新报送: the new value and evidence replace the old, both kept in the audit event."""
    value: Decimal = t.data["value"]
    evidence: str = t.data["evidence"]
    t.new.update({"value": str(value), "old_value": str(t.subject.value)})
    t.set(value=value, evidence=evidence)


# a rectification task


def county_of_the_task(t: Transition) -> None:
    task = t.subject
    if t.actor is None or t.actor.jurisdiction_id != task.county_id:
        raise PermissionDenied(f"只有{task.county.name}可以报送该任务的整改结果")


def record_result(t: Transition) -> None:
    result = str(t.data.get("result", "")).strip()
    if len(result) < 2:
        raise _invalid("result", "required", "请填写整改结果")
    t.set(result=result)
    t.new["result"] = result[:200]


def record_closure(t: Transition) -> None:
    t.set(closed_on=t.today)
    t.new["closed_on"] = t.today.isoformat()


def reopen_closure(t: Transition) -> None:
    t.set(closed_on=None)
