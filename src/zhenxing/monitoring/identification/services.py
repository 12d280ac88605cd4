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
from zhenxing.common.workdays import add_working_days
from zhenxing.common.workflow import enter_step, transition
from zhenxing.monitoring.case_workflow import STEP_ROLE
from zhenxing.monitoring.decisions import step_deadlines
from zhenxing.monitoring.enums import (
    GREEN_CHANNEL_RISKS,
    MONITORED_STATUSES,
    OPEN_STATUSES,
    CaseSource,
    CaseStatus,
)
from zhenxing.monitoring.identification.transitions import IDENTIFICATION, workflow_for
from zhenxing.monitoring.models import Attachment, Case, CaseStep, Visit
from zhenxing.policy.rules.procedure import application_settle_days, whole_procedure_days
from zhenxing.screening.services import lead_confirm

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.divisions.models import Division
    from zhenxing.registry.models import Household
    from zhenxing.screening.models import Lead

S = CaseStatus


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([ErrorDetail((field,), code, message)])


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
        enter_step(IDENTIFICATION, case, today=today, limits=limits, calendar=calendar)
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


def case_open_from_lead(*, actor: User, lead: Lead, note: str = "", from_comparison: bool = False) -> Case:
    """部门筛查: 核实纳入 on a lead (P10) opens the household's case (P8) in the same transaction: both happen, or
    neither (a household with an open case keeps its lead open)."""
    with transaction.atomic():
        confirmed = lead_confirm(actor=actor, lead=lead, note=note, from_comparison=from_comparison)
        household = confirmed.household
        rules = "、".join(confirmed.signals.values_list("rule_name", flat=True))
        return case_open(
            actor=actor, village=household.village, source=CaseSource.DEPARTMENT, household=household, lead=confirmed,
            summary=f"部门筛查预警（{confirmed.grade}色）：{rules}。{note}".strip(),
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


def case_move(
    *, actor: User, case: Case, to: str, findings: str = "", monitoring_type: str | None = None,
    risk_types: list[str] | None = None, change_reason: str = "", files: list[Any] | None = None,
    method: str = "",
) -> Case:  # fmt: skip
    """Do the current step and move the case on (or end it): the declared move of the case's workflow, with
    its role, guards and effects (transitions.py), done by the workflow kernel. `files` (scanned forms,
    photos) go on the step record."""
    workflow = workflow_for(case.status)

    def attach(step: CaseStep) -> None:
        if files:
            attachments_add(actor=actor, case=step.case, files=files, kind="form", step=step)

    return transition(
        workflow, case, to=to, actor=actor, opinion=findings, attach=attach,
        data={"monitoring_type": monitoring_type, "risk_types": risk_types, "change_reason": change_reason,
              "method": method},
    )  # fmt: skip


def case_record_meeting(*, actor: User, case: Case, held_on: datetime.date, minutes: str) -> Case:
    """评议会: the village review meeting with its minutes — for identification (P8 step 4) or, for risk
    elimination, the 党员群众评议会 (P9)."""
    if actor.role != STEP_ROLE.get(S.REVIEW):
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
    if actor.role not in STEP_ROLE.values():
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
