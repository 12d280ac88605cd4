"""Writes of the project library (P14): propose, move through the declared workflow (transitions.py), the
prefecture's batch decision, the emergency filing, adjustment as a new version, and attachments. Each write is
one transaction with its audit event; a refused write stores nothing."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Length

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, DomainError, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.uploads import upload_accept
from zhenxing.common.workflow import enter_step, transition
from zhenxing.divisions.codes import township_of
from zhenxing.divisions.models import Division
from zhenxing.projects.entry import CheckedProject, ProjectInput, check_proposal
from zhenxing.projects.enums import ADJUSTABLE_STATES, PENDING_STATES, ProjectLevel, ProjectStatus
from zhenxing.projects.guards import is_the_proposer, money_already_split_problems
from zhenxing.projects.models import (
    PrefectureBatch,
    Project,
    ProjectAttachment,
    ProjectCategory,
    ProjectFunding,
    ProjectHousehold,
    ProjectPlace,
    ProjectStep,
    ProjectTarget,
)
from zhenxing.projects.procedure import step_limits
from zhenxing.projects.transitions import ENTRY_STATE, IMPORT_ENTRY_STATES, PROJECT
from zhenxing.registry.models import NaturalVillage

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

S = ProjectStatus
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


def _require(actor: User, capability: Capability, message: str) -> None:
    if not has_capability(actor, capability):
        raise PermissionDenied(message)


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([ErrorDetail((field,), code, message)])


def _next_code(county: Division, year: int) -> str:
    """`<county code><year><4-digit sequence>`, under a lock on the county's row so that two proposals at the
    same moment do not take the same number."""
    Division.objects.select_for_update().filter(pk=county.pk).first()
    prefix = f"{county.code}{year}"
    # longest first, then by text: after …9999 comes …10000, which sorts below it as text
    last = (
        Project.objects.filter(code__startswith=prefix)
        .order_by(Length("code").desc(), "-code")
        .values_list("code", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def sector_problem(actor: User, category: ProjectCategory) -> str:
    """A county department proposes, imports and adjusts in its own sector only: the category it chooses must
    be one it reviews (the category → sector map). The message, or "" when the category is its own."""
    if actor.role == Role.COUNTY_SECTOR and actor.sector_id != category.sector_id:
        return f"该类别由{category.sector.name}主管，不是本部门的行业"
    return ""


def _require_own_sector(actor: User, category: ProjectCategory) -> None:
    if problem := sector_problem(actor, category):
        raise _invalid("category", "sector", problem)


def _proposing_division(actor: User, checked: CheckedProject) -> Division:
    if checked.values["level"] == ProjectLevel.VILLAGE or checked.values["level"] == ProjectLevel.TOWNSHIP:
        assert actor.jurisdiction is not None
        return actor.jurisdiction
    return checked.county


def _store(project: Project, checked: CheckedProject) -> None:
    places = []
    for village, natural, natural_name in checked.places:
        if natural is None and natural_name:
            natural, _ = NaturalVillage.objects.get_or_create(village=village, name=natural_name)
        places.append(ProjectPlace(project=project, village=village, natural_village=natural))
    ProjectPlace.objects.bulk_create(places, ignore_conflicts=False)
    ProjectFunding.objects.bulk_create(
        [ProjectFunding(project=project, source=s, amount_fen=a) for s, a in checked.sources_fen.items()]
    )
    ProjectTarget.objects.bulk_create(
        [ProjectTarget(project=project, kind=k, indicator=i, target_value=v) for k, i, v in checked.targets]
    )
    ProjectHousehold.objects.bulk_create(
        [ProjectHousehold(project=project, household=h) for h in checked.households]
    )


def _snapshot(project: Project, checked: CheckedProject) -> dict[str, Any]:
    """What the audit keeps of a proposal: its facts, the money by source, never a household's name."""
    return {
        "code": project.code, "version": project.version, "name": project.name, "year": project.year,
        "category": str(checked.category), "level": project.level, "status": project.status,
        "places": [v.code for v, _, _ in checked.places], "total_fen": project.total_fen,
        "sources_fen": checked.sources_fen, "households": len(checked.households), "emergency": project.emergency,
    }  # fmt: skip


