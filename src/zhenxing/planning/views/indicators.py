"""The plan's indicators (P12, P16): the catalogue with this year's targets and the latest frozen figures of the
user's county (or the prefecture's totals), an indicator's page with its targets per year and its frozen values,
and the reporting periods. Every planning user reads (VIEW_PLANNING, scoped); only the prefecture
(MANAGE_ASSESSMENT) sets targets, opens and freezes periods."""

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
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput
from zhenxing.divisions.models import Division
from zhenxing.planning import freeze, selectors, services, stats
from zhenxing.planning.catalogue import SHIPPED_TEMPLATE_GROUPS
from zhenxing.planning.computed.registry import COMPUTED
from zhenxing.planning.enums import IndicatorSource, PeriodKind, ValueState
from zhenxing.planning.models import Indicator, IndicatorTarget, IndicatorValue
from zhenxing.planning.views.indicators_scope import (
    counties_in_scope,
    form_errors,
    may_manage,
    own_division,
    places_of,
)

OTHER_GROUP = "其他指标"
FIELDS_SHOWN = ("code", "name", "unit", "direction", "baseline", "level", "department", "sector", "period",
                "source", "source_note", "aggregation", "plan_text", "active")  # fmt: skip


def _latest_values(division: Division, indicators: list[Indicator]) -> dict[int, IndicatorValue]:
    """Indicator id → the division's current value of the latest frozen period."""
    rows = (
        IndicatorValue.objects.filter(division=division, is_current=True, indicator__in=indicators)
        .select_related("period")
        .order_by("-period__ends_on", "-period__kind")
    )
    latest: dict[int, IndicatorValue] = {}
    for value in rows:
        latest.setdefault(value.indicator_id, value)
    return latest


def _badges(indicator: Indicator, value: IndicatorValue | None, target: Any) -> list[tuple[str, str]]:
    if value is None:
        return [("muted", "尚无冻结值")]
    if value.state != ValueState.VALUE:
        return [("warn" if value.state != ValueState.NO_DATA else "muted", value.get_state_display())]
    result = stats.achievement(value, target, indicator.direction)
    if result == "达到目标":
        return [("ok", result)]
    if result == "未达到目标":
        return [("warn", result)]
    return []


def _groups(rows: list[dict[str, Any]], by: str) -> list[tuple[str, list[dict[str, Any]]]]:
    if by == "source":
        return [
            (label, [r for r in rows if r["indicator"].source == key])
            for key, label in IndicatorSource.choices
            if any(r["indicator"].source == key for r in rows)
        ]
    placed: set[str] = set()
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    by_code = {r["indicator"].code: r for r in rows}
    for heading, codes in SHIPPED_TEMPLATE_GROUPS:
        members = [by_code[c] for c in codes if c in by_code]
        placed.update(codes)
        if members:
            groups.append((heading, members))
    rest = [r for r in rows if r["indicator"].code not in placed]
    if rest:
        groups.append((OTHER_GROUP, rest))
    return groups


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    indicators = selectors.indicator_list(user=user)
    chosen = {name: str(request.GET.get(name, "")).strip()[:20] for name in ("source", "period", "group")}
    if chosen["source"] in IndicatorSource.values:
        indicators = indicators.filter(source=chosen["source"])
    if chosen["period"] in PeriodKind.values:
        indicators = indicators.filter(period=chosen["period"])
    listed = list(indicators)
    division, year = own_division(user), clock.today().year
    targets = stats.targets_for(year, division)
    latest = _latest_values(division, listed)
    by_year: dict[int, dict[int, Any]] = {year: targets}
    rows = []
    for indicator in listed:
        value, target = latest.get(indicator.pk), targets.get(indicator.pk)
        # a value is measured against the target of its own period's year
        if value is not None and value.period.year not in by_year:
            by_year[value.period.year] = stats.targets_for(value.period.year, division)
        against = by_year[value.period.year].get(indicator.pk) if value is not None else None
        rows.append({
            "indicator": indicator, "target": target, "value": value, "badges": _badges(indicator, value, against),
            "definition": stats.definition_of(indicator) if indicator.source == IndicatorSource.COMPUTED else "",
        })  # fmt: skip
    return render(request, "planning/indicators_list.html", {
        "groups": _groups(rows, chosen["group"]), "chosen": chosen, "division": division, "year": year,
        "sources": IndicatorSource.choices, "kinds": PeriodKind.choices, "count": len(rows),
        "may_manage": may_manage(user), "places": places_of(user),
    })  # fmt: skip


def _target_table(indicator: Indicator, places: list[Division]) -> list[dict[str, Any]]:
    """Per year: the prefecture's total and each county's split (of the counties in scope)."""
    targets = IndicatorTarget.objects.filter(indicator=indicator).select_related("county")
    by_year: dict[int, dict[str, IndicatorTarget]] = {}
    for target in targets:
        by_year.setdefault(target.year, {})[target.county.code if target.county else ""] = target
    return [
        {"year": year, "total": row.get(""), "splits": [(county, row.get(county.code)) for county in places]}
        for year, row in sorted(by_year.items())
    ]


TARGET_FIELDS = ("year", "county", "value", "note")


def _target_input(user: Any, post: Any) -> tuple[int, Division | None, Any, str]:
    problems: list[ErrorDetail] = []
    year_text = str(post.get("year", "")).strip()
    if not (year_text.isdigit() and len(year_text) == 4):
        problems.append(ErrorDetail(("year",), "year", "请填写四位数的年度，如 2026"))
    county_code = str(post.get("county", "")).strip()
    county = None
    if county_code:
        county = next((c for c in counties_in_scope(user) if c.code == county_code), None)
        if county is None:
            problems.append(ErrorDetail(("county",), "unknown", "请选择全州或一个县(市)"))
    try:
        value = services.value_of(post.get("value"), label="目标值")
    except InvalidInput as error:
        problems += error.errors()
        value = None
    if problems:
        raise InvalidInput(problems)
    return int(year_text), county, value, str(post.get("note", "")).strip()


