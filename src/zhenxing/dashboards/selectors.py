"""What a reader may see of the kept counts: the place they ask for (their jurisdiction by default; any place
inside their scope), its children's numbers and its own total, figure by figure — read from the current run's
stored rows only."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.scoping import scope_prefixes
from zhenxing.common.errors import NotFound, PermissionDenied
from zhenxing.dashboards.catalogue import figures_in_order
from zhenxing.dashboards.figures.base import Figure
from zhenxing.dashboards.models import Aggregate, AggregateRun
from zhenxing.divisions.codes import PREFECTURE_CODE, ancestors_of, covers, is_division_code
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

Values = dict[str, Decimal]  # series → value


@dataclass(frozen=True)
class PlaceValues:
    code: str
    name: str
    values: Values  # the stored series
    measures: dict[str, Decimal | None]  # what the chart draws


@dataclass(frozen=True)
class FigureData:
    figure: Figure
    place: Division
    children: list[PlaceValues]  # the place's children, by code
    total: PlaceValues  # the place itself
    periods: list[str]  # a periodic figure's periods, oldest first ([] otherwise)
    over_time: list[PlaceValues]  # the place's total per period (code = the period)
    window: list[str]  # the periods the by-place numbers cover ([] for a figure as of the run)
    as_of: datetime.date | None = None  # the run's day (None: nothing counted yet)


def require_dashboards(user: User) -> None:
    if not has_capability(user, Capability.VIEW_DASHBOARDS):
        raise PermissionDenied("您的角色不能查看图表与地图")


def current_run() -> AggregateRun | None:
    return AggregateRun.objects.order_by("-finished_at", "-pk").first()


def dashboard_place_for_user(*, user: User, code: str = "") -> Division:
    """The place a dashboard is drawn for: `code` when it lies in the user's scope, else the user's own top."""
    require_dashboards(user)
    prefixes = scope_prefixes(user)
    if not prefixes:
        raise PermissionDenied("您没有管辖范围，不能查看图表")
    chosen = code.strip() if code else ""
    if chosen and not is_division_code(chosen):
        raise NotFound("没有这个区划")
    if chosen and not any(covers(prefix, chosen) for prefix in prefixes):
        raise NotFound("这个区划不在您的管辖范围内")
    own = user.jurisdiction.code if user.jurisdiction is not None else ""
    default = own if own and any(covers(prefix, own) for prefix in prefixes) else prefixes[0]
    place = Division.objects.filter(code=chosen or default).first()
    if place is None:
        raise NotFound("没有这个区划")
    return place


def figures_for_user(*, user: User, place: Division) -> list[Figure]:
    """The figures the user sees at a place: a county-level figure (money, indicators, assessments) is drawn
    for the prefecture and a county, not below (a township has no such numbers of its own)."""
    shown = []
    for figure in figures_in_order():
        if figure.capability and not has_capability(user, Capability(figure.capability)):
            continue
        if figure.level == "county" and place.level not in (DivisionLevel.PREFECTURE, DivisionLevel.COUNTY):
            continue
        shown.append(figure)
    return shown


def figure_get_for_user(*, user: User, place: Division, key: str) -> Figure:
    figure = next((f for f in figures_for_user(user=user, place=place) if f.key == key), None)
    if figure is None:
        raise NotFound("没有这个图表")
    return figure


def _place_values(figure: Figure, code: str, name: str, values: Values) -> PlaceValues:
    return PlaceValues(code, name, values, {m.key: m.of(values) for m in figure.all_measures})


def children_of(place: Division) -> list[tuple[str, str]]:
    """The place's children (code, name), by code: read once per page and shared by every figure."""
    return list(Division.objects.filter(parent=place).order_by("code").values_list("code", "name"))


def breadcrumbs_for_user(*, user: User, place: Division) -> list[Division]:
    """The places above `place` the user may open, outermost first (from their own top down), in one query."""
    prefixes = scope_prefixes(user)
    above = [code for code in ancestors_of(place.code) if any(covers(prefix, code) for prefix in prefixes)]
    return list(Division.objects.filter(code__in=above).order_by("code"))