def _entry_state(level: str, emergency: bool) -> str:
    return S.COUNTY_REVIEW if emergency else ENTRY_STATE[level]


def _open(project: Project, *, actor: User, today: datetime.date, label: str) -> None:
    """Start the entry step's clock and record the proposal as the project's first step."""
    limits, citation = step_limits()
    enter_step(PROJECT, project, today=today, limits=limits)
    project.save(update_fields=["step_started_on", "step_due", "step_due_provisional"])
    ProjectStep.objects.create(
        project=project, step=project.status, outcome=project.status, action=label, actor=actor,
        actor_role=actor.role, done_at=clock.now(), started_on=today, due_on=project.step_due,
        due_provisional=project.step_due_provisional, decision={"project_procedure": citation},
        findings=project.emergency_reason if project.emergency else "",
    )  # fmt: skip


def project_propose(*, actor: User, data: ProjectInput) -> Project:
    """申报: a village at 村申报, a township at 乡审核, a county department (or the county) at 县(市)部门审查, an
    emergency project (the county, with a reason) at 县市领导小组审核 (P14). Refused whole, naming every item."""
    _require(actor, Capability.PROPOSE_PROJECT, "您的角色不能申报项目")
    checked = check_proposal(actor=actor, data=data)
    _require_own_sector(actor, checked.category)
    sector = checked.category.sector
    today = clock.today()
    with transaction.atomic():
        project = Project(
            **checked.values, code=_next_code(checked.county, checked.values["year"]), category=checked.category,
            sector=sector, county=checked.county, division=_proposing_division(actor, checked),
            status=_entry_state(checked.values["level"], checked.values["emergency"]), created_by=actor,
        )  # fmt: skip
        project.save()
        _store(project, checked)
        _open(project, actor=actor, today=today, label="应急申报" if project.emergency else "申报")
        audit.record(
            actor=actor, action="project.propose", target=project, division=project.division,
            new=_snapshot(project, checked), reason=project.emergency_reason,
        )  # fmt: skip
    return project


def _imported_division(checked: CheckedProject) -> Division:
    """The proposing unit of an imported project, from its level and place: the village, its township, or the
    county (the importer is the county, not the unit that once proposed it)."""
    village = checked.places[0][0]
    if checked.values["level"] == ProjectLevel.VILLAGE:
        return village
    if checked.values["level"] == ProjectLevel.TOWNSHIP:
        return Division.objects.get(code=township_of(village.code))
    return checked.county


def project_import_row(
    *, actor: User, data: ProjectInput, level: str, status: str, decided_on: datetime.date, code: str = "",
    source: str = "",
) -> Project:  # fmt: skip
    """One project of an existing library workbook (projects/imports.py). It was approved before this system:
    checked as a proposal is (check_proposal, the importer's scope, a sector's own categories), it enters at
    the library state its 状态 column states (transitions.IMPORT_ENTRY_STATES) with its 审定日期, keeps its
    项目编号 when given (else the next one), and is recorded as a step 导入 and audited. The caller holds the
    transaction of the whole workbook."""
    _require(actor, Capability.PROPOSE_PROJECT, "您的角色不能导入项目")
    if actor.role not in (Role.COUNTY, Role.COUNTY_SECTOR):
        raise PermissionDenied("项目库表格由县(市)或县(市)行业部门导入")
    if status not in IMPORT_ENTRY_STATES:
        raise _invalid("status", "status", "只有储备、开工、在建、竣工、验收、资产移交的项目可以导入")
    if decided_on > clock.today():
        raise _invalid("decided_on", "future", "审定日期不能晚于今天")
    checked = check_proposal(actor=actor, data=data, level=level)
    _require_own_sector(actor, checked.category)
    sector = checked.category.sector
    today = clock.today()
    with transaction.atomic():
        if code and Project.objects.filter(code=code).exists():
            raise Conflict(f"项目编号 {code} 已被使用")
        project = Project(
            **checked.values, code=code or _next_code(checked.county, checked.values["year"]),
            category=checked.category, sector=sector, county=checked.county, division=_imported_division(checked),
            status=status, decided_on=decided_on, created_by=actor,
        )  # fmt: skip
        project.save()
        _store(project, checked)
        _open(project, actor=actor, today=today, label="导入")
        audit.record(
            actor=actor, action="project.import", target=project, division=project.division, reason=source,
            new={**_snapshot(project, checked), "decided_on": decided_on.isoformat()},
        )  # fmt: skip
    return project


