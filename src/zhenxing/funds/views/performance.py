"""绩效评价 pages (P14): the prefecture's ranking of its counties (a factor of next year's allocation, not money),
a county's evaluation with every indicator explained down to its projects, and the .xlsx reports of a county and
of a project. Each view: parse, fetch through a scoped selector, read or call one export, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from zhenxing.accounts.capabilities import Capability
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import require_capability
from zhenxing.common import clock
from zhenxing.common.errors import not_found
from zhenxing.common.http import xlsx_response
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.funds import performance, performance_xlsx
from zhenxing.funds.selectors import counties_for_user, county_get_for_user, project_for_funds
from zhenxing.policy.rules import performance as rules
from zhenxing.policy.selectors import ParameterMissing

REFUSAL = "您的角色不能查看衔接资金"


def _viewer(request: HttpRequest) -> User:
    return require_capability(request, Capability.VIEW_FUNDS, REFUSAL)


def _year(raw: str | None) -> int:
    """?year=, a budget year of the 衔接 period up to next year; anything else: this year."""
    this_year = clock.today().year
    try:
        year = int(raw or "")
    except ValueError:
        return this_year
    return year if performance.budget_year_known(year) else this_year


def _years() -> list[int]:
    return list(range(clock.today().year, performance.FIRST_YEAR - 1, -1))


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The prefecture: its counties ranked; a county's user goes to its own county's evaluation."""
    user = _viewer(request)
    year = _year(request.GET.get("year"))
    counties = list(counties_for_user(user))
    if len(counties) == 1:
        return redirect("funds:performance_county", code=counties[0].code, year=year)
    try:
        ranking = performance.places(performance.evaluate_counties(counties, year))
        missing = False
    except ParameterMissing:
        ranking, missing = [], True
    return render(
        request, "funds/performance/overview.html",
        {"year": year, "years": _years(), "ranking": ranking, "missing": missing,
         "indicators": ranking[0].evaluation.indicators if ranking else [],
         "citation": ranking[0].evaluation.citation if ranking else None,
         "unranked_reasons": sorted({p.evaluation.unscored_reason for p in ranking if p.rank is None}),
         "rescaled_mark": performance.RESCALED_MARK, "factor": performance.ALLOCATION_FACTOR},
    )  # fmt: skip


@login_required
@require_GET
def ranking_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    """The prefecture's ranking as .xlsx: a prefecture-level jurisdiction only; a county's user (whose scope is
    one county, not the prefecture ranked here) is answered 404 like any other object outside its scope."""
    user = _viewer(request)
    prefecture = user.jurisdiction
    if (
        prefecture is None
        or prefecture.level != DivisionLevel.PREFECTURE
        or not performance.budget_year_known(year)
    ):
        raise not_found()
    try:
        content = performance_xlsx.ranking_report(
            actor=user, prefecture=prefecture, counties=list(counties_for_user(user)), budget_year=year
        )
    except ParameterMissing:
        raise not_found() from None
    return xlsx_response(content, f"{year}年度衔接资金绩效评价排名.xlsx")


@login_required
@require_GET
def county(request: HttpRequest, code: str, year: int) -> HttpResponse:
    user = _viewer(request)
    chosen = county_get_for_user(user=user, code=code)
    if not performance.budget_year_known(year):
        raise not_found()
    chosen_year = request.GET.get("year")
    if chosen_year is not None:  # the year switcher (a plain GET form: no script) goes to that year's page
        return redirect("funds:performance_county", code=chosen.code, year=_year(chosen_year))
    try:
        evaluation = performance.county_evaluation(chosen, year)
    except ParameterMissing:
        evaluation = None
    return render(
        request, "funds/performance/county.html",
        {"county": chosen, "year": year, "years": _years(), "evaluation": evaluation,
         "factor": performance.ALLOCATION_FACTOR, "many_counties": counties_for_user(user).count() > 1,
         "grade_bands": rules.GRADE_BANDS, "fail_grade": rules.FAIL_GRADE, "rescaled_mark": performance.RESCALED_MARK},
    )  # fmt: skip


@login_required
@require_GET
def county_xlsx(request: HttpRequest, code: str, year: int) -> HttpResponse:
    user = _viewer(request)
    chosen = county_get_for_user(user=user, code=code)
    if not performance.budget_year_known(year):
        raise not_found()
    try:
        _, content = performance_xlsx.county_report(actor=user, county=chosen, budget_year=year)
    except ParameterMissing:
        raise not_found() from None
    return xlsx_response(content, f"{chosen.name}{year}年度衔接资金绩效评价.xlsx")


@login_required
@require_GET
def project_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    user = _viewer(request)
    project = project_for_funds(user=user, pk=pk)
    content = performance_xlsx.project_report(actor=user, project=project)
    return xlsx_response(content, f"{project.code}绩效评价.xlsx")
