"""Writes of the planning app (P12, P16, P11): county targets, reported values and their review, village flags
and work teams, field findings, 约谈/督办 and rectification tasks, evidence files. Each write is one transaction
with its audit event; statuses move only through planning/transitions.py. Freezing and corrections are in
planning/freeze.py; computing an assessment in planning/assessment.py."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.uploads import upload_accept
from zhenxing.common.workflow import enter_step, transition
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.planning.enums import (
    Aggregation,
    Dimension,
    IndicatorLevel,
    IndicatorSource,
    ReportStatus,
    SupervisionKind,
    TaskStatus,
    TeamRole,
)
from zhenxing.planning.guards import is_entering_side
from zhenxing.planning.models import (
    Assessment,
    FieldFinding,
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    Period,
    PlanningAttachment,
    RectificationTask,
    Supervision,
    VillageProfile,
    WorkTeamMember,
)
from zhenxing.planning.scope import user_covers
from zhenxing.planning.transitions import REPORT, TASK

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
MAX_VALUE = Decimal("1e15")
VILLAGE_FLAGS = (
    "is_tuopin_village", "is_relocation_village", "is_haixi_key_village", "weak_party_organisation",
    "red_village_pilot", "border_defence",
)  # fmt: skip


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([ErrorDetail((field,), code, message)])


def require(actor: User, capability: Capability, message: str) -> None:
    if not has_capability(actor, capability):
        raise PermissionDenied(message)


def value_of(raw: object, *, field: str = "value", label: str = "数值") -> Decimal:
    """A number typed in a form (commas and spaces allowed), or a one-field error in Chinese."""
    text = str(raw if raw is not None else "").replace(",", "").replace("，", "").strip()
    if not text:
        raise _invalid(field, "required", f"请填写{label}")
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise _invalid(field, "invalid", f"{label}“{text[:20]}”不是数字") from error
    if not number.is_finite() or abs(number) >= MAX_VALUE:
        raise _invalid(field, "range", f"{label}超出可记录的范围")
    if number.as_tuple().exponent < -4:  # type: ignore[operator]
        raise _invalid(field, "precision", f"{label}最多保留4位小数")
    return number


# targets (P16: the prefecture splits the plan's totals per county)


def indicator_target_set(
    *, actor: User, indicator: Indicator, year: int, county: Division | None, value: Decimal, note: str = ""
) -> IndicatorTarget:
    require(actor, Capability.MANAGE_ASSESSMENT, "只有州级可以下达指标目标")
    if county is not None and county.level != DivisionLevel.COUNTY:
        raise _invalid("county", "level", "目标只能分解到县(市)")
    if not 2021 <= year <= 2100:
        raise _invalid("year", "range", "年度应在2021年以后")
    with transaction.atomic():
        target = (
            IndicatorTarget.objects.select_for_update()
            .filter(indicator=indicator, year=year, county=county)
            .first()
        )
        old = {"value": str(target.value)} if target is not None else None
        if target is None:
            target = IndicatorTarget(indicator=indicator, year=year, county=county)
        target.value, target.note, target.entered_by = value, note.strip()[:200], actor
        target.save()
        audit.record(
            actor=actor, action="planning.target_set", target=target, division=county, old=old,
            new={"indicator": indicator.name, "year": year, "value": str(value)},
        )  # fmt: skip
    return target


# reported values (P16: entered with evidence by the responsible department, reviewed upward)


def _reporting_division(actor: User, indicator: Indicator, division: Division) -> None:
    """Who may enter a value for which division: a township for itself, a county for itself, a county sector
    department for its county when the indicator is its sector's. A township never enters a share (the county's
    share is not its townships' added up, so the freeze would ignore it) nor a prefecture-level indicator."""
    if actor.role == Role.TOWNSHIP and division.pk == actor.jurisdiction_id:
        if indicator.level == IndicatorLevel.PREFECTURE:
            raise PermissionDenied(f"“{indicator.name}”为州级指标，不由乡镇填报")
        if indicator.aggregation == Aggregation.RATIO:
            raise PermissionDenied(f"“{indicator.name}”为比率，由县(市)填报")
        return
    if actor.role == Role.COUNTY and division.pk == actor.jurisdiction_id:
        return
    if actor.role == Role.COUNTY_SECTOR and division.pk == actor.jurisdiction_id:
        if indicator.sector_id is not None and indicator.sector_id != actor.sector_id:
            raise PermissionDenied(f"“{indicator.name}”由{indicator.department}填报")
        return
    raise PermissionDenied("只能为本单位所在的乡镇或县(市)填报")