def attachments_add(
    *, actor: User, files: Sequence[Any], project: Project | None = None, step: ProjectStep | None = None,
    batch: PrefectureBatch | None = None,
) -> list[ProjectAttachment]:  # fmt: skip
    """Minutes and papers (PDF or a photo of the page), checked by their bytes before any is stored."""
    accepted = [upload_accept(f, field="minutes", max_bytes=ATTACHMENT_MAX_BYTES) for f in files]
    stored = []
    with transaction.atomic():
        for upload, checked in zip(files, accepted, strict=True):
            upload.name = checked.stored_name
            attachment = ProjectAttachment.objects.create(
                file=upload, name=checked.display_name, content_type=checked.content_type, size=checked.size,
                project=project, step=step, batch=batch, uploaded_by=actor,
            )  # fmt: skip
            audit.record(
                actor=actor, action="project.attachment", target=attachment,
                division=project.division if project else (batch.county if batch else None),
                new={"project": project.pk if project else None, "batch": batch.pk if batch else None,
                     "size": checked.size, "content_type": checked.content_type},
            )  # fmt: skip
            stored.append(attachment)
    return stored


def project_move(
    *, actor: User, project: Project, to: str, opinion: str = "", files: Sequence[Any] = (),
    on: datetime.date | None = None,
) -> Project:  # fmt: skip
    """One declared step of the project (transitions.py): review, send back, resubmit, start, complete,
    accept, hand over, 出库. `files` (minutes, acceptance papers) go on the step record. 州审定 of a county's
    list is `project_batch_decide`."""
    _require(actor, Capability.ACT_ON_PROJECT, "您没有办理项目的权限")
    if to == S.ADJUSTED:
        raise Conflict("项目只能由审定后的调整版本替代")
    if on is not None and on > clock.today():
        raise _invalid("on", "future", "日期不能晚于今天")
    if files:  # checked before the move, so that a bad file refuses the step and stores nothing
        for upload in files:
            upload_accept(upload, field="minutes", max_bytes=ATTACHMENT_MAX_BYTES)
            upload.seek(0)

    def attach(step: ProjectStep) -> None:
        if files:
            attachments_add(actor=actor, files=files, project=step.project, step=step)

    return transition(
        PROJECT, project, to=to, actor=actor, opinion=opinion, attach=attach,
        data={"minutes": bool(files), "on": on},
    )  # fmt: skip


