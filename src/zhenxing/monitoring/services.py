"""Identification cases (P8): opening from every channel, moving through the steps with working-day
deadlines, visits, the review meeting, green-channel measures and the 10-day escalation. Each write is one
transaction with its audit event."""

from __future__ import annotations

import datetime
import unicodedata
import uuid as uuid_module
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.calendar import work_calendar
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.uploads import upload_accept
from zhenxing.common.workdays import WorkCalendar, add_working_days
from zhenxing.monitoring import elimination, transitions
from zhenxing.monitoring.assistance import measures_close_at_elimination, plan_create
from zhenxing.monitoring.decisions import policy_decision, step_deadlines, suggested_classification
from zhenxing.monitoring.enums import (
    ELIMINATION_STEPS,
    GREEN_CHANNEL_RISKS,
    MONITORED_STATUSES,
    OPEN_STATUSES,
    STEP_LIMIT_KEYS,
    CaseSource,
    CaseStatus,
    NoticePurpose,
)
from zhenxing.monitoring.models import Case, CaseStep, Visit
from zhenxing.policy.rules.procedure import application_settle_days, step_limit_days, whole_procedure_days
from zhenxing.policy.vocab import FORM_RISK_TYPE_LIMIT, MONITORING_TYPES

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.divisions.models import Division
    from zhenxing.registry.models import Household
    from zhenxing.screening.models import Lead

S = CaseStatus


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([ErrorDetail((field,), code, message)])


def _enter_step(case: Case, *, today: datetime.date, calendar: WorkCalendar, limits: dict[str, Any]) -> None:
    case.step_started_on = today
    days = step_limit_days(STEP_LIMIT_KEYS.get(case.status), limits)  # type: ignore[call-overload]
    if days is None:
        case.step_due, case.step_due_provisional = None, False
    else:
        deadline = add_working_days(calendar, today, days)
        case.step_due, case.step_due_provisional = deadline.day, deadline.provisional


def _ensure_no_open_case(household: Household | None, *, except_pk: int | None = None) -> None:
    if household is None:
        return
    existing = Case.objects.filter(household=household, status__in=[*OPEN_STATUSES, *MONITORED_STATUSES])
    if except_pk is not None:
        existing = existing.exclude(pk=except_pk)
    if (found := existing.first()) is not None:
        raise Conflict(f"该户已有未办结的识别案件或正在监测（编号 {found.pk}，{found.get_status_display()}）")


def _eliminated_before(household: Household | None) -> Case | None:
    """The household's latest monitoring episode that ended in 风险消除: a new case reopens it (P9, P13)."""
    if household is None:
        return None
    return (
        Case.objects.filter(household=household, status=S.ELIMINATED)
        .order_by("-eliminated_on", "-pk")
        .first()
    )


def _record_reopen(actor: User | None, case: Case, previous: Case, actor_label: str | None = None) -> None:
    audit.record(
        actor=actor, action="case.reopen", target=case, division=case.village, actor_label=actor_label,
        old={"case": previous.pk, "status": previous.status, "eliminated_on": str(previous.eliminated_on)},
        new={"case": case.pk, "source": case.source},
    )  # fmt: skip


def case_open(
    *, actor: User | None, village: Division, source: CaseSource, household: Household | None = None,
    lead: Lead | None = None, summary: str = "", actor_label: str | None = None,
) -> Case:  # fmt: skip
    """申报 / 发现 (P8 step 1) from any channel; the village finds it in its inbox."""
    if household is not None and household.village_id != village.code:
        raise _invalid("village", "village_mismatch", "农户不属于所选行政村")
    now, today = clock.now(), clock.today()
    limits, _ = step_deadlines()
    calendar = work_calendar()
    whole = add_working_days(calendar, today, whole_procedure_days(limits))
    with transaction.atomic():
        _ensure_no_open_case(household)
        previous = _eliminated_before(household)
        case = Case(
            household=household, village=village, source=source, lead=lead, summary=summary.strip(),
            opened_at=now, opened_by=actor, due=whole.day, due_provisional=whole.provisional, step_started_on=today,
            reopens=previous,
        )  # fmt: skip
        _enter_step(case, today=today, calendar=calendar, limits=limits)
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:  # a concurrent opening won the race for the household
            raise Conflict("该户已有未办结的识别案件") from None
        audit.record(
            actor=actor, action="case.open", target=case, division=village, actor_label=actor_label,
            new={"source": source, "household": household.pk if household else None, "due": str(case.due)},
        )  # fmt: skip
        if previous is not None:
            _record_reopen(actor, case, previous, actor_label)
    return case


