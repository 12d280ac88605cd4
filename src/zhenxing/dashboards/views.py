"""The dashboard pages: thin — the place from the query (scoped), the figures from the kept counts, one payload
per figure that the chart, the table view and the .xlsx all read."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from zhenxing.accounts.requests import request_user
from zhenxing.common.http import xlsx_response
from zhenxing.dashboards.export import figure_export
from zhenxing.dashboards.payload import figure_payload, payload_table
from zhenxing.dashboards.selectors import (
    breadcrumbs_for_user,
    current_run,
    dashboard_for_user,
    dashboard_place_for_user,
    figure_data,
    figure_get_for_user,
)
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division

# a place whose children have dashboards of their own (a village has no children to draw)
DRILLABLE = (DivisionLevel.PREFECTURE, DivisionLevel.COUNTY)
CHILDREN_LABELS: dict[str, str] = {
    DivisionLevel.PREFECTURE: "县(市)",
    DivisionLevel.COUNTY: "乡镇(街道)",
    DivisionLevel.TOWNSHIP: "村(社区)",
}


def _frame(request: HttpRequest, place: Division) -> dict[str, Any]:
    user = request_user(request)
    return {
        "place": place,
        "crumbs": breadcrumbs_for_user(user=user, place=place),
        "drill_places": place.level in DRILLABLE,
        "children_label": CHILDREN_LABELS.get(str(place.level), "下级"),
    }


@login_required
def dashboard_home(request: HttpRequest) -> HttpResponse:
    """Every figure the user sees at the place: a card with its chart, its 口径 and its table and download."""
    user = request_user(request)
    place = dashboard_place_for_user(user=user, code=request.GET.get("place", ""))
    run, figures = dashboard_for_user(user=user, place=place)
    payloads = [figure_payload(data) for data in figures] if run else []
    context = _frame(request, place)
    context.update(
        run=run,
        payloads=payloads,
        script_data={
            "figures": payloads,
            "drill_places": context["drill_places"],
            "home": reverse("dashboards:home"),
        },
    )
    return render(request, "dashboards/dashboard.html", context)


@login_required
def figure_table(request: HttpRequest, key: str) -> HttpResponse:
    """One figure's numbers as tables (by place, and over time): the view without script, for screen readers."""
    user = request_user(request)
    place = dashboard_place_for_user(user=user, code=request.GET.get("place", ""))
    figure = figure_get_for_user(user=user, place=place, key=key)
    run = current_run()
    payload = figure_payload(figure_data(run=run, figure=figure, place=place))
    context = _frame(request, place)
    context.update(
        run=run, payload=payload, table=payload_table(payload, drill_places=context["drill_places"])
    )
    return render(request, "dashboards/figure.html", context)


@login_required
def figure_xlsx(request: HttpRequest, key: str) -> HttpResponse:
    user = request_user(request)
    place = dashboard_place_for_user(user=user, code=request.GET.get("place", ""))
    figure = figure_get_for_user(user=user, place=place, key=key)
    run = current_run()
    data = figure_data(run=run, figure=figure, place=place)
    content = figure_export(actor=user, run=run, data=data)
    return xlsx_response(content, f"{figure.title}_{place.name}.xlsx")


@login_required
def dashboard_data(request: HttpRequest) -> HttpResponse:
    """Every figure the user sees at the place, as the page's script reads them."""
    user = request_user(request)
    place = dashboard_place_for_user(user=user, code=request.GET.get("place", ""))
    run, figures = dashboard_for_user(user=user, place=place)
    return JsonResponse(
        {
            "as_of": run.as_of.isoformat() if run else None,
            "refreshed_at": run.finished_at.isoformat() if run else None,
            "place": {"code": place.code, "name": place.name, "level": place.level},
            "figures": [figure_payload(data) for data in figures],
        },
        json_dumps_params={"ensure_ascii": False},
    )
