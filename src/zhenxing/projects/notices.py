"""Announcements of the project library (P14 公告公示): draft, post for the period in calendar days (parameter),
record objections and questions and answer them. Who posts where: a village on its own board (its proposals,
its projects' plans and results), a township on its board, the county on its portal (the approved library,
plans, results), the prefecture on its portal."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import TERRITORIAL_ROLES, Role
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.crypto import encrypt_phone, keyed_hash, mask_phone
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied, not_found
from zhenxing.common.locks import serialize_on
from zhenxing.divisions.models import Division
from zhenxing.policy.rules.projects import notice_ends_on
from zhenxing.projects.enums import (
    LIBRARY_STATES,
    NoticeKind,
    NoticeStatus,
    ObjectionChannel,
    ObjectionKind,
    ObjectionStatus,
    ProjectStatus,
)
from zhenxing.projects.models import Project, ProjectNotice, ProjectNoticeEntry, ProjectObjection
from zhenxing.projects.procedure import notice_period_days

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

S = ProjectStatus
# which projects each kind of announcement may list (P14)
NOTICE_PROJECT_STATES: dict[str, tuple[str, ...]] = {
    NoticeKind.PROPOSAL: (S.PROPOSED,),
    NoticeKind.LIBRARY: LIBRARY_STATES,
    NoticeKind.PLAN: LIBRARY_STATES,
    NoticeKind.RESULT: (S.COMPLETED, S.ACCEPTED, S.HANDED_OVER),
}

# who posts which kind (P14): the village its proposals; the approved county library the county on its portal
# (the prefecture may post it on its own); plans and results the county or the township, the prefecture on its
# portal, and a village on its board for its own projects (an extra posting: only a county's or the
# prefecture's library or plan notice lets a project start, guards.announced_or_emergency)
KINDS_OF_ROLE: dict[str, tuple[str, ...]] = {
    Role.VILLAGE: (NoticeKind.PROPOSAL, NoticeKind.PLAN, NoticeKind.RESULT),
    Role.TOWNSHIP: (NoticeKind.PLAN, NoticeKind.RESULT),
    Role.COUNTY: (NoticeKind.LIBRARY, NoticeKind.PLAN, NoticeKind.RESULT),
    Role.PREFECTURE: (NoticeKind.LIBRARY, NoticeKind.PLAN, NoticeKind.RESULT),
}
WHO_POSTS: dict[str, str] = {
    NoticeKind.PROPOSAL: "村级项目申报公示由村发布",
    NoticeKind.LIBRARY: "县级项目库公告由县(市)在本级发布（州可在州级转发）",
    NoticeKind.PLAN: "项目实施计划公示由县(市)、乡镇或项目所在村发布",
    NoticeKind.RESULT: "项目实施结果公示由县(市)、乡镇或项目所在村发布",
}

# the public page's abuse limits (as the portal's application form): submissions per client address per hour,
# and per village per day, counted from the stored rows so that every worker counts the same
PUBLIC_PER_IP, PUBLIC_WINDOW_IP = 5, datetime.timedelta(hours=1)
PUBLIC_PER_VILLAGE, PUBLIC_WINDOW_VILLAGE = 50, datetime.timedelta(days=1)


class TooManySubmissions(Conflict):
    http_status = 429
    code = "rate_limited"


def _invalid(details: list[ErrorDetail]) -> InvalidInput:
    return InvalidInput(details)


def may_post_notices(actor: User) -> bool:
    return actor.role in TERRITORIAL_ROLES and has_capability(actor, Capability.ACT_ON_PROJECT)


def notice_create(
    *, actor: User, kind: str, projects: Sequence[Project], title: str, object_to: str, body: str = "",
    division: Division | None = None,
) -> ProjectNotice:  # fmt: skip
    """A draft announcement of projects of one county, posted at the actor's own division (or a village under
    it: a township may post on a village's board). A proposal's announcement is the village's own."""
    if not may_post_notices(actor):
        raise PermissionDenied("您的角色不能发布项目公示")
    assert actor.jurisdiction is not None
    where = division or actor.jurisdiction
    problems: list[ErrorDetail] = []
    if kind not in NoticeKind.values:
        problems.append(ErrorDetail(("kind",), "unknown", "请选择公示类型"))
    if not where.code.startswith(actor.jurisdiction.code):
        problems.append(ErrorDetail(("division",), "out_of_scope", "公示范围不在您的管辖范围内"))
    if not projects:
        problems.append(ErrorDetail(("projects",), "required", "请选择要公示的项目"))
    if len(object_to.strip()) < 4:
        problems.append(ErrorDetail(("object_to",), "required", "请填写异议受理单位和电话"))
    # the library is posted on the county's (or the prefecture's) own portal, not on a board below it
    library_below = kind == NoticeKind.LIBRARY and where.pk != actor.jurisdiction.pk
    if kind in NoticeKind.values and (kind not in KINDS_OF_ROLE.get(actor.role, ()) or library_below):
        problems.append(ErrorDetail(("kind",), "role", WHO_POSTS[kind]))
    counties = {p.county_id for p in projects}
    if len(counties) > 1:
        problems.append(ErrorDetail(("projects",), "counties", "一次公示的项目须属于同一个县(市)"))
    allowed = NOTICE_PROJECT_STATES.get(kind, ())
    for project in projects:
        if project.status not in allowed:
            problems.append(
                ErrorDetail(
                    ("projects",),
                    "status",
                    f"{project.code} 当前为“{project.get_status_display()}”，不能列入此类公示",
                )
            )
        elif kind == NoticeKind.PROPOSAL and project.division_id != where.pk:
            problems.append(ErrorDetail(("projects",), "village", f"{project.code} 不是本村申报的项目"))
        elif not (where.code.startswith(project.county.code) or project.county.code.startswith(where.code)):
            # a board announces its own county's projects: another county's notice must not let one start
            problems.append(ErrorDetail(("projects",), "out_of_scope", f"{project.code} 不在本公示范围内"))
        elif (
            kind != NoticeKind.PROPOSAL
            and where.level in ("township", "village")
            and not project.places.filter(village__code__startswith=where.code).exists()
        ):
            # a township's or a village's board announces the projects built there
            problems.append(
                ErrorDetail(("projects",), "place", f"{project.code} 不在{where.name}实施，不能在此公示")
            )
    if problems:
        raise _invalid(problems)
    county = projects[0].county
    with transaction.atomic():
        notice = ProjectNotice.objects.create(
            kind=kind, county=county, division=where, title=title.strip() or default_title(kind, where, projects),
            body=body.strip(), object_to=object_to.strip(), created_by=actor,
            supplementary=any(p.emergency and p.started_on is not None for p in projects),
        )  # fmt: skip
        ProjectNoticeEntry.objects.bulk_create(
            [ProjectNoticeEntry(notice=notice, project=p) for p in projects]
        )
        audit.record(
            actor=actor, action="project_notice.create", target=notice, division=where,
            new={"kind": kind, "projects": [p.pk for p in projects]},
        )  # fmt: skip
    return notice


