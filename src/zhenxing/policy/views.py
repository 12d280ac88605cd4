from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import request_user
from zhenxing.common.errors import InvalidInput, PermissionDenied, not_found
from zhenxing.policy import selectors, services
from zhenxing.policy.contract import evaluate_request, parse_request, response_body
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.explain import RULE_TITLES, elimination_reasons_text, location_text
from zhenxing.policy.forms import HouseholdForm, MemberFormSet, ParameterCreateForm, ParameterReviseForm
from zhenxing.policy.models import Parameter

DEFAULT_MEMBER_ROWS = 4


def _require(user: User, capability: Capability) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied("您的角色没有使用此功能的权限")


@login_required
def evaluate(request: HttpRequest) -> HttpResponse:
    """A household form whose verdict comes from the evaluate contract (the same code as the API and CLI)."""
    _require(request_user(request), Capability.EVALUATE_POLICY)
    context: dict[str, Any] = {"rule_titles": RULE_TITLES}
    if request.method == "POST":
        form = HouseholdForm(request.POST)
        members = MemberFormSet(request.POST, prefix="m")
        if form.is_valid() and members.is_valid():
            payload = {
                "year": form.cleaned_data["year"],
                "monitoring_line": form.cleaned_data.get("monitoring_line"),
                "household": {
                    **form.contract_household(),
                    "members": [m.contract_member() for m in members.forms if m.is_filled()],
                },
            }
            try:
                evaluation = evaluate_request(parse_request(payload))
            except InvalidInput as error:
                context["contract_errors"] = [(location_text(list(d.loc)), d.message) for d in error.errors()]
            else:
                body = response_body(evaluation)
                context["result"] = body
                elimination = body["elimination"]
                if elimination is not None:
                    min_months = int(evaluation.parameters[ParameterKind.ELIMINATION_MIN_MONTHS].value)
                    context["elimination_text"] = elimination_reasons_text(
                        elimination["reasons"], min_months=min_months
                    )
    else:
        rows = min(max(int(request.GET.get("members", DEFAULT_MEMBER_ROWS) or DEFAULT_MEMBER_ROWS), 1), 20)
        this_year = timezone.localdate().year
        year = selectors.latest_line_year(up_to=this_year) or this_year
        form = HouseholdForm(initial={"year": year, "kind": "脱贫户"})
        members = MemberFormSet(prefix="m", initial=[{"health": ["健康"], "medical_insurance": True}] * rows)
    context.update({"form": form, "members": members})
    return render(request, "policy/evaluate.html", context)


@login_required
def parameter_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "policy/parameters.html",
        {
            "parameters": selectors.parameter_list(),
            "can_manage": has_capability(request_user(request), Capability.MANAGE_PARAMETERS),
        },
    )


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError):  # not JSON (or absurdly nested): taken as plain text
        return text.strip()


def _form_errors(form: Any, error: InvalidInput) -> None:
    for detail in error.errors():
        field = str(detail.loc[0]) if detail.loc and str(detail.loc[0]) in form.fields else None
        form.add_error(field, detail.message)


@login_required
def parameter_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require(user, Capability.MANAGE_PARAMETERS)
    form = ParameterCreateForm(
        request.POST or None, initial={"kind": request.GET.get("kind", ParameterKind.MONITORING_LINE)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            parameter = services.parameter_create(
                actor=user,
                kind=ParameterKind(data["kind"]),
                year=data.get("year"),
                value=_parse_value(data["value"]),
                document=data["document"],
                verified=data["verified"],
                note=data.get("note", ""),
            )
        except InvalidInput as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已录入：{parameter}")
            return redirect("policy:parameter_detail", pk=parameter.pk)
    return render(request, "policy/parameter_create.html", {"form": form})


@login_required
def parameter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    parameter = Parameter.objects.filter(pk=pk).first()
    if parameter is None:
        raise not_found()
    can_manage = has_capability(user, Capability.MANAGE_PARAMETERS)
    form = None
    if can_manage and parameter.is_current:
        initial = {
            "value": json.dumps(parameter.value, ensure_ascii=False),
            "document": parameter.document,
            "verified": parameter.verified,
        }
        form = ParameterReviseForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                revised = services.parameter_revise(
                    actor=user,
                    parameter=parameter,
                    value=_parse_value(data["value"]),
                    document=data["document"],
                    verified=data["verified"],
                    reason=data["reason"],
                )
            except InvalidInput as error:
                _form_errors(form, error)
            else:
                messages.success(request, f"已修改，现行版本为 v{revised.version}，立即生效")
                return redirect("policy:parameter_detail", pk=revised.pk)
    elif request.method == "POST":
        raise PermissionDenied("只有系统管理员可以修改现行参数")
    history = selectors.parameter_history(kind=parameter.kind, region=parameter.region, year=parameter.year)
    return render(
        request, "policy/parameter_detail.html", {"parameter": parameter, "history": history, "form": form}
    )