def project_batch_decide(
    *, actor: User, county: Division, projects: Sequence[Project], opinion: str, minutes: Sequence[Any],
) -> PrefectureBatch:  # fmt: skip
    """州领导小组审定 of a county's list as one decision: one opinion, one minutes file, and each project's own
    step record pointing at the batch (P14). All or nothing."""
    _require(actor, Capability.ACT_ON_PROJECT, "您没有办理项目的权限")
    if actor.role != Role.PREFECTURE:
        raise PermissionDenied("州审定由州领导小组办理")
    # the rows as they stand now (the objects passed in may be stale), with the versions adjustments replace
    fresh = Project.objects.select_related("previous").in_bulk([p.pk for p in projects])
    projects = [fresh[pk] for pk in dict.fromkeys(p.pk for p in projects) if pk in fresh]  # each once
    problems = []
    if not projects:
        problems.append(ErrorDetail(("projects",), "required", "请选择要审定的项目"))
    if len(opinion.strip()) < 2:
        problems.append(ErrorDetail(("opinion",), "required", "请填写审定意见"))
    if not minutes:
        problems.append(ErrorDetail(("minutes",), "required", "请上传州领导小组会议纪要"))
    for project in projects:
        if project.county_id != county.pk:
            problems.append(ErrorDetail(("projects",), "county", f"{project.code} 不属于{county.name}"))
        elif project.status != S.PREFECTURE_DECISION:
            problems.append(ErrorDetail(("projects",), "status", f"{project.code} 不在州审定环节"))
        elif project.previous is not None and project.previous.status not in ADJUSTABLE_STATES:
            # an adjustment takes over its previous version's stage: there is none to take over once it is 出库
            problems.append(
                ErrorDetail(
                    ("projects",), "previous",
                    f"{project.code} 的原版本已{project.previous.get_status_display()}，调整不能审定，请退回后撤销",
                )
            )  # fmt: skip
    if problems:
        raise InvalidInput(problems)
    for upload in minutes:
        upload_accept(upload, field="minutes", max_bytes=ATTACHMENT_MAX_BYTES)
        upload.seek(0)
    today = clock.today()
    with transaction.atomic():
        batch = PrefectureBatch.objects.create(
            county=county, decided_on=today, opinion=opinion.strip(), decided_by=actor
        )
        attachments_add(actor=actor, files=minutes, batch=batch)

        def attach(step: ProjectStep) -> None:
            step.batch = batch
            step.save(update_fields=["batch"])

        for project in projects:
            target = project.previous.status if project.previous_id else S.RESERVED  # type: ignore[union-attr]
            transition(
                PROJECT, project, to=target, actor=actor, opinion=opinion, attach=attach,
                data={"batch": batch}, today=today,
            )  # fmt: skip
        audit.record(
            actor=actor, action="project.batch_decide", target=batch, division=county,
            new={"projects": [p.pk for p in projects], "county": county.code},
        )  # fmt: skip
    return batch


def emergency_filing_problem(project: Project) -> str:
    """Why 州级备案 of `project` is not due now, or "" when it is: an emergency project the county's leading
    group put into the library, not decided by the prefecture, not filed yet, and started (P14: 州审定 becomes
    a filing after the start)."""
    if (
        not project.emergency
        or project.decided_on is None
        or project.status in (S.WITHDRAWN, S.TERMINATED, S.ADJUSTED)
    ):
        return "只有已由县审核入库的应急项目需要州级备案"
    if project.batch_id is not None:
        return "该应急项目已经州领导小组审定，无需备案"
    if project.prefecture_filed_on is not None:
        return f"该项目已于 {project.prefecture_filed_on} 备案"
    if project.started_on is None:
        return "应急项目开工后方可州级备案"
    return ""


def awaiting_filing_q() -> Q:
    """The projects `emergency_filing_problem` finds due, as a query (the prefecture's list)."""
    return Q(emergency=True, decided_on__isnull=False, batch__isnull=True, prefecture_filed_on__isnull=True,
             started_on__isnull=False) & ~Q(status__in=(S.WITHDRAWN, S.TERMINATED, S.ADJUSTED))  # fmt: skip


def may_file_emergency(actor: User, project: Project) -> bool:
    return actor.role == Role.PREFECTURE and not emergency_filing_problem(project)


def project_file_emergency(*, actor: User, project: Project, opinion: str) -> Project:
    """州级备案 of an emergency project the county put into the library, once it has started (P14: 州审定
    becomes a filing after the start when the parameter says so)."""
    if actor.role != Role.PREFECTURE:
        raise PermissionDenied("应急项目由州级备案")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if problem := emergency_filing_problem(locked):
            raise Conflict(problem)
        today = clock.today()
        locked.prefecture_filed_on = today
        locked.save(update_fields=["prefecture_filed_on", "updated_at"])
        ProjectStep.objects.create(
            project=locked, step=locked.status, outcome=locked.status, action="州级备案", actor=actor,
            actor_role=actor.role, done_at=clock.now(), started_on=today, findings=opinion.strip(),
        )  # fmt: skip
        audit.record(
            actor=actor, action="project.file", target=locked, division=locked.division,
            old={"prefecture_filed_on": None}, new={"prefecture_filed_on": today.isoformat()},
        )  # fmt: skip
    return locked


