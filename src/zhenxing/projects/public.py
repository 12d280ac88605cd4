"""What the public village page (portal.village) reads of the project library (P14 公告公示), on top of the
public selectors: one row per project (a project code), and the village's answered questions and objections.

A project under adjustment has two current rows — the version in the library and its adjustment going through
approval — which the public would read as two projects: it is shown once, as the version in force, with the
adjustment's stage and planned total beside it. A question's contact name and phone are never read here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from zhenxing.projects.enums import PENDING_STATES, ObjectionStatus
from zhenxing.projects.models import Project, ProjectObjection
from zhenxing.projects.selectors import public_projects_of_village

ANSWERS_SHOWN = 20  # the newest answers on the page; older ones are in the village's files


@dataclass(frozen=True)
class PublicProject:
    project: Project  # the version in force (in the library), or the proposal still under approval
    adjustment: Project | None = None  # a later version of it under approval (项目调整)


def public_project_rows(village_code: str) -> list[PublicProject]:
    """The village's public projects, one per project code, newest year first. Where a code has a version in
    force and a later one pending, the row is the one in force with the pending one as its adjustment."""
    versions = list(
        public_projects_of_village(village_code)
        .select_related("category")
        .order_by("-year", "code", "version")
    )
    by_code: dict[str, list[Project]] = {}
    for project in versions:
        by_code.setdefault(project.code, []).append(project)
    rows = []
    for same_code in by_code.values():
        in_force = [p for p in same_code if p.status not in PENDING_STATES]
        pending = [p for p in same_code if p.status in PENDING_STATES]
        if in_force:
            later = [p for p in pending if p.version > in_force[-1].version]
            rows.append(PublicProject(in_force[-1], later[-1] if later else None))
        else:
            rows.append(PublicProject(same_code[-1]))
    return rows


def public_answers_of_village(village_pk: int) -> QuerySet[ProjectObjection]:
    """The village's answered questions and objections, newest answer first, at most ANSWERS_SHOWN. Read only
    for their content, answer and dates: never the contact name or phone."""
    return (
        ProjectObjection.objects.filter(village_id=village_pk, status=ObjectionStatus.ANSWERED)
        .only("kind", "content", "raised_on", "answer", "answered_on", "project_id", "notice_id")
        .order_by("-answered_on", "-pk")[:ANSWERS_SHOWN]
    )
