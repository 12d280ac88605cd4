"""Project announcement pages (P14 公告公示): the list in scope, a new announcement (kind, projects, where it is
posted, who takes objections), an announcement with its post button and objections, its printable page and
PDF, and the objection forms. Thin: parse, fetch through a scoped selector, call one service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import require_capability
from zhenxing.common import clock
from zhenxing.common.errors import PermissionDenied, not_found
from zhenxing.common.http import attempt
from zhenxing.common.paging import paginate
from zhenxing.common.pdf import pdf_download
from zhenxing.divisions.models import Division
from zhenxing.projects import notices, selectors
from zhenxing.projects.enums import NoticeKind, NoticeStatus, ObjectionChannel, ObjectionKind, ObjectionStatus
from zhenxing.projects.models import Project, ProjectNotice
from zhenxing.projects.notice_pdf import notice_context, notice_pdf
from zhenxing.projects.notice_state import notice_state
from zhenxing.projects.procedure import notice_period_days

KINDS_OF_ROLE = notices.KINDS_OF_ROLE  # who posts which kind: the service's rule (P14)


def _require(request: HttpRequest, capability: Capability, message: str) -> User:
    return require_capability(request, capability, message)


def _require_view(request: HttpRequest) -> User:
    return _require(request, Capability.VIEW_PROJECTS, "您的角色不能查看项目库")


def _require_act(request: HttpRequest) -> User:
    return _require(request, Capability.ACT_ON_PROJECT, "您的角色不能办理项目公示")


def _base_url(request: HttpRequest) -> str:
    """The site's address as this request reached it, for the short URL printed under the QR code."""
    return request.build_absolute_uri("/")


def _with_open_objections(notices_: QuerySet[ProjectNotice]) -> QuerySet[ProjectNotice]:
    return notices_.annotate(
        open_objections=Count("objections", filter=Q(objections__status=ObjectionStatus.OPEN), distinct=True),
        project_count=Count("entries", distinct=True),
    )


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    user = _require_view(request)
    listed = selectors.notice_list_for_user(user=user).select_related("division")
    kind = request.GET.get("kind", "")
    if kind in NoticeKind.values:
        listed = listed.filter(kind=kind)
    # newest posting first, drafts (not yet posted) above them; pk keeps equal days in a stable order
    ordered = _with_open_objections(listed).order_by(F("posted_on").desc(nulls_first=True), "-pk")
    paged = paginate(request, ordered)
    today = clock.today()
    for notice in paged.items:
        notice.state = notice_state(notice, today)
    # questions and objections left on a village's public page without naming an announcement
    loose = selectors.objection_list_for_user(user=user).filter(
        notice__isnull=True, status=ObjectionStatus.OPEN
    )
    return render(
        request,
        "projects/notices/notices.html",
        {
            "notices": paged.items, "paged": paged, "today": clock.today(), "kinds": NoticeKind.choices,
            "kind": kind, "can_create": _may_create(user), "answer_form": AnswerForm(),
            "loose": loose.select_related("village", "project").order_by("pk")[:100],
        },
    )  # fmt: skip


def _may_create(user: User) -> bool:
    return has_capability(user, Capability.ACT_ON_PROJECT) and notices.may_post_notices(user)


