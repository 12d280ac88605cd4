"""评议公示 (P8 step 4): a village lists one or more cases on a notice, posts it for the notice period in
working days, and records objections and how they were resolved. The township step waits for both."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.calendar import work_calendar
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.workdays import add_working_days, working_days_between
from zhenxing.divisions.codes import county_of
from zhenxing.monitoring.decisions import step_deadlines
from zhenxing.monitoring.enums import CaseStatus, NoticePurpose, ObjectionStatus
from zhenxing.monitoring.models import Case, Notice, NoticeEntry, Objection
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.rules.procedure import notice_period_days, working_days_after_posting
from zhenxing.policy.selectors import optional_parameter_for
from zhenxing.policy.wording import object_name_in_full, object_name_on

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.divisions.models import Division


# Which role does which notice step (as a workflow declares its moves' roles); the pages ask the same
# predicates, after the capability, so a form is shown only to whom the step will accept it from.
NOTICE_ROLES = frozenset({Role.VILLAGE})
OBJECTION_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP})


def may_manage_notices(actor: User) -> bool:
    """Drafts and posts notices (P8: the village posts 评议公示)."""
    return actor.role in NOTICE_ROLES


def may_handle_objections(actor: User) -> bool:
    """Records and resolves objections raised during a notice period."""
    return actor.role in OBJECTION_ROLES


def _require_village(actor: User) -> None:
    if not may_manage_notices(actor):
        raise PermissionDenied("公示由村级发布和管理")


NOTICE_READY: dict[str, tuple[str, str, str]] = {
    # purpose → (the step its cases are at, the meeting field that must be filled, the default title after
    # the object's name in full: 防止返贫监测对象识别公示 until 2025, 防止返贫致贫对象识别公示 from 2026, P17)
    NoticePurpose.IDENTIFICATION: (CaseStatus.REVIEW, "meeting_on", "识别公示"),
    NoticePurpose.ELIMINATION: (CaseStatus.ELIMINATION_NOTICE, "elimination_meeting_on", "风险消除公示"),
}


def default_notice_title(village: Division, purpose: str, *, on: datetime.date) -> str:
    """The title a notice gets when the village leaves it empty, in the words of the regime of `on` (P17)."""
    return f"{village.name}{object_name_in_full(object_name_on(on))}{NOTICE_READY[purpose][2]}"


def notice_purpose_of(case: Case) -> str | None:
    for purpose, (status, _, _) in NOTICE_READY.items():
        if case.status == status:
            return purpose
    return None


def notice_create(*, actor: User, village: Division, cases: list[Case], title: str, object_to: str) -> Notice:
    """A draft notice for one or more cases of one village, all at the same notice step with their meeting
    held: 评议公示 for identification (P8), 消除公示 for risk elimination (P9)."""
    _require_village(actor)
    cases = list(Case.objects.filter(pk__in=[case.pk for case in cases]).order_by("pk"))  # as stored now
    problems = []
    if not cases:
        problems.append(ErrorDetail(("cases",), "required", "请选择要公示的农户"))
    if len(object_to.strip()) < 4:
        problems.append(ErrorDetail(("object_to",), "required", "请填写异议受理单位和电话"))
    purposes = {notice_purpose_of(case) for case in cases}
    purpose = next(iter(purposes)) if len(purposes) == 1 else None
    if cases and len(purposes) > 1:
        problems.append(ErrorDetail(("cases",), "mixed", "识别纳入和风险消除须分别公示"))
    for case in cases:
        ready = NOTICE_READY.get(notice_purpose_of(case) or "")
        if case.village_id != village.code or ready is None:
            problems.append(ErrorDetail(("cases",), "not_ready", f"案件 {case.pk} 不在本村的公示环节"))
        elif getattr(case, ready[1]) is None:
            problems.append(ErrorDetail(("cases",), "no_meeting", f"案件 {case.pk} 尚未录入评议会"))
    if problems or purpose is None:
        raise InvalidInput(problems)
    with transaction.atomic():
        notice = Notice.objects.create(
            village=village, purpose=purpose, title=title.strip() or default_notice_title(village, purpose, on=clock.today()),
            object_to=object_to.strip(), created_by=actor,
        )  # fmt: skip
        NoticeEntry.objects.bulk_create([NoticeEntry(notice=notice, case=case) for case in cases])
        audit.record(
            actor=actor, action="notice.create", target=notice, division=village,
            new={"cases": [case.pk for case in cases], "purpose": purpose},
        )  # fmt: skip
    return notice


def notice_period(posted_on: datetime.date) -> tuple[datetime.date, bool]:
    """The last day of the notice (P8, see policy.rules.procedure)."""
    calendar = work_calendar()
    limits, _ = step_deadlines()
    days = working_days_after_posting(limits, posted_on_working_day=calendar.is_working_day(posted_on))
    deadline = add_working_days(calendar, posted_on, days)
    return deadline.day, deadline.provisional


def notice_days(notice: Notice) -> int:
    """How many working days the notice runs: a posted notice's own period (the parameter it was posted
    under), a draft's from the parameter in force (P8)."""
    calendar = work_calendar()
    if notice.posted_on is not None and notice.ends_on is not None:
        first = 1 if calendar.is_working_day(notice.posted_on) else 0
        return first + working_days_between(calendar, notice.posted_on, notice.ends_on)
    limits, _ = step_deadlines()
    return notice_period_days(limits)


