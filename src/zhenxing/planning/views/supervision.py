"""The prefecture's field work around the county assessment (P16, P11): the assessors' findings (抽查) per county
with their evidence, /planning/findings/?year=2025 (the prefecture records one and withdraws one with a reason);
the 约谈提醒 / 挂牌督办 records, /planning/supervision/, with their rectification tasks (the prefecture records
the talk or listing and adds tasks); a task's page, /planning/supervision/tasks/<pk>/, with its steps and the
forms its status allows the user's role (transitions.TASK): the county reports its result with evidence, the
prefecture closes it (销号) or sends it back. Thin: scope through planning/selectors (another county's record is
404), one service of planning/services.py per write, Chinese errors beside the fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import require_capability
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput, NotFound
from zhenxing.common.uploads import stored_file_response
from zhenxing.divisions.codes import is_division_code
from zhenxing.planning import selectors, services
from zhenxing.planning.enums import Dimension, TaskStatus
from zhenxing.planning.freeze import counties
from zhenxing.planning.models import PlanningAttachment, RectificationTask, Supervision
from zhenxing.planning.transitions import TASK

NO_VIEW = "您没有查看考核评估的权限"
NO_MANAGE = "只有州级考核组可以办理"
FIRST_YEAR = 2021
DATE_ERRORS = {"required": "请填写日期", "invalid": "日期格式应为 2026-03-01"}


def year_choices() -> list[int]:
    """The assessment years a page offers: from the plan's first year to this one, newest first."""
    return list(range(clock.today().year, FIRST_YEAR - 1, -1))


def year_of(request: HttpRequest, default: int) -> int:
    """?year=2025 when it is one of the years offered; the default otherwise."""
    raw = request.GET.get("year", "").strip()
    return int(raw) if raw.isdigit() and int(raw) in year_choices() else default


def last_year() -> int:
    """The year assessed by default: the one before this (a year is assessed after its end)."""
    return max(FIRST_YEAR, clock.today().year - 1)


def _refused(form: forms.Form, error: InvalidInput, rename: dict[str, str] | None = None) -> None:
    """The service's problems beside the fields they name (`rename`: the service's name → the form's); the rest
    above the form."""
    for detail in error.errors():
        field = str(detail.loc[-1]) if detail.loc else ""
        field = (rename or {}).get(field, field)
        form.add_error(field if field in form.fields else None, detail.message)


def _files(request: HttpRequest) -> list[Any]:
    return list(request.FILES.getlist("files"))


# the assessors' field findings (抽查)


