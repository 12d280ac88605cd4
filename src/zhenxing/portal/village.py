"""The public page of a village's projects (P14 公告公示): no login, phone-sized, reached by the short URL or the
QR code printed on a paper notice. It shows the village's projects (name, category, stage, money planned), the
project announcements that reach it (running and past, each with its projects), and a form to ask a question or
object, protected like the portal's application form (the challenge, a hidden field, rate limits).

It never names a household (P17): a 到户 project's households appear only on the printed notice during its
period. Identification and elimination notices (monitoring's) are never read here."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from zhenxing.common import clock
from zhenxing.common.errors import DomainError, InvalidInput
from zhenxing.common.request_context import client_ip_of
from zhenxing.divisions.codes import in_prefecture
from zhenxing.divisions.models import Division
from zhenxing.policy.rules.projects import fen_to_wan
from zhenxing.portal.challenge import challenge_new, challenge_passed
from zhenxing.projects import notices as project_notices
from zhenxing.projects.enums import ObjectionKind
from zhenxing.projects.models import Project, ProjectNotice
from zhenxing.projects.notice_pdf import notice_projects, project_rows
from zhenxing.projects.selectors import public_notices_of_village, public_projects_of_village


class AskForm(forms.Form):
    kind = forms.ChoiceField(
        label="我要",
        choices=[(ObjectionKind.QUESTION, "咨询（提问）"), (ObjectionKind.OBJECTION, "提出异议")],
    )
    about = forms.CharField(
        label="针对", required=False, max_length=20
    )  # "n<pk>" a notice, "p<pk>" a project
    content = forms.CharField(
        label="内容", min_length=4, max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact_name = forms.CharField(label="称呼（可不填，可匿名）", max_length=50, required=False)
    contact_phone = forms.CharField(
        label="手机号码（可不填，只有村、乡、县干部答复时可见）", max_length=11, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    answer = forms.CharField(label="验证", max_length=4)
    token = forms.CharField(widget=forms.HiddenInput)
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
    projects = list(
        public_projects_of_village(village.code).select_related("category").order_by("-year", "code")
    )
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
            if data["website"]:  # the hidden field: only a robot fills it
                raise Http404
            if not challenge_passed(data["token"], data["answer"]):
                form.add_error("answer", "验证没有通过（答案不对，或这道题已经答过），请计算新的题目")
            else:
                notice, project = _about(data["about"], notices, projects)
                try:
                    project_notices.objection_submit_public(
                        village=village, content=data["content"], kind=data["kind"],
                        contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                        ip_address=client_ip_of(request) or "", notice=notice, project=project,
                    )  # fmt: skip
                except InvalidInput as error:
                    for detail in error.errors():
                        field = str(detail.loc[0]) if detail.loc else None
                        form.add_error(field if field in form.fields else None, detail.message)
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
    rows = [{"project": p, "total_wan": fen_to_wan(p.total_fen)} for p in projects]
    running = [n for n in notices if n.ends_on is not None and n.ends_on >= today]
    past = [n for n in notices if n.ends_on is not None and n.ends_on < today]
    return render(
        request, "portal/village.html",
        {"village": village, "rows": rows, "running": running, "past": past, "form": form, "question": question,
         "notices": notices, "projects": projects},
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