def case_open_for_household(*, actor: User, household: Household, summary: str) -> Case:
    """干部排查: a cadre raises a case for a household in the registry."""
    if len(summary.strip()) < 2:
        raise _invalid("summary", "required", "请填写排查发现的困难情况")
    return case_open(
        actor=actor, village=household.village, source=CaseSource.CADRE, household=household, summary=summary
    )


def case_open_from_lead(*, actor: User, lead: Lead, note: str = "") -> Case:
    """部门筛查: 核实纳入 on a lead opens the household's case, both or neither."""
    from zhenxing.screening.services import lead_confirm

    with transaction.atomic():
        confirmed = lead_confirm(actor=actor, lead=lead, note=note)
        household = confirmed.household
        rules = "、".join(confirmed.signals.values_list("rule_name", flat=True))
        return case_open(
            actor=actor, village=household.village, source=CaseSource.DEPARTMENT, household=household,
            lead=confirmed, summary=f"部门筛查预警（{confirmed.grade}色）：{rules}。{note}".strip(),
        )  # fmt: skip


def case_link_household(*, actor: User, case: Case, household: Household) -> Case:
    """研判: attach the registry household to a case opened without one (a portal application)."""
    if case.status not in (S.APPLICATION, S.ANALYSIS):
        raise Conflict("只能在申报或研判环节关联农户")
    if household.village_id != case.village_id:
        raise _invalid("household", "village_mismatch", "农户不属于本案件所在行政村")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        _ensure_no_open_case(household, except_pk=locked.pk)
        old = locked.household_id
        locked.household = household
        previous = _eliminated_before(household)
        locked.reopens = previous
        locked.save(update_fields=["household", "reopens", "updated_at"])
        audit.record(
            actor=actor, action="case.link_household", target=locked, division=locked.village,
            old={"household": old}, new={"household": household.pk},
        )  # fmt: skip
        if previous is not None:
            _record_reopen(actor, locked, previous)
    return locked


def _check_review_done(case: Case, today: datetime.date) -> None:
    """P8: the township step starts only after the review meeting and a notice period that has ended, and
    not while an objection is open."""
    if case.meeting_on is None:
        raise Conflict("尚未召开评议会：请先录入评议会日期和记录")
    elimination.notice_done(case, today, purpose=NoticePurpose.IDENTIFICATION, since=None)


def _classification(
    decision: dict[str, Any], monitoring_type: str | None, risk_types: list[str] | None, change_reason: str
) -> tuple[str, list[str], dict[str, Any]]:
    """County confirmation: the policy engine's suggestion unless changed, and a change needs a reason."""
    suggested_type, suggested_risks = suggested_classification(decision)
    chosen_type = monitoring_type or suggested_type
    chosen_risks = list(risk_types) if risk_types is not None else suggested_risks
    if chosen_type not in MONITORING_TYPES:
        raise _invalid("monitoring_type", "required", "请选择监测对象类型")
    if not chosen_risks or len(chosen_risks) > FORM_RISK_TYPE_LIMIT:
        raise _invalid("risk_types", "invalid", "风险类型须选1至5项")
    changed = chosen_type != suggested_type or sorted(chosen_risks) != sorted(suggested_risks)
    if changed and len(change_reason.strip()) < 2:
        raise _invalid("change_reason", "required", "类型或风险类型与系统研判结果不同，须填写调整理由")
    record = {"suggested": {"type": suggested_type, "risk_types": suggested_risks}, "changed": changed}
    if changed:
        record["change_reason"] = change_reason.strip()
    return chosen_type, chosen_risks, record


