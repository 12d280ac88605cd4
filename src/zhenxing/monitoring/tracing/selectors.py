"""责任追溯 (P13): for one household, every lead, application, case step, visit, evaluation, notice and
objection, in time order — who handled it, when, against which deadline, with what reason and on which
parameter versions. Read-only: it is assembled from the records, which nothing edits after the fact."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zhenxing.accounts.enums import Role
from zhenxing.common import clock
from zhenxing.common.workflow import past_due
from zhenxing.monitoring.models import Case, CaseStep, Evaluation, Objection, Visit
from zhenxing.screening.models import Lead

if TYPE_CHECKING:
    from zhenxing.registry.models import Household

ROLE_LABELS = dict(Role.choices)


@dataclass(frozen=True)
class TraceEntry:
    at: datetime.datetime
    kind: str  # 预警线索, 自主申报, 办理环节, 走访, 成效评估, 公示, 异议, 重新纳入
    case_id: int | None
    what: str
    who: str = ""
    due: datetime.date | None = None
    overdue: bool = False
    reason: str = ""
    versions: str = ""
    marks: tuple[str, ...] = field(default=())


def _who(user: Any, role: str = "") -> str:
    if user is None:
        return "系统"
    name = getattr(user, "display_name", "") or getattr(user, "username", "")
    return f"{name}（{role}）" if role else name


def _versions(decision: dict[str, Any]) -> str:
    parts = [f"{kind} v{value.get('version')}" for kind, value in (decision.get("parameters") or {}).items()]
    if "step_deadlines" in decision:
        parts.append(f"step_deadlines v{decision['step_deadlines'].get('version')}")
    return "，".join(parts)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=clock.now().tzinfo)


def household_trace(household: Household) -> list[TraceEntry]:
    entries: list[TraceEntry] = []
    for lead in (
        Lead.objects.filter(household=household).select_related("closed_by").prefetch_related("signals")
    ):
        rules = "；".join(
            f"{s.rule_code} {s.rule_name}（规则集 v{s.rule_set_version}）" for s in lead.signals.all()
        )
        entries.append(TraceEntry(
            at=lead.created_at, kind="预警线索", case_id=None, what=f"{lead.grade}色预警（{lead.round}）：{rules}",
            who=_who(lead.closed_by) if lead.closed_by else "", due=lead.village_due,
            overdue=past_due(lead.village_due, clock.localdate(lead.closed_at) if lead.closed_at else clock.today()),
            reason=f"{lead.get_status_display()}：{lead.reason}" if lead.reason else lead.get_status_display(),
        ))  # fmt: skip
    cases = list(
        Case.objects.filter(household=household)
        .select_related("opened_by", "reopens")
        .prefetch_related("applications")
    )
    case_ids = [case.pk for case in cases]
    for application in (a for case in cases for a in case.applications.all()):  # portal's self-applications
        entries.append(TraceEntry(
            at=application.created_at, kind="自主申报", case_id=application.case_id,
            what=f"申报 {application.tracking_code}：{'、'.join(application.difficulties)}",
            who="他人代举：" + application.reporter_name if application.on_behalf else "本人申报",
        ))  # fmt: skip
    for case in cases:
        marks = (f"重新纳入（原监测记录 {case.reopens_id}）",) if case.reopens_id else ()
        entries.append(TraceEntry(
            at=case.opened_at, kind="发起", case_id=case.pk, what=f"发起识别（{case.get_source_display()}）：{case.summary}",
            who=_who(case.opened_by), due=case.due, marks=marks,
        ))  # fmt: skip
    for step in CaseStep.objects.filter(case_id__in=case_ids).select_related("actor"):
        role = ROLE_LABELS.get(step.actor_role, step.actor_role)
        entries.append(TraceEntry(
            at=step.done_at, kind="办理环节", case_id=step.case_id,
            what=f"{step.get_step_display()} → {step.action}（{step.get_outcome_display()}）", who=_who(step.actor, role),
            due=step.due_on, overdue=step.overdue, reason=step.findings, versions=_versions(step.decision),
        ))  # fmt: skip
    for visit in Visit.objects.filter(case_id__in=case_ids).select_related("visited_by"):
        entries.append(TraceEntry(
            at=visit.visited_at, kind="走访", case_id=visit.case_id, what=f"{visit.place}：{visit.findings}",
            who=_who(visit.visited_by),
        ))  # fmt: skip
    for evaluation in Evaluation.objects.filter(case_id__in=case_ids).select_related("evaluated_by"):
        verdict = {True: "符合风险消除条件", False: "不符合风险消除条件", None: "无法评估"}[
            evaluation.eligible
        ]
        entries.append(TraceEntry(
            at=evaluation.evaluated_at, kind="成效评估", case_id=evaluation.case_id,
            what=f"{evaluation.get_kind_display()}：{verdict}", who=_who(evaluation.evaluated_by),
            reason="；".join(evaluation.reasons), versions=_versions(evaluation.decision),
        ))  # fmt: skip
    for case in cases:
        for notice in case.notices.filter(posted_on__isnull=False, ends_on__isnull=False):
            entries.append(TraceEntry(
                at=_midnight(notice.posted_on or clock.today()), kind="公示", case_id=case.pk,
                what=f"{notice.get_purpose_display()}公示：{notice.title}（至 {notice.ends_on:%Y-%m-%d}）",
            ))  # fmt: skip
    for objection in Objection.objects.filter(case_id__in=case_ids).select_related(
        "recorded_by", "resolved_by"
    ):
        entries.append(TraceEntry(
            at=_midnight(objection.received_on), kind="异议", case_id=objection.case_id,
            what=f"{objection.raised_by}：{objection.content}", who=_who(objection.recorded_by),
            reason=f"{objection.get_status_display()} {objection.resolution}".strip(),
        ))  # fmt: skip
    return sorted(entries, key=lambda entry: entry.at)
