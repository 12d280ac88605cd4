"""Income-distribution plans (P15 四议两公开): the list in scope with each plan's next step, a plan's page (lines,
payouts by name for the territorial roles who keep it, meetings, postings, step records) with the form of the
next step for the user's role, the bank 代发 file, and the per-village report of what was paid to whom."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from zhenxing.accounts.capabilities import Capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import require_capability
from zhenxing.assets import distribution
from zhenxing.assets.enums import LineKind, PlanStatus
from zhenxing.assets.inputs import MeetingInput, PostingInput
from zhenxing.assets.models import DistributionPlan, PlanPayout
from zhenxing.assets.payroll import PAYROLL_STATES, plan_payroll_export
from zhenxing.assets.plan_report import monitored_household_pks, plan_report_rows
from zhenxing.assets.selectors import PLAN_WAITING_FOR, plan_get_for_user, plan_list_for_user
from zhenxing.assets.transitions import PLAN
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput
from zhenxing.common.http import xlsx_response
from zhenxing.funds.forms import SimpleForm

MEETING_TARGETS = (PlanStatus.DISCUSSED, PlanStatus.REVIEWED, PlanStatus.RESOLVED)
OPINION_TARGETS = (PlanStatus.AUDITED, PlanStatus.RETURNED)
POSTING_TARGETS = (PlanStatus.PUBLISHED, PlanStatus.CLOSED)
MOVE_FIELDS = (
    "held_on",
    "expected",
    "attendees",
    "minutes",
    "opinion",
    "place",
    "posted_from",
    "posted_until",
)
LIST_LIMIT = 300


def next_steps(status: str) -> str:
    """What comes next, named with who does it: 村两委会议商议（村级）; 已办结 at the end."""
    moves = PLAN.moves_from(status)
    if not moves:
        return "已办结"
    return "或".join(f"{m.label}（{Role(m.role).label if m.role else ''}）" for m in moves)


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_ASSETS, "您的角色不能查看收益分配方案")
    plans = plan_list_for_user(user=user).select_related("village")
    year = request.GET.get("year", "").strip()
    status = request.GET.get("status", "").strip()
    if year.isdigit():
        plans = plans.filter(year=int(year))
    if status in PlanStatus.values:
        plans = plans.filter(status=status)
    waiting = bool(request.GET.get("waiting"))
    if waiting:  # the home tile's list: the plans whose next step is the user's role
        plans = plans.filter(status__in=PLAN_WAITING_FOR.get(user.role, ()))
    plans = plans.annotate(total_fen=Sum("lines__amount_fen"))
    rows = [
        {"plan": p, "next": next_steps(p.status)} for p in plans.order_by("-year", "-pk")[: LIST_LIMIT + 1]
    ]
    years = sorted(set(plan_list_for_user(user=user).values_list("year", flat=True)), reverse=True)
    village = user.jurisdiction.code if user.role == Role.VILLAGE and user.jurisdiction is not None else ""
    return render(
        request, "assets/plans/list.html",
        {"rows": rows[:LIST_LIMIT], "more": len(rows) > LIST_LIMIT, "years": years, "year": year, "status": status,
         "statuses": PlanStatus.choices, "new_village": village, "waiting": waiting},
    )  # fmt: skip


def _payouts(plan: DistributionPlan) -> list[PlanPayout]:
    return list(
        PlanPayout.objects.filter(line__plan=plan)
        .select_related("person", "household", "line")
        .order_by("line_id", "household__code", "pk")
    )


def plan_page(
    request: HttpRequest, user: User, plan: DistributionPlan, *, move_to: str = "", form: SimpleForm | None = None,
    general: list[str] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    lines = list(plan.lines.annotate(people=Count("payouts")).order_by("pk"))
    payouts = _payouts(plan)
    monitored = monitored_household_pks({p.household_id for p in payouts})
    moves = [] if user.role not in (Role.VILLAGE, Role.TOWNSHIP) else PLAN.moves_from(plan.status, user.role)
    today = clock.today().isoformat()
    blank = SimpleForm({"posted_from": today, "posted_until": (clock.today() + datetime.timedelta(days=7)).isoformat(),
                        "held_on": today})  # fmt: skip
    forms = [
        {"move": m, "kind": _form_kind(m.target),
         "form": (form if form is not None and m.target == move_to else blank).context()}
        for m in moves if m.target != PlanStatus.PROPOSED
    ]  # fmt: skip
    return render(
        request, "assets/plans/detail.html",
        {"plan": plan, "lines": lines, "total_fen": sum(line.amount_fen for line in lines),
         "paid_fen": sum(p.amount_fen for p in payouts if p.paid_on),
         "payable_fen": sum(p.amount_fen for p in payouts), "payees": len({p.person_id for p in payouts}),
         "payouts": payouts, "monitored": monitored,
         "meetings": plan.meetings.order_by("held_on", "pk"), "postings": plan.postings.order_by("posted_from"),
         "steps": plan.steps.select_related("actor").order_by("done_at", "pk"), "forms": forms, "move_to": move_to,
         "general": general or [], "next": next_steps(plan.status),
         "can_revise": plan.status == PlanStatus.RETURNED and user.role == Role.VILLAGE,
         "payroll": plan.status in PAYROLL_STATES and user.role in (Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY)},
        status=status,
    )  # fmt: skip


def _form_kind(target: str) -> str:
    if target in MEETING_TARGETS:
        return "meeting"
    if target in OPINION_TARGETS:
        return "opinion"
    if target in POSTING_TARGETS:
        return "posting"
    return "confirm"


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_ASSETS, "您的角色不能查看收益分配方案")
    return plan_page(request, user, plan_get_for_user(user=user, pk=pk))


def _meeting(form: SimpleForm) -> MeetingInput:
    problems: list[ErrorDetail] = []
    counts = {}
    for name, label in (("expected", "应到人数"), ("attendees", "实到人数")):
        raw = form.values[name]
        counts[name] = int(raw) if raw.isdigit() else 0
        if not raw.isdigit():
            problems.append(ErrorDetail((name,), "number", f"请填写{label}（整数）"))
    held_on = None
    try:
        held_on = form.date("held_on", "会议日期")
    except InvalidInput as error:
        problems.extend(error.details)
    if problems or held_on is None:
        raise InvalidInput(problems)
    return MeetingInput(held_on=held_on, attendees=counts["attendees"], expected=counts["expected"],
                        minutes=form.values["minutes"])  # fmt: skip


def _posting(form: SimpleForm) -> PostingInput:
    problems: list[ErrorDetail] = []
    days = {}
    for name, label in (("posted_from", "公开开始日期"), ("posted_until", "公开结束日期")):
        try:
            days[name] = form.date(name, label)
        except InvalidInput as error:
            problems.extend(error.details)
    if problems:
        raise InvalidInput(problems)
    return PostingInput(place=form.values["place"], posted_from=days["posted_from"],
                        posted_until=days["posted_until"])  # fmt: skip


def _unprefixed(details: list[ErrorDetail]) -> list[ErrorDetail]:
    """meeting.attendees → attendees, posting.place → place: the step form's own field names."""
    return [
        ErrorDetail(
            tuple(d.loc[1:]) if d.loc[:1] in (("meeting",), ("posting",)) else d.loc, d.code, d.message
        )
        for d in details
    ]


