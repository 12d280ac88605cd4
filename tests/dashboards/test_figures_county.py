"""The figures of money, assets, the plan's indicators and the assessment (issue 21): each county's numbers on the
prefecture's dashboard equal an independent SQL count written from the figure's 口径 (or, where the 口径 is the
funds app's own function, that function and raw SQL for its sums), and a drill link opens the county's records."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.dashboards.world import TODAY, dashboard_world
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.dashboards.figures import assets as _assets  # noqa: F401  (registers the figures before the refresh)
from zhenxing.dashboards.figures import funds as _funds  # noqa: F401
from zhenxing.dashboards.figures import planning as _planning  # noqa: F401
from zhenxing.dashboards.payload import figure_payload
from zhenxing.dashboards.refresh import aggregates_refresh
from zhenxing.dashboards.selectors import FigureData, dashboard_for_user, dashboard_place_for_user
from zhenxing.divisions.models import Division
from zhenxing.funds.watch import industry_shares
from zhenxing.planning import services as planning_services
from zhenxing.planning.models import Supervision
from zhenxing.synth.assets import synthetic_assets_generate

pytestmark = pytest.mark.django_db

HELD = ("registered", "owned", "handed_over")
ONE = Decimal("0.1")


def _rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def _rate(top: Any, bottom: Any) -> Decimal | None:
    return (Decimal(top) * 100 / Decimal(bottom)).quantize(ONE) if bottom else None


def _world() -> tuple[User, dict[str, FigureData]]:
    """The dashboard world with the asset register and the collective incomes, one open 督办 task, counted."""
    dashboard_world()
    synthetic_assets_generate(seed=43)
    prefecture = make_user(Role.PREFECTURE, "5329", username="f_zhou")
    supervision = Supervision.objects.select_related("county").order_by("county__code").first()
    assert supervision is not None  # the world grades two counties 一般
    planning_services.task_add(
        actor=prefecture, supervision=supervision, title="整改监测帮扶责任落实", detail="",
        owner="县乡村振兴局", owner_person="张三", due_on=TODAY + datetime.timedelta(days=30),
    )  # fmt: skip
    aggregates_refresh(actor=None, as_of=TODAY)
    place = dashboard_place_for_user(user=prefecture, code="")
    _, figures = dashboard_for_user(user=prefecture, place=place)
    return prefecture, {f.figure.key: f for f in figures}


def _check_funds(data: FigureData) -> None:
    # the year: the latest budget year with an allocation line up to the run's year
    (year,) = _rows(
        """SELECT MAX(a.budget_year) FROM funds_allocationline l JOIN funds_allocation a ON a.id = l.allocation_id
           WHERE a.budget_year <= %s""",
        [TODAY.year],
    )[0]
    assert data.window == [str(year)]
    allocated = dict(
        _rows(
            """SELECT c.code, SUM(l.amount_fen) FROM funds_allocationline l
               JOIN funds_allocation a ON a.id = l.allocation_id JOIN divisions_division c ON c.id = l.county_id
               WHERE a.budget_year = %s GROUP BY c.code""",
            [year],
        )
    )
    paid = dict(
        _rows(
            """SELECT c.code, SUM(p.amount_fen) FROM funds_payment p JOIN divisions_division c ON c.id = p.county_id
               WHERE p.budget_year = %s GROUP BY c.code""",
            [year],
        )
    )
    counties = dict(Division.objects.filter(level="county").values_list("code", "pk"))
    shares = industry_shares(list(counties.values()), year)  # the 口径 of the industry share is this function
    rule = next(iter(shares.values())).rule
    assert rule.configured and rule.sources
    marks = ", ".join(["%s"] * len(rule.sources))
    base = dict(
        _rows(
            f"""SELECT c.code, SUM(l.amount_fen) FROM funds_allocationline l
                JOIN funds_allocation a ON a.id = l.allocation_id JOIN divisions_division c ON c.id = l.county_id
                WHERE a.budget_year = %s AND l.source IN ({marks}) GROUP BY c.code""",  # noqa: S608 (placeholders only)
            [year, *rule.sources],
        )
    )
    split_sql = f"""FROM funds_split s JOIN funds_allocationline l ON l.id = s.line_id
                    JOIN funds_allocation a ON a.id = l.allocation_id JOIN projects_project p ON p.id = s.project_id
                    JOIN projects_projectcategory k ON k.id = p.category_id
                    JOIN divisions_division c ON c.id = s.county_id
                    WHERE s.status = 'active' AND a.budget_year = %s AND s.source IN ({marks}) AND k.is_industry = %s"""
    given = dict(
        _rows(f"SELECT c.code, SUM(s.amount_fen) {split_sql} GROUP BY c.code", [year, *rule.sources, True])
    )
    released = dict(
        _rows(
            f"""SELECT c.code, SUM(r.amount_fen) FROM funds_release r JOIN divisions_division c ON c.id = r.county_id
                WHERE r.split_id IN (SELECT s.id {split_sql}) GROUP BY c.code""",  # noqa: S608 (placeholders only)
            [year, *rule.sources, True],
        )
    )
    assert sum(allocated.values()) > 0 and sum(paid.values()) > 0 and sum(given.values()) > 0
    for child in data.children:
        used = int(given.get(child.code, 0)) - int(released.get(child.code, 0))
        share = shares[counties[child.code]]
        assert (share.used_fen, share.base_fen) == (used, int(base.get(child.code, 0))), child.code
        assert child.values.get("allocated_fen", 0) == allocated.get(child.code, 0), child.code
        assert child.values.get("paid_fen", 0) == paid.get(child.code, 0), child.code
        assert child.measures["progress"] == _rate(paid.get(child.code, 0), allocated.get(child.code, 0))
        assert child.measures["industry_share"] == _rate(used, base.get(child.code, 0)), child.code
    # the prefecture's rate from the sums, not an average of the counties' rates
    assert data.total.measures["progress"] == _rate(sum(paid.values()), sum(allocated.values()))


def _check_assets(data: FigureData) -> None:
    counted = _rows(
        """SELECT c.code, a.condition, COUNT(*) FROM assets_asset a JOIN divisions_division c ON c.id = a.county_id
           WHERE a.status IN (%s, %s, %s) GROUP BY c.code, a.condition""",
        list(HELD),
    )
    expected = {(code, condition or "uninspected"): n for code, condition, n in counted}
    assert sum(n for (_, kind), n in expected.items() if kind == "idle") > 0
    for child in data.children:
        for kind in ("good", "idle", "underused", "damaged", "lost", "uninspected"):
            assert child.measures[kind] == expected.get((child.code, kind), 0), (child.code, kind)
    assert data.total.measures["total"] == sum(expected.values())


def _check_collective(data: FigureData) -> None:
    (year,) = _rows("SELECT MAX(year) FROM assets_collectiveincome WHERE year <= %s", [TODAY.year])[0]
    assert data.window == [str(year)]
    counted = _rows(
        """SELECT c.code, i.tier, COUNT(*) FROM assets_collectiveincome i JOIN divisions_division c
           ON c.id = i.county_id WHERE i.year = %s GROUP BY c.code, i.tier""",
        [year],
    )
    expected = {(code, tier): n for code, tier, n in counted}
    assert sum(expected.values()) > 0
    for child in data.children:
        for tier in range(4):
            assert child.measures[f"tier{tier}"] == expected.get((child.code, tier), 0), (child.code, tier)


def _check_indicators(data: FigureData) -> None:
    (period_id, year) = _rows(
        """SELECT id, year FROM planning_period WHERE kind = 'year' AND number = 0 AND frozen_at IS NOT NULL
           AND year <= %s ORDER BY year DESC""",
        [TODAY.year],
    )[0]
    assert data.window == [str(year)]
    # a county's target: its own split, else the prefecture's for a share (aggregation 'ratio')
    counted = _rows(
        """SELECT x.code, COUNT(*),
                  SUM(CASE WHEN (x.direction = '>=' AND v.value >= x.target)
                             OR (x.direction = '<=' AND v.value <= x.target) THEN 1 ELSE 0 END),
                  SUM(CASE WHEN v.id IS NULL THEN 1 ELSE 0 END)
           FROM (SELECT i.id AS indicator_id, i.direction, c.id AS county_id, c.code,
                        COALESCE(tc.value, CASE WHEN i.aggregation = 'ratio' THEN tp.value END) AS target
                 FROM planning_indicator i CROSS JOIN divisions_division c
                 LEFT JOIN planning_indicatortarget tc ON tc.indicator_id = i.id AND tc.year = %s
                      AND tc.county_id = c.id
                 LEFT JOIN planning_indicatortarget tp ON tp.indicator_id = i.id AND tp.year = %s
                      AND tp.county_id IS NULL
                 WHERE c.level = 'county' AND i.active = %s AND i.direction IN ('>=', '<=')) x
           LEFT JOIN planning_indicatorvalue v ON v.indicator_id = x.indicator_id AND v.division_id = x.county_id
                AND v.period_id = %s AND v.is_current = %s AND v.state = 'value'
           WHERE x.target IS NOT NULL GROUP BY x.code""",
        [year, year, True, period_id, True],
    )
    expected = {code: (targeted, met, missing) for code, targeted, met, missing in counted}
    assert sum(met for _, met, _ in expected.values()) > 0
    for child in data.children:
        targeted, met, missing = expected.get(child.code, (0, 0, 0))
        assert (child.measures["targeted"], child.measures["met"], child.measures["no_value"]) == (
            targeted, met, missing,
        ), child.code  # fmt: skip
        assert child.measures["met_rate"] == _rate(met, targeted), child.code
    total_targeted = sum(t for t, _, _ in expected.values())
    total_met = sum(m for _, m, _ in expected.values())
    assert data.total.measures["met_rate"] == _rate(total_met, total_targeted)


def _check_assessment(data: FigureData) -> None:
    (year,) = _rows("SELECT MAX(year) FROM planning_assessment WHERE is_current = %s", [True])[0]
    assert data.window == [str(year)]
    grades = {
        code: (grade, total)
        for code, grade, total in _rows(
            """SELECT c.code, a.grade, a.total FROM planning_assessment a
               JOIN divisions_division c ON c.id = a.county_id WHERE a.is_current = %s AND a.year = %s""",
            [True, year],
        )
    }
    tasks = dict(
        _rows(
            """SELECT c.code, COUNT(*) FROM planning_rectificationtask t
               JOIN divisions_division c ON c.id = t.county_id WHERE t.status <> 'closed' GROUP BY c.code"""
        )
    )
    assert len(grades) == 12 and sum(tasks.values()) == 1
    for child in data.children:
        grade, total = grades[child.code]
        for each in ("好", "较好", "一般"):
            assert child.measures[each] == (1 if each == grade else 0), (child.code, each)
        assert child.measures["average_score"] == Decimal(total).quantize(ONE), child.code
        assert child.measures["open_tasks"] == tasks.get(child.code, 0), child.code
    bad = sum(1 for grade, _ in grades.values() if grade == "一般")
    assert bad > 0 and data.total.measures["一般"] == bad
    average = (sum(Decimal(total) for _, total in grades.values()) / 12).quantize(ONE)
    assert data.total.measures["average_score"] == average


def test_county_figures_equal_an_independent_count_per_county(clock_at, shipped_data) -> None:  # type: ignore[no-untyped-def]
    # given a synthetic Dali with its ledger, register, collective incomes, 2025 frozen and assessed, counted
    clock_at(TODAY)
    # when the prefecture reads its dashboard
    _, figures = _world()
    # then every county's numbers are the independent counts of each figure's 口径
    assert {"funds", "assets", "collective", "indicators", "assessment"} <= set(figures)
    for key in ("funds", "assets", "collective", "indicators", "assessment"):
        assert len(figures[key].children) == 12, key
    _check_funds(figures["funds"])
    _check_assets(figures["assets"])
    _check_collective(figures["collective"])
    _check_indicators(figures["indicators"])
    _check_assessment(figures["assessment"])


def _link(data: FigureData, code: str, measure: str) -> str:
    payload = figure_payload(data)
    row = next(r for r in payload["rows"] if r["code"] == code)
    keys = [m["key"] for m in payload["measures"]]
    return str(row["links"][keys.index(measure)])


def test_drill_links_open_the_county_records_for_the_prefecture(clock_at, shipped_data) -> None:  # type: ignore[no-untyped-def]
    clock_at(TODAY)
    prefecture, figures = _world()
    client = Client()
    client.force_login(prefecture)
    # when the prefecture follows a county's 支出进度 to the ledger
    county = "532901"
    year = figures["funds"].window[-1]
    assert f"county={county}" in _link(figures["funds"], county, "progress")
    link = figures["funds"].figure.drill(county, "progress", year, TODAY)  # the link of the year's number
    response = client.get(link)
    # then the ledger lists that county's documents of the year, and another county's only document is not there
    assert response.status_code == 200, link
    documents = {
        number
        for (number,) in _rows(
            """SELECT DISTINCT a.doc_number FROM funds_allocation a JOIN funds_allocationline l
               ON l.allocation_id = a.id JOIN divisions_division c ON c.id = l.county_id
               WHERE c.code = %s AND a.budget_year = %s""",
            [county, int(year)],
        )
    }
    shown = {document.doc_number for document in response.context["paged"].page.object_list}
    assert shown and shown <= documents
    # and the register, from the county's 闲置 assets
    idle = figures["assets"]
    code = next(c.code for c in idle.children if c.measures["idle"])
    response = client.get(_link(idle, code, "idle"))
    assert response.status_code == 200
    listed = list(response.context["paged"].page.object_list)
    assert listed and all(a.county.code == code and a.condition == "idle" for a in listed)
    # and the frozen year's table of indicator values
    response = client.get(_link(figures["indicators"], county, "met_rate"))
    assert response.status_code == 200 and response.context["period"].year == int(
        figures["indicators"].window[-1]
    )
