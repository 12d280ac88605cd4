"""The income-distribution plan's form (P15 村党组织提议) and its revision after the township sent it back: the
plan's lines by kind, and for each paying line an amount per current household member of the village (blank =
not a beneficiary). The 一分了之 refusal is shown at its line with the P15 reason; nothing is saved."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from zhenxing.accounts.capabilities import Capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.requests import require_capability
from zhenxing.assets import distribution
from zhenxing.assets.enums import KEPT_KINDS, LineKind, PlanStatus
from zhenxing.assets.guards import actor_covers
from zhenxing.assets.inputs import MeetingInput, PayoutInput, PlanInput, PlanLineInput
from zhenxing.assets.models import DistributionPlan
from zhenxing.assets.plan_report import Member, village_members
from zhenxing.assets.selectors import plan_get_for_user
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied, not_found
from zhenxing.divisions.models import Division
from zhenxing.funds.forms import SimpleForm

DEFAULT_LINES = 3
MAX_FORM_LINES = distribution.MAX_LINES
PLAN_FIELDS = ("title", "year", "income", "held_on", "expected", "attendees", "minutes")
# what each kind means on the form: the kept kinds stay with the collective, the others pay named people
KIND_CHOICES = [(kind.value, kind.label) for kind in LineKind]
KEPT = tuple(k.value for k in KEPT_KINDS)


@dataclass
class LineRow:
    """One line as typed: kind, description, a kept line's amount, and the amount per person (元, as typed)."""

    kind: str = ""
    description: str = ""
    amount: str = ""
    pay: dict[int, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    payout_errors: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def filled(self) -> bool:
        return bool(self.kind or self.description or self.amount or any(self.pay.values()))

    def payees(self) -> list[int]:
        return [pk for pk, amount in self.pay.items() if amount]


@dataclass
class LinesForm:
    rows: list[LineRow]
    members: list[Member]
    row_of: list[int] = field(default_factory=list)  # the service's line index → the row on the page
    general: list[str] = field(default_factory=list)

    @classmethod
    def blank(cls, count: int, members: list[Member]) -> LinesForm:
        return cls([LineRow() for _ in range(count)], members)

    @classmethod
    def of_plan(cls, plan: DistributionPlan, members: list[Member], extra: int = 1) -> LinesForm:
        rows = [
            LineRow(
                line.kind,
                line.description,
                f"{line.amount_fen / 100:.2f}" if line.kind in KEPT else "",
                {p.person_id: f"{p.amount_fen / 100:.2f}" for p in line.payouts.all()},
            )
            for line in plan.lines.order_by("pk").prefetch_related("payouts")
        ]
        return cls(rows + [LineRow() for _ in range(extra)], members)

    @classmethod
    def from_post(cls, post: Any, count: int, members: list[Member]) -> LinesForm:
        rows = []
        for i in range(count):
            pay = {m.person_pk: str(post.get(f"line-{i}-pay-{m.person_pk}", "")).strip() for m in members}
            rows.append(
                LineRow(
                    kind=str(post.get(f"line-{i}-kind", "")).strip(),
                    description=str(post.get(f"line-{i}-description", "")).strip(),
                    amount=str(post.get(f"line-{i}-amount", "")).strip(),
                    pay={pk: amount for pk, amount in pay.items() if amount},
                )
            )
        return cls(rows, members)

    def inputs(self) -> tuple[PlanLineInput, ...]:
        self.row_of = [i for i, row in enumerate(self.rows) if row.filled]
        return tuple(
            PlanLineInput(
                self.rows[i].kind,
                self.rows[i].description,
                self.rows[i].amount,
                tuple(PayoutInput(pk, self.rows[i].pay[pk]) for pk in self.rows[i].payees()),
            )
            for i in self.row_of
        )

    def take(self, details: list[ErrorDetail]) -> list[ErrorDetail]:
        """Puts each line's problems on its row (a payout's at its person); returns the other problems."""
        rest = []
        for detail in details:
            loc = [str(part) for part in detail.loc]
            if len(loc) < 2 or loc[0] != "lines" or not loc[1].isdigit() or int(loc[1]) >= len(self.row_of):
                if loc[:1] == ["lines"]:
                    self.general.append(detail.message)
                else:
                    rest.append(detail)
                continue
            row = self.rows[self.row_of[int(loc[1])]]
            message = detail.message
            if detail.code == "kind" and not row.kind:
                message = "请选择分配类型"
            if len(loc) >= 4 and loc[2] == "payouts" and loc[3].isdigit():
                payees = row.payees()
                if int(loc[3]) < len(payees):
                    row.payout_errors[payees[int(loc[3])]].append(message)
                    continue
            row.errors[loc[2] if len(loc) > 2 else "kind"].append(message)
        return rest

    def context(self) -> dict[str, Any]:
        return {
            "rows": [
                {"index": i, "row": row, "cells": [(m, row.pay.get(m.person_pk, ""),
                                                    row.payout_errors.get(m.person_pk, [])) for m in self.members]}
                for i, row in enumerate(self.rows)
            ],
            "count": len(self.rows), "members": self.members, "kinds": KIND_CHOICES, "kept": KEPT,
            "general": self.general,
        }  # fmt: skip


def line_count(request: HttpRequest, default: int = DEFAULT_LINES) -> int:
    raw = request.POST.get("lines") if request.method == "POST" else request.GET.get("lines")
    try:
        count = int(raw or default)
    except ValueError:
        count = default
    return max(1, min(count, MAX_FORM_LINES))


def _village_for(user: Any, code: str) -> Division:
    village = Division.objects.filter(code=code, level="village").first() if code else None
    if village is None or not actor_covers(user, village.code):
        raise not_found()
    return village


def _whole(form: SimpleForm, name: str, label: str, problems: list[ErrorDetail]) -> int:
    raw = form.values.get(name, "")
    if raw.isdigit():
        return int(raw)
    problems.append(ErrorDetail((name,), "number", f"请填写{label}（整数）"))
    return 0


def _plan_input(form: SimpleForm, village: Division, lines: tuple[PlanLineInput, ...]) -> PlanInput:
    """The typed values as the service's input; a date or a count that cannot be read is refused first."""
    problems: list[ErrorDetail] = []
    year = _whole(form, "year", "收益年度", problems)
    expected = _whole(form, "expected", "应到人数", problems)
    attendees = _whole(form, "attendees", "实到人数", problems)
    held_on: datetime.date | None = None
    try:
        held_on = form.date("held_on", "提议会议日期")
    except InvalidInput as error:
        problems.extend(error.details)
    if problems or held_on is None:
        raise InvalidInput(problems)
    meeting = MeetingInput(
        held_on=held_on, attendees=attendees, expected=expected, minutes=form.values["minutes"]
    )
    return PlanInput(village_code=village.code, year=year, title=form.values["title"],
                     income=form.values["income"], lines=lines, meeting=meeting)  # fmt: skip


def _flat(details: list[ErrorDetail]) -> list[ErrorDetail]:
    """The meeting's problems under the form's own field names (meeting.attendees → attendees)."""
    return [
        ErrorDetail(tuple(d.loc[1:]) if d.loc[:1] == ("meeting",) else d.loc, d.code, d.message)
        for d in details
    ]


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.TEND_ASSETS, "您的角色不能录入收益分配方案")
    if user.role != Role.VILLAGE:
        raise PermissionDenied("收益分配方案由村党组织提议，由村级录入")
    own = user.jurisdiction.code if user.jurisdiction is not None else ""
    village = _village_for(user, (request.GET.get("village") or own).strip())
    members = village_members(village)
    count = line_count(request)
    if request.method == "GET":
        form = SimpleForm({"year": str(clock.today().year), "title": "", "income": "", "held_on": "",
                           "expected": "", "attendees": "", "minutes": ""})  # fmt: skip
        return _new_page(request, village, form, LinesForm.blank(count, members))
    form = SimpleForm.from_post(request.POST, PLAN_FIELDS)
    lines = LinesForm.from_post(request.POST, count, members)
    try:
        plan = distribution.plan_create(actor=user, data=_plan_input(form, village, lines.inputs()))
    except InvalidInput as error:
        form.errors.add_details(_flat(lines.take(error.errors())))
        return _new_page(request, village, form, lines, status=422)
    messages.success(request, f"已录入收益分配方案“{plan.title}”（村党组织已提议），下一步：村两委会议商议")
    return redirect("assets:plan_detail", pk=plan.pk)


