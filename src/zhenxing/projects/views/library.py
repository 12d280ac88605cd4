"""The project library's pages (P14): the list, a project with its history and the steps the user may do, the
proposal and adjustment forms, attachments and the household page's panel. Each view: parse, fetch through a
scoped selector, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.common.errors import InvalidInput
from zhenxing.common.paging import paginate
from zhenxing.common.uploads import stored_file_response
from zhenxing.common.workflow import Move, past_due
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.policy.rules.projects import LINKAGE_MECHANISMS
from zhenxing.projects import guards as g
from zhenxing.projects import selectors, services
from zhenxing.projects.entry import check_proposal
from zhenxing.projects.enums import PENDING_STATES, NoticeKind, ProjectLevel, ProjectStatus, TargetKind
from zhenxing.projects.forms import (
    MoveForm,
    ProposalForm,
    emergency_kind_choices,
    linkage_choices,
    target_kind_choices,
)
from zhenxing.projects.imports import may_import
from zhenxing.projects.listing import ProjectFilter, category_groups, project_list_filtered, status_choices
from zhenxing.projects.models import Project, ProjectNotice
from zhenxing.projects.notice_state import awaiting_late_notice_q, notice_state
from zhenxing.projects.notices import KINDS_OF_ROLE, may_post_notices
from zhenxing.projects.procedure import flag, procedure_on
from zhenxing.projects.transitions import ENTRY_STATE, PROJECT
from zhenxing.projects.views.common import (
    attempt,
    category_choices,
    household_rows,
    require,
    village_choices,
)
from zhenxing.registry.selectors import household_get_for_user

S = ProjectStatus
C = Capability
DATED_TARGETS = (S.STARTED, S.COMPLETED, S.ACCEPTED)  # 开工, 竣工, 验收: the day it happened
TARGET_ORDER = list(TargetKind.values)  # 产出, 效益, 满意度 as P14 lists them
LATE_NOTICE_ROLES = (Role.COUNTY, Role.PREFECTURE)  # who watches the emergency projects' 补公示 (todo.py)


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    user = require(request, C.VIEW_PROJECTS)
    today = clock.today()
    f = ProjectFilter.from_query(request.GET)
    projects = project_list_filtered(user=user, f=f, today=today).select_related("category", "division")
    paged = paginate(request, projects.order_by("-year", "code", "-version"))
    counties = (
        Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith=user.jurisdiction.code).order_by(
            "code"
        )
        if user.role == Role.PREFECTURE and user.jurisdiction
        else Division.objects.none()
    )
    offers_late_notice = user.role in LATE_NOTICE_ROLES
    return render(
        request,
        "projects/library/list.html",
        {
            "projects": paged.items, "paged": paged, "f": f, "today": today, "counties": counties,
            "statuses": status_choices(), "groups": category_groups(), "levels": ProjectLevel.choices,
            "years": range(today.year + 1, 2020, -1),
            "can_propose": has_capability(user, C.PROPOSE_PROJECT),
            "can_import": may_import(user),
            "export_query": request.GET.urlencode(),
            "filtered": any(request.GET.get(k) for k in ("county", "year", "status", "group", "level", "overdue", "mine", "q", "batch", "late_notice")),
            "more_hint": "、".join(label for label, shown in (("县市", counties.exists()), ("年度", True), ("类别", True), ("层级", True), ("超期", True), ("待我办理", True), ("待补公示", offers_late_notice)) if shown),
            "offers_late_notice": offers_late_notice,
            "batch": selectors.batch_list_for_user(user=user).select_related("county").filter(pk=f.batch).first() if f.batch else None,
        },
    )  # fmt: skip


def _moves_for(user: User, project: Project) -> list[Move]:
    """The declared moves this user may try from the project's step, without those its level or path rules
    out at once (a returned project goes back to its own entry; the prefecture decides into the expected
    state; an emergency project's 县审核 goes into the library when its 州审定 is a filing)."""
    if not g.covers_the_proposer(user, project):  # a village or township seeing another unit's project
        return []
    moves = [m for m in PROJECT.moves_from(project.status, role=user.role) if m.role is not None]
    if project.status == S.RETURNED and not g.is_the_proposer(user, project):
        return []
    if project.status == S.RETURNED:
        entry = S.COUNTY_REVIEW if project.emergency else ENTRY_STATE[project.level]
        moves = [m for m in moves if m.target in (entry, S.CANCELLED)]
    if project.status == S.PREFECTURE_DECISION:
        expected = project.previous.status if project.previous_id else S.RESERVED  # type: ignore[union-attr]
        moves = [m for m in moves if m.target in (expected, S.RETURNED)]
    if project.status == S.COUNTY_REVIEW:
        values, _ = procedure_on()
        filing = project.emergency and flag(values, "emergency_prefecture_filing")
        moves = [m for m in moves if m.target == S.RETURNED or (m.target == S.RESERVED) == filing]
    return moves


def _blocked(project: Project, move: Move, today: Any) -> str:
    """Why a move cannot be done yet, known before trying it (shown beside the disabled button): 报乡镇审核 while
    the proposal's announcement has not ended (the guard's own rule, guards.proposal_notice_check)."""
    if g.proposal_notice_closed in move.guards:
        return g.proposal_notice_check(project, today).problem
    return ""


def _move_rows(moves: list[Move], project: Project, today: Any) -> list[dict[str, Any]]:
    return [
        {
            "move": move, "blocked": _blocked(project, move, today), "minutes": g.minutes_attached in move.guards, "dated": move.target in DATED_TARGETS,
            "reason": g.has_reason in move.guards, "opinion": g.has_opinion in move.guards,
            "danger": move.target in (S.RETURNED, S.CANCELLED, S.WITHDRAWN, S.TERMINATED),
        }
        for move in moves
    ]  # fmt: skip


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request, C.VIEW_PROJECTS)
    project = selectors.project_get_for_user(user=user, pk=pk)
    today = clock.today()
    steps = project.steps.select_related("actor").prefetch_related("attachments").order_by("done_at", "pk")
    beneficiary_ids = list(project.beneficiaries.values_list("household_id", flat=True))
    visible = selectors.project_list_for_user(user=user)
    notices = ProjectNotice.objects.filter(entries__project=project).distinct().order_by("-pk")
    return render(
        request,
        "projects/library/detail.html",
        {
            "project": project, "today": today,
            "overdue": project.status in PROJECT.open_states and past_due(project.step_due, today),
            "places": project.places.select_related("village", "natural_village").order_by("pk"),
            "fundings": project.fundings.order_by("pk"), "targets": sorted(project.targets.order_by("pk"), key=lambda t: TARGET_ORDER.index(t.kind)),
            "linkage": [LINKAGE_MECHANISMS.get(m, m) for m in project.linkage_mechanisms or []],
            "household_count": len(beneficiary_ids),
            # households by name only for the roles that may read the registry (not a county department)
            "households": household_rows(user, beneficiary_ids) if beneficiary_ids else [],
            "sees_registry": has_capability(user, C.VIEW_REGISTRY),
            "steps": steps, "role_labels": dict(Role.choices),
            "loose_attachments": project.attachments.filter(step__isnull=True).order_by("pk"),
            "batch_attachments": project.batch.attachments.order_by("pk") if project.batch else [],
            "versions": selectors.project_versions(project).filter(pk__in=visible.values("pk")),
            "notices": [(n, notice_state(n, today)) for n in notices],
            "awaiting_notice": Project.objects.filter(awaiting_late_notice_q(), pk=project.pk).exists(),
            "may_post_plan": may_post_notices(user) and NoticeKind.PLAN in KINDS_OF_ROLE.get(user.role, ()),
            "moves": _move_rows(_moves_for(user, project), project, today) if has_capability(user, C.ACT_ON_PROJECT) else [],
            "can_adjust": services.adjust_refusal(user, project) is None,
            "can_file": services.may_file_emergency(user, project),
            "can_revise": has_capability(user, C.PROPOSE_PROJECT) and services.may_revise(user, project),
            "at_batch": user.role == Role.PREFECTURE and project.status == S.PREFECTURE_DECISION,
        },
    )  # fmt: skip


