"""The kept counts (issue 21): a refresh counts every figure over the records, rolls it up, replaces the previous
run in one transaction with its audit event; a reader sees only their place's children, from stored rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from tests.dashboards.world import TODAY, dashboard_world
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import NotFound
from zhenxing.dashboards.models import Aggregate, AggregateRun
from zhenxing.dashboards.refresh import aggregates_refresh
from zhenxing.dashboards.selectors import current_run, dashboard_for_user, dashboard_place_for_user
from zhenxing.divisions.models import Division

pytestmark = pytest.mark.django_db


def _monitored_by_county_and_type(day: str) -> dict[tuple[str, str], int]:
    # independent of the selectors: a case monitored on the day, its county by joins
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.code, k.monitoring_type, COUNT(*) FROM monitoring_case k
               JOIN divisions_division v ON v.code = k.village_code
               JOIN divisions_division t ON t.id = v.parent_id JOIN divisions_division c ON c.id = t.parent_id
               WHERE k.status IN ('confirmed', 'elim_evaluation', 'elim_village', 'elim_township', 'elim_county',
                                  'eliminated')
                 AND k.identified_on <= %s AND (k.eliminated_on IS NULL OR k.eliminated_on > %s)
               GROUP BY c.code, k.monitoring_type""",
            [day, day],
        )
        return {(code, kind): n for code, kind, n in cursor.fetchall()}


def test_refresh_counts_monitoring_objects_by_county_and_type_as_an_independent_count(
    clock_at, shipped_data
) -> None:  # type: ignore[no-untyped-def]
    # given a synthetic Dali counted
    clock_at(TODAY)
    run = dashboard_world(freeze_and_assess=False)
    prefecture = make_user(Role.PREFECTURE, "5329", username="r_zhou")
    # when the prefecture reads its dashboard
    place = dashboard_place_for_user(user=prefecture, code="")
    _, figures = dashboard_for_user(user=prefecture, place=place)
    monitoring = next(f for f in figures if f.figure.key == "monitoring")
    # then each county's bars are the independent count on the run's day
    expected = _monitored_by_county_and_type(TODAY.isoformat())
    assert sum(expected.values()) > 0
    for child in monitoring.children:
        for kind in ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户"):
            assert child.measures[kind] == expected.get((child.code, kind), 0), (child.code, kind)
    assert monitoring.total.measures["total"] == sum(expected.values())
    assert len(monitoring.children) == 12 and len(monitoring.over_time) == 24
    # and the refresh is audited
    event = AuditEvent.objects.get(action="dashboards.refresh", target_id=str(run.pk))
    assert event.new_values["rows"] == run.row_count > 0


def test_a_second_refresh_replaces_the_first_and_a_county_sees_only_its_townships(
    clock_at, shipped_data
) -> None:  # type: ignore[no-untyped-def]
    clock_at(TODAY)
    first = dashboard_world(freeze_and_assess=False)
    # when counted again
    second = aggregates_refresh(actor=None, as_of=TODAY)
    # then the pages read the second, the first is kept until the next refresh (a page may have just read it)
    assert current_run() == second and second.row_count == first.row_count
    assert set(AggregateRun.objects.values_list("pk", flat=True)) == {first.pk, second.pk}
    third = aggregates_refresh(actor=None, as_of=TODAY)
    assert set(AggregateRun.objects.values_list("pk", flat=True)) == {second.pk, third.pk}
    assert Aggregate.objects.filter(run_id=first.pk).count() == 0
    # and a county user reads its townships, and cannot ask for another county
    county = make_user(Role.COUNTY, "532926", username="r_xian")
    place = dashboard_place_for_user(user=county, code="")
    assert place.code == "532926"
    _, figures = dashboard_for_user(user=county, place=place)
    monitoring = next(f for f in figures if f.figure.key == "monitoring")
    townships = set(Division.objects.filter(parent__code="532926").values_list("code", flat=True))
    assert {child.code for child in monitoring.children} == townships
    assert (
        sum((c.measures["total"] or Decimal(0)) for c in monitoring.children)
        == monitoring.total.measures["total"]
    )
    with pytest.raises(NotFound):
        dashboard_place_for_user(user=county, code="532901")
    # and a periodic figure runs over the same months in the county as in the prefecture (a month with nothing
    # in the county is a zero on its line, and its by-place window is the calendar's)
    prefecture = make_user(Role.PREFECTURE, "5329", username="r2_zhou")
    _, whole = dashboard_for_user(user=prefecture, place=dashboard_place_for_user(user=prefecture, code=""))
    periods = {data.figure.key: (data.periods, data.window) for data in whole if data.figure.periodic}
    assert periods["throughput"][0] and len(periods["throughput"][1]) == 12
    for data in figures:
        if data.figure.periodic:
            assert (data.periods, data.window) == periods[data.figure.key], data.figure.key
            assert len(data.over_time) == len(data.periods)
