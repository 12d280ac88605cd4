"""A dashboard number's link opens the list of exactly the records behind it (issue 21): for each record figure,
at the prefecture, a county and a township (and a past month of the over-time lines), the list the link opens
shows as many records as the number. And the lists the links open never fail on odd input."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

import zhenxing.dashboards.figures.assets
import zhenxing.dashboards.figures.assistance
import zhenxing.dashboards.figures.leads
import zhenxing.dashboards.figures.monitoring
import zhenxing.dashboards.figures.planning
import zhenxing.dashboards.figures.throughput  # noqa: F401  (registered before the world is counted)
from tests.dashboards.world import TODAY, dashboard_world
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.dashboards.figures.base import month_ends
from zhenxing.dashboards.payload import figure_payload
from zhenxing.dashboards.refresh import aggregates_refresh
from zhenxing.dashboards.selectors import FigureData, dashboard_for_user, dashboard_place_for_user
from zhenxing.divisions.codes import county_of
from zhenxing.monitoring.models import Case
from zhenxing.planning import services as planning_services
from zhenxing.planning.models import Supervision
from zhenxing.synth.assets import synthetic_assets_generate

pytestmark = pytest.mark.django_db

# the figures whose numbers are records a list shows, and the measures that are such numbers (not rates)
RECORD_MEASURES = {
    "leads": ("raised", "checked", "included", "overdue"),
    "throughput": ("identified", "eliminated"),
    "assistance": ("monitored", "development"),
    "monitoring": None,  # every measure (each type, 其他类型, 合计)
    "assets": None,
    "collective": None,
    "assessment": ("open_tasks",),
}


@pytest.fixture
def counted(clock_at, shipped_data) -> User:  # type: ignore[no-untyped-def]
    """The dashboard world with the asset register, the collective incomes and one open 督办 task, counted."""
    clock_at(TODAY)
    dashboard_world()
    synthetic_assets_generate(seed=43)
    prefecture = make_user(Role.PREFECTURE, "5329", username="f_zhou")
    supervision = Supervision.objects.select_related("county").order_by("county__code").first()
    assert supervision is not None
    planning_services.task_add(
        actor=prefecture, supervision=supervision, title="整改监测帮扶责任落实", detail="",
        owner="县乡村振兴局", owner_person="张三", due_on=TODAY + datetime.timedelta(days=30),
    )  # fmt: skip
    # a household whose type is outside the vocabulary (a regime's own word): the 其他类型 series
    Case.objects.filter(pk=Case.objects.filter(status="confirmed").order_by("pk").values("pk")[:1]).update(
        monitoring_type="旧类型"
    )
    aggregates_refresh(actor=None, as_of=TODAY)
    return prefecture


def _figures(user: User, code: str = "") -> dict[str, FigureData]:
    place = dashboard_place_for_user(user=user, code=code)
    _, figures = dashboard_for_user(user=user, place=place)
    return {f.figure.key: f for f in figures}


def _shown(client: Client, link: str) -> int:
    """How many records the list a link opens shows (its 共 N 条, the collective page's villages, the tasks)."""
    response = client.get(link)
    assert response.status_code == 200, link
    context = response.context
    if "paged" in context:
        return int(context["paged"].total)
    if "task_count" in context and context["task_filter"]:
        return int(context["task_count"])
    assert context["drill"], link  # the collective page, filtered by the link
    return len(context["rows"])


def _check(client: Client, payload: dict[str, Any], row: dict[str, Any], key: str) -> int:
    """Each record number of the row equals the count its link's list shows; returns how many were opened."""
    keys = [m["key"] for m in payload["measures"]]
    wanted = RECORD_MEASURES[key] or keys
    opened = 0
    for measure, value, link in zip(keys, row["values"], row["links"], strict=True):
        if measure in wanted and link:
            assert _shown(client, link) == (value or 0), (key, measure, link)
            opened += 1
    return opened


def test_every_number_opens_a_list_of_exactly_its_records(client: Client, counted: User) -> None:
    # given the prefecture logged in, a county with the most monitored households and its busiest township
    client.force_login(counted)
    top = _figures(counted)
    county = max(top["monitoring"].children, key=lambda c: (c.measures["total"] or 0, c.code)).code
    townships = _figures(counted, county)["monitoring"].children
    township = max(townships, key=lambda c: (c.measures["total"] or 0, c.code)).code
    opened = 0
    for code in ("", county, township):
        for key, data in _figures(counted, code).items():
            if key not in RECORD_MEASURES:
                continue
            payload = figure_payload(data)
            # when each number's link is opened, then its list shows as many records as the number
            opened += _check(client, payload, payload["total"], key)
            if code == county:  # a county's townships too
                for row in payload["rows"][:2]:
                    opened += _check(client, payload, row, key)
    assert opened > 60


def test_a_past_months_number_opens_that_months_records(client: Client, counted: User) -> None:
    # given the prefecture's monitoring and throughput lines over time
    client.force_login(counted)
    figures = _figures(counted)
    for key in ("monitoring", "throughput"):
        payload = figure_payload(figures[key])
        # a month that is over (not the run's), with something counted in it
        past = [p for p in payload["over_time"] if p["period"] < f"{TODAY:%Y-%m}" and any(p["values"])]
        assert past, key
        point = past[-3]
        # when its numbers' links are opened, then each list shows that month's count
        assert _check(client, payload, point, key) >= 2


def test_the_twelve_months_end_on_the_runs_day(client: Client, counted: User) -> None:
    # given the prefecture's twelve-month 识别纳入 link, and a case counted in it
    client.force_login(counted)
    link = figure_payload(_figures(counted)["throughput"])["total"]["links"][0]
    assert "until=" in link
    before = _shown(client, link)
    first = month_ends(TODAY, 12)[0].replace(day=1)
    case = Case.objects.filter(status="confirmed", identified_on__gte=first).order_by("pk").first()
    assert case is not None
    # when its identification is dated after the run's day (entered since the refresh)
    Case.objects.filter(pk=case.pk).update(identified_on=TODAY + datetime.timedelta(days=3))
    # then the link's list no longer shows it: the number was counted up to the run's day
    assert _shown(client, link) == before - 1


@pytest.mark.parametrize(
    "path",
    [
        "/cases/?tab=identified&month=9999-12",
        "/cases/?tab=eliminated&since=9999-12",
        "/cases/?tab=identified&month=0000-01",
        "/cases/?tab=eliminated&since=2025-13",
        "/cases/?tab=identified&until=9999-12-31",
        "/cases/?tab=monitored&on=0001-01-01",
        "/cases/?tab=monitored&on=99999",
        "/leads/?status=all&since=0001-01-01",
        "/leads/?status=all&until=9999-12-31",
        "/leads/?status=all&since=not-a-day",
    ],
)
def test_odd_filter_input_is_ignored_not_an_error(client: Client, shipped_data, path: str) -> None:  # type: ignore[no-untyped-def]
    # given the prefecture logged in (an empty world: the filters are read before anything is listed)
    client.force_login(make_user(Role.PREFECTURE, "5329", username="f_odd"))
    # when a list is opened with a day or month outside 2000–2100 or unreadable
    response = client.get(path)
    # then it is listed without the filter, never a server error
    assert response.status_code == 200
    assert "paged" in response.context


def test_a_county_link_of_the_open_tasks_names_the_county() -> None:
    # given the assessment figure's open-task number of a county
    from zhenxing.dashboards.figures.planning import assessment_drill

    # when its link is drawn, then it filters the open tasks of that county
    link = assessment_drill("532901", "open_tasks", "2025", TODAY)
    assert "status=open" in link and f"county={county_of('532901001')}" in link