def notice_post(*, actor: User, notice: Notice) -> Notice:
    _require_village(actor)
    today = clock.today()
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.posted_on is not None:
            raise Conflict("该公示已发布")
        locked.posted_on = today
        locked.ends_on, locked.ends_provisional = notice_period(today)
        locked.save(update_fields=["posted_on", "ends_on", "ends_provisional"])
        audit.record(
            actor=actor, action="notice.post", target=locked, division=locked.village, old={"posted_on": None},
            new={"posted_on": str(today), "ends_on": str(locked.ends_on)},
        )  # fmt: skip
    return locked


def objection_record(
    *, actor: User, notice: Notice, case: Case, raised_by: str, content: str, received_on: datetime.date
) -> Objection:
    """An objection raised against a household on a posted notice; it blocks the township step until resolved."""
    if not may_handle_objections(actor):
        raise PermissionDenied("异议由村级或乡镇登记")
    if notice.posted_on is None:
        raise Conflict("公示尚未发布")
    if not notice.entries.filter(case=case).exists():
        raise InvalidInput([ErrorDetail(("case",), "not_listed", "该户不在本公示中")])
    if len(content.strip()) < 2:
        raise InvalidInput([ErrorDetail(("content",), "required", "请填写异议内容")])
    with transaction.atomic():
        objection = Objection.objects.create(
            notice=notice, case=case, raised_by=raised_by.strip() or "匿名", content=content.strip(),
            received_on=received_on, recorded_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, action="objection.create", target=objection, division=notice.village,
            new={"notice": notice.pk, "case": case.pk, "received_on": str(received_on)},
        )  # fmt: skip
    return objection


def objection_resolve(*, actor: User, objection: Objection, resolution: str) -> Objection:
    if not may_handle_objections(actor):
        raise PermissionDenied("异议由村级或乡镇处理")
    if len(resolution.strip()) < 2:
        raise InvalidInput([ErrorDetail(("resolution",), "required", "请填写核实和处理结果")])
    with transaction.atomic():
        locked = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("notice__village")
            .get(pk=objection.pk)
        )
        if locked.status != ObjectionStatus.OPEN:
            raise Conflict("该异议已处理")
        locked.status, locked.resolution = ObjectionStatus.RESOLVED, resolution.strip()
        locked.resolved_at, locked.resolved_by = clock.now(), actor
        locked.save(update_fields=["status", "resolution", "resolved_at", "resolved_by"])
        audit.record(
            actor=actor, action="objection.resolve", target=locked, division=locked.notice.village,
            old={"status": ObjectionStatus.OPEN}, new={"status": locked.status}, reason=resolution.strip()[:200],
        )  # fmt: skip
    return locked


def notice_shows_risk_types(notice: Notice) -> bool:
    """P17: a notice shows no risk category (因病 and 因残 are health data) unless the county has turned it
    on for the year of posting (the notice_risk_types parameter lists the counties; off when absent)."""
    year = (notice.posted_on or clock.today()).year
    parameter = optional_parameter_for(ParameterKind.NOTICE_RISK_TYPES, year=year)
    return parameter is not None and county_of(notice.village_id) in (parameter.value or [])


def notice_done(case: Case, today: datetime.date, *, purpose: str, since: datetime.date | None) -> None:
    """The P8/P9 notice-period guard: a posted notice for this purpose has ended, and no objection on it is
    open."""
    notices = case.notices.filter(purpose=purpose, posted_on__isnull=False)
    if since is not None:
        notices = notices.filter(posted_on__gte=since)
    if not notices.filter(ends_on__lt=today).exists():
        running = notices.order_by("-ends_on").first()
        if running is None:
            raise Conflict("尚未公示：请先将本户列入公示并发布")
        raise Conflict(f"公示期至 {running.ends_on:%Y年%m月%d日} 结束，期满后方可报乡镇审核")
    if case.objections.filter(status=ObjectionStatus.OPEN, notice__purpose=purpose).exists():
        raise Conflict("公示期间有未处理的异议，处理完毕后方可报乡镇审核")
