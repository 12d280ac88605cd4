"""The dashboard pages: thin — the place from the query (scoped), the figures from the kept counts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse

from zhenxing.accounts.requests import request_user
from zhenxing.dashboards.payload import figure_payload
from zhenxing.dashboards.selectors import dashboard_for_user, dashboard_place_for_user


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
