"""Elimination pages (P9): the evaluation (随时评估, or the 帮扶成效评议 that may start an elimination) and the
household's informed consent. The elimination steps themselves are case moves (identification/views.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from zhenxing.monitoring.cases import case_get_for_user
from zhenxing.monitoring.elimination import services
from zhenxing.monitoring.elimination.forms import ConsentForm
from zhenxing.monitoring.enums import EvaluationKind
from zhenxing.monitoring.web import attempt, require_act, require_measures, submit


@login_required
@require_POST
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    """随时评估, or 帮扶成效评议 (the evaluation that may start an elimination)."""
    user = require_measures(request)
    case = case_get_for_user(user=user, pk=pk)
    kind = (
        EvaluationKind.ELIMINATION if request.POST.get("kind") == "elimination" else EvaluationKind.ON_DEMAND
    )
    result: list[bool | None] = []
    ok = attempt(
        request,
        lambda: result.append(
            services.evaluation_record(
                actor=user, case=case, kind=kind, note=request.POST.get("note", "")
            ).eligible
        ),
        "已完成评估",
    )
    if ok and result[0] is False:
        messages.warning(request, "评估结果：暂不符合风险消除条件，原因见评估记录")
    return redirect("monitoring:case", pk=pk)


@login_required
@require_POST
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_act(request)
    case = case_get_for_user(user=user, pk=pk)
    submit(
        request, ConsentForm(request.POST),
        lambda data: services.consent_record(
            actor=user, case=case, consent_by=data["consent_by"], relation=data["relation"],
            consent_on=data["consent_on"],
        ),
        "已登记知情同意",
    )  # fmt: skip
    return redirect("monitoring:case", pk=pk)
