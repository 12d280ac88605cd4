"""The record figures of issue 21: warning leads handled, identification and elimination by month, assistance
coverage. Each county's numbers equal a count written from the 口径 in plain SQL (the county by joins through
the divisions' parents), and a county's drill-down lists that county's records and only those."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

import zhenxing.dashboards.figures.assistance
import zhenxing.dashboards.figures.leads
import zhenxing.dashboards.figures.throughput  # noqa: F401  (registered before the world is counted)
from tests.dashboards.world import TODAY, dashboard_world
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.dashboards.refresh import aggregates_refresh
from zhenxing.dashboards.selectors import FigureData, dashboard_for_user, dashboard_place_for_user
from zhenxing.divisions.codes import county_of
from zhenxing.registry.models import Household
from zhenxing.screening.models import Lead

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# the twelve months up to 2 March 2026: raised from 3 March 2025 00:00 Beijing time to 2 March 2026 24:00
WINDOW = (datetime.datetime(2025, 3, 3, tzinfo=SHANGHAI), datetime.datetime(2026, 3, 3, tzinfo=SHANGHAI))
COUNTY_JOIN = """JOIN divisions_division v ON v.code = {village}
    JOIN divisions_division t ON t.id = v.parent_id JOIN divisions_division c ON c.id = t.parent_id"""
CONFIRMED_EVER = (
    "('confirmed', 'elim_evaluation', 'elim_village', 'elim_township', 'elim_county', 'eliminated')"
)


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _moment(moment: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def _top_up_leads() -> None:
    """The synthetic history raises only overdue leads, today: add leads of every status, raised inside the
    twelve months, on their first and last day, and just before them (not counted)."""
    busy = set(Lead.objects.filter(status="open").values_list("household_id", flat=True))
    households = [
        pk
        for pk in Household.objects.order_by("village_id", "pk").values_list("pk", flat=True)
        if pk not in busy
    ][::7][:60]
    raised_at = [
        WINDOW[0] + datetime.timedelta(minutes=1),  # the window's first minute
        WINDOW[1] - datetime.timedelta(minutes=1),  # its last
        WINDOW[0] - datetime.timedelta(minutes=1),  # the minute before: outside
        datetime.datetime(2025, 9, 10, 9, tzinfo=SHANGHAI),
    ]
    for index, household in enumerate(households):
        status = ("open", "confirmed", "dismissed")[index % 3]
        at = raised_at[index % 4]
        due = at.date() + datetime.timedelta(days=7)
        lead = Lead.objects.create(
            household_id=household, status=status, grade="黄", round=f"{at:%Y-%m}", village_due=due,
            township_due=due, county_due=due, reason="" if status == "open" else "核实意见",
        )  # fmt: skip
        Lead.objects.filter(pk=lead.pk).update(created_at=at)  # auto_now_add set it to now
    # the history's leads were raised "today", but auto_now_add reads the real time, not the moved clock
    Lead.objects.filter(created_at__gte=WINDOW[1]).update(
        created_at=datetime.datetime(2026, 3, 2, 8, tzinfo=SHANGHAI)
    )


@pytest.fixture
def counted(clock_at, shipped_data) -> User:  # type: ignore[no-untyped-def]
    clock_at(TODAY)
    dashboard_world(freeze_and_assess=False)
    _top_up_leads()
    aggregates_refresh(actor=None, as_of=TODAY)
    return make_user(Role.PREFECTURE, "5329", username="f_zhou")


def _figure(user: User, key: str, code: str = "") -> FigureData:
    place = dashboard_place_for_user(user=user, code=code)
    _, figures = dashboard_for_user(user=user, place=place)
    return next(f for f in figures if f.figure.key == key)


def _leads_by_county() -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {}
    for code, status, n in _rows(
        f"""SELECT c.code, l.status, COUNT(*) FROM screening_lead l
            JOIN registry_household h ON h.id = l.household_id {COUNTY_JOIN.format(village="h.village_code")}
            WHERE l.created_at >= %s AND l.created_at < %s GROUP BY c.code, l.status""",  # noqa: S608 - constants only
        [_moment(WINDOW[0]), _moment(WINDOW[1])],
    ):
        county = counts.setdefault(str(code), Counter())
        county["raised"] += int(n)
        county["checked"] += 0 if status == "open" else int(n)
        county["included"] += int(n) if status == "confirmed" else 0
    for code, n in _rows(
        f"""SELECT c.code, COUNT(*) FROM screening_lead l
            JOIN registry_household h ON h.id = l.household_id {COUNTY_JOIN.format(village="h.village_code")}
            WHERE l.status = 'open' AND l.village_due < %s GROUP BY c.code""",  # noqa: S608 - constants only
        [TODAY.isoformat()],
    ):
        counts.setdefault(str(code), Counter())["overdue"] += int(n)
    return counts


def test_the_lead_funnel_of_each_county_is_the_independent_count(counted: User) -> None:
    # when the prefecture reads the funnel
    figure = _figure(counted, "leads")
    # then each county's raised, checked, included and overdue leads are the plain count
    expected = _leads_by_county()
    for key in ("raised", "checked", "included", "overdue"):
        assert sum(c[key] for c in expected.values()) > 0, key
    assert len(figure.children) == 12
    for child in figure.children:
        county = expected.get(child.code, Counter())
        for key in ("raised", "checked", "included", "overdue"):
            assert child.measures[key] == county[key], (child.code, key)
        rate = child.measures["checked_rate"]
        if county["raised"]:
            assert rate == (Decimal(county["checked"] * 100) / county["raised"]).quantize(Decimal("0.1"))
        else:
            assert rate is None
    # and the leads raised the minute before the twelve months are not counted
    assert figure.total.measures["raised"] == sum(c["raised"] for c in expected.values())
    assert Lead.objects.count() > figure.total.measures["raised"] + figure.total.measures["overdue"] - sum(  # type: ignore[operator]
        c["overdue"] for c in expected.values()
    )


def _monthly_by_county(field: str, statuses: str) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for code, day in _rows(
        f"""SELECT c.code, k.{field} FROM monitoring_case k {COUNTY_JOIN.format(village="k.village_code")}
            WHERE k.status IN {statuses} AND k.{field} >= %s AND k.{field} <= %s""",  # noqa: S608 - constants only
        ["2024-04-01", TODAY.isoformat()],
    ):
        counts[(str(code), str(day)[:7])] += 1
    return counts


CALENDAR_WINDOW = [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]


def test_identified_and_eliminated_by_month_are_the_independent_count(counted: User) -> None:
    # when the prefecture reads identification and elimination
    figure = _figure(counted, "throughput")
    identified = _monthly_by_county("identified_on", CONFIRMED_EVER)
    eliminated = _monthly_by_county("eliminated_on", "('eliminated')")
    assert sum(identified.values()) > 0 and sum(eliminated.values()) > 0
    # then the by-county bars sum the window's months
    assert len(figure.window) == 12
    for child in figure.children:
        assert child.measures["identified"] == sum(identified[(child.code, m)] for m in figure.window)
        assert child.measures["eliminated"] == sum(eliminated[(child.code, m)] for m in figure.window)
    # and the prefecture's months are the months' counts, over at most 24 months from April 2024
    assert figure.periods[0] >= "2024-04"
    for point in figure.over_time:
        assert point.measures["identified"] == sum(n for (_, m), n in identified.items() if m == point.code)
        assert point.measures["eliminated"] == sum(n for (_, m), n in eliminated.items() if m == point.code)
    assert sum(p.measures["identified"] or 0 for p in figure.over_time) == sum(identified.values())


def test_the_twelve_months_summed_by_place_are_the_calendars(counted: User) -> None:
    # the synthetic history has months without identifications or eliminations anywhere
    figure = _figure(counted, "throughput")
    assert figure.window == CALENDAR_WINDOW
    assert len(figure.over_time) == 24


def test_assistance_coverage_is_the_independent_count(counted: User) -> None:
    # when the prefecture reads the coverage of development-type measures
    figure = _figure(counted, "assistance")
    rows = _rows(
        f"""SELECT c.code, COUNT(*), SUM(CASE WHEN EXISTS (
                SELECT 1 FROM monitoring_measure m WHERE m.case_id = k.id
                  AND m.category IN ('产业帮扶', '就业帮扶', '金融帮扶', '公益岗位帮扶')
                  AND m.status IN ('实施中', '已完成')) THEN 1 ELSE 0 END)
            FROM monitoring_case k {COUNTY_JOIN.format(village="k.village_code")}
            WHERE k.status IN {CONFIRMED_EVER} AND k.identified_on <= %s
              AND (k.eliminated_on IS NULL OR k.eliminated_on > %s)
            GROUP BY c.code""",  # noqa: S608 - constants only
        [TODAY.isoformat(), TODAY.isoformat()],
    )
    expected = {str(code): (int(n), int(d)) for code, n, d in rows}
    assert sum(n for n, _ in expected.values()) > sum(d for _, d in expected.values()) > 0
    # then each county's monitored households, those with a measure, and the rate are the plain count's
    for child in figure.children:
        monitored, development = expected.get(child.code, (0, 0))
        assert child.measures["monitored"] == monitored, child.code
        assert child.measures["development"] == development, child.code
        if monitored:
            rate = (Decimal(development * 100) / monitored).quantize(Decimal("0.1"))
            assert child.measures["development_rate"] == rate


def _listed_total(html: str) -> int:
    found = re.search(r'data-testid="total">共 (\d+) 条', html)
    assert found, "the list shows its total"
    return int(found.group(1))


def test_a_countys_drill_down_lists_exactly_its_records(client, counted: User) -> None:  # type: ignore[no-untyped-def]
    # given the prefecture logged in, and a county with leads, eliminations and development measures
    client.force_login(counted)
    leads, throughput, assistance = (_figure(counted, key) for key in ("leads", "throughput", "assistance"))
    developed = {c.code: c.measures["development"] or 0 for c in assistance.children}
    county = max(
        (c for c in leads.children if c.measures["raised"] and c.measures["overdue"]),
        key=lambda c: (developed[c.code], c.code),
    )
    coverage = next(t for t in assistance.children if t.code == county.code)
    assert coverage.measures["development"]
    link = dict(zip([m.key for m in leads.figure.all_measures], [
        leads.figure.drill(county.code, m.key, "", TODAY) for m in leads.figure.all_measures
    ], strict=True))  # fmt: skip
    # when each number's link is opened, then the list shows as many records as the number
    for key in ("raised", "checked", "included", "overdue"):
        response = client.get(link[key])
        assert response.status_code == 200
        assert _listed_total(response.content.decode()) == county.measures[key], key
    # the twelve months opened from a county are the calendar's (April 2025 to today)
    for key, field, statuses in (
        ("identified", "identified_on", CONFIRMED_EVER),
        ("eliminated", "eliminated_on", "('eliminated')"),
    ):
        months = _monthly_by_county(field, statuses)
        response = client.get(throughput.figure.drill(county.code, key, "", TODAY))
        assert response.status_code == 200
        expected = sum(months[(county.code, m)] for m in CALENDAR_WINDOW)
        assert _listed_total(response.content.decode()) == expected, key
    # a month's bar opens that month only
    month = next(p for p in throughput.over_time if p.measures["eliminated"])
    response = client.get(throughput.figure.drill("5329", "eliminated", month.code, TODAY))
    assert _listed_total(response.content.decode()) == month.measures["eliminated"]
    # the assistance links list the cases monitored now (the tab) of the county, and those with a measure
    response = client.get(assistance.figure.drill(county.code, "development", "", TODAY))
    assert response.status_code == 200
    listed = response.context["paged"].page.paginator.object_list
    assert {county_of(str(code)) for code in listed.values_list("village_id", flat=True)} == {county.code}
    assert _listed_total(response.content.decode()) == coverage.measures["development"]
