"""The county's oversight pages of the asset register (P15): /assets/oversight/ (the user's own county, or for
the prefecture a table of its counties), a county's summary and its three lists — data quality, 责任清单, idle
and under-used assets — each with its .xlsx (audited). Thin: scope (oversight.county_for_user → 404 outside
it), read, render. A township or village user sees its own county's page restricted to its own scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from zhenxing.accounts.capabilities import Capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.requests import require_capability
from zhenxing.assets import oversight
from zhenxing.assets.enums import AssetStatus
from zhenxing.common.http import xlsx_response

NO_ASSETS = "您的角色不能查看项目资产"


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """No key: a county-level (or lower) user goes to its own county; the prefecture sees its 12 counties."""
    user = require_capability(request, Capability.VIEW_ASSETS, NO_ASSETS)
    counties = oversight.counties_for_user(user=user)
    if user.role != Role.PREFECTURE and len(counties) == 1:
        return redirect("assets:county", code=counties[0].code)
    rows = oversight.counties_overview(user=user)
    return render(request, "assets/county/overview.html", {"rows": rows})


@login_required
@require_GET
def county(request: HttpRequest, code: str) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_ASSETS, NO_ASSETS)
    summary = oversight.county_summary(user=user, county_code=code)
    return render(
        request, "assets/county/summary.html",
        {"s": summary, "statuses": list(AssetStatus), "prefecture": user.role == Role.PREFECTURE},
    )  # fmt: skip


@login_required
@require_GET
def quality(request: HttpRequest, code: str) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_ASSETS, NO_ASSETS)
    county = oversight.county_for_user(user=user, county_code=code)
    rows = oversight.data_quality(user=user, county_code=county.code)
    return render(request, "assets/county/quality.html", {"county": county, "rows": rows})


@login_required
@require_GET
def responsibility(request: HttpRequest, code: str) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_ASSETS, NO_ASSETS)
    found = oversight.responsibility_list(user=user, county_code=code)
    return render(request, "assets/county/responsibility.html", {"county": found.county, "r": found})


@login_required
@require_GET
def idle(request: HttpRequest, code: str) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_ASSETS, NO_ASSETS)
    county = oversight.county_for_user(user=user, county_code=code)
    rows = oversight.idle_list(user=user, county_code=county.code)
    return render(request, "assets/county/idle.html", {"county": county, "rows": rows})


@login_required
@require_GET
def quality_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_ASSETS, NO_ASSETS)
    county, content = oversight.quality_export(actor=user, county_code=code)
    return xlsx_response(content, f"{county.name}项目资产数据质量问题清单.xlsx")


@login_required
@require_GET
def idle_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_ASSETS, NO_ASSETS)
    county, content = oversight.idle_export(actor=user, county_code=code)
    return xlsx_response(content, f"{county.name}闲置低效项目资产清单.xlsx")


@login_required
@require_GET
def responsibility_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_ASSETS, NO_ASSETS)
    county, content = oversight.responsibility_export(actor=user, county_code=code)
    return xlsx_response(content, f"{county.name}项目资产管护责任清单.xlsx")