def require_reported(indicator: Indicator) -> None:
    """一数一源: a value the platform computes from its own records is never typed in (P16)."""
    if indicator.source != IndicatorSource.REPORTED:
        raise Conflict(f"“{indicator.name}”由系统根据业务数据计算，无需填报（一数一源）")


def report_enter(
    *, actor: User, indicator: Indicator, period: Period, division: Division, value: Decimal, evidence: str,
    files: Sequence[Any] = (),
) -> IndicatorReport:  # fmt: skip
    require(actor, Capability.REPORT_INDICATOR, "您没有填报指标的权限")
    require_reported(indicator)
    if period.frozen_at is not None:
        raise Conflict(f"{period}已冻结；如数值有误，请州级在冻结值上更正并写明原因")
    if period.kind != indicator.period:
        raise _invalid("period", "kind", f"“{indicator.name}”按{indicator.get_period_display()}统计")
    _reporting_division(actor, indicator, division)
    evidence = evidence.strip()
    if len(evidence) < 2:
        raise _invalid("evidence", "required", "请填写佐证说明（数据来源、统计口径）")
    accepted = [upload_accept(f, field="files", max_bytes=ATTACHMENT_MAX_BYTES) for f in files]
    county = division if division.level == DivisionLevel.COUNTY else division.parent
    now = clock.now()
    with transaction.atomic():
        report = IndicatorReport(
            indicator=indicator, period=period, division=division, county=county, value=value,
            evidence=evidence, status=ReportStatus.ENTERED, entered_by=actor, entered_at=now,
        )  # fmt: skip
        enter_step(REPORT, report, today=now.date(), limits={})
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as error:
            raise Conflict(f"{division.name}{period}的“{indicator.name}”已填报，请在原填报上修改") from error
        _store(files, accepted, actor=actor, report=report)
        audit.record(
            actor=actor, action="planning.report_enter", target=report, division=division,
            new={"indicator": indicator.name, "period": str(period), "value": str(value), "files": len(files)},
        )  # fmt: skip
    return report


def report_move(*, actor: User, report: IndicatorReport, to: str, opinion: str = "") -> IndicatorReport:
    return transition(REPORT, report, to=to, actor=actor, opinion=opinion)


def report_revise(
    *, actor: User, report: IndicatorReport, value: Decimal, evidence: str, reason: str
) -> IndicatorReport:
    if len(evidence.strip()) < 2:
        raise _invalid("evidence", "required", "请填写佐证说明（数据来源、统计口径）")
    return transition(
        REPORT, report, to=ReportStatus.ENTERED, actor=actor, opinion=reason,
        data={"value": value, "evidence": evidence.strip()},
    )  # fmt: skip


def report_attachments_add(
    *, actor: User, report: IndicatorReport, files: Sequence[Any]
) -> list[PlanningAttachment]:
    """More evidence for a report still under review, from its entering side."""
    require(actor, Capability.REPORT_INDICATOR, "您没有填报指标的权限")
    if report.status == ReportStatus.ACCEPTED or not is_entering_side(actor, report):
        raise PermissionDenied("只有填报单位可以在审核完成前补充佐证材料")
    if not files:
        raise _invalid("files", "required", "请选择要上传的佐证材料")
    return attachments_add(actor=actor, files=files, report=report)


# village flags and work teams (P11)


