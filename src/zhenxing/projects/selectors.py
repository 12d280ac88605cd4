"""Scoped reads of the project library (P14). A territorial user sees the projects proposed in their subtree
and those with a place in it (a county road through a village is the village's business too); a county
sector department sees its sector's projects in its county; a feed department and the administrator none.
Anything else is not found (404), so that its existence does not leak."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.scoping import Scope, scope_filter, user_scope
from zhenxing.common.errors import not_found
from zhenxing.divisions.codes import ancestors_of
from zhenxing.projects.enums import LIBRARY_STATES, NoticeStatus, ProjectStatus
from zhenxing.projects.models import (
    PrefectureBatch,
    Project,
    ProjectAttachment,
    ProjectNotice,
    ProjectNoticeEntry,
    ProjectObjection,
    ProjectPlace,
)

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.registry.models import Household


def in_library_q(prefix: str = "") -> Q:
    """P14: "in the library" means 审定 and not 出库 (nor replaced by an adjustment)."""
    return Q(**{f"{prefix}status__in": LIBRARY_STATES})


def _territorial_filter(user: User) -> Q | None:
    scope = user_scope(user)
    own = scope_filter(scope, division_fields=("division",))
    if own is None:
        return None
    # a project's places lie in its own county (entry.check_proposal), so a county's or the prefecture's
    # subtree already holds every project with a place in it: the places are looked up only for a township's
    # or a village's scope, which keeps the list's query on the project table (bench/projects.py)
    deeper = Scope(tuple(p for p in scope.prefixes if len(ancestors_of(p)) > 1), ())  # below a county
    places = scope_filter(deeper, division_fields=("village",))
    if places is None:
        return own
    return own | Q(pk__in=ProjectPlace.objects.filter(places).values("project_id"))


def project_list_for_user(*, user: User) -> QuerySet[Project]:
    if not has_capability(user, Capability.VIEW_PROJECTS):
        return Project.objects.none()
    if user.role == Role.COUNTY_SECTOR:
        return Project.objects.filter(county=user.jurisdiction, sector=user.sector)
    condition = _territorial_filter(user)
    if condition is None:
        return Project.objects.none()
    return Project.objects.filter(condition)


def project_get_for_user(*, user: User, pk: int) -> Project:
    project = (
        project_list_for_user(user=user)
        .select_related("category", "sector", "county", "division", "previous", "batch")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise not_found()
    return project


def project_versions(project: Project) -> QuerySet[Project]:
    """Every version of the project (the same code), newest first: the adjustments and what they replaced."""
    return Project.objects.filter(code=project.code).order_by("-version")


def projects_for_household(*, user: User, household: Household) -> QuerySet[Project]:
    """The 到户 projects that list this household, as far as the user may see them."""
    return project_list_for_user(user=user).filter(beneficiaries__household=household).distinct()


def notice_list_for_user(*, user: User) -> QuerySet[ProjectNotice]:
    if not has_capability(user, Capability.VIEW_PROJECTS):
        return ProjectNotice.objects.none()
    if user.role == Role.COUNTY_SECTOR:
        return ProjectNotice.objects.filter(
            county=user.jurisdiction, entries__project__sector=user.sector
        ).distinct()
    condition = scope_filter(user_scope(user), division_fields=("division",))
    if condition is None:
        return ProjectNotice.objects.none()
    # a village sees the notices posted over it too (its township's, its county's), once they are posted
    above = Q(division__code__in=_ancestors(user)) & ~Q(status=NoticeStatus.DRAFT)
    return ProjectNotice.objects.filter(condition | above)


def _ancestors(user: User) -> list[str]:
    return ancestors_of(user.jurisdiction.code) if user.jurisdiction else []


def notice_get_for_user(*, user: User, pk: int) -> ProjectNotice:
    notice = notice_list_for_user(user=user).select_related("county", "division").filter(pk=pk).first()
    if notice is None:
        raise not_found()
    return notice


def objection_list_for_user(*, user: User) -> QuerySet[ProjectObjection]:
    if not has_capability(user, Capability.VIEW_PROJECTS) or user.role == Role.COUNTY_SECTOR:
        return ProjectObjection.objects.none()
    condition = scope_filter(user_scope(user), division_fields=("village",))
    if condition is None:
        return ProjectObjection.objects.none()
    return ProjectObjection.objects.filter(condition)


def objection_get_for_user(*, user: User, pk: int) -> ProjectObjection:
    objection = objection_list_for_user(user=user).filter(pk=pk).first()
    if objection is None:
        raise not_found()
    return objection


def batch_list_for_user(*, user: User) -> QuerySet[PrefectureBatch]:
    if not has_capability(user, Capability.VIEW_PROJECTS):
        return PrefectureBatch.objects.none()
    if user.role == Role.COUNTY_SECTOR:
        return PrefectureBatch.objects.filter(county_id=user.jurisdiction_id)
    condition = scope_filter(user_scope(user), division_fields=("county",))
    # a village or township sees the batches that decided a project it sees (their minutes are the project's)
    decided_here = Q(pk__in=project_list_for_user(user=user).filter(batch__isnull=False).values("batch_id"))
    return PrefectureBatch.objects.filter(condition | decided_here if condition is not None else decided_here)


def attachment_get_for_user(*, user: User, pk: int) -> ProjectAttachment:
    """Minutes and papers of a project or a batch the user may see; anything else is not found."""
    attachment = ProjectAttachment.objects.filter(pk=pk).first()
    visible = attachment is not None and (
        (attachment.project_id is not None
         and project_list_for_user(user=user).filter(pk=attachment.project_id).exists())
        or (attachment.batch_id is not None and batch_list_for_user(user=user).filter(pk=attachment.batch_id).exists())
    )  # fmt: skip
    if attachment is None or not visible:
        raise not_found()
    return attachment


def public_notices_of_village(village_code: str) -> QuerySet[ProjectNotice]:
    """The project announcements that reach a village (its own board, its township's, its county's, the
    prefecture's), posted and not drafts — for the public village page. Never identification notices."""
    codes = [*ancestors_of(village_code), village_code]
    return ProjectNotice.objects.filter(division__code__in=codes).exclude(status=NoticeStatus.DRAFT)


def public_projects_of_village(village_code: str) -> QuerySet[Project]:
    """The projects with a place in the village that the public has been told of: past the proposal stage, or
    on a posted announcement (a proposal not yet announced is not public); current versions only."""
    announced = Q(
        pk__in=ProjectNoticeEntry.objects.exclude(notice__status=NoticeStatus.DRAFT).values("project_id")
    )
    unannounced_stages = (ProjectStatus.PROPOSED, ProjectStatus.RETURNED)
    return (
        Project.objects.filter(
            pk__in=ProjectPlace.objects.filter(village__code=village_code).values("project_id")
        )
        .exclude(status__in=(ProjectStatus.CANCELLED, ProjectStatus.ADJUSTED))
        .filter(~Q(status__in=unannounced_stages) | announced)
    )