def case_move(
    *, actor: User, case: Case, to: str, findings: str = "", monitoring_type: str | None = None,
    risk_types: list[str] | None = None, change_reason: str = "", files: list[Any] | None = None,
    method: str = "",
) -> Case:  # fmt: skip
    """Do the current step and move the case on (or end it); `files` (scanned forms, photos) go on the step. The declared table decides who may; each step's
    own conditions are checked here; the step is recorded with its deadline and, for decisions, a snapshot
    of the inputs, the parameter versions and the verdict."""
    today, now = clock.today(), clock.now()
    limits, limits_version = step_deadlines()
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("household", "village")
            .get(pk=case.pk)
        )
        old_status = locked.status
        move = transitions.move(locked, to=to, role=actor.role)
        decision: dict[str, Any] = {}
        update = ["status", "step_started_on", "step_due", "step_due_provisional", "updated_at"]
        if old_status in (S.CONFIRMED, *ELIMINATION_STEPS):
            decision, fields = elimination.step_conditions(
                locked, source=old_status, to=to, today=today, findings=findings, method=method
            )
            update += fields
        elif to == S.REJECTED:
            if len(findings.strip()) < 2:
                raise _invalid("findings", "required", "不予纳入须填写理由（申请人可以看到）")
            decision = policy_decision(locked.household)
            locked.rejection_reason, locked.closed_at = findings.strip(), now
            update += ["rejection_reason", "closed_at"]
        elif old_status == S.ANALYSIS and to == S.INVESTIGATION:
            if locked.household is None:
                raise Conflict("请先关联农户台账中的农户，再完成研判")
            if len(findings.strip()) < 2:
                raise _invalid("findings", "required", "请填写研判意见（含部门信息比对结果）")
            decision = policy_decision(locked.household)
        elif old_status == S.INVESTIGATION:
            if not locked.visits.filter(authorization_signed=True).exists():
                raise Conflict("尚无签署了核查授权书的实地调查记录")
        elif old_status == S.REVIEW and to == S.TOWNSHIP_REVIEW:
            _check_review_done(locked, today)
        elif old_status == S.COUNTY_DECISION and to == S.CONFIRMED:
            decision = policy_decision(locked.household)
            chosen_type, chosen_risks, classification = _classification(
                decision, monitoring_type, risk_types, change_reason
            )
            decision["classification"] = classification
            locked.monitoring_type, locked.risk_types = chosen_type, chosen_risks
            locked.identified_on, locked.closed_at = today, now
            update += ["monitoring_type", "risk_types", "identified_on", "closed_at"]
        decision["step_deadlines"] = limits_version
        step = CaseStep.objects.create(
            case=locked, step=old_status, outcome=to, action=move.label, actor=actor, actor_role=actor.role,
            done_at=now, started_on=locked.step_started_on, due_on=locked.step_due,
            due_provisional=locked.step_due_provisional,
            overdue=locked.step_due is not None and today > locked.step_due, findings=findings.strip(),
            decision=decision,
        )  # fmt: skip
        if files:
            attachments_add(actor=actor, case=locked, files=files, kind="form", step=step)
        _enter_step(locked, today=today, calendar=work_calendar(), limits=limits)
        locked.save(update_fields=update)
        confirmed = old_status == S.COUNTY_DECISION and to == S.CONFIRMED
        new: dict[str, Any] = {"status": to, "step": step.pk}
        if confirmed:
            new |= {"monitoring_type": locked.monitoring_type, "risk_types": locked.risk_types}
        if to == S.ELIMINATED:
            new |= {"eliminated_on": str(locked.eliminated_on), "method": locked.elimination_method}
        action = "case.move"
        if confirmed or to in (S.REJECTED, S.ELIMINATED):
            action = f"case.{move.target}"
        audit.record(
            actor=actor, action=action, target=locked, division=locked.village, old={"status": old_status},
            new=new, reason=change_reason.strip() if confirmed else findings.strip()[:200],
        )  # fmt: skip
        if confirmed:
            plan_create(actor=actor, case=locked)
        if to == S.ELIMINATED:
            closed = measures_close_at_elimination(actor=actor, case=locked)
            if closed["terminated"] or closed["completed"]:
                audit.record(
                    actor=actor, action="measure.close_at_elimination", target=locked, division=locked.village,
                    new=closed,
                )  # fmt: skip
    return locked