@login_required
@require_POST
def plan_move(request: HttpRequest, pk: int) -> HttpResponse:
    """One step of 四议两公开: the meeting, the township's opinion, the posting, or 实施's confirmation."""
    user = require_capability(request, Capability.TEND_ASSETS, "您的角色不能办理收益分配方案")
    plan = plan_get_for_user(user=user, pk=pk)
    to = request.POST.get("to", "").strip()
    form = SimpleForm.from_post(request.POST, MOVE_FIELDS)
    if to == PlanStatus.PROPOSED:  # re-proposing is the revision's own page: the lines change with it
        return redirect("assets:plan_revise", pk=plan.pk)
    if to not in PlanStatus.values:
        return plan_page(request, user, plan, general=["请选择要办理的环节"], status=422)
    kwargs: dict[str, Any] = {}
    try:
        if to in MEETING_TARGETS:
            kwargs["meeting"] = _meeting(form)
        elif to in POSTING_TARGETS:
            kwargs["posting"] = _posting(form)
        distribution.plan_move(actor=user, plan=plan, to=to, opinion=form.values["opinion"], **kwargs)
    except InvalidInput as error:
        form.errors.add_details(_unprefixed(error.errors()))
        return plan_page(request, user, plan, move_to=to, form=form, status=422)
    except Conflict as error:
        return plan_page(request, user, plan, general=[error.message], status=409)
    messages.success(request, f"已办理：{PLAN.labels.get(to, to)}")
    return redirect("assets:plan_detail", pk=plan.pk)


@login_required
@require_GET
def plan_payroll_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The bank 代发 file (full ID numbers): village, township and county, from 决议公开 on; audited."""
    user = require_capability(
        request, Capability.REVEAL_ID_NUMBER, "您的角色不能导出含完整身份证号的代发名单"
    )
    plan = plan_get_for_user(user=user, pk=pk)
    try:
        content, _ = plan_payroll_export(actor=user, plan=plan)
    except Conflict as error:
        return plan_page(request, user, plan, general=[error.message], status=409)
    return xlsx_response(content, f"{plan.village.name}{plan.year}年收益分配代发名单.xlsx")


@login_required
@require_GET
def plan_report(request: HttpRequest) -> HttpResponse:
    """Per village: paid out by implemented plans, and the shares to monitoring objects and to 脱贫户."""
    user = require_capability(request, Capability.VIEW_ASSETS, "您的角色不能查看收益分配统计")
    raw = request.GET.get("year", "").strip()
    year = int(raw) if raw.isdigit() else None
    rows = plan_report_rows(user=user, year=year)
    years = sorted(set(plan_list_for_user(user=user).values_list("year", flat=True)), reverse=True)
    paid = sum(r.paid_fen for r in rows)
    return render(
        request, "assets/plans/report.html",
        {"rows": rows, "year": year, "years": years, "paid_fen": paid,
         "monitored_fen": sum(r.monitored_fen for r in rows), "alleviated_fen": sum(r.alleviated_fen for r in rows),
         "kinds": LineKind.choices},
    )  # fmt: skip