def _periods_anywhere(run: AggregateRun) -> dict[str, set[str]]:
    """Each periodic figure's periods in the run (the prefecture has a row for every one)."""
    found: dict[str, set[str]] = defaultdict(set)
    rows = Aggregate.objects.filter(run=run, code=PREFECTURE_CODE).exclude(period="")
    for key, period in rows.values_list("figure", "period").distinct():
        found[key].add(period)
    return found


def figure_data(
    *,
    run: AggregateRun | None,
    figure: Figure,
    place: Division,
    children: list[tuple[str, str]] | None = None,
    periods_anywhere: dict[str, set[str]] | None = None,
) -> FigureData:
    rows = (
        []
        if run is None
        else list(
            Aggregate.objects.filter(run=run, figure=figure.key)
            .filter(parent=place.code)
            .values_list("code", "series", "period", "value")
            .union(
                Aggregate.objects.filter(run=run, figure=figure.key, code=place.code).values_list(
                    "code", "series", "period", "value"
                ),
                all=True,
            )
        )
    )
    periods = sorted({period for _, _, period, _ in rows if period}) if figure.periodic else []
    if figure.periodic and run is not None and place.code != PREFECTURE_CODE:
        # every period the figure has anywhere (a month with nothing in this county is still a month on its line,
        # and the by-place window is the calendar's last months, not this place's last months with records)
        anywhere = (_periods_anywhere(run) if periods_anywhere is None else periods_anywhere).get(
            figure.key, set()
        )
        periods = sorted(set(periods) | anywhere)
    window = periods[-figure.place_periods :] if periods else []
    by_code: dict[str, Values] = defaultdict(lambda: defaultdict(Decimal))
    by_period: dict[str, Values] = defaultdict(lambda: defaultdict(Decimal))
    for code, series, period, value in rows:
        if not figure.periodic or period in window:
            by_code[code][series] += value
        if figure.periodic and code == place.code:
            by_period[period][series] += value
    if children is None:
        children = children_of(place)
    if figure.level == "county" and place.level == DivisionLevel.COUNTY:
        children = []  # a county-level figure has no township rows: the county's own total is the figure
    return FigureData(
        figure=figure,
        place=place,
        children=[_place_values(figure, code, name, dict(by_code.get(code, {}))) for code, name in children],
        total=_place_values(figure, place.code, place.name, dict(by_code.get(place.code, {}))),
        periods=periods,
        over_time=[_place_values(figure, p, p, dict(by_period.get(p, {}))) for p in periods],
        window=window,
        as_of=run.as_of if run is not None else None,
    )


def dashboard_for_user(*, user: User, place: Division) -> tuple[AggregateRun | None, list[FigureData]]:
    run = current_run()
    children = children_of(place)
    anywhere = _periods_anywhere(run) if run is not None and place.code != PREFECTURE_CODE else {}
    return run, [
        figure_data(run=run, figure=f, place=place, children=children, periods_anywhere=anywhere)
        for f in figures_for_user(user=user, place=place)
    ]


@dataclass(frozen=True)
class MapCounty:
    code: str
    name: str
    value: Decimal | None  # None: no number (out of the reader's scope, or a rate over nothing)
    in_scope: bool


def county_map_for_user(
    *, user: User, figure: Figure, measure_key: str
) -> tuple[AggregateRun | None, list[MapCounty]]:
    """The 12 counties with the measure's value for those in the user's scope (the others drawn blank)."""
    require_dashboards(user)
    measure = figure.measure(measure_key) or figure.measure(figure.map_key)
    assert measure is not None
    prefixes = scope_prefixes(user)
    prefecture = Division.objects.get(code=PREFECTURE_CODE)
    run = current_run()
    data = figure_data(run=run, figure=figure, place=prefecture)
    counties = []
    for child in data.children:
        visible = any(covers(prefix, child.code) for prefix in prefixes)
        counties.append(
            MapCounty(child.code, child.name, child.measures[measure.key] if visible else None, visible)
        )
    return run, counties
