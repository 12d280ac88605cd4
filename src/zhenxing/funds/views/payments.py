"""Payments and reversals on a split's page, and a project's money (P14). A payment names its payee and voucher
and never exceeds the split's unpaid balance; a reversal is a negative entry with its reason, never an edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.common.errors import Conflict, InvalidInput
from zhenxing.funds import selectors, services
from zhenxing.funds.enums import FundSource, SplitStatus
from zhenxing.funds.forms import PAYMENT_FIELDS, REVERSE_FIELDS, SimpleForm
from zhenxing.funds.models import Payment, Release, Split
from zhenxing.funds.selectors import SplitBalance
from zhenxing.funds.views.common import C, require
from zhenxing.funds.views.splits import split_page


@login_required
@require_POST
def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request, C.ENTER_FUNDS)
    split = selectors.split_get_for_user(user=user, pk=pk)
    form = SimpleForm.from_post(request.POST, PAYMENT_FIELDS)
    try:
        paid_on = form.date("paid_on", "支付日期")
        services.payment_create(
            actor=user, split=split, amount=form.values["amount"], paid_on=paid_on, payee=form.values["payee"],
            voucher=form.values["voucher"],
        )  # fmt: skip
    except InvalidInput as error:
        form.errors.add_details(error.errors())
        return split_page(request, user, split, payment_form=form, status=422)
    except Conflict as error:
        return split_page(request, user, split, payment_form=form, general=[error.message], status=409)
    messages.success(request, f"已录入支付：{form.values['amount']} 万元，收款单位 {form.values['payee']}")
    return redirect("funds:split_detail", pk=split.pk)


@login_required
@require_POST
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request, C.ENTER_FUNDS)
    payment = selectors.payment_get_for_user(user=user, pk=pk)
    split = selectors.split_get_for_user(user=user, pk=payment.split_id)
    form = SimpleForm.from_post(request.POST, REVERSE_FIELDS)
    try:
        on = form.date("on", "冲销日期")
        services.payment_reverse(
            actor=user, payment=payment, amount=form.values["amount"], reason=form.values["reason"],
            voucher=form.values["voucher"], on=on,
        )  # fmt: skip
    except InvalidInput as error:
        form.errors.add_details(error.errors())
        return split_page(request, user, split, reverse_form=form, reverse_of=payment.pk, status=422)
    except Conflict as error:
        return split_page(
            request,
            user,
            split,
            reverse_form=form,
            reverse_of=payment.pk,
            general=[error.message],
            status=409,
        )
    messages.success(request, f"已冲销支付 {payment.voucher}：{form.values['amount']} 万元")
    return redirect("funds:split_detail", pk=split.pk)


def _source_row(
    source: str, planned_fen: int, splits: list[Split], balances: dict[int, SplitBalance]
) -> dict[str, object]:
    """One source of a project: 已分配 counts the splits in force, 待确认 the county's proposals apart (they hold
    money on the line but cannot be paid yet), 退回/收回 what 出库 or 终止 gave back."""
    active = [s for s in splits if s.status == SplitStatus.ACTIVE]
    return {
        "source": FundSource(source).label, "planned_fen": planned_fen,
        "split_fen": sum(s.amount_fen for s in active),
        "proposed_fen": sum(s.amount_fen for s in splits if s.status == SplitStatus.PROPOSED),
        "paid_fen": sum(balances[s.pk].paid_fen for s in splits),
        "released_fen": sum(balances[s.pk].released_fen for s in splits),
        "unpaid_fen": sum(balances[s.pk].unpaid_fen for s in active),
    }  # fmt: skip


@login_required
def project_money(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's money by source: planned, split, paid, unpaid, and what 出库/终止 gave back (any status)."""
    user = require(request, C.VIEW_FUNDS)
    project = selectors.project_for_funds(user=user, pk=pk)
    splits = list(
        selectors.project_splits(project)
        .select_related("line__allocation")
        .order_by("source", "created_at", "pk")
    )
    balances = {split.pk: selectors.split_balance(split) for split in splits}
    # the plan in force: an adjustment's new version keeps the money of the versions before it
    planned = {f.source: f.amount_fen for f in selectors.current_version(project).fundings.all()}
    sources = [s for s in FundSource.values if s in planned or any(x.source == s for x in splits)]
    rows = [_source_row(source, planned.get(source, 0), [s for s in splits if s.source == source], balances)
            for source in sources]  # fmt: skip
    return render(
        request,
        "funds/ledger/project_money.html",
        {
            "project": project, "rows": rows, "splits": [(s, balances[s.pk]) for s in splits],
            "planned_fen": sum(planned.values()), "split_fen": sum(r["split_fen"] for r in rows),
            "proposed_fen": sum(r["proposed_fen"] for r in rows),
            "paid_fen": selectors.project_paid_fen(project),
            "releases": Release.objects.filter(split__in=[s.pk for s in splits]).select_related("split"),
            "payments": Payment.objects.filter(split__in=[s.pk for s in splits]).order_by("-paid_on", "-pk")[:50],
        },
    )  # fmt: skip