def _require_team_keeper(actor: User, village: Division) -> None:
    require(actor, Capability.MANAGE_WORK_TEAMS, "只有县级可以维护驻村工作队")
    if village.level != DivisionLevel.VILLAGE:
        raise _invalid("village", "level", "请选择行政村")
    if not user_covers(actor, village.code):
        raise PermissionDenied(f"{village.name}不在您的管辖范围内")


def village_profile_set(*, actor: User, village: Division, flags: Mapping[str, bool]) -> VillageProfile:
    _require_team_keeper(actor, village)
    if unknown := set(flags) - set(VILLAGE_FLAGS):
        raise _invalid("flags", "unknown", f"未知的村分类标识：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        profile, _ = VillageProfile.objects.select_for_update().get_or_create(village=village)
        old = {name: getattr(profile, name) for name in flags}
        for name, on in flags.items():
            setattr(profile, name, bool(on))
        profile.updated_by = actor
        profile.save()
        audit.record(
            actor=actor, action="planning.village_flags", target=profile, division=village, old=old,
            new={name: bool(on) for name, on in flags.items()},
        )  # fmt: skip
    return profile


def work_team_member_add(
    *, actor: User, village: Division, name: str, role: str, unit: str, starts_on: datetime.date
) -> WorkTeamMember:
    _require_team_keeper(actor, village)
    problems = []
    if len(name.strip()) < 2:
        problems.append(ErrorDetail(("name",), "required", "请填写姓名"))
    if role not in TeamRole.values:
        problems.append(ErrorDetail(("role",), "invalid", "请选择第一书记或工作队队员"))
    if len(unit.strip()) < 2:
        problems.append(ErrorDetail(("unit",), "required", "请填写派出单位"))
    if starts_on > clock.today():
        problems.append(ErrorDetail(("starts_on",), "future", "驻村开始日期不能晚于今天"))
    if problems:
        raise InvalidInput(problems)
    township = village.parent
    county = township.parent if township is not None else None
    if county is None:
        raise _invalid("village", "level", "请选择行政村")
    with transaction.atomic():
        member = WorkTeamMember.objects.create(
            village=village, county=county, name=name.strip(), role=role, unit=unit.strip(),
            starts_on=starts_on, recorded_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, action="planning.team_member_add", target=member, division=village,
            new={"role": role, "unit": member.unit, "starts_on": starts_on.isoformat()},
        )  # fmt: skip
    return member


def work_team_member_end(
    *, actor: User, member: WorkTeamMember, ends_on: datetime.date, reason: str
) -> WorkTeamMember:
    _require_team_keeper(actor, member.village)
    if len(reason.strip()) < 2:
        raise _invalid("reason", "required", "请填写结束驻村的原因")
    with transaction.atomic():
        locked = WorkTeamMember.objects.select_for_update().get(pk=member.pk)
        if locked.ends_on is not None:
            raise Conflict(f"{locked.name}已于{locked.ends_on:%Y-%m-%d}结束驻村")
        if ends_on < locked.starts_on:
            raise _invalid("ends_on", "order", "结束日期不能早于驻村开始日期")
        locked.ends_on, locked.end_reason = ends_on, reason.strip()[:200]
        locked.save(update_fields=["ends_on", "end_reason"])
        audit.record(
            actor=actor, action="planning.team_member_end", target=locked, division=locked.village,
            old={"ends_on": None}, new={"ends_on": ends_on.isoformat()}, reason=locked.end_reason,
        )  # fmt: skip
    return locked


# the assessors' field findings (抽查)


def finding_record(
    *, actor: User, county: Division, year: int, dimension: str, description: str, deduction: Decimal,
    files: Sequence[Any] = (),
) -> FieldFinding:  # fmt: skip
    require(actor, Capability.MANAGE_ASSESSMENT, "只有州级考核组可以录入实地抽查发现")
    problems = []
    if county.level != DivisionLevel.COUNTY:
        problems.append(ErrorDetail(("county",), "level", "请选择县(市)"))
    if dimension not in Dimension.values:
        problems.append(ErrorDetail(("dimension",), "invalid", "请选择考核维度"))
    if len(description.strip()) < 4:
        problems.append(ErrorDetail(("description",), "required", "请写明抽查发现的问题"))
    if not Decimal(0) < deduction <= 100:
        problems.append(ErrorDetail(("deduction",), "range", "扣分应大于0且不超过100"))
    if problems:
        raise InvalidInput(problems)
    accepted = [upload_accept(f, field="files", max_bytes=ATTACHMENT_MAX_BYTES) for f in files]
    with transaction.atomic():
        finding = FieldFinding.objects.create(
            county=county, year=year, dimension=dimension, description=description.strip(), deduction=deduction,
            entered_by=actor, entered_at=clock.now(),
        )  # fmt: skip
        _store(files, accepted, actor=actor, finding=finding)
        audit.record(
            actor=actor, action="planning.finding_record", target=finding, division=county,
            new={"year": year, "dimension": dimension, "deduction": str(deduction), "files": len(files)},
        )  # fmt: skip
    return finding


def finding_withdraw(*, actor: User, finding: FieldFinding, reason: str) -> FieldFinding:
    require(actor, Capability.MANAGE_ASSESSMENT, "只有州级考核组可以撤销抽查发现")
    if len(reason.strip()) < 2:
        raise _invalid("reason", "required", "请填写撤销原因")
    with transaction.atomic():
        locked = FieldFinding.objects.select_for_update().get(pk=finding.pk)
        if locked.withdrawn_at is not None:
            raise Conflict("该抽查发现已撤销")
        locked.withdrawn_at, locked.withdrawn_reason = clock.now(), reason.strip()
        locked.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        audit.record(
            actor=actor, action="planning.finding_withdraw", target=locked, division=locked.county,
            old={"deduction": str(locked.deduction)}, new={"withdrawn": True}, reason=locked.withdrawn_reason,
        )  # fmt: skip
    return locked


# 约谈提醒 / 挂牌督办 and rectification tasks (P11, P16)


def supervision_open(
    *, assessment: Assessment, kind: str, reasons: Sequence[str], actor: User | None
) -> Supervision:
    """Open a county's 约谈提醒 or 挂牌督办 for the year (once a year and kind); reasons added when it exists."""
    with transaction.atomic():
        existing = (
            Supervision.objects.select_for_update()
            .filter(county=assessment.county, year=assessment.year, kind=kind)
            .first()
        )
        if existing is not None:
            merged = sorted(set(existing.reasons) | set(reasons))
            if merged != sorted(existing.reasons):
                old = list(existing.reasons)
                existing.reasons, existing.assessment = merged, assessment
                existing.save(update_fields=["reasons", "assessment"])
                audit.record(
                    actor=actor, action="planning.supervision_open", target=existing, division=existing.county,
                    old={"reasons": old}, new={"reasons": merged},
                )  # fmt: skip
            return existing
        supervision = Supervision.objects.create(
            county=assessment.county, year=assessment.year, kind=kind, reasons=sorted(set(reasons)),
            assessment=assessment, opened_by=actor, opened_at=clock.now(),
        )  # fmt: skip
        audit.record(
            actor=actor, action="planning.supervision_open", target=supervision, division=supervision.county,
            new={"kind": kind, "year": supervision.year, "reasons": supervision.reasons},
        )  # fmt: skip
    return supervision


def supervision_record(
    *, actor: User, supervision: Supervision, held_on: datetime.date, note: str
) -> Supervision:
    require(actor, Capability.MANAGE_ASSESSMENT, "只有州级可以记录约谈、挂牌情况")
    if len(note.strip()) < 2:
        raise _invalid("note", "required", "请填写约谈或挂牌督办的情况")
    if held_on > clock.today():
        raise _invalid("held_on", "future", "日期不能晚于今天")
    with transaction.atomic():
        locked = Supervision.objects.select_for_update().get(pk=supervision.pk)
        old = {"held_on": locked.held_on.isoformat() if locked.held_on else None}
        locked.held_on, locked.note = held_on, note.strip()
        locked.save(update_fields=["held_on", "note"])
        audit.record(
            actor=actor, action="planning.supervision_record", target=locked, division=locked.county, old=old,
            new={"held_on": held_on.isoformat()},
        )  # fmt: skip
    return locked


def task_add(
    *, actor: User, supervision: Supervision, title: str, detail: str, owner: str, owner_person: str,
    due_on: datetime.date,
) -> RectificationTask:  # fmt: skip
    require(actor, Capability.MANAGE_ASSESSMENT, "只有州级可以下达整改任务")
    problems = []
    if len(title.strip()) < 4:
        problems.append(ErrorDetail(("title",), "required", "请写明整改任务"))
    if len(owner.strip()) < 2:
        problems.append(ErrorDetail(("owner",), "required", "请填写责任单位"))
    if len(owner_person.strip()) < 2:
        problems.append(ErrorDetail(("owner_person",), "required", "请填写责任人"))
    if due_on <= clock.today():
        problems.append(ErrorDetail(("due_on",), "past", "整改期限应晚于今天"))
    if problems:
        raise InvalidInput(problems)
    now = clock.now()
    with transaction.atomic():
        task = RectificationTask(
            supervision=supervision, county=supervision.county, title=title.strip(), detail=detail.strip(),
            owner=owner.strip(), owner_person=owner_person.strip(), due_on=due_on, status=TaskStatus.OPEN,
            created_by=actor, created_at=now,
        )  # fmt: skip
        enter_step(TASK, task, today=now.date(), limits={})
        task.save()
        audit.record(
            actor=actor, action="planning.task_add", target=task, division=task.county,
            new={"supervision": supervision.pk, "due_on": due_on.isoformat(), "owner": task.owner},
        )  # fmt: skip
    return task


def task_move(
    *, actor: User, task: RectificationTask, to: str, opinion: str = "", result: str = ""
) -> RectificationTask:
    return transition(TASK, task, to=to, actor=actor, opinion=opinion, data={"result": result})


def task_submit(
    *, actor: User, task: RectificationTask, result: str, files: Sequence[Any] = ()
) -> RectificationTask:
    """报送整改结果 with its evidence: the move and the files stand or fall together."""
    accepted = [upload_accept(f, field="files", max_bytes=ATTACHMENT_MAX_BYTES) for f in files]
    with transaction.atomic():
        moved = task_move(actor=actor, task=task, to=TaskStatus.SUBMITTED, result=result)
        for attachment in _store(files, accepted, actor=actor, task=moved):
            audit.record(
                actor=actor, action="planning.attachment", target=attachment,
                new={"size": attachment.size, "content_type": attachment.content_type},
            )  # fmt: skip
    return moved


SUPERVISION_KINDS = (SupervisionKind.TALK, SupervisionKind.LISTING)


# evidence


def _store(
    files: Sequence[Any], accepted: Sequence[Any], *, actor: User, **owner: Any
) -> list[PlanningAttachment]:
    stored = []
    for upload, checked in zip(files, accepted, strict=True):
        upload.name = checked.stored_name
        stored.append(
            PlanningAttachment.objects.create(
                file=upload,
                name=checked.display_name,
                content_type=checked.content_type,
                size=checked.size,
                uploaded_by=actor,
                **owner,
            )
        )
    return stored


def attachments_add(*, actor: User, files: Sequence[Any], **owner: Any) -> list[PlanningAttachment]:
    """More evidence for a report, a finding or a task (one owner), accepted by their bytes; audited."""
    accepted = [upload_accept(f, field="files", max_bytes=ATTACHMENT_MAX_BYTES) for f in files]
    with transaction.atomic():
        stored = _store(files, accepted, actor=actor, **owner)
        for attachment in stored:
            audit.record(
                actor=actor, action="planning.attachment", target=attachment,
                new={"size": attachment.size, "content_type": attachment.content_type},
            )  # fmt: skip
    return stored