@login_required
@require_POST
def project_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request, C.ACT_ON_PROJECT)
    project = selectors.project_get_for_user(user=user, pk=pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("projects:detail", pk=pk)
    data = form.cleaned_data
    label = PROJECT.labels.get(data["to"], "")
    attempt(
        request,
        lambda: services.project_move(
            actor=user, project=project, to=data["to"], opinion=data.get("opinion") or "",
            files=request.FILES.getlist("files"), on=data.get("on"),
        ),
        f"已办理：{label}" if label else "已办理",
    )  # fmt: skip
    return redirect("projects:detail", pk=pk)


def _form_context(user: User, form: ProposalForm, **extra: Any) -> dict[str, Any]:
    return {
        "form": form, "field_errors": form.field_errors(), "general_errors": form.general_errors(),
        "all_errors": form.all_errors(), "villages": village_choices(user), "categories": category_choices(user),
        "linkage_choices": linkage_choices(), "target_kinds": target_kind_choices(),
        "emergency_kinds": emergency_kind_choices(), "can_emergency": user.role == Role.COUNTY,
        "can_pick_households": has_capability(user, C.VIEW_REGISTRY),
        "selected_households": household_rows(user, form.household_ids) if form.household_ids else [],
        **extra,
    }  # fmt: skip


def _check_unreadable(user: User, form: ProposalForm, *, level: str | None = None) -> None:
    """A form with values that cannot be read is not stored: name those and every other problem at once."""
    data = form.to_input()
    if form.has_errors:
        try:
            check_proposal(actor=user, data=data, level=level)
        except InvalidInput as error:
            form.add_details(error.errors())
        raise InvalidInput([])


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    user = require(request, C.PROPOSE_PROJECT)
    if request.method != "POST":
        form = ProposalForm.blank(year=clock.today().year)
        return render(request, "projects/library/new.html", _form_context(user, form))
    form = ProposalForm.from_post(request.POST)
    try:
        _check_unreadable(user, form)
        project = services.project_propose(actor=user, data=form.to_input())
    except InvalidInput as error:
        form.add_details(error.errors())
        return render(request, "projects/library/new.html", _form_context(user, form), status=422)
    messages.success(request, f"已申报：{project.code} {project.name}（{project.get_status_display()}）")
    return redirect("projects:detail", pk=project.pk)


@login_required
def project_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request, C.PROPOSE_PROJECT)
    project = selectors.project_get_for_user(user=user, pk=pk)
    if refusal := services.adjust_refusal(user, project):
        raise refusal
    if request.method != "POST":
        form = ProposalForm.from_project(project)
        return render(request, "projects/library/adjust.html", _form_context(user, form, project=project))
    form = ProposalForm.from_post(request.POST)
    try:
        _check_unreadable(user, form, level=project.level)
        new = services.project_adjust(
            actor=user, project=project, data=form.to_input(), reason=form.values.get("adjustment_reason", "")
        )
    except InvalidInput as error:
        form.add_details(error.errors())
        return render(
            request, "projects/library/adjust.html", _form_context(user, form, project=project), status=422
        )
    messages.success(request, f"已提出项目调整（第{new.version}版），将重新审核和公示")
    return redirect("projects:detail", pk=new.pk)


