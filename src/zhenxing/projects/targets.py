"""A project's 绩效目标 results (P14 绩效评价): once the work is done (竣工 or later), the county records for
each target what was reached and whether the target was met. The yearly 绩效评价 counts the met ones
(funds/performance.py); a later correction replaces the result, the audit keeps the old one."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.projects.enums import ProjectStatus
from zhenxing.projects.models import Project, ProjectTarget

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

# the states in which the work is done and its results can be told (竣工, 验收, 资产移交)
RESULT_STATES = (ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED, ProjectStatus.HANDED_OVER)
RESULT_MAX = 60  # as the target value
NOTE_MAX = 500


def results_refusal(user: User, project: Project) -> str | None:
    """Why the user may not record the project's target results (None: may): a role that acts on projects, in
    the project's own county (the county's 乡村振兴局 or a sector of it), and the work done."""
    if not has_capability(user, Capability.ACT_ON_PROJECT) or user.jurisdiction_id != project.county_id:
        return "绩效目标完成情况由项目所在县(市)填报"
    if project.status not in RESULT_STATES:
        return "项目竣工后才能填报绩效目标完成情况"
    return None


def _snapshot(target: ProjectTarget) -> dict[str, Any]:
    return {
        "result_value": target.result_value,
        "achieved": target.achieved,
        "result_note": target.result_note,
        "result_recorded_on": target.result_recorded_on.isoformat() if target.result_recorded_on else None,
    }


def target_result_record(
    *, actor: User, target: ProjectTarget, result_value: str, achieved: bool, note: str = "",
    on: datetime.date | None = None,
) -> ProjectTarget:  # fmt: skip
    """Record (or correct) what one target reached and whether it was met, in one transaction with its audit
    event; the project row is locked so that a move out of 竣工 cannot pass the check unseen."""
    value, note = result_value.strip(), note.strip()
    problems: list[ErrorDetail] = []
    if not value:
        problems.append(ErrorDetail(("result_value",), "required", "请填写实际完成值"))
    elif len(value) > RESULT_MAX:
        problems.append(ErrorDetail(("result_value",), "too_long", f"实际完成值不超过{RESULT_MAX}个字"))
    if len(note) > NOTE_MAX:
        problems.append(ErrorDetail(("result_note",), "too_long", f"完成情况说明不超过{NOTE_MAX}个字"))
    day = on or clock.today()
    if day > clock.today():
        problems.append(ErrorDetail(("result_recorded_on",), "future", "填报日期不能晚于今天"))
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=target.project_id)
        refusal = results_refusal(actor, project)
        if refusal is not None:
            if project.status not in RESULT_STATES and has_capability(actor, Capability.ACT_ON_PROJECT):
                raise Conflict(refusal)
            raise PermissionDenied(refusal)
        locked = ProjectTarget.objects.select_for_update().get(pk=target.pk)
        old = _snapshot(locked)
        locked.result_value, locked.achieved, locked.result_note = value, achieved, note
        locked.result_recorded_on, locked.result_recorded_by = day, actor
        locked.save(
            update_fields=[
                "result_value",
                "achieved",
                "result_note",
                "result_recorded_on",
                "result_recorded_by",
            ]
        )
        audit.record(
            actor=actor,
            action="project.target_result",
            target=locked,
            division=project.county,
            old=old if old["achieved"] is not None else None,
            new={**_snapshot(locked), "project": project.code, "indicator": locked.indicator},
        )
    return locked
