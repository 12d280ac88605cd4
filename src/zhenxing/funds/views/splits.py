"""A line and its splits, a split with its payments (P14): the finance bureau splits a line to a library project
of the line's county, the county's 乡村振兴局 proposes and the bureau confirms or sends back; the splits waiting
for confirmation. Each view: parse, fetch through a scoped selector, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput
from zhenxing.common.paging import paginate
from zhenxing.funds import selectors, services
from zhenxing.funds.enums import SplitStatus
from zhenxing.funds.forms import PAYMENT_FIELDS, REFUSE_FIELDS, REVERSE_FIELDS, SPLIT_FIELDS, SimpleForm
from zhenxing.funds.models import AllocationLine, Release, Split
from zhenxing.funds.views.common import C, is_finance, line_figures, may_split, require, require_splitter
from zhenxing.projects.enums import LIBRARY_STATES
from zhenxing.projects.models import Project

PROJECT_CHOICES = 300  # a county's library holds far fewer projects with money of one source


def _project_rows(user: User, line: AllocationLine) -> list[dict[str, Any]]:
    """The library projects of the line's county that plan money of the line's source and still have room for it,
    with what is planned, in force and proposed (the form shows them, so the clerk sees the room before trying).
    A project whose plan of the source is held in full is left out: a split to it could only be refused."""
    projects = (
        selectors.library_projects_for_user(user=user)
        .filter(county=line.county, fundings__source=line.source)
        .distinct()
        .order_by("-year", "code")[:PROJECT_CHOICES]
    )
    rows = []
    for project in projects:
        planned = selectors.project_planned_fen(project, source=line.source)
        held = selectors.project_split_fen(project, source=line.source)  # in force and proposed
        proposed = _sum_fen(
            selectors.project_splits(project).filter(source=line.source, status=SplitStatus.PROPOSED)
        )
        rows.append(
            {"project": project, "planned_fen": planned, "split_fen": held - proposed, "proposed_fen": proposed,
             "room_fen": planned - held}
        )  # fmt: skip
    return rows


def _sum_fen(splits: QuerySet[Split]) -> int:
    return int(splits.aggregate(total=Coalesce(Sum("amount_fen"), 0))["total"])


def _line_page(
    request: HttpRequest,
    user: User,
    line: AllocationLine,
    *,
    form: SimpleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    splits = line.splits.select_related("project").order_by("-created_at", "-pk")
    form = form or SimpleForm(dict.fromkeys(SPLIT_FIELDS, ""))
    rows = _project_rows(user, line) if may_split(user) else []
    return render(
        request,
        "funds/ledger/line_detail.html",
        {
            "line": line, "balance": line_figures(line),
            "splits": [(split, selectors.split_balance(split)) for split in splits],
            "can_split": may_split(user), "finance": is_finance(user),
            "project_rows": [r for r in rows if r["room_fen"] > 0], "full_rows": [r for r in rows if r["room_fen"] <= 0],
            **form.context(),
        },
        status=status,
    )  # fmt: skip


@login_required
def line_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request, C.VIEW_FUNDS)
    return _line_page(request, user, selectors.line_get_for_user(user=user, pk=pk))


def _project_of(user: User, line: AllocationLine, raw: str) -> Project:
    project = (
        selectors.library_projects_for_user(user=user).filter(pk=int(raw), county=line.county).first()
        if raw.isdigit()
        else None
    )
    if project is None:
        raise InvalidInput([ErrorDetail(("project",), "required", "请选择该县(市)项目库中的项目")])
    return project


@login_required
@require_POST
def split_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_splitter(request)
    line = selectors.line_get_for_user(user=user, pk=pk)
    form = SimpleForm.from_post(request.POST, SPLIT_FIELDS)
    try:
        project = _project_of(user, line, form.values["project"])
        split = services.split_create(actor=user, line=line, project=project, amount=form.values["amount"])
    except InvalidInput as error:
        form.errors.add_details(error.errors())
        return _line_page(request, user, line, form=form, status=422)
    if split.status == SplitStatus.PROPOSED:
        messages.success(request, f"已提出资金分配建议：{project.name}，待财政部门确认")
    else:
        messages.success(request, f"已分配给项目：{project.name}")
    return redirect("funds:split_detail", pk=split.pk)


def _payment_rows(split: Split) -> list[dict[str, Any]]:
    payments = split.payments.select_related("reverses").order_by("paid_on", "pk")
    return [
        {"payment": payment, "left_fen": payment.amount_fen - selectors.payment_reversed_fen(payment)}
        if payment.amount_fen > 0
        else {"payment": payment, "left_fen": 0}
        for payment in payments
    ]


def split_page(
    request: HttpRequest, user: User, split: Split, *, payment_form: SimpleForm | None = None,
    reverse_form: SimpleForm | None = None, reverse_of: int | None = None, refuse_form: SimpleForm | None = None,
    general: list[str] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    """The split's page; a refused payment, reversal or decision comes back on it with its problems."""
    today = clock.today().isoformat()
    payment_form = payment_form or SimpleForm({**dict.fromkeys(PAYMENT_FIELDS, ""), "paid_on": today})
    blank_reverse = {**dict.fromkeys(REVERSE_FIELDS, ""), "on": today}
    balance = selectors.split_balance(split)
    # the payment form only where a payment could pass: in force, unpaid left, the project still in the library
    payable = (
        split.status == SplitStatus.ACTIVE
        and balance.unpaid_fen > 0
        and selectors.current_version(split.project).status in LIBRARY_STATES
    )
    return render(
        request,
        "funds/ledger/split_detail.html",
        {
            "split": split, "balance": balance, "payable": payable, "payments": _payment_rows(split),
            "release": Release.objects.filter(split=split).first(),
            "finance": is_finance(user), "proposed": split.status == SplitStatus.PROPOSED,
            "active": split.status == SplitStatus.ACTIVE, "pay": payment_form.context(),
            "reverse": reverse_form.context() if reverse_form else {"values": blank_reverse},
            "blank_reverse": blank_reverse, "reverse_of": reverse_of, "general": general or [],
            "refuse": (refuse_form or SimpleForm(dict.fromkeys(REFUSE_FIELDS, ""))).context(),
        },
        status=status,
    )  # fmt: skip