class FindingForm(forms.Form):
    county = forms.ChoiceField(
        label="县(市)", error_messages={"required": "请选择县(市)", "invalid_choice": "请选择县(市)"}
    )
    year = forms.TypedChoiceField(
        label="考核年度",
        coerce=int,
        error_messages={"required": "请选择年度", "invalid_choice": "请选择年度"},
    )
    dimension = forms.ChoiceField(
        label="考核维度", choices=[("", "请选择"), *Dimension.choices],
        error_messages={"required": "请选择考核维度", "invalid_choice": "请选择考核维度"},
    )  # fmt: skip
    description = forms.CharField(
        label="抽查发现", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请写明抽查发现的问题"},
    )  # fmt: skip
    deduction = forms.CharField(label="扣分", max_length=20, error_messages={"required": "请填写扣分"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county, year = self.fields["county"], self.fields["year"]
        assert isinstance(county, forms.ChoiceField)
        assert isinstance(year, forms.ChoiceField)
        county.choices = [("", "请选择")] + [(c.code, c.name) for c in counties()]
        year.choices = [(y, f"{y}年") for y in year_choices()]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=500, error_messages={"required": "请填写撤销原因"})


def _findings_page(
    request: HttpRequest, user: User, year: int, *, add_form: FindingForm | None = None,
    withdraw: tuple[int, WithdrawForm] | None = None, general: list[str] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    findings = list(
        selectors.finding_list_for_user(user=user, year=year)
        .prefetch_related("attachments")
        .order_by("county__code", "entered_at", "pk")
    )
    by_county: dict[str, dict[str, Any]] = {}
    for finding in findings:
        row = by_county.setdefault(
            finding.county.code, {"county": finding.county, "active": 0, "withdrawn": 0, "deduction": 0}
        )
        if finding.withdrawn_at is None:
            row["active"] += 1
            row["deduction"] += finding.deduction
        else:
            row["withdrawn"] += 1
    manage = has_capability(user, Capability.MANAGE_ASSESSMENT)
    withdraw_forms = {f.pk: WithdrawForm() for f in findings if f.withdrawn_at is None}
    if withdraw is not None:
        withdraw_forms[withdraw[0]] = withdraw[1]
    return render(
        request, "planning/supervision_findings.html",
        {"year": year, "years": year_choices(), "rows": [(f, withdraw_forms.get(f.pk)) for f in findings],
         "summary": list(by_county.values()), "manage": manage, "general": general or [],
         "add_form": add_form or FindingForm(initial={"year": year}), "open_withdraw": withdraw[0] if withdraw else None,
         "dimensions": dict(Dimension.choices)},
        status=status,
    )  # fmt: skip


@login_required
@require_GET
def finding_list(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    selectors.require_view(user)
    return _findings_page(request, user, year_of(request, last_year()))


@login_required
@require_POST
def finding_add(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    require_capability(request, Capability.MANAGE_ASSESSMENT, "只有州级考核组可以录入实地抽查发现")
    form = FindingForm(request.POST)
    if not form.is_valid():
        year = form.cleaned_data.get("year") or last_year()
        return _findings_page(request, user, year, add_form=form, status=422)
    data = form.cleaned_data
    try:
        deduction = services.value_of(data["deduction"], field="deduction", label="扣分")
        county = next(c for c in counties() if c.code == data["county"])
        finding = services.finding_record(
            actor=user, county=county, year=data["year"], dimension=data["dimension"],
            description=data["description"], deduction=deduction, files=_files(request),
        )  # fmt: skip
    except InvalidInput as error:
        _refused(form, error)
        return _findings_page(request, user, data["year"], add_form=form, status=422)
    messages.success(
        request, f"已录入{finding.county.name}的抽查发现，扣 {finding.deduction.normalize():f} 分"
    )
    return redirect(f"{reverse('planning:findings')}?year={finding.year}#finding-{finding.pk}")


@login_required
@require_POST
def finding_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    finding = selectors.finding_get_for_user(user=user, pk=pk)
    require_capability(request, Capability.MANAGE_ASSESSMENT, "只有州级考核组可以撤销抽查发现")
    form = WithdrawForm(request.POST)
    refused = _try(
        form, lambda data: services.finding_withdraw(actor=user, finding=finding, reason=data["reason"])
    )
    if refused is not None:
        general, status = refused
        return _findings_page(
            request, user, finding.year, withdraw=(finding.pk, form), general=general, status=status
        )
    messages.success(request, f"已撤销{finding.county.name}的一条抽查发现")
    return redirect(f"{reverse('planning:findings')}?year={finding.year}#finding-{finding.pk}")


@login_required
@require_GET
def finding_file(request: HttpRequest, pk: int) -> FileResponse:
    """A finding's evidence, served when the finding is in the user's scope; anything else is not found."""
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    found = PlanningAttachment.objects.filter(pk=pk, finding__isnull=False).first()
    if found is None or found.finding_id is None:
        raise NotFound("文件不存在或不在您的管辖范围内")
    selectors.finding_get_for_user(user=user, pk=found.finding_id)
    return stored_file_response(found.file.open("rb"), stored_type=found.content_type, name=found.name)


def _try(
    form: forms.Form, act: Callable[[dict[str, Any]], object], rename: dict[str, str] | None = None
) -> tuple[list[str], int] | None:
    """Run one service with the form's data: None when done; else the general errors and the status."""
    if not form.is_valid():
        return [], 422
    try:
        act(form.cleaned_data)
    except InvalidInput as error:
        _refused(form, error, rename)
        return [], 422
    except Conflict as error:
        return [error.message], 409
    return None


# 约谈提醒 / 挂牌督办 and their tasks


class RecordForm(forms.Form):
    held_on = forms.DateField(label="约谈/挂牌日期", error_messages=DATE_ERRORS)
    note = forms.CharField(
        label="情况记录", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写约谈或挂牌督办的情况"},
    )  # fmt: skip


class TaskAddForm(forms.Form):
    title = forms.CharField(label="整改任务", max_length=200, error_messages={"required": "请写明整改任务"})
    detail = forms.CharField(
        label="整改要求", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label="责任单位", max_length=100, error_messages={"required": "请填写责任单位"})
    owner_person = forms.CharField(label="责任人", max_length=50, error_messages={"required": "请填写责任人"})
    due_on = forms.DateField(label="整改期限", error_messages=DATE_ERRORS)


def _supervisions_page(
    request: HttpRequest, user: User, *, year: int | None, refused: dict[tuple[str, int], forms.Form] | None = None,
    general: list[str] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    rows = selectors.supervision_list_for_user(user=user).order_by(
        "-year", "county__code", "-kind"
    )  # 约谈 first
    if year is not None:
        rows = rows.filter(year=year)
    tasks = selectors.task_list_for_user(user=user).filter(supervision__in=rows)
    waiting = request.GET.get("waiting") == "1"  # the home tile: the tasks waiting for the user's step
    if waiting:
        tasks = selectors.tasks_waiting_for(user=user).filter(supervision__in=rows)
        rows = rows.filter(pk__in=tasks.values("supervision"))
    # a dashboard's 未销号整改任务: the tasks not 销号, of one county (?status=open&county=)
    open_only = request.GET.get("status") == "open"
    county = request.GET.get("county", "")
    county = county if is_division_code(county, lengths=(6,)) else ""
    if open_only or county:
        if open_only:
            tasks = tasks.exclude(status=TaskStatus.CLOSED)
        if county:
            tasks = tasks.filter(county__code=county)
        rows = rows.filter(pk__in=tasks.values("supervision"))
    tasks_of: dict[int, list[RectificationTask]] = {}
    for task in tasks.order_by("due_on", "pk"):
        tasks_of.setdefault(task.supervision_id, []).append(task)
    refused = refused or {}
    today = clock.today()
    shown = [
        {
            "s": s, "tasks": tasks_of.get(s.pk, []),
            "record_form": refused.get(("record", s.pk)) or RecordForm(initial={"held_on": s.held_on or today, "note": s.note}),
            "task_form": refused.get(("task", s.pk)) or TaskAddForm(),
            "open": next((kind for kind, pk in refused if pk == s.pk), ""),
        }
        for s in rows
    ]  # fmt: skip
    return render(
        request, "planning/supervision_list.html",
        {"rows": shown, "year": year, "years": year_choices(), "manage": has_capability(user, Capability.MANAGE_ASSESSMENT),
         "general": general or [], "today": today, "waiting": waiting,
         "task_filter": " · ".join(
             [*([next((c.name for c in counties() if c.code == county), county)] if county else []),
              *(["未销号"] if open_only else [])]
         ),
         "task_count": sum(len(t) for t in tasks_of.values())},
        status=status,
    )  # fmt: skip


@login_required
@require_GET
def supervision_list(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    selectors.require_view(user)
    year = year_of(request, 0)
    return _supervisions_page(request, user, year=year or None)


def _supervision_write(request: HttpRequest, pk: int) -> tuple[User, Supervision]:
    """In scope first (404 outside), then the prefecture's capability (403)."""
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    supervision = selectors.supervision_get_for_user(user=user, pk=pk)
    require_capability(request, Capability.MANAGE_ASSESSMENT, NO_MANAGE)
    return user, supervision


@login_required
@require_POST
def supervision_record(request: HttpRequest, pk: int) -> HttpResponse:
    user, supervision = _supervision_write(request, pk)
    form = RecordForm(request.POST)
    refused = _try(
        form,
        lambda data: services.supervision_record(
            actor=user, supervision=supervision, held_on=data["held_on"], note=data["note"]
        ),
    )
    if refused is not None:
        return _supervisions_page(
            request, user, year=supervision.year, refused={("record", pk): form}, general=refused[0],
            status=refused[1],
        )  # fmt: skip
    messages.success(request, f"已记录{supervision.county.name}的{supervision.get_kind_display()}情况")
    return redirect(f"{reverse('planning:supervisions')}?year={supervision.year}#supervision-{pk}")


@login_required
@require_POST
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, supervision = _supervision_write(request, pk)
    form = TaskAddForm(request.POST)
    added: list[RectificationTask] = []
    refused = _try(
        form,
        lambda data: added.append(services.task_add(actor=user, supervision=supervision, **data)),
    )
    if refused is not None:
        return _supervisions_page(
            request, user, year=supervision.year, refused={("task", pk): form}, general=refused[0],
            status=refused[1],
        )  # fmt: skip
    messages.success(request, f"已向{supervision.county.name}下达整改任务“{added[0].title}”")
    return redirect("planning:task", pk=added[0].pk)


# one rectification task


class SubmitForm(forms.Form):
    result = forms.CharField(
        label="整改结果", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写整改结果"},
    )  # fmt: skip


class ReviewForm(forms.Form):
    opinion = forms.CharField(
        label="意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写意见"},
    )  # fmt: skip


# the form each move of TASK is made with, and what its text field is called on the page
MOVE_FORMS: dict[str, tuple[type[forms.Form], str]] = {
    TaskStatus.SUBMITTED: (SubmitForm, "整改结果（必填）"),
    TaskStatus.CLOSED: (ReviewForm, "审核意见（必填）"),
    TaskStatus.OPEN: (ReviewForm, "退回原因（必填）"),
}


def _moves_for(
    user: User, task: RectificationTask, refused: tuple[str, forms.Form] | None
) -> list[dict[str, Any]]:
    """The moves TASK allows the user's role from the task's status, each with its form."""
    shown = []
    for move in TASK.moves_from(task.status, user.role):
        if move.role != user.role:
            continue
        form_class, label = MOVE_FORMS[move.target]
        form = refused[1] if refused is not None and refused[0] == move.target else form_class()
        shown.append({
            "to": move.target, "label": move.label, "field_label": label, "form": form,
            "submit": move.target == TaskStatus.SUBMITTED, "back": move.target == TaskStatus.OPEN,
        })  # fmt: skip
    return shown


def _task_page(
    request: HttpRequest, user: User, task: RectificationTask, *, refused: tuple[str, forms.Form] | None = None,
    general: list[str] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    labels, roles = dict(TaskStatus.choices), dict(Role.choices)
    steps = [
        {"from": labels.get(st.step, st.step), "action": st.action, "actor": st.actor,
         "role": roles.get(st.actor_role, ""), "done_at": st.done_at, "opinion": st.findings}
        for st in task.steps.select_related("actor").order_by("done_at", "pk")
    ]  # fmt: skip
    return render(
        request, "planning/supervision_task.html",
        {"task": task, "supervision": task.supervision, "steps": steps,
         "attachments": list(task.attachments.order_by("pk")), "moves": _moves_for(user, task, refused),
         "general": general or [], "open_move": refused[0] if refused else ""},
        status=status,
    )  # fmt: skip


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    return _task_page(request, user, selectors.task_get_for_user(user=user, pk=pk))


def _submit(user: User, task: RectificationTask, result: str, files: list[Any]) -> RectificationTask:
    """报送整改结果 with its evidence: the move and the files stand or fall together."""
    return services.task_submit(actor=user, task=task, result=result, files=files)


@login_required
@require_POST
def task_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    task = selectors.task_get_for_user(user=user, pk=pk)
    to = request.POST.get("to", "")
    if to not in MOVE_FORMS:
        return _task_page(request, user, task, general=["请选择办理结果"], status=422)
    form_class, _ = MOVE_FORMS[to]
    form = form_class(request.POST)
    files = _files(request)
    if to == TaskStatus.SUBMITTED:
        act: Callable[[dict[str, Any]], object] = lambda data: _submit(user, task, data["result"], files)  # noqa: E731
    else:
        act = lambda data: services.task_move(actor=user, task=task, to=to, opinion=data["opinion"])  # noqa: E731
    refused = _try(form, act, {"reason": "opinion"})
    if refused is not None:
        return _task_page(
            request, user, selectors.task_get_for_user(user=user, pk=pk), refused=(to, form), general=refused[0],
            status=refused[1],
        )  # fmt: skip
    moved = selectors.task_get_for_user(user=user, pk=pk)
    messages.success(
        request, f"整改任务已{TASK.labels[moved.status]}" if to != TaskStatus.OPEN else "已退回继续整改"
    )
    return redirect("planning:task", pk=pk)


@login_required
@require_GET
def task_file(request: HttpRequest, pk: int) -> FileResponse:
    """A task's evidence, served when the task is in the user's scope; anything else is not found."""
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    found = PlanningAttachment.objects.filter(pk=pk, task__isnull=False).first()
    if found is None or found.task_id is None:
        raise NotFound("文件不存在或不在您的管辖范围内")
    selectors.task_get_for_user(user=user, pk=found.task_id)
    return stored_file_response(found.file.open("rb"), stored_type=found.content_type, name=found.name)