def may_adjust(project: Project) -> bool:
    """P14 项目调整: only a project in the library whose work is not finished (储备, 开工, 在建, 竣工)."""
    return project.status in ADJUSTABLE_STATES


def require_adjustable(project: Project) -> None:
    if project.status in (S.WITHDRAWN, S.TERMINATED):
        raise Conflict(f"已{project.get_status_display()}的项目不能调整")
    if not may_adjust(project):
        raise Conflict(
            f"项目当前为“{project.get_status_display()}”，只有储备、开工、在建、竣工的项目可以调整"
        )


def _keeps_the_proposing_village(project: Project, checked: CheckedProject) -> None:
    """A village's project stays the village's: whoever changes it keeps the proposing village among its
    places (the county may extend it, not move it away from its proposer)."""
    if project.level == ProjectLevel.VILLAGE and all(
        v.pk != project.division_id for v, _, _ in checked.places
    ):
        raise _invalid("places", "proposer", f"村级项目的地点须包括申报村{project.division.name}")


def adjust_refusal(actor: User, project: Project, *, pending_too: bool = True) -> DomainError | None:
    """Why this user may not propose an adjustment of this project now, or None — the one answer for the detail
    page's link, the adjustment page and the service: a role that proposes, a project in the library and not
    finished (require_adjustable), proposed by the project's unit or its county, no adjustment pending."""
    if not has_capability(actor, Capability.PROPOSE_PROJECT):
        return PermissionDenied("您的角色不能调整项目")
    try:
        require_adjustable(project)
    except Conflict as error:
        return error
    if not (actor.role == Role.COUNTY and actor.jurisdiction_id == project.county_id) and not is_the_proposer(
        actor, project
    ):
        return PermissionDenied("项目调整由项目申报单位或县(市)提出")
    if pending_too and Project.objects.filter(code=project.code, status__in=PENDING_STATES).exists():
        return Conflict(PENDING_ADJUSTMENT)
    return None


def project_adjust(*, actor: User, project: Project, data: ProjectInput, reason: str) -> Project:
    """项目调整 (content, money or place changed after 审定): a new version that goes through approval and
    announcement again from its level's entry; the old version stays in the library until the new one is
    审定, then is kept as 已调整 (P14). Its sector follows its category (the category → sector map)."""
    if refusal := adjust_refusal(actor, project, pending_too=False):  # pending: checked again under the lock
        raise refusal
    if len(reason.strip()) < 4:
        raise _invalid("adjustment_reason", "required", "请填写调整原因")
    checked = check_proposal(actor=actor, data=data, level=project.level)
    if checked.county.pk != project.county_id:
        raise _invalid("places", "county", "调整后的项目地点须在原项目所在县(市)")
    _keeps_the_proposing_village(project, checked)
    _require_own_sector(actor, checked.category)
    today = clock.today()
    try:
        with transaction.atomic():
            # under the project's lock: two adjustments at once are one after the other, the second refused
            locked = Project.objects.select_for_update().get(pk=project.pk)
            if not may_adjust(locked):
                raise Conflict("项目状态已变化，请刷新后重试")
            if Project.objects.filter(code=locked.code, status__in=PENDING_STATES).exists():
                raise Conflict(PENDING_ADJUSTMENT)
            # an adjustment goes the ordinary way, whatever path its first version took
            values = {**checked.values, "emergency": False, "emergency_kind": "", "emergency_reason": ""}
            new = Project(
                **values, code=locked.code, version=locked.version + 1, previous=locked,
                adjustment_reason=reason.strip(), category=checked.category, sector=checked.category.sector,
                county=locked.county, division=locked.division, status=ENTRY_STATE[locked.level], created_by=actor,
            )  # fmt: skip
            new.save()
            _store(new, checked)
            if problems := money_already_split_problems(new):  # refused now, and checked again at 审定
                raise InvalidInput(problems)
            _open(new, actor=actor, today=today, label="项目调整申报")
            audit.record(
                actor=actor, action="project.adjust", target=new, division=new.division, reason=reason.strip(),
                old={"version": locked.version, "id": locked.pk}, new=_snapshot(new, checked),
            )  # fmt: skip
    except IntegrityError as error:
        # another version of the code was proposed meanwhile (an older version's row was locked, say): the
        # database's one-pending-version rule refused it; say so as the check above does
        if "project_one_pending_version" in str(error) or "projects_project.code" in str(error):
            raise Conflict(PENDING_ADJUSTMENT) from error
        raise
    return new


