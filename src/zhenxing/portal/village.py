"""The public page of a village's projects (P14 公告公示): no login, phone-sized, reached by the short URL or the
QR code printed on a paper notice. It shows, in the order a phone reader needs them: a short link list, the
running announcements that reach the village, its projects (one row per project: a version under adjustment is
marked on the version in force, projects.public; the money each received and paid, funds.progress), past
announcements, the answered questions and objections (content and answer only), and a form to ask a question or object, protected like the portal's application
form (the challenge, a hidden field, rate limits), posting back to its own anchor so its errors are on screen.

It never names a household (P17): a 到户 project's households appear only on the printed notice during its
period. Identification and elimination notices (monitoring's) are never read here."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from zhenxing.assets.public import public_postings_of_village
from zhenxing.common import clock
from zhenxing.common.errors import DomainError, InvalidInput
from zhenxing.common.request_context import client_ip_of
from zhenxing.divisions.codes import in_prefecture
from zhenxing.divisions.models import Division
from zhenxing.funds.progress import Sums, project_sums
from zhenxing.policy.rules.projects import fen_to_wan
from zhenxing.portal.challenge import add_service_errors, challenge_new, human_checks_passed
from zhenxing.projects import notices as project_notices
from zhenxing.projects.enums import ObjectionKind
from zhenxing.projects.models import Project, ProjectNotice
from zhenxing.projects.notice_pdf import notice_projects, project_rows
from zhenxing.projects.public import ANSWERS_SHOWN, public_answers_of_village, public_project_rows
from zhenxing.projects.selectors import public_notices_of_village


class AskForm(forms.Form):
    """The question form, its messages our own plain Chinese (not Django's generic 这个字段是必填项。)."""

    kind = forms.ChoiceField(
        label="我要",
        choices=[(ObjectionKind.QUESTION, "咨询（提问）"), (ObjectionKind.OBJECTION, "提出异议")],
        error_messages={"required": "请选择咨询或提出异议", "invalid_choice": "请选择咨询或提出异议"},
    )
    about = forms.CharField(
        label="针对",
        required=False,
        max_length=20,
        error_messages={"max_length": "请从列表中选择针对的公示或项目"},
    )  # "n<pk>" a notice, "p<pk>" a project
    content = forms.CharField(
        label="内容", min_length=4, max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "请填写您的问题或异议", "min_length": "内容太短，请至少写4个字",
            "max_length": "内容请不要超过1000字",
        },
    )  # fmt: skip
    contact_name = forms.CharField(
        label="称呼（可不填，可匿名）", max_length=50, required=False,
        error_messages={"max_length": "称呼请不要超过50个字"},
    )  # fmt: skip
    contact_phone = forms.CharField(
        label="手机号码（可不填，只有村、乡、县干部答复时可见）", max_length=11, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": "联系电话应为11位手机号码（可不填）"},
    )  # fmt: skip
    answer = forms.CharField(
        label="验证", max_length=4,
        error_messages={"required": "请填写验证题的答案", "max_length": "验证题的答案不超过4位数字"},
    )  # fmt: skip
    token = forms.CharField(
        widget=forms.HiddenInput, error_messages={"required": "页面已过期，请计算新的验证题后再提交"}
    )
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )


def _village(code: str) -> Division:
    village = (
        Division.objects.filter(code=code, level="village").select_related("parent__parent").first()
        if in_prefecture(code) and len(code) == 12
        else None
    )
    if village is None:
        raise Http404
    return village


def _about(
    raw: str, notices: list[ProjectNotice], projects: list[Project]
) -> tuple[ProjectNotice | None, Project | None]:
    """What the question is about: one of the page's notices or projects, or the village in general."""
    if raw.startswith("n") and raw[1:].isdigit():
        return next((n for n in notices if n.pk == int(raw[1:])), None), None
    if raw.startswith("p") and raw[1:].isdigit():
        return None, next((p for p in projects if p.pk == int(raw[1:])), None)
    return None, None