TITLE_MAX = 200  # ProjectNotice.title's length


def default_title(kind: str, where: Division, projects: Sequence[Project] = ()) -> str:
    """The title a notice gets when none is typed: the board and the kind, then what tells it apart from the
    board's other notices of that kind — its project's name, or the first one's and how many there are
    (西山村委会村级项目申报公示：大村组道路硬化 / …：大村组道路硬化等3个项目)."""
    base = f"{where.name}{NoticeKind(kind).label}"
    if not projects:
        return base
    first = projects[0].name
    if first.startswith(where.name) and len(first) > len(where.name):
        first = first[len(where.name) :]  # 西山村委会大村组道路硬化 on 西山村委会's board: 大村组道路硬化
    suffix = f"等{len(projects)}个项目" if len(projects) > 1 else ""
    room = TITLE_MAX - len(base) - 1 - len(suffix)
    if len(first) > room:
        first = first[: max(room - 1, 0)] + "…"
    return f"{base}：{first}{suffix}"


def announced_in_library(project_ids: Sequence[int]) -> set[int]:
    """Of these projects (versions), those already listed on a posted 县级项目库公告: a new library notice need
    not list them again (an adjusted version is a new row and is announced anew)."""
    return set(
        ProjectNoticeEntry.objects.filter(project_id__in=project_ids, notice__kind=NoticeKind.LIBRARY)
        .exclude(notice__status=NoticeStatus.DRAFT)
        .values_list("project_id", flat=True)
    )