PENDING_ADJUSTMENT = "该项目已有一个调整在审批中"


def may_revise(actor: User, project: Project) -> bool:
    """A project sent back (退回修改) is changed by its proposer: the role of its level of the proposing unit."""
    return project.status == S.RETURNED and is_the_proposer(actor, project)


def require_revisable(actor: User, project: Project) -> None:
    if project.status != S.RETURNED:
        raise Conflict(f"项目当前为“{project.get_status_display()}”，只有退回修改的项目可以修改")
    if not is_the_proposer(actor, project):
        raise PermissionDenied("退回的项目由其申报单位修改")


def _stored_snapshot(project: Project) -> dict[str, Any]:
    """`_snapshot` of the project as stored (before a revision)."""
    return {
        "code": project.code, "version": project.version, "name": project.name, "year": project.year,
        "category": str(project.category), "level": project.level, "status": project.status,
        "places": [p.village.code for p in project.places.select_related("village").order_by("pk")],
        "total_fen": project.total_fen, "sources_fen": dict(project.fundings.values_list("source", "amount_fen")),
        "households": project.beneficiaries.count(), "emergency": project.emergency,
    }  # fmt: skip


def project_revise(*, actor: User, project: Project, data: ProjectInput) -> Project:
    """修改 a project sent back (退回修改) before it is re-submitted: its proposer changes its facts, places,
    money, targets and households, checked as a proposal is, in one transaction with the old and new facts
    audited. Its path (ordinary or emergency) stays; a village's revised proposal is announced again before
    乡审核 (revised_on, guards.proposal_notice_closed)."""
    _require(actor, Capability.PROPOSE_PROJECT, "您的角色不能修改项目")
    require_revisable(actor, project)
    checked = check_proposal(actor=actor, data=data, level=project.level)
    if checked.county.pk != project.county_id:
        raise _invalid("places", "county", "修改后的项目地点须在原项目所在县(市)")
    _keeps_the_proposing_village(project, checked)
    _require_own_sector(actor, checked.category)
    today = clock.today()
    with transaction.atomic():
        locked = Project.objects.select_for_update(of=("self",)).select_related("category").get(pk=project.pk)
        if locked.status != S.RETURNED:
            raise Conflict("项目状态已变化，请刷新后重试")
        old = _stored_snapshot(locked)
        values = {**checked.values, "emergency": locked.emergency}
        if locked.emergency:  # the kind and reason may be restated, the path not left
            values["emergency_kind"] = values["emergency_kind"] or locked.emergency_kind
            values["emergency_reason"] = values["emergency_reason"] or locked.emergency_reason
        for name, value in values.items():
            setattr(locked, name, value)
        locked.category, locked.sector, locked.revised_on = checked.category, checked.category.sector, today
        locked.save()
        for rows in (locked.places, locked.fundings, locked.targets, locked.beneficiaries):
            rows.all().delete()
        _store(locked, checked)
        ProjectStep.objects.create(
            project=locked, step=locked.status, outcome=locked.status, action="修改申报内容", actor=actor,
            actor_role=actor.role, done_at=clock.now(), started_on=today,
        )  # fmt: skip
        audit.record(
            actor=actor, action="project.revise", target=locked, division=locked.division, old=old,
            new=_snapshot(locked, checked),
        )  # fmt: skip
    return locked
