"""The watch pages of the linkage funds (P14): /funds/progress/ — a county's 支出进度, warnings and industry share,
or for the prefecture every county's row and the per-脱贫-person comparison — and /funds/progress/<county>/,
one county's page for the prefecture (a county user: only its own). Thin: scope, compute (funds.watch), render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhenxing.accounts.capabilities import Capability
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import require_capability
from zhenxing.common import clock
from zhenxing.divisions.models import Division
from zhenxing.funds import watch
from zhenxing.funds.selectors import counties_for_user, county_get_for_user

NO_FUNDS = "您的角色不能查看衔接资金"


def _year(request: HttpRequest, counties: list[Division]) -> tuple[int, list[int]]:
    today = clock.today()
    years = watch.allocation_years([c.pk for c in counties])
    year = watch.chosen_year(request.GET.get("year", ""), years, today)
    shown = sorted({*years, year, today.year}, reverse=True)  # the select offers this year even when empty
    return year, shown


def _county_page(request: HttpRequest, user: User, county: Division) -> HttpResponse:
    year, years = _year(request, [county])
    result = watch.county_watch(county, year, today=clock.today())
    return render(
        request, "funds/watch/county.html",
        {"w": result, "year": year, "years": years, "prefecture": not watch.is_county_user(user)},
    )  # fmt: skip


@login_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    """A county user's own county page; the prefecture's table of its counties and the per-person comparison."""
    user = require_capability(request, Capability.VIEW_FUNDS, NO_FUNDS)
    counties = list(counties_for_user(user))
    if watch.is_county_user(user) and counties:
        return _county_page(request, user, counties[0])
    year, years = _year(request, counties)
    today = clock.today()
    rows = watch.prefecture_rows(counties, year, today=today)
    return render(
        request, "funds/watch/prefecture.html",
        {
            "rows": rows, "total": watch.prefecture_total(rows), "year": year, "years": years, "schedule": watch.schedule_of(year, today=today),
            "share_rule": watch.share_rule(year), "groups": watch.per_person_groups(counties, year),
            "behind_count": sum(1 for r in rows if r.behind),
        },
    )  # fmt: skip


@login_required
@require_GET
def county_progress(request: HttpRequest, code: str) -> HttpResponse:
    """One county's page, in the user's jurisdiction only (another county's code: 404)."""
    user = require_capability(request, Capability.VIEW_FUNDS, NO_FUNDS)
    return _county_page(request, user, county_get_for_user(user=user, code=code))