def notice_post(
    *, actor: User, notice: ProjectNotice, posted_on: datetime.date | None = None
) -> ProjectNotice:
    """Post a draft: it runs `notice_days` calendar days from the posting day (the parameter in force)."""
    if not may_post_notices(actor) or not notice.division.code.startswith(actor.jurisdiction.code):  # type: ignore[union-attr]
        raise PermissionDenied("公示由发布单位张贴")
    day = posted_on or clock.today()
    if day > clock.today():
        raise InvalidInput([ErrorDetail(("posted_on",), "future", "张贴日期不能晚于今天")])
    days, citation = notice_period_days(day)
    with transaction.atomic():
        locked = ProjectNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != NoticeStatus.DRAFT:
            raise Conflict("该公示已张贴")
        locked.status = NoticeStatus.POSTED
        locked.posted_on, locked.period_days = day, days
        locked.ends_on = notice_ends_on(day, days)
        locked.parameter_version = citation
        locked.posted_by = actor
        locked.save(
            update_fields=["status", "posted_on", "period_days", "ends_on", "parameter_version", "posted_by"]
        )
        audit.record(
            actor=actor, action="project_notice.post", target=locked, division=locked.division,
            old={"status": NoticeStatus.DRAFT},
            new={"status": NoticeStatus.POSTED, "posted_on": day.isoformat(), "ends_on": locked.ends_on.isoformat(),
                 "period_days": days},
        )  # fmt: skip
    return locked


def notice_running(notice: ProjectNotice, today: datetime.date | None = None) -> bool:
    day = today or clock.today()
    return (
        notice.posted_on is not None
        and notice.ends_on is not None
        and notice.posted_on <= day <= notice.ends_on
    )


def objection_record(
    *, actor: User, notice: ProjectNotice, content: str, kind: str = ObjectionKind.OBJECTION,
    channel: str = ObjectionChannel.IN_PERSON, raised_on: datetime.date | None = None, contact_name: str = "",
    project: Project | None = None,
) -> ProjectObjection:  # fmt: skip
    """An objection raised at the board or by phone during the notice, recorded by a cadre."""
    if not may_post_notices(actor):
        raise PermissionDenied("您的角色不能登记异议")
    if not notice_within_reach(actor, notice):
        raise not_found()  # as the pages' scoped read: a notice elsewhere is not said to exist
    day = raised_on or clock.today()
    problems = []
    if len(content.strip()) < 2:
        problems.append(ErrorDetail(("content",), "required", "请填写异议内容"))
    if notice.status == NoticeStatus.DRAFT:
        problems.append(ErrorDetail(("notice",), "draft", "公示尚未张贴"))
    if day > clock.today():
        problems.append(ErrorDetail(("raised_on",), "future", "提出日期不能晚于今天"))
    if kind not in ObjectionKind.values or channel not in ObjectionChannel.values:
        problems.append(ErrorDetail(("kind",), "unknown", "请选择类型和渠道"))
    if project is not None and not notice.entries.filter(project=project).exists():
        problems.append(ErrorDetail(("project",), "not_listed", "该项目不在此公示中"))
    if problems:
        raise InvalidInput(problems)
    village = _village_of(actor, notice, project)
    with transaction.atomic():
        objection = ProjectObjection.objects.create(
            village=village, notice=notice, project=project, kind=kind, channel=channel, content=content.strip(),
            raised_on=day, contact_name=contact_name.strip()[:50], recorded_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, action="project_objection.record", target=objection, division=village,
            new={"notice": notice.pk, "kind": kind, "channel": channel},
        )  # fmt: skip
    return objection


def notice_within_reach(actor: User, notice: ProjectNotice) -> bool:
    """A notice posted in the actor's jurisdiction (its own board or one below) or above it (the township's or
    county's board over a village): the notices a cadre may record an objection on."""
    own = actor.jurisdiction.code if actor.jurisdiction else None
    where = notice.division.code
    return own is not None and (where.startswith(own) or own.startswith(where))


def _village_of(actor: User, notice: ProjectNotice, project: Project | None) -> Division:
    """The village an objection is filed under (the objection's scope): one the recording cadre sees, so that
    it is listed on the notice's page for them and answered. The notice's village when posted on a village's
    board; else the recording village's own; else (a township or county recording on a notice above the
    villages) a village of the project it is about, in the recorder's area — a project must then be named."""
    if notice.division.level == "village":
        return notice.division
    if actor.role == Role.VILLAGE and actor.jurisdiction is not None:
        return actor.jurisdiction
    if project is None:
        raise InvalidInput([ErrorDetail(("project",), "required", "请选择异议针对的项目")])
    own = actor.jurisdiction.code if actor.jurisdiction else "-"
    place = (
        project.places.filter(village__code__startswith=own)
        .select_related("village")
        .order_by("village__code")
        .first()
    )
    if place is None:
        raise InvalidInput(
            [ErrorDetail(("project",), "out_of_scope", f"{project.code} 不在您的辖区，请由项目所在地登记")]
        )
    return place.village


