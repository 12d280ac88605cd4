"""Notice pages (评议公示, 消除公示): the list and the cases ready to be listed, a notice with its objections,
its printable page and PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.common.errors import not_found
from zhenxing.common.paging import paginate
from zhenxing.common.pdf import pdf_download
from zhenxing.monitoring.enums import NoticePurpose
from zhenxing.monitoring.notices import selectors, services
from zhenxing.monitoring.notices.forms import NoticeForm, ObjectionForm, ResolveForm
from zhenxing.monitoring.notices.pdf import notice_context, notice_pdf
from zhenxing.monitoring.web import attempt, require_act, require_view


def _may_manage(user: User) -> bool:
    """The capability opens the forms; the notice steps' declared role (services) says whose they are."""
    return has_capability(user, Capability.ACT_ON_CASE) and services.may_manage_notices(user)


def _may_handle_objections(user: User) -> bool:
    return has_capability(user, Capability.ACT_ON_CASE) and services.may_handle_objections(user)


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    user = require_act(request) if request.method == "POST" else require_view(request)
    purpose = request.POST.get("purpose", NoticePurpose.IDENTIFICATION)
    elimination = purpose == NoticePurpose.ELIMINATION
    form = NoticeForm(request.POST or None, prefix="elim" if elimination else None)
    ready = selectors.notice_ready_for_user(user=user)
    if request.method == "POST" and form.is_valid():
        chosen = list(
            ready.get(purpose, ready[NoticePurpose.IDENTIFICATION])
            .filter(pk__in=request.POST.getlist("cases"))
            .select_related("village")
        )
        village = chosen[0].village if chosen else user.jurisdiction
        created: list[int] = []
        if village is not None and attempt(
            request,
            lambda: created.append(
                services.notice_create(
                    actor=user, village=village, cases=chosen, title=form.cleaned_data["title"],
                    object_to=form.cleaned_data["object_to"],
                ).pk
            ),
            "已生成公示（尚未发布）",
        ):  # fmt: skip
            return redirect("monitoring:notice", pk=created[0])
    notices = selectors.notice_list_for_user(user=user)
    if request.GET.get("state") == "running":  # the home page's 公示中 count links here
        notices = selectors.notice_running(notices, today=clock.today())
    paged = paginate(request, notices.select_related("village").order_by("-pk"))
    return render(
        request,
        "monitoring/notices/notices.html",
        {
            "notices": paged.items, "paged": paged,
            "ready": ready[NoticePurpose.IDENTIFICATION].select_related("household"),
            "ready_elimination": ready[NoticePurpose.ELIMINATION].select_related("household"),
            "form": NoticeForm() if elimination else form,
            "elimination_form": form if elimination else NoticeForm(prefix="elim"),
            "can_create": _may_manage(user),
            "today": clock.today(),
        },
    )  # fmt: skip


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_view(request)
    notice = selectors.notice_get_for_user(user=user, pk=pk)
    return render(
        request,
        "monitoring/notices/notice.html",
        {
            **notice_context(notice), "objections": notice.objections.select_related("case").order_by("pk"),
            "objection_form": ObjectionForm(initial={"received_on": clock.today()}), "resolve_form": ResolveForm(),
            "today": clock.today(), "can_manage": _may_handle_objections(user),
            "can_post": _may_manage(user) and notice.posted_on is None,
        },
    )  # fmt: skip


@login_required
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_for_user(user=require_view(request), pk=pk)
    return render(request, "monitoring/notices/notice_print.html", notice_context(notice))


@login_required
def notice_download(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_for_user(user=require_view(request), pk=pk)
    return pdf_download(request, title=notice.title, render_pdf=lambda: notice_pdf(notice))


@login_required
@require_POST
def notice_post(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_act(request)
    notice = selectors.notice_get_for_user(user=user, pk=pk)
    attempt(request, lambda: services.notice_post(actor=user, notice=notice), "公示已发布")
    return redirect("monitoring:notice", pk=pk)


@login_required
@require_POST
def objection_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_act(request)
    notice = selectors.notice_get_for_user(user=user, pk=pk)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写异议内容和收到日期")
        return redirect("monitoring:notice", pk=pk)
    data = form.cleaned_data
    case = notice.cases.filter(pk=data["case"]).first()
    if case is None:
        raise not_found()
    attempt(
        request,
        lambda: services.objection_record(
            actor=user,
            notice=notice,
            case=case,
            raised_by=data["raised_by"],
            content=data["content"],
            received_on=data["received_on"],
        ),
        "已登记异议",
    )
    return redirect("monitoring:notice", pk=pk)


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_act(request)
    objection = selectors.objection_get_for_user(user=user, pk=pk)
    attempt(
        request,
        lambda: services.objection_resolve(
            actor=user, objection=objection, resolution=request.POST.get("resolution", "")
        ),
        "异议已处理",
    )
    return redirect("monitoring:notice", pk=objection.notice_id)
