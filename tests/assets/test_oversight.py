"""The county's oversight of its project assets (P15): the summary, the data-quality list (no care unit, inspection
overdue), the 责任清单 and the idle list, each checked against an independent ORM count; scoping by role (a
sector department its sector's assets, a township its own county's page restricted to its scope, another county
404, a role without the register 403); the lists' .xlsx read back and audited."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Count, Q, Sum
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.assets.builders import accepted_project, asset_input, asset_users, handed_over, registered
from tests.conftest import COUNTY, OTHER_COUNTY, OTHER_TOWNSHIP
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.assets import oversight, upkeep
from zhenxing.assets.enums import HELD_STATES, IDLE_CONDITIONS
from zhenxing.assets.models import Asset, AssetIncome
from zhenxing.assets.selectors import asset_list_for_user
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import NotFound
from zhenxing.divisions.models import Division

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sheet(content: bytes) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python()


def _world() -> dict[str, Any]:
    """A road (公益性, transport) handed over, found idle and past its inspection; a photovoltaic station (经营性)
    handed over with income this year and last; a venue registered only, with no care unit."""
    users = asset_users()
    project = accepted_project(users)
    road, pv, venue = registered(
        users, project, asset_input(value="40"),
        asset_input(name="光伏电站", asset_type_code="photovoltaic", quantity="1", value="25"),
        asset_input(name="活动室", asset_type_code="activity_venue", quantity="1", value="10"),
    )  # fmt: skip
    road = handed_over(users, road)
    pv = handed_over(users, pv)
    upkeep.inspection_record(actor=users["village"], asset=road, on=clock.today() - datetime.timedelta(days=1),
                               outcome="idle", notes="道路少有车辆通行")  # fmt: skip
    Asset.objects.filter(pk=road.pk).update(inspection_due=clock.today() - datetime.timedelta(days=1))
    year = clock.today().year
    upkeep.asset_income_record(
        actor=users["village"], asset=pv, year=year, amount="1000", evidence="电费结算单"
    )
    AssetIncome.objects.create(asset=pv, year=year - 1, amount_fen=50_000, evidence="电费结算单",
                               entered_by=users["county"])  # fmt: skip
    return {"users": users, "road": road, "pv": pv, "venue": venue, "year": year}


def test_p15_county_summary_matches_independent_counts(django_assert_max_num_queries: Any) -> None:
    world = _world()
    county = Asset.objects.filter(county__code=COUNTY)
    with django_assert_max_num_queries(8):  # grouped queries, whatever the number of assets
        summary = oversight.county_summary(user=world["users"]["county"], county_code=COUNTY)
    expected = {
        (row["category"], row["status"]): (row["n"], row["v"])
        for row in county.values("category", "status").annotate(n=Count("id"), v=Sum("value_fen"))
    }
    assert {key: (cell.count, cell.value_fen) for key, cell in summary.by_category_status.items()} == expected
    held = county.filter(status__in=HELD_STATES)
    assert summary.held.count == held.count() == 3
    assert summary.held.value_fen == held.aggregate(v=Sum("value_fen"))["v"] == 75_000_000
    assert summary.handed_over.count == county.filter(status="handed_over").count() == 2
    assert summary.handed_over_percent == 66.7
    assert {k: c.count for k, c in summary.by_condition.items()} == {"idle": 1, "": 2}
    assert summary.income_this_year_fen == 100_000 and summary.income_last_year_fen == 50_000
    assert summary.without_care_unit == held.filter(care_unit="").count() == 1
    today = clock.today()
    assert (
        summary.inspection_overdue
        == county.filter(status="handed_over", inspection_due__lt=today).count()
        == 1
    )
    assert summary.idle == held.filter(condition__in=IDLE_CONDITIONS).count() == 1
    assert summary.data_quality_errors == 2


def test_p15_data_quality_lists_assets_without_care_unit_and_overdue_inspections_with_reasons() -> None:
    world = _world()
    rows = oversight.data_quality(user=world["users"]["county"], county_code=COUNTY)
    assert {row.asset.pk: row.reasons for row in rows} == {
        world["road"].pk: ("inspection_overdue",),
        world["venue"].pk: ("no_care_unit",),
    }
    today = clock.today()
    independent = Asset.objects.filter(
        Q(status__in=HELD_STATES, care_unit="") | Q(status="handed_over", inspection_due__lt=today),
        county__code=COUNTY,
    )
    assert len(rows) == independent.count()
    # on a day before the road's inspection fell due, only the missing care unit is listed
    earlier = oversight.data_quality(user=world["users"]["county"], county_code=COUNTY,
                                     on=today - datetime.timedelta(days=5))  # fmt: skip
    assert [row.reason_labels for row in earlier] == [["无管护责任单位"]]


def test_p15_responsibility_list_per_care_unit_and_per_sector() -> None:
    world = _world()
    found = oversight.responsibility_list(user=world["users"]["county"], county_code=COUNTY)
    by_unit = {row.name: (row.count, row.value_fen, row.overdue, row.idle) for row in found.by_care_unit}
    assert by_unit == {"西山村委会": (2, 65_000_000, 1, 1), "": (1, 10_000_000, 0, 0)}
    by_sector = {row.name: row.count for row in found.by_sector}
    expected = dict(
        Asset.objects.filter(county__code=COUNTY, status__in=HELD_STATES)
        .values_list("sector__name").annotate(n=Count("id")).values_list("sector__name", "n")
    )  # fmt: skip
    assert by_sector == expected and sum(by_sector.values()) == 3


def test_p15_idle_list_carries_the_inspection_that_found_the_asset_idle() -> None:
    world = _world()
    rows = oversight.idle_list(user=world["users"]["prefecture"], county_code=COUNTY)
    assert [row.asset.pk for row in rows] == list(
        Asset.objects.filter(county__code=COUNTY, status__in=HELD_STATES, condition__in=IDLE_CONDITIONS)
        .order_by("code").values_list("pk", flat=True)
    )  # fmt: skip
    assert rows[0].found_by is not None and rows[0].found_by.notes == "道路少有车辆通行"


def test_p15_scoping_by_role() -> None:
    world = _world()
    users = world["users"]
    # a sector department: its sector's assets of its county (the road is transport's)
    transport = oversight.county_summary(user=users["transport"], county_code=COUNTY)
    assert transport.held.count == Asset.objects.filter(sector=users["transport"].sector).count() == 1
    assert oversight.county_summary(user=users["agriculture"], county_code=COUNTY).held.count == 0
    # a township of the same county opens its county's page restricted to its scope (nothing in 小湾东镇)
    other_township = make_user(Role.TOWNSHIP, OTHER_TOWNSHIP, username="o_xiang")
    assert oversight.county_summary(user=other_township, county_code=COUNTY).held.count == 0
    assert oversight.county_summary(user=users["village"], county_code=COUNTY).held.count == 3
    # another county, and a sector department asking for another county: not found
    for user, code in ((users["other_county"], COUNTY), (users["transport"], OTHER_COUNTY),
                       (users["village"], OTHER_COUNTY), (users["county"], "532926101")):  # fmt: skip
        with pytest.raises(NotFound):
            oversight.county_summary(user=user, county_code=code)
    # the whole-county shortcut (indexed columns only) gives the rows of the scoped register, for every role
    county = Division.objects.get(code=COUNTY)
    for role in ("county", "prefecture", "transport", "agriculture", "township", "village"):
        shortcut = set(
            oversight.assets_of_county(user=users[role], county=county).values_list("pk", flat=True)
        )
        scoped = set(asset_list_for_user(user=users[role]).filter(county=county).values_list("pk", flat=True))
        assert shortcut == scoped, role
    # the prefecture's table of its 12 counties
    rows = oversight.counties_overview(user=users["prefecture"])
    assert len(rows) == 12
    assert {r.county.code: r.held.count for r in rows if r.held.count} == {COUNTY: 3}


def test_p15_lists_download_as_xlsx_and_are_audited() -> None:
    world = _world()
    client = _client(world["users"]["county"])
    quality = _sheet(client.get(f"/assets/county/{COUNTY}/quality.xlsx").content)
    assert quality[0][0] == "资产编号" and len(quality) == 3
    assert {row[-1] for row in quality[1:]} == {"巡查逾期", "无管护责任单位"}
    idle = _sheet(client.get(f"/assets/county/{COUNTY}/idle.xlsx").content)
    assert [row[1] for row in idle[1:]] == ["大村组硬化道路"] and idle[1][4] == 40
    duty = _sheet(client.get(f"/assets/county/{COUNTY}/responsibility.xlsx").content)
    assert sum(int(row[2]) for row in duty[1:] if row[0] == "管护责任单位") == 3
    events = AuditEvent.objects.filter(action="asset.export").order_by("pk")
    assert [e.new_values["report"] for e in events] == [
        "资产数据质量问题清单",
        "闲置低效资产清单",
        "资产管护责任清单",
    ]
    assert events[0].new_values["rows"] == 2 and events[0].division.code == COUNTY


def test_p15_county_pages_render_the_figures() -> None:
    world = _world()
    client = _client(world["users"]["county"])
    page = client.get(f"/assets/county/{COUNTY}/").content.decode()
    assert 'data-testid="held-count">3<' in page and 'data-testid="overdue">1<' in page
    assert "大村组硬化道路" in client.get(f"/assets/county/{COUNTY}/idle/").content.decode()
    assert 'data-reason="no_care_unit"' in client.get(f"/assets/county/{COUNTY}/quality/").content.decode()
    assert "西山村委会" in client.get(f"/assets/county/{COUNTY}/responsibility/").content.decode()
    # no key: the county's own page; the prefecture's table links to each county
    assert client.get("/assets/oversight/")["Location"] == f"/assets/county/{COUNTY}/"
    table = _client(world["users"]["prefecture"]).get("/assets/oversight/").content.decode()
    assert table.count("data-county=") == 12 and f"/assets/county/{COUNTY}/" in table


def _ids(users: dict[str, User]) -> dict[str, Any]:
    return {"county": COUNTY}


# route name → URL builder (the lead plugs these into tests/test_jurisdiction_matrix.py)
COUNTY_ROUTES: dict[str, Callable[[dict[str, Any]], str]] = {
    "assets:oversight": lambda ids: "/assets/oversight/",
    "assets:county": lambda ids: f"/assets/county/{ids['county']}/",
    "assets:quality": lambda ids: f"/assets/county/{ids['county']}/quality/",
    "assets:quality_xlsx": lambda ids: f"/assets/county/{ids['county']}/quality.xlsx",
    "assets:responsibility": lambda ids: f"/assets/county/{ids['county']}/responsibility/",
    "assets:responsibility_xlsx": lambda ids: f"/assets/county/{ids['county']}/responsibility.xlsx",
    "assets:idle": lambda ids: f"/assets/county/{ids['county']}/idle/",
    "assets:idle_xlsx": lambda ids: f"/assets/county/{ids['county']}/idle.xlsx",
}


@pytest.mark.parametrize("route", sorted(COUNTY_ROUTES))
def test_p15_county_routes_by_role(route: str) -> None:
    users = asset_users()
    url = COUNTY_ROUTES[route](_ids(users))
    keyless = route == "assets:oversight"
    # in scope: the county, the prefecture, its sector departments, the township and village (their own part)
    for role in ("county", "prefecture", "transport", "agriculture", "township", "village"):
        status = _client(users[role]).get(url).status_code
        assert status in ((200, 302) if keyless else (200,)), (route, role, status)
    # another county: not found (the key-less page sends it to its own county)
    assert _client(users["other_county"]).get(url).status_code == (302 if keyless else 404), route
    # roles without the register
    assert _client(users["finance"]).get(url).status_code == 403, route
    department = make_user(Role.DEPARTMENT, username="o_bumen")
    assert _client(department).get(url).status_code == 403, route