def objection_submit_public(
    *, village: Division, content: str, kind: str, contact_name: str = "", contact_phone: str = "",
    ip_address: str = "", notice: ProjectNotice | None = None, project: Project | None = None,
) -> ProjectObjection:  # fmt: skip
    """A question or objection left on the village's public page (no account). The phone is kept encrypted
    and masked, the address only as a keyed hash. The page checks the portal's challenge and hidden field;
    the rate limits per address and per village are checked here, in the transaction that stores it."""
    problems = []
    if not 4 <= len(content.strip()) <= 1000:
        problems.append(ErrorDetail(("content",), "length", "请填写内容（4至1000字）"))
    phone = contact_phone.strip()
    if phone and not (len(phone) == 11 and phone.isdigit()):
        problems.append(ErrorDetail(("contact_phone",), "phone", "联系电话应为11位手机号码（可不填）"))
    if kind not in ObjectionKind.values:
        problems.append(ErrorDetail(("kind",), "unknown", "请选择异议或咨询"))
    if problems:
        raise InvalidInput(problems)
    ip_hash = keyed_hash(ip_address, purpose="project_public") if ip_address else ""
    now = timezone.now()  # created_at is stamped in real time (auto_now_add), so the window is too
    with transaction.atomic():
        # counted and inserted under one lock per address and per village: a burst cannot slip past the limits
        serialize_on(f"project-public-ip:{ip_hash}")
        serialize_on(f"project-public-village:{village.pk}")
        web = ProjectObjection.objects.filter(channel=ObjectionChannel.WEB)
        if (
            ip_hash
            and web.filter(ip_hash=ip_hash, created_at__gte=now - PUBLIC_WINDOW_IP).count() >= PUBLIC_PER_IP
        ):
            raise TooManySubmissions("这台设备一小时内提交的留言已达上限，请稍后再试，或拨打公示上的电话反映")
        if (
            web.filter(village=village, created_at__gte=now - PUBLIC_WINDOW_VILLAGE).count()
            >= PUBLIC_PER_VILLAGE
        ):
            raise TooManySubmissions("本村今天收到的网上留言已达上限，请明天再试，或拨打公示上的电话反映")
        objection = ProjectObjection.objects.create(
            village=village, notice=notice, project=project, kind=kind, channel=ObjectionChannel.WEB,
            content=content.strip(), raised_on=clock.today(), contact_name=contact_name.strip()[:50],
            contact_phone_encrypted=encrypt_phone(phone) if phone else None,
            contact_phone_masked=mask_phone(phone) if phone else "",
            ip_hash=ip_hash,
        )  # fmt: skip
        audit.record(
            actor=None, action="project_objection.submit", target=objection, division=village,
            new={"kind": kind, "notice": notice.pk if notice else None, "project": project.pk if project else None},
            actor_label="public",
        )  # fmt: skip
    return objection


def objection_answer(*, actor: User, objection: ProjectObjection, answer: str) -> ProjectObjection:
    """The answer to an objection or question, by the village, township or county it reached."""
    if not may_post_notices(actor):
        raise PermissionDenied("您的角色不能答复异议")
    own = actor.jurisdiction.code if actor.jurisdiction else None
    if own is None or not objection.village.code.startswith(own):
        raise not_found()  # answered by the village it is filed under or an office above it
    if len(answer.strip()) < 2:
        raise InvalidInput([ErrorDetail(("answer",), "required", "请填写答复")])
    with transaction.atomic():
        locked = ProjectObjection.objects.select_for_update().get(pk=objection.pk)
        if locked.status == ObjectionStatus.ANSWERED:
            raise Conflict("该异议已答复")
        locked.status, locked.answer = ObjectionStatus.ANSWERED, answer.strip()
        locked.answered_on, locked.answered_by = clock.today(), actor
        locked.save(update_fields=["status", "answer", "answered_on", "answered_by"])
        audit.record(
            actor=actor, action="project_objection.answer", target=locked, division=locked.village,
            old={"status": ObjectionStatus.OPEN}, new={"status": ObjectionStatus.ANSWERED},
        )  # fmt: skip
    return locked
