"""Frozen values (P16): a period's table (indicator × the counties in scope and 全州) and its .xlsx, a value with
its provenance in Chinese and its versions, the prefecture's correction (a new version with a reason), and the
yearly statistics .xlsx a county sends up (planning/stats.py). Another county's value answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from zhenxing.accounts.capabilities import Capability
from zhenxing.accounts.requests import request_user
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, NotFound
from zhenxing.common.http import xlsx_response
from zhenxing.planning import freeze, selectors, services, stats
from zhenxing.planning.enums import IndicatorSource
from zhenxing.planning.views.indicators_scope import form_errors, may_manage, own_division, places_of

CORRECT_FIELDS = ("mode", "value", "reason")


def _period_rows(request: HttpRequest, pk: int) -> tuple[Any, Any, list[Any], list[dict[str, Any]]]:
    user = request_user(request)
    period = selectors.period_get(user=user, pk=pk)
    places = places_of(user)
    values = selectors.value_list_for_user(user=user, period=period)
    return user, period, places, stats.period_table(values, places)


@login_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, period, places, rows = _period_rows(request, pk)
    return render(request, "planning/indicators_period.html", {
        "period": period, "places": places, "rows": rows, "may_manage": may_manage(user), "today": clock.today(),
    })  # fmt: skip


@login_required
def period_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    user, period, places, rows = _period_rows(request, pk)
    content = stats.period_export(actor=user, period=period, rows=rows, places=places)
    return xlsx_response(content, f"{period}指标冻结值.xlsx")


def _correct_input(post: Any) -> tuple[Any, bool, str]:
    mode = str(post.get("mode", "")).strip()
    if mode == "recompute":
        return None, True, str(post.get("reason", ""))
    if mode != "value":
        raise InvalidInput(
            [ErrorDetail(("mode",), "required", "请选择填写更正后的数值，或按现有数据重新计算")]
        )
    return services.value_of(post.get("value"), label="更正后的数值"), False, str(post.get("reason", ""))


@login_required
@require_http_methods(["GET", "POST"])
def value_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    value = selectors.value_get_for_user(user=user, pk=pk)
    form: dict[str, Any] = {"values": {"mode": "value"}, "errors": {}, "all_errors": []}
    status = 200
    if request.method == "POST":
        services.require(user, Capability.MANAGE_ASSESSMENT, "只有州级可以更正冻结值")
        form["values"] = {name: str(request.POST.get(name, "")).strip() for name in CORRECT_FIELDS}
        try:
            new_value, recompute, reason = _correct_input(request.POST)
            corrected = freeze.indicator_value_correct(
                actor=user, value=value, reason=reason, new_value=new_value, recompute=recompute
            )
        except InvalidInput as error:
            form.update(form_errors(error))
            status = 422
        except Conflict as error:
            form["all_errors"], status = [error.message], 409
        else:
            messages.success(request, f"已更正为第{corrected.version}版")
            return redirect("planning:value", pk=corrected.pk)
    history = list(selectors.value_history(value=value))
    return render(request, "planning/indicators_value.html", {
        "value": value, "indicator": value.indicator, "lines": stats.provenance_lines(value), "history": history,
        "may_correct": may_manage(user) and value.is_current, "form": form,
        "computed": value.indicator.source == IndicatorSource.COMPUTED,
        "current": next((v for v in history if v.is_current), None),
    }, status=status)  # fmt: skip


@login_required
def stats_xlsx(request: HttpRequest) -> HttpResponse:
    """?year=2025&county=532926: the yearly statistics of a county in scope, or 全州 (the prefecture's code)."""
    user = request_user(request)
    year_text = str(request.GET.get("year", "")).strip()
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else clock.today().year - 1
    code = str(request.GET.get("county", "")).strip()[:12]
    chosen = next((place for place in places_of(user) if place.code == code), None)
    if code and chosen is None:
        raise NotFound("该县(市)不存在或不在您的管辖范围内")
    division = chosen or own_division(user)
    content = stats.stats_export(actor=user, year=year, division=division)
    return xlsx_response(content, f"{division.name}{year}年度统计表.xlsx")