def case_record_meeting(*, actor: User, case: Case, held_on: datetime.date, minutes: str) -> Case:
    """评议会: the village review meeting with its minutes — for identification (P8 step 4) or, for risk
    elimination, the 党员群众评议会 (P9)."""
    if actor.role != transitions.STEP_ROLE.get(S.REVIEW):
        raise PermissionDenied("评议会由村级录入")
    if len(minutes.strip()) < 4:
        raise _invalid("minutes", "required", "请填写评议会记录（参会人员、评议意见）")
    if held_on > clock.today():
        raise _invalid("held_on", "future", "评议会日期不能晚于今天")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status == S.ELIMINATION_MEETING:
            old = {"elimination_meeting_on": str(locked.elimination_meeting_on or "") or None}
            locked.elimination_meeting_on, locked.elimination_minutes = held_on, minutes.strip()
            fields = ["elimination_meeting_on", "elimination_minutes"]
        elif locked.status == S.REVIEW:
            old = {"meeting_on": str(locked.meeting_on) if locked.meeting_on else None}
            locked.meeting_on, locked.meeting_minutes = held_on, minutes.strip()
            fields = ["meeting_on", "meeting_minutes"]
        else:
            raise Conflict("只有处于评议公示或消除评议环节的案件可以录入评议会")
        locked.save(update_fields=[*fields, "updated_at"])
        audit.record(
            actor=actor, action="case.meeting", target=locked, division=locked.village, old=old,
            new={"meeting_on": str(held_on)},
        )  # fmt: skip
    return locked


VISIT_PLACE_MAX = 200
VISIT_FINDINGS_MAX = 5000
# The monitoring mechanism began with the 2021-2025 plan: no case has a visit before it.
VISIT_EARLIEST = datetime.datetime(2021, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
VISIT_CLOCK_SKEW = datetime.timedelta(minutes=10)  # a phone's clock a little ahead of the server's


def _text_problem(
    value: str, *, field: str, label: str, minimum: int, maximum: int, lines: bool
) -> ErrorDetail | None:
    text = value.strip()
    allowed = {"\n", "\r", "\t"} if lines else set()
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in text):
        return ErrorDetail((field,), "control_character", f"{label}含有不可见的控制字符，请删除后重试")
    if len(text) < minimum:
        return ErrorDetail((field,), "required", f"请填写{label}（至少{minimum}个字）")
    if len(text) > maximum:
        return ErrorDetail((field,), "too_long", f"{label}最多{maximum}个字，现有{len(text)}个字")
    return None


def _visit_time_problem(visited_at: datetime.datetime) -> ErrorDetail | None:
    if timezone.is_naive(visited_at):
        return ErrorDetail(("visited_at",), "naive_time", "走访时间须带时区（如 2025-09-02T10:00:00+08:00）")
    # the year first: comparing or storing a time near year 1 or 9999 overflows when moved to UTC
    if not VISIT_EARLIEST.year <= visited_at.year <= clock.today().year or visited_at < VISIT_EARLIEST:
        return ErrorDetail(("visited_at",), "out_of_range", "走访时间不在合理范围（2021年1月1日至今）")
    if visited_at > clock.now() + VISIT_CLOCK_SKEW:
        return ErrorDetail(("visited_at",), "future", "走访时间不能晚于当前时间")
    return None


def visit_record(
    *, actor: User, case: Case, client_uuid: uuid_module.UUID, visited_at: datetime.datetime, place: str,
    findings: str, authorization_signed: bool,
) -> tuple[Visit, bool]:  # fmt: skip
    """实地调查 (P8 step 3). Idempotent on the client's UUID: the same visit synced twice — or thirty times at
    once — is stored once. Returns the visit and whether it was created now."""
    if actor.role != Role.VILLAGE:
        raise PermissionDenied("实地调查由村级（帮扶干部、驻村工作队）录入")
    if (existing := _visit_already_synced(client_uuid, case)) is not None:
        return existing, False
    problems = [
        problem
        for problem in (
            _visit_time_problem(visited_at),
            _text_problem(
                place, field="place", label="走访地点", minimum=2, maximum=VISIT_PLACE_MAX, lines=False
            ),
            _text_problem(
                findings,
                field="findings",
                label="核实情况",
                minimum=4,
                maximum=VISIT_FINDINGS_MAX,
                lines=True,
            ),
        )
        if problem is not None
    ]
    if problems:
        raise InvalidInput(problems)
    if case.status not in (*OPEN_STATUSES, S.ELIMINATION_VISIT):
        raise Conflict("案件不在需要走访的环节")
    try:
        with transaction.atomic():  # a savepoint: a concurrent sync of the same UUID may win the insert
            visit = Visit.objects.create(
                uuid=client_uuid, case=case, household=case.household, visited_by=actor, visited_at=visited_at,
                place=place.strip(), findings=findings.strip(), authorization_signed=authorization_signed,
            )  # fmt: skip
            audit.record(
                actor=actor, action="visit.create", target=visit, division=case.village,
                new={"case": case.pk, "visited_at": visited_at.isoformat(), "authorization_signed": authorization_signed},
            )  # fmt: skip
    except IntegrityError:
        if (existing := _visit_already_synced(client_uuid, case)) is None:
            raise
        return existing, False
    return visit, True