class NoticeForm(forms.Form):
    title = forms.CharField(label="标题（可不填，按公示类型生成）", max_length=200, required=False)
    object_to = forms.CharField(
        label="异议受理单位及电话", max_length=200, help_text="例如：西山村委会 0879-1234567"
    )
    body = forms.CharField(
        label="说明（可不填）", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


def _places_for(user: User) -> list[Division]:
    """Where the user may post: their own division, or a village under their township (its board)."""
    own = user.jurisdiction
    if own is None:
        return []
    if user.role == Role.TOWNSHIP:
        return [own, *Division.objects.filter(parent=own).order_by("code")]
    return [own]


def _eligible(user: User, kind: str, where: Division | None, year: str) -> QuerySet[Project]:
    """The projects in the user's scope that an announcement of `kind` may list (notices.NOTICE_PROJECT_STATES):
    a proposal's are the village's own; the county's library of a year is its in-library projects of that year."""
    states = notices.NOTICE_PROJECT_STATES.get(kind, ())
    projects = selectors.project_list_for_user(user=user).filter(status__in=states)
    if kind == NoticeKind.PROPOSAL and where is not None:
        projects = projects.filter(division=where)
    elif where is not None and where.level == "village":
        projects = projects.filter(places__village=where)
    if year.isdigit():
        projects = projects.filter(year=int(year))
    return projects.select_related("category").distinct().order_by("-year", "code")


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    user = _require_act(request)
    if not notices.may_post_notices(user):
        raise PermissionDenied("您的角色不能发布项目公示")
    data = request.POST if request.method == "POST" else request.GET
    kinds = KINDS_OF_ROLE.get(user.role, ())
    kind = data.get("kind") or (kinds[0] if kinds else "")
    if kind not in kinds:
        kind = kinds[0] if kinds else ""
    places = _places_for(user)
    where = next((d for d in places if d.code == data.get("division")), places[0] if places else None)
    year = str(data.get("year", "")).strip()
    if (
        kind == NoticeKind.LIBRARY and "year" not in data
    ):  # the county's library is announced a year at a time
        year = str(clock.today().year)
    eligible = _eligible(user, kind, where, year)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = list(eligible.filter(pk__in=[p for p in request.POST.getlist("projects") if p.isdigit()]))
        created: list[int] = []
        ok = attempt(
            request,
            lambda: created.append(
                notices.notice_create(
                    actor=user, kind=kind, projects=chosen, title=form.cleaned_data["title"],
                    object_to=form.cleaned_data["object_to"], body=form.cleaned_data["body"], division=where,
                ).pk
            ),
            "已生成公示草稿（尚未张贴）",
        )  # fmt: skip
        if ok:
            return redirect("projects:notice_detail", pk=created[0])
    shown = list(eligible[:ELIGIBLE_SHOWN])
    # the county's library: those already on a posted library notice are marked and not ticked by default
    announced = notices.announced_in_library([p.pk for p in shown]) if kind == NoticeKind.LIBRARY else set()
    if request.method == "POST":
        chosen_ids = {int(p) for p in request.POST.getlist("projects") if p.isdigit()}
    else:
        chosen_ids = {p.pk for p in shown if p.pk not in announced}
    return render(
        request,
        "projects/notices/notice_new.html",
        {
            "form": form, "kinds": [(k, NoticeKind(k).label) for k in kinds], "kind": kind, "places": places,
            "where": where, "year": year, "eligible": shown, "chosen_ids": chosen_ids,
            "announced": announced,
            "more": max(eligible.count() - ELIGIBLE_SHOWN, 0),
            "default_title": f"{notices.default_title(kind, where)}：项目名称（多个项目时为“第一个项目名称等N个项目”）"
            if kind and where
            else "",
            "period_days": notice_period_days()[0],
        },
    )  # fmt: skip


ELIGIBLE_SHOWN = 1000  # a county's library of one year is a few hundred projects; more: choose a year


class ObjectionForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ObjectionKind.choices)
    channel = forms.ChoiceField(
        label="渠道", choices=[c for c in ObjectionChannel.choices if c[0] != ObjectionChannel.WEB]
    )
    raised_on = forms.DateField(
        label="提出日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    contact_name = forms.CharField(label="提出人（可匿名）", max_length=50, required=False)
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_view(request)
    notice = selectors.notice_get_for_user(user=user, pk=pk)
    may_act = _may_create(user)
    in_scope = selectors.objection_list_for_user(user=user).values("pk")
    objections = notice.objections.filter(pk__in=in_scope).select_related("project").order_by("pk")
    context: dict[str, Any] = {
        **notice_context(notice, base_url=_base_url(request), name_households=False),  # the page shows counts
        "objections": objections, "today": clock.today(), "running": notices.notice_running(notice),
        "ended": notice_state(notice, clock.today()) == NoticeStatus.ENDED,
        "can_post": may_act and notice.status == NoticeStatus.DRAFT
        and notice.division.code.startswith(user.jurisdiction.code if user.jurisdiction else "-"),
        "can_record": may_act and notice.status != NoticeStatus.DRAFT,
        "can_answer": may_act,
        # an objection is filed under a village the recorder sees (notices._village_of): above the villages, a
        # township or county names the project it is about
        "project_required": notice.division.level != "village" and user.role != Role.VILLAGE,
        "objection_form": ObjectionForm(initial={"raised_on": clock.today()}), "answer_form": AnswerForm(),
    }  # fmt: skip
    # a notice posted above the user (the county's library) lists projects the user may not open: no dead link
    listed = [row.project.pk for row in context["rows"]]
    context["openable"] = set(
        selectors.project_list_for_user(user=user).filter(pk__in=listed).values_list("pk", flat=True)
    )
    return render(request, "projects/notices/notice.html", context)


def _names_households(user: User, notice: ProjectNotice) -> bool:
    """P17: a 到户 project's heads are named only on the notice that goes on the wall, which the office posting
    it prints: a user who may see the registry (VIEW_REGISTRY) at or above the notice's board. A county sector
    department (no registry), or a village reading its county's notice (other villages' households), gets the
    count."""
    own = user.jurisdiction
    return (
        has_capability(user, Capability.VIEW_REGISTRY)
        and own is not None
        and notice.division.code.startswith(own.code)
    )


@login_required
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_view(request)
    notice = selectors.notice_get_for_user(user=user, pk=pk)
    context = notice_context(
        notice, base_url=_base_url(request), name_households=_names_households(user, notice)
    )
    return render(request, "projects/notices/notice_print.html", context)


@login_required
def notice_download(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_view(request)
    notice = selectors.notice_get_for_user(user=user, pk=pk)
    return pdf_download(
        request, title=notice.title,
        render_pdf=lambda: notice_pdf(notice, base_url=_base_url(request), name_households=_names_households(user, notice)),
    )  # fmt: skip


@login_required
@require_POST
def notice_post(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_act(request)
    notice = selectors.notice_get_for_user(user=user, pk=pk)
    attempt(request, lambda: notices.notice_post(actor=user, notice=notice), "公示已张贴，公示期开始")
    return redirect("projects:notice_detail", pk=pk)


@login_required
@require_POST
def objection_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_act(request)
    notice = selectors.notice_get_for_user(user=user, pk=pk)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择类型和渠道，填写提出日期和内容")
        return redirect("projects:notice_detail", pk=pk)
    data = form.cleaned_data
    project = None
    if request.POST.get("project", "").isdigit():
        project = Project.objects.filter(
            notice_entries__notice=notice, pk=int(request.POST["project"])
        ).first()
        if project is None:
            raise not_found()
    attempt(
        request,
        lambda: notices.objection_record(
            actor=user, notice=notice, content=data["content"], kind=data["kind"], channel=data["channel"],
            raised_on=data["raised_on"], contact_name=data["contact_name"], project=project,
        ),
        "已登记",
    )  # fmt: skip
    return redirect("projects:notice_detail", pk=pk)


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_act(request)
    objection = selectors.objection_get_for_user(user=user, pk=pk)
    attempt(
        request,
        lambda: notices.objection_answer(
            actor=user, objection=objection, answer=request.POST.get("answer", "")
        ),
        "已答复",
    )
    if objection.notice_id is None:
        return redirect("projects:notices")
    return redirect("projects:notice_detail", pk=objection.notice_id)
