"""The project library over HTTP (P14): the list with its filters, a proposal, a project, and one declared
step. Thin: parse, fetch through the scoped selectors, call one service; domain errors take the one error
shape (zhenxing/api.py), an entry problem as 422 naming its field."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse
from ninja import Query, Router

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.common.errors import PermissionDenied, not_found
from zhenxing.common.workflow import past_due
from zhenxing.policy.rules.projects import fen_to_wan
from zhenxing.projects import selectors, services
from zhenxing.projects.entry import ProjectInput
from zhenxing.projects.listing import ProjectFilter, project_list_filtered
from zhenxing.projects.models import Project
from zhenxing.projects.schemas import (
    AdjustIn,
    MoveIn,
    PlaceOut,
    ProjectFilterIn,
    ProjectIn,
    ProjectOut,
    ProjectPage,
    ProjectRow,
    TargetOut,
)
from zhenxing.projects.transitions import PROJECT

router = Router(tags=["项目库 projects"])
PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise not_found()  # department keys do not read the library
    return user


def _require_view(user: User) -> None:
    if not has_capability(user, Capability.VIEW_PROJECTS):
        raise PermissionDenied("您的角色不能查看项目库")


def _wan(fen: int) -> str:
    return str(fen_to_wan(fen))


def _row(project: Project, overdue: bool) -> dict[str, Any]:
    return {
        "id": project.pk, "code": project.code, "version": project.version, "name": project.name,
        "year": project.year, "category": project.category.code, "category_label": str(project.category),
        "level": project.level, "level_label": project.get_level_display(), "county": project.county.code,
        "division": project.division.code, "division_name": project.division.name, "total": _wan(project.total_fen),
        "status": project.status, "status_label": project.get_status_display(), "step_due": project.step_due,
        "is_overdue": overdue, "emergency": project.emergency,
    }  # fmt: skip


def _detail(project: Project) -> ProjectOut:
    overdue = project.status in PROJECT.open_states and past_due(project.step_due, clock.today())
    places = project.places.select_related("village", "natural_village").order_by("pk")
    return ProjectOut(
        **_row(project, overdue), implementing_unit=project.implementing_unit, content=project.content,
        scale=project.scale, starts_on=project.starts_on, ends_on=project.ends_on,
        sources={f.source: _wan(f.amount_fen) for f in project.fundings.order_by("pk")},
        places=[
            PlaceOut(village=p.village.code, village_name=p.village.name,
                     natural_village=p.natural_village.name if p.natural_village else "")
            for p in places
        ],
        targets=[
            TargetOut(kind=t.kind, kind_label=t.get_kind_display(), indicator=t.indicator, target_value=t.target_value)
            for t in project.targets.order_by("kind", "pk")
        ],
        linkage_mechanisms=list(project.linkage_mechanisms or []),
        linked_tuopin_people=project.linked_tuopin_people, linked_monitoring_people=project.linked_monitoring_people,
        to_households=project.to_households, household_count=project.beneficiaries.count(),
        emergency_kind=project.emergency_kind, emergency_reason=project.emergency_reason,
        decided_on=project.decided_on, previous_id=project.previous_id, adjustment_reason=project.adjustment_reason,
    )  # fmt: skip


def _input(payload: ProjectIn) -> ProjectInput:
    return ProjectInput(
        **payload.dict(exclude={"places", "targets", "adjustment_reason"}),
        places=[(p.village, p.natural_village) for p in payload.places],
        targets=[(t.kind, t.indicator, t.target_value) for t in payload.targets],
    )


def _fetch(user: User, pk: int) -> Project:
    _require_view(user)
    return selectors.project_get_for_user(user=user, pk=pk)


@router.get("/projects", response=ProjectPage, summary="项目库列表（限管辖范围，按条件筛选，每页50条）")
def project_list(request: HttpRequest, params: Query[ProjectFilterIn]) -> ProjectPage:
    user = _user(request)
    _require_view(user)
    f = ProjectFilter.from_query(params.dict())
    projects = (
        project_list_filtered(user=user, f=f, today=clock.today())
        .select_related("category", "county", "division")
        .order_by("-year", "code", "-version")
    )
    page = Paginator(projects, PAGE_SIZE).get_page(params.page)
    return ProjectPage(
        total=page.paginator.count, page=page.number, pages=page.paginator.num_pages,
        items=[ProjectRow(**_row(p, bool(getattr(p, "is_overdue", False)))) for p in page.object_list],
    )  # fmt: skip


@router.post(
    "/projects", response={201: ProjectOut}, summary="申报项目（金额为万元文本；缺项逐项列出，不保存）"
)
def project_propose(request: HttpRequest, payload: ProjectIn) -> JsonResponse:
    user = _user(request)
    project = services.project_propose(actor=user, data=_input(payload))
    project = selectors.project_get_for_user(user=user, pk=project.pk)
    return JsonResponse(_detail(project).model_dump(mode="json"), status=201)


@router.get("/projects/{project_id}", response=ProjectOut, summary="一个项目", url_name="project_detail")
def project_detail(request: HttpRequest, project_id: int) -> ProjectOut:
    user = _user(request)
    return _detail(_fetch(user, project_id))


@router.post(
    "/projects/{project_id}/move",
    response=ProjectOut,
    summary="办理一个环节（审核、退回、开工等；须上传会议纪要的环节请在网页办理）",
    url_name="project_move",
)
def project_move(request: HttpRequest, project_id: int, payload: MoveIn) -> ProjectOut:
    user = _user(request)
    project = _fetch(user, project_id)
    moved = services.project_move(
        actor=user, project=project, to=payload.to, opinion=payload.opinion, on=payload.on
    )
    return _detail(selectors.project_get_for_user(user=user, pk=moved.pk))


@router.post(
    "/projects/{project_id}/adjust",
    response={201: ProjectOut},
    summary="项目调整：提出新版本（重新审核和公示；已出库的项目不能调整）",
    url_name="project_adjust",
)
def project_adjust(request: HttpRequest, project_id: int, payload: AdjustIn) -> JsonResponse:
    user = _user(request)
    project = _fetch(user, project_id)
    new = services.project_adjust(
        actor=user, project=project, data=_input(payload), reason=payload.adjustment_reason
    )
    return JsonResponse(
        _detail(selectors.project_get_for_user(user=user, pk=new.pk)).model_dump(mode="json"), status=201
    )


@router.post(
    "/projects/{project_id}/revise",
    response=ProjectOut,
    summary="修改退回的项目（申报单位；村级申报修改后须重新公示）",
    url_name="project_revise",
)
def project_revise(request: HttpRequest, project_id: int, payload: ProjectIn) -> ProjectOut:
    user = _user(request)
    project = _fetch(user, project_id)
    revised = services.project_revise(actor=user, project=project, data=_input(payload))
    return _detail(selectors.project_get_for_user(user=user, pk=revised.pk))