def _new_page(
    request: HttpRequest, village: Division, form: SimpleForm, lines: LinesForm, status: int = 200
) -> HttpResponse:
    return render(
        request, "assets/plans/new.html",
        {"village": village, "form": form.context(), "lines": lines.context(), "more": lines_more(len(lines.rows)),
         "line_problems": bool(lines.general or any(r.errors or r.payout_errors for r in lines.rows))},
        status=status,
    )  # fmt: skip


def lines_more(count: int) -> int | None:
    return count + 3 if count + 3 <= MAX_FORM_LINES else None


@login_required
@require_http_methods(["GET", "POST"])
def plan_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """The village revises a plan the township returned; it is proposed again (the meetings start over)."""
    user = require_capability(request, Capability.TEND_ASSETS, "您的角色不能修改收益分配方案")
    plan = plan_get_for_user(user=user, pk=pk)
    if user.role != Role.VILLAGE:
        raise PermissionDenied("退回的方案由本村修改")
    members = village_members(plan.village)
    if request.method == "GET":
        if plan.status != PlanStatus.RETURNED:
            return redirect("assets:plan_detail", pk=plan.pk)
        lines = LinesForm.of_plan(plan, members)
        if "lines" in request.GET:
            lines.rows += [LineRow() for _ in range(max(0, line_count(request) - len(lines.rows)))]
        return _revise_page(request, plan, SimpleForm({"reason": ""}), lines)
    form = SimpleForm.from_post(request.POST, ("reason",))
    lines = LinesForm.from_post(request.POST, line_count(request), members)
    try:
        distribution.plan_revise(actor=user, plan=plan, lines=lines.inputs(), reason=form.values["reason"])
    except InvalidInput as error:
        form.errors.add_details(lines.take(error.errors()))
        return _revise_page(request, plan, form, lines, status=422)
    except Conflict as error:
        form.errors.add_details(error.errors())
        return _revise_page(request, plan, form, lines, status=409)
    messages.success(request, "方案已修改并重新提议，请重新召开村两委会议商议")
    return redirect("assets:plan_detail", pk=plan.pk)


def _revise_page(
    request: HttpRequest, plan: DistributionPlan, form: SimpleForm, lines: LinesForm, status: int = 200
) -> HttpResponse:
    return render(
        request, "assets/plans/revise.html",
        {"plan": plan, "village": plan.village, "form": form.context(), "lines": lines.context(),
         "more": lines_more(len(lines.rows))},
        status=status,
    )  # fmt: skip