@login_required
def split_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request, C.VIEW_FUNDS)
    return split_page(request, user, selectors.split_get_for_user(user=user, pk=pk))


@login_required
@require_POST
def split_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request, C.ENTER_FUNDS)
    split = selectors.split_get_for_user(user=user, pk=pk)
    try:
        services.split_confirm(actor=user, split=split)
    except Conflict as error:
        return split_page(request, user, split, general=[error.message], status=409)
    messages.success(request, f"已确认资金分配：{split.project.name}")
    return redirect("funds:split_detail", pk=split.pk)


@login_required
@require_POST
def split_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request, C.ENTER_FUNDS)
    split = selectors.split_get_for_user(user=user, pk=pk)
    form = SimpleForm.from_post(request.POST, REFUSE_FIELDS)
    try:
        # the transition's guard asks for the reason (loc "reason"): the page puts it beside the field
        services.split_refuse(actor=user, split=split, reason=form.values["reason"])
    except InvalidInput as error:
        form.errors.add_details(error.errors())
        return split_page(request, user, split, refuse_form=form, status=422)
    except Conflict as error:
        return split_page(request, user, split, refuse_form=form, general=[error.message], status=409)
    messages.success(request, "已退回该资金分配建议")
    return redirect("funds:split_detail", pk=split.pk)


@login_required
def split_list(request: HttpRequest) -> HttpResponse:
    """The proposals waiting for the finance bureau, then every split, the newest first."""
    user = require(request, C.VIEW_FUNDS)
    splits = selectors.split_list_for_user(user=user).select_related("project", "county", "line__allocation")
    waiting = list(splits.filter(status=SplitStatus.PROPOSED).order_by("created_at", "pk")[:200])
    paged = paginate(request, splits.exclude(status=SplitStatus.PROPOSED).order_by("-created_at", "-pk"))
    return render(
        request,
        "funds/ledger/splits.html",
        {"waiting": waiting, "paged": paged, "recent": paged.items, "finance": is_finance(user)},
    )