@login_required
def project_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """退回修改: the proposer changes its returned project on the proposal form, prefilled."""
    user = require(request, C.PROPOSE_PROJECT)
    project = selectors.project_get_for_user(user=user, pk=pk)
    services.require_revisable(user, project)
    if request.method != "POST":
        form = ProposalForm.from_project(project)
        return render(request, "projects/library/revise.html", _form_context(user, form, project=project))
    form = ProposalForm.from_post(request.POST)
    try:
        _check_unreadable(user, form, level=project.level)
        services.project_revise(actor=user, project=project, data=form.to_input())
    except InvalidInput as error:
        form.add_details(error.errors())
        return render(
            request, "projects/library/revise.html", _form_context(user, form, project=project), status=422
        )
    messages.success(
        request,
        "已修改，请重新申报" + ("（村级申报须重新公示）" if project.level == ProjectLevel.VILLAGE else ""),
    )
    return redirect("projects:detail", pk=project.pk)


@login_required
def household_picker(request: HttpRequest) -> HttpResponse:
    """htmx: households in the user's registry scope by code or head's name, as checkboxes for the form."""
    user = require(request, C.PROPOSE_PROJECT)
    q = request.GET.get("q", "").strip()[:30]
    rows = household_rows(user, q=q) if len(q) >= 1 else []
    return render(request, "projects/library/_household_picker.html", {"rows": rows, "q": q})


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Minutes and papers of a project or a batch the user may see; anything else is not found."""
    user = require(request, C.VIEW_PROJECTS)
    attachment = selectors.attachment_get_for_user(user=user, pk=pk)
    return stored_file_response(
        attachment.file.open("rb"), stored_type=attachment.content_type, name=attachment.name
    )


@login_required
def household_panel(request: HttpRequest, household_pk: int) -> HttpResponse:
    """htmx, on the household page: the 到户 projects that reached this household; nothing when none."""
    user = require(request, C.VIEW_PROJECTS)
    household = household_get_for_user(user=user, pk=household_pk)
    projects = (
        selectors.projects_for_household(user=user, household=household)
        .exclude(status__in=(S.CANCELLED, S.ADJUSTED))
        .select_related("category")
        .order_by("-year", "code")
    )
    # a project still in approval (or sent back) has not reached the household yet: say so, not only its step
    rows = [(p, p.status in PENDING_STATES) for p in projects]
    return render(request, "projects/library/_household_panel.html", {"rows": rows})
