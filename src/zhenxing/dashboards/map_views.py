"""The county map: a figure's measure by county, drawn on the tiles or the configured boundaries, with its table
(the screen reader's view) and its .xlsx — the three from the same rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from zhenxing.accounts.requests import request_user
from zhenxing.common.errors import NotFound
from zhenxing.common.http import xlsx_response
from zhenxing.dashboards import county_map as geometry
from zhenxing.dashboards.figures.base import Figure, Measure
from zhenxing.dashboards.selectors import (
    county_map_for_user,
    figure_get_for_user,
    figures_for_user,
    require_dashboards,
)

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def _chosen(request: HttpRequest, user: User) -> tuple[list[Figure], Figure, Measure]:
    """The figure and measure asked for (the first figure's map measure by default; a measure the figure does not
    have falls back to its map measure, as when the form's two lists were changed separately)."""
    require_dashboards(user)
    place = geometry.prefecture()
    figures = figures_for_user(user=user, place=place)
    if not figures:
        raise NotFound("没有可以显示的图表")
    key = request.GET.get("figure", "").strip()
    figure = figure_get_for_user(user=user, place=place, key=key) if key else figures[0]
    measure = figure.measure(request.GET.get("measure", "").strip()) or figure.measure(figure.map_key)
    assert measure is not None
    return figures, figure, measure


@login_required
def county_map(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    figures, figure, measure = _chosen(request, user)
    run, counties = county_map_for_user(user=user, figure=figure, measure_key=measure.key)
    rows = geometry.map_rows(counties)
    shape = geometry.county_geometry()
    data: dict[str, Any] = {
        "geometry_url": reverse("dashboards:map_geometry"),
        "aspect": geometry.ASPECT,
        "kind": shape.kind,
        "figure": figure.key,
        "measure": measure.key,
        "label": measure.label,
        "unit": measure.unit,
        "title": f"{figure.title} · {measure.label}",
        "rows": rows,
    }
    return render(
        request,
        "dashboards/map.html",
        {
            "dashboards_url": geometry.dashboards_url(),
            "figures": figures,
            "figure": figure,
            "measure": measure,
            "value_label": geometry.value_label(measure),
            "rows": rows,
            "run": run,
            "shape": shape,
            "map_data": data,
            "query": f"figure={figure.key}&measure={measure.key}",
            "out_of_scope": sum(1 for row in rows if not row["in_scope"]),
        },
    )


@login_required
def county_map_geometry(request: HttpRequest) -> HttpResponse:
    """The tiles or the configured boundaries, as GeoJSON (the same for every reader: no numbers in it)."""
    require_dashboards(request_user(request))
    response = JsonResponse(geometry.county_geometry().geojson, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def county_map_xlsx(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _, figure, measure = _chosen(request, user)
    run, counties = county_map_for_user(user=user, figure=figure, measure_key=measure.key)
    content = geometry.county_map_export(
        actor=user, run=run, figure=figure, measure=measure, counties=counties
    )
    return xlsx_response(content, f"{figure.title}-{measure.label}-各县市.xlsx")
