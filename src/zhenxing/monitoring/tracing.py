"""责任追溯 (P13): for one household, every lead, application, case step, visit, evaluation, notice and
objection, in time order — who handled it, when, against which deadline, with what reason and on which
parameter versions. Read-only: it is assembled from the records, which nothing edits after the fact."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.workflow import past_due
from zhenxing.common.xlsx import Workbook
from zhenxing.monitoring.models import Case, CaseStep, Evaluation, Objection, Visit
from zhenxing.portal.models import Application
from zhenxing.screening.models import Lead

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.registry.models import Household


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
    cases = list(Case.objects.filter(household=household).select_related("opened_by", "reopens"))
    case_ids = [case.pk for case in cases]
    for application in Application.objects.filter(case_id__in=case_ids):
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
        role = dict(_ROLE_LABELS).get(step.actor_role, step.actor_role)
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


_ROLE_LABELS = (("village", "村"), ("township", "乡镇"), ("county", "县"), ("prefecture", "州"))

COLUMNS = ("时间", "类别", "案件", "事项", "办理人", "期限", "超期", "理由/意见", "依据参数版本", "标记")


def trace_export(*, actor: User, household: Household) -> bytes:
    """The export for an inquiry or an appeal: a record of a household's history leaving the system, audited."""
    entries = household_trace(household)
    with transaction.atomic():
        audit.record(
            actor=actor, action="trace.export", target=household, division=household.village,
            new={"entries": len(entries)},
        )  # fmt: skip
    return trace_workbook(household, entries)


def trace_workbook(household: Household, entries: list[TraceEntry]) -> bytes:
    """The same record for an inquiry, as .xlsx (no ID numbers: the household is named by its code)."""
    book = Workbook()
    sheet = book.add_sheet("责任追溯")
    bold = book.bold
    sheet.row(
        0, 0, [f"农户 {household.code or household.pk} 责任追溯（导出于 {clock.now():%Y-%m-%d %H:%M}）"], bold
    )
    sheet.row(1, 0, COLUMNS, bold)
    for row, entry in enumerate(entries, start=2):
        sheet.row(row, 0, [
            clock.localtime(entry.at).strftime("%Y-%m-%d %H:%M"), entry.kind, entry.case_id or "", entry.what,
            entry.who, entry.due.isoformat() if entry.due else "", "是" if entry.overdue else "", entry.reason,
            entry.versions, "；".join(entry.marks),
        ])  # fmt: skip
    sheet.freeze_panes(2, 0)
    return book.finish()