def _visit_already_synced(client_uuid: uuid_module.UUID, case: Case) -> Visit | None:
    existing = Visit.objects.filter(uuid=client_uuid).first()
    if existing is not None and existing.case_id != case.pk:
        raise Conflict("该编号的走访记录属于另一个案件")
    return existing


def case_green_channel(*, actor: User, case: Case, reason: str) -> Case:
    """P8 green channel: a disaster or accident case may get measures before it is confirmed."""
    if actor.role not in transitions.STEP_ROLE.values():
        raise PermissionDenied("您的角色不能开启绿色通道")
    if len(reason.strip()) < 2:
        raise _invalid("reason", "required", "请填写开启绿色通道的理由（灾害或意外事故情况）")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status not in OPEN_STATUSES:
            raise Conflict("案件已办结")
        locked.green_channel, locked.green_channel_reason = True, reason.strip()[:200]
        locked.save(update_fields=["green_channel", "green_channel_reason", "updated_at"])
        audit.record(
            actor=actor, action="case.green_channel", target=locked, division=locked.village,
            old={"green_channel": False}, new={"green_channel": True, "risks": list(GREEN_CHANNEL_RISKS)},
            reason=reason.strip(),
        )  # fmt: skip
    return locked


def cases_escalate(*, today: datetime.date | None = None) -> int:
    """Applications not settled (still at 申报) after the settle limit go up to the township and county
    (recorded once per case). Run daily (`zhenxing cases escalate`)."""
    day = today or clock.today()
    limits, _ = step_deadlines()
    cutoff = day - datetime.timedelta(days=application_settle_days(limits))
    escalated = 0
    for case in Case.objects.filter(
        status=S.APPLICATION, escalated_at__isnull=True, step_started_on__lte=cutoff
    ).select_related("village"):
        with transaction.atomic():
            updated = Case.objects.filter(pk=case.pk, escalated_at__isnull=True).update(
                escalated_at=clock.now()
            )
            if updated:
                audit.record(
                    actor=None, action="case.escalate", target=case, division=case.village,
                    new={"opened": str(case.step_started_on), "limit_days": application_settle_days(limits)},
                    actor_label="system",
                )  # fmt: skip
                escalated += 1
    return escalated


ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def attachments_add(
    *, actor: User, case: Case, files: list[Any], kind: str = "photo", visit: Visit | None = None,
    step: CaseStep | None = None,
) -> list[Any]:  # fmt: skip
    """Photos and scanned forms for a case, a visit or a step: JPEG, PNG, WebP or PDF as their bytes say
    (common/uploads.py), at most 10 MB each; stored under a fresh name with the decided type."""
    from zhenxing.monitoring.models import Attachment

    accepted = [
        upload_accept(upload, field="files", max_bytes=ATTACHMENT_MAX_BYTES) for upload in files
    ]  # every file is checked before any is stored
    stored = []
    with transaction.atomic():
        for upload, checked in zip(files, accepted, strict=True):
            upload.name = checked.stored_name
            attachment = Attachment.objects.create(
                file=upload, kind=kind, name=checked.display_name, content_type=checked.content_type,
                size=checked.size, case=case, visit=visit, step=step, uploaded_by=actor,
            )  # fmt: skip
            audit.record(
                actor=actor, action="attachment.create", target=attachment, division=case.village,
                new={"case": case.pk, "kind": kind, "size": attachment.size, "content_type": checked.content_type},
            )  # fmt: skip
            stored.append(attachment)
    return stored
