"""责任追溯 (P13): for one household, every lead, application, case step, visit, evaluation, notice and
objection, in time order — who handled it, when, against which deadline, with what reason and on which
parameter versions. Read-only: it is assembled from the records, which nothing edits after the fact."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from zhenxing.accounts.enums import Role
from zhenxing.common import clock
from zhenxing.common.workflow import past_due
from zhenxing.monitoring.models import Case, CaseStep, Evaluation, Objection, Visit
from zhenxing.policy.enums import ParameterKind
from zhenxing.registry.household_extras import household_records
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
    date_only: bool = False  # known by its day only (公示, 异议): shown without a time of day


def _who(user: Any, role: str = "") -> str:
    if user is None:
        return "系统"
    name = getattr(user, "display_name", "") or getattr(user, "username", "")
    return f"{name}（{role}）" if role else name


# How a decision cites a parameter on screen: short names, as cadres say them ("监测范围 2025年 第1版").
PARAMETER_NAMES: dict[str, str] = {
    ParameterKind.MONITORING_LINE: "监测范围",
    ParameterKind.DIBAO_STANDARD: "低保标准",
    ParameterKind.MEDICAL_SUBSIDY: "医保资助参保标准",
    ParameterKind.ELIMINATION_MIN_MONTHS: "风险消除最短监测时间",
    ParameterKind.TRANSPORT_SUBSIDY_MIN_MONTHS: "交通补助务工最短时间",
    ParameterKind.STEP_DEADLINES: "识别程序环节时限",
    ParameterKind.SCREENING_WINDOWS: "筛查预警核查时限",
    ParameterKind.WORK_TEAM: "驻村工作队配备标准",
    ParameterKind.COLLECTIVE_TIERS: "村集体经济收入分档",
    ParameterKind.ASSISTANCE_CHECKS: "帮扶检查与评估周期",
    ParameterKind.NOTICE_RISK_TYPES: "公示风险类型",
    ParameterKind.REGIME: "政策阶段",
}


def parameter_name(kind: str) -> str:
    if kind in PARAMETER_NAMES:
        return PARAMETER_NAMES[kind]
    label = dict(ParameterKind.choices).get(kind)
    return label.split("（")[0] if label else kind


def parameter_citation(kind: str, used: dict[str, Any]) -> str:
    """监测范围 2025年 第1版: the parameter by name, its year when it has one, and its version."""
    parts = [parameter_name(kind)]
    if used.get("year"):
        parts.append(f"{used['year']}年")
    if used.get("version") is not None:
        parts.append(f"第{used['version']}版")
    return " ".join(parts)


def regime_citation(decision: dict[str, Any]) -> str:
    """P17: the regime a decision was made under, as it kept it — 政策阶段：常态化防止返贫致贫 第1版（决定日期
    2026-01-05） — and a provisional line's 暂用 note. Empty for a decision that kept no regime."""
    regime = decision.get("regime")
    if not isinstance(regime, dict) or not regime.get("name"):
        return ""
    text = f"政策阶段：{regime['name']}"
    if regime.get("version") is not None:
        text += f" 第{regime['version']}版"
    if decision.get("decided_on"):
        text += f"（决定日期 {decision['decided_on']}）"
    note = (decision.get("verdict") or {}).get("monitoring_line_note")
    return f"{text}；{note}" if note else text


def cited_parameters(decision: dict[str, Any]) -> str:
    """The regime a decision was made under (P17), then the parameters it used, each cited by name, year
    and version."""
    cited = dict(decision.get("parameters") or {})
    if isinstance(decision.get(ParameterKind.STEP_DEADLINES), dict):
        cited[ParameterKind.STEP_DEADLINES] = decision[ParameterKind.STEP_DEADLINES]
    regime = regime_citation(decision)
    if regime:
        cited.pop(ParameterKind.REGIME, None)  # named in full before the others
    parts = [regime] if regime else []
    parts += [parameter_citation(kind, used or {}) for kind, used in cited.items()]
    return "，".join(parts)


def on_day(day: datetime.date) -> datetime.datetime:
    """Where an event known only by its day (公示, 异议, 措施) sorts: after that day's timed events (a notice is
    posted after the steps that made it), in Beijing time (TIME_ZONE), not UTC."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


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
            due=step.due_on, overdue=step.overdue, reason=step.findings, versions=cited_parameters(step.decision),
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
            reason="；".join(evaluation.reasons), versions=cited_parameters(evaluation.decision),
        ))  # fmt: skip
    for case in cases:
        for notice in case.notices.filter(posted_on__isnull=False, ends_on__isnull=False):
            entries.append(TraceEntry(
                at=on_day(notice.posted_on or clock.today()), date_only=True, kind="公示", case_id=case.pk,
                what=f"{notice.get_purpose_display()}公示：{notice.title}（至 {notice.ends_on:%Y-%m-%d}）",
            ))  # fmt: skip
    for objection in Objection.objects.filter(case_id__in=case_ids).select_related(
        "recorded_by", "resolved_by"
    ):
        entries.append(TraceEntry(
            at=on_day(objection.received_on), date_only=True, kind="异议", case_id=objection.case_id,
            what=f"{objection.raised_by}：{objection.content}", who=_who(objection.recorded_by),
            reason=f"{objection.get_status_display()} {objection.resolution}".strip(),
        ))  # fmt: skip
    for record in household_records(household):  # what other apps hold about it (到户类资产, P15)
        for day, what, detail in record.events:
            entries.append(TraceEntry(
                at=on_day(day), date_only=True, kind=record.section, case_id=None, what=what, reason=detail,
            ))  # fmt: skip
    return sorted(entries, key=lambda entry: entry.at)
