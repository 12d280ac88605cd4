"""The county map (built by the map's own change)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from zhenxing.accounts.requests import request_user
from zhenxing.dashboards.selectors import require_dashboards


@login_required
def county_map(request: HttpRequest) -> HttpResponse:
    require_dashboards(request_user(request))
    return HttpResponse("")