@login_required
@require_http_methods(["GET", "POST"])
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    indicator = selectors.indicator_get(user=user, code=code)
    form: dict[str, Any] = {"values": {"year": str(clock.today().year)}, "errors": {}, "all_errors": []}
    status = 200
    if request.method == "POST":
        services.require(user, Capability.MANAGE_ASSESSMENT, "只有州级可以下达指标目标")
        form["values"] = {name: str(request.POST.get(name, "")).strip() for name in TARGET_FIELDS}
        try:
            year, county, value, note = _target_input(user, request.POST)
            services.indicator_target_set(actor=user, indicator=indicator, year=year, county=county, value=value,
                                          note=note)  # fmt: skip
        except InvalidInput as error:
            form.update(form_errors(error))
            status = 422
        else:
            messages.success(request, f"已保存{county.name if county else '全州'}{year}年目标：{value}")
            return redirect("planning:indicator", code=indicator.code)
    counties = counties_in_scope(user)
    values = (
        selectors.value_list_for_user(user=user)
        .filter(indicator=indicator)
        .order_by("-period__ends_on", "division__code")
    )
    fields = [(_label(name), _shown(indicator, name)) for name in FIELDS_SHOWN]
    selector = COMPUTED.get(indicator.selector) if indicator.selector else None
    return render(request, "planning/indicators_detail.html", {
        "indicator": indicator, "fields": fields, "selector": selector, "counties": counties,
        "targets": _target_table(indicator, counties), "values": values[:500], "form": form,
        "may_manage": may_manage(user),
        "definition": stats.definition_of(indicator) if indicator.selector else "",
    }, status=status)  # fmt: skip


def _label(name: str) -> str:
    return str(getattr(Indicator._meta.get_field(name), "verbose_name", name))


def _shown(indicator: Indicator, name: str) -> Any:
    if name in ("direction", "level", "period", "source", "aggregation"):
        return getattr(indicator, f"get_{name}_display")()
    if name == "sector":
        return indicator.sector.name if indicator.sector else "—"
    if name == "active":
        return "是" if indicator.active else "否"
    shown = getattr(indicator, name)
    return "—" if shown in (None, "") else shown


# periods

PERIOD_FIELDS = ("kind", "year", "number")
PERIOD_NUMBERS: dict[str, tuple[int, int, str]] = {
    PeriodKind.MONTH: (1, 12, "月份应为1-12"),
    PeriodKind.QUARTER: (1, 4, "季度应为1-4"),
    PeriodKind.YEAR: (0, 0, "年度统计期的序号为0（留空即可）"),
}


def _period_input(post: Any) -> tuple[str, int, int]:
    problems: list[ErrorDetail] = []
    kind = str(post.get("kind", "")).strip()
    if kind not in PeriodKind.values:
        problems.append(ErrorDetail(("kind",), "invalid", "请选择统计周期"))
    year_text, number_text = str(post.get("year", "")).strip(), str(post.get("number", "")).strip() or "0"
    if not (year_text.isdigit() and len(year_text) == 4 and 2021 <= int(year_text) <= 2100):
        problems.append(ErrorDetail(("year",), "year", "请填写2021年以后的四位数年度"))
    low, high, message = PERIOD_NUMBERS.get(kind, (0, 12, "请先选择统计周期"))
    if not number_text.isdigit() or not low <= int(number_text) <= high:
        problems.append(ErrorDetail(("number",), "range", message))
    if problems:
        raise InvalidInput(problems)
    return kind, int(year_text), int(number_text)


@login_required
@require_http_methods(["GET", "POST"])
def period_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    periods = selectors.period_list(user=user)
    form: dict[str, Any] = {"values": {"kind": PeriodKind.MONTH, "year": str(clock.today().year)}, "errors": {},
                            "all_errors": []}  # fmt: skip
    freeze_error, status = "", 200
    if request.method == "POST":
        services.require(user, Capability.MANAGE_ASSESSMENT, "只有州级可以新建和冻结统计期")
        if request.POST.get("action") == "freeze":
            period = selectors.period_get(user=user, pk=_int(request.POST.get("period")))
            try:
                written = freeze.period_freeze(
                    period=period, actor=user, early_reason=str(request.POST.get("early_reason", ""))[:200]
                )
            except Conflict as error:
                freeze_error, status = error.message, 409
            else:
                messages.success(request, f"{period}已冻结，共{written}个数值")
                return redirect("planning:period", pk=period.pk)
        else:
            form["values"] = {name: str(request.POST.get(name, "")).strip() for name in PERIOD_FIELDS}
            try:
                kind, year, number = _period_input(request.POST)
                period = freeze.period_ensure(kind=kind, year=year, number=number, actor=user)
            except InvalidInput as error:
                form.update(form_errors(error))
                status = 422
            except Conflict as error:
                form["all_errors"], status = [error.message], 409
            else:
                messages.success(request, f"统计期{period}：报送期限{period.deadline:%Y-%m-%d}")
                return redirect("planning:periods")
    return render(request, "planning/indicators_periods.html", {
        "periods": periods[:200], "form": form, "kinds": PeriodKind.choices, "may_manage": may_manage(user),
        "today": clock.today(), "freeze_error": freeze_error,
    }, status=status)  # fmt: skip


def _int(raw: object) -> int:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else 0