@require_http_methods(["GET", "POST"])
def village_page(request: HttpRequest, code: str) -> HttpResponse:
    village = _village(code)
    today = clock.today()
    public_rows = public_project_rows(village.code)
    projects = [row.project for row in public_rows]  # one per project code: what a question may be about
    notices = list(
        public_notices_of_village(village.code).select_related("division").order_by("-posted_on", "-pk")
    )
    question, token = challenge_new()
    form = AskForm(initial={"token": token, "kind": ObjectionKind.QUESTION})
    status = 200
    if request.method == "POST":
        form = AskForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if human_checks_passed(form, data):
                notice, project = _about(data["about"], notices, projects)
                try:
                    project_notices.objection_submit_public(
                        village=village, content=data["content"], kind=data["kind"],
                        contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                        ip_address=client_ip_of(request) or "", notice=notice, project=project,
                    )  # fmt: skip
                except InvalidInput as error:
                    add_service_errors(form, error)
                except DomainError as error:  # the rate limits: 429, said in Chinese
                    form.add_error(None, error.message)
                    status = error.http_status
                else:
                    messages.success(
                        request, "已收到您的留言，村、乡镇或县里会尽快答复。也可以拨打公示上的电话反映。"
                    )
                    return redirect("village:page", code=village.code)
        fresh = request.POST.copy()  # a fresh question each time the form is shown again
        fresh["token"], fresh["answer"] = token, ""
        form.data = fresh
        if status == 200:
            status = 400 if form.errors else 200
    # money received (splits in force, net of releases) and paid (net of reversals) per project code: the
    # ledger's sums, public like the planned total (P14); a project without splits reads 0.00. In fen: the
    # template shows them with the `wan` filter, as the funds' own pages do (86.50, not 86.5)
    money = project_sums(codes=[row.project.code for row in public_rows])
    rows = [
        {
            "project": row.project, "adjustment": row.adjustment,
            "adjusted_wan": fen_to_wan(row.adjustment.total_fen) if row.adjustment else None,
            "received_fen": money.get(row.project.code, Sums()).split_fen,
            "paid_fen": money.get(row.project.code, Sums()).paid_fen,
        }
        for row in public_rows
    ]  # fmt: skip
    running = [n for n in notices if n.ends_on is not None and n.ends_on >= today]
    past = [n for n in notices if n.ends_on is not None and n.ends_on < today]
    answers = list(public_answers_of_village(village.pk))
    names = {p.pk: p.name for p in projects}
    titles = {n.pk: n.title for n in notices}
    answered = [
        {"item": a, "about": names.get(a.project_id or 0) or titles.get(a.notice_id or 0, "")}
        for a in answers
    ]  # what it was about, named only if the page shows it anyway
    # what a question may be about: a running announcement (its period beside the title), or a project (once)
    about_choices = [
        (f"n{n.pk}", f"公示：{n.title}（{n.posted_on:%m-%d}至{n.ends_on:%m-%d}）") for n in running
    ] + [
        (f"p{row.project.pk}", f"项目：{row.project.name}" + ("（调整审批中）" if row.adjustment else ""))
        for row in public_rows
    ]  # fmt: skip
    return render(
        request, "portal/village.html",
        {"village": village, "rows": rows, "running": running, "past": past, "form": form, "question": question,
         "notices": notices, "projects": projects, "answered": answered, "answers_shown": ANSWERS_SHOWN,
         "about_choices": about_choices, "about_selected": form["about"].value() or "",
         "plans": public_postings_of_village(village.code)},
        status=status,
    )  # fmt: skip


@require_GET
def village_notice(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One announcement that reaches the village, read-only, with its projects' public facts: no household."""
    village = _village(code)
    notice = public_notices_of_village(village.code).select_related("division").filter(pk=pk).first()
    if notice is None:
        raise Http404
    rows = project_rows(notice_projects(notice), with_households=False)
    return render(
        request, "portal/village_notice.html",
        {"village": village, "notice": notice, "rows": rows, "today": clock.today()},
    )  # fmt: skip
