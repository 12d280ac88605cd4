"""The home page per role: every tile and every ranking row is a link, and the list it opens shows exactly as
many records as the tile says (the list's own total, counted by the list's own selector)."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.test import Client

from zhenxing.accounts.enums import AssignmentKind, Role
from zhenxing.accounts.models import User
from zhenxing.divisions.models import Division
from zhenxing.monitoring.models import Case, Notice
from zhenxing.screening.models import Lead, LeadStatus

from ..conftest import (
    COUNTY,
    OTHER_COUNTY,
    OTHER_COUNTY_VILLAGE,
    OTHER_TOWNSHIP,
    PREFECTURE,
    SAME_TOWNSHIP_VILLAGE,
    TOWNSHIP,
    VILLAGE,
)
from ..factories import AssignmentFactory, make_household, make_user

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 10, 20)
UTC = datetime.UTC
LINK = re.compile(
    r'<a [^>]*href="([^"]+)"[^>]*data-testid="(tile-[\w-]+|ranking-cases|ranking-leads)"[^>]*data-count="(\d+)"'
)


def _case(village: str, status: str, *, step_due: D | None, due: D, **extra: object) -> Case:
    return Case.objects.create(
        village_id=village, source="cadre", status=status, step_started_on=D(2025, 9, 1), step_due=step_due,
        due=due, opened_at=datetime.datetime(2025, 9, 1, tzinfo=UTC), **extra,
    )  # fmt: skip


def _lead(village: str, *, due: D, status: str = LeadStatus.OPEN) -> Lead:
    closed = (
        {"reason": "已核实", "closed_at": datetime.datetime(2025, 10, 1, tzinfo=UTC)}
        if status != "open"
        else {}
    )
    return Lead.objects.create(
        household=make_household(village), status=status, grade="橙", round="2025-10", village_due=due,
        township_due=due, county_due=due, **closed,
    )  # fmt: skip


def _other_township_village() -> str:
    return str(
        Division.objects.filter(code__startswith=OTHER_TOWNSHIP, level="village").order_by("code")[0].code
    )


def given_a_busy_prefecture(cadre: User) -> None:
    """Cases at every level's step, late and on time, leads open, late and closed, notices running and over,
    and a household the cadre helps whose plan has no measure."""
    elsewhere = _other_township_village()
    late, soon, past = D(2025, 10, 10), D(2025, 11, 3), D(2025, 10, 1)
    _case(VILLAGE, "analysis", step_due=late, due=soon)  # the village's step, overdue
    _case(VILLAGE, "investigation", step_due=TODAY, due=soon)  # due today: not late yet
    _case(VILLAGE, "township_review", step_due=None, due=late)  # the township's, late by the whole procedure
    _case(SAME_TOWNSHIP_VILLAGE, "county_decision", step_due=None, due=soon)
    _case(SAME_TOWNSHIP_VILLAGE, "analysis", step_due=late, due=soon)
    _case(elsewhere, "township_review", step_due=None, due=late)
    _case(OTHER_COUNTY_VILLAGE, "analysis", step_due=late, due=soon)
    for village, due in [(VILLAGE, late), (VILLAGE, soon), (SAME_TOWNSHIP_VILLAGE, late), (elsewhere, late),
                         (elsewhere, soon), (OTHER_COUNTY_VILLAGE, late)]:  # fmt: skip
        _lead(village, due=due)
    _lead(VILLAGE, due=late, status=LeadStatus.DISMISSED)
    for posted, ends in [(D(2025, 10, 15), D(2025, 10, 22)), (D(2025, 10, 1), D(2025, 10, 10))]:
        Notice.objects.create(
            village_id=VILLAGE,
            title="评议公示",
            object_to="村委会",
            posted_on=posted,
            ends_on=ends,
            created_by=cadre,
        )
    helped = make_household(VILLAGE)
    _case(VILLAGE, "confirmed", step_due=None, due=past, household=helped, identified_on=D(2025, 1, 6))
    AssignmentFactory(user=cadre, kind=AssignmentKind.HELPER, household=helped, starts_on=D(2025, 1, 6))


def _links(client: Client) -> list[tuple[str, str, int]]:
    page = client.get("/").content.decode()
    return [(key, html.unescape(url), int(count)) for url, key, count in LINK.findall(page)]


def _listed_total(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return int(response.context["paged"].total)


def then_every_count_is_its_lists_total(client: Client) -> dict[str, int]:
    links = _links(client)
    assert links
    for key, url, count in links:
        if key.startswith("tile-funds-"):  # the funds' watch lists are not paged: tests/funds/test_watch*.py
            continue
        if key.startswith(
            "tile-assets-"
        ):  # the register's lists, each its own shape: tests/assets/test_home_tiles.py
            continue
        if key.startswith("tile-planning-"):  # tests/planning/test_home_tiles.py
            continue
        assert _listed_total(client, url) == count, f"{key} {url}"
    return {
        key: count
        for key, _, count in links
        if key.startswith("tile-") and not key.startswith(("tile-assets-", "tile-planning-"))
    }


def test_a_village_cadre_starts_from_leads_cases_overdue_helped_households_and_notices(
    client, clock_at
) -> None:  # type: ignore[no-untyped-def]
    # given
    clock_at(TODAY)
    cadre = make_user(Role.VILLAGE, VILLAGE)
    given_a_busy_prefecture(cadre)
    client.force_login(cadre)
    # when
    tiles = then_every_count_is_its_lists_total(client)
    # then
    assert tiles == {
        "tile-leads-open": 2, "tile-cases-queue": 2, "tile-leads-overdue": 1, "tile-cases-overdue": 2,
        "tile-helped": 1, "tile-notices-running": 1, "tile-projects-mine": 0, "tile-projects-overdue": 0,
    }  # fmt: skip
    assert list(tiles)[:2] == ["tile-leads-open", "tile-cases-queue"]  # what to check, then what to do
    page = client.get("/").content.decode()
    assert "最近期限 2025-10-10" in page  # the soonest deadline first
    assert "其中 1 户帮扶计划预警" in page  # nine months with labour and no measure
    assert 'data-testid="ranking"' not in page
    assert 'data-testid="jurisdiction"' in page


def test_a_township_sees_its_queue_and_its_villages_ranked_by_overdue(client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(TODAY)
    given_a_busy_prefecture(make_user(Role.VILLAGE, VILLAGE))
    client.force_login(make_user(Role.TOWNSHIP, TOWNSHIP))
    tiles = then_every_count_is_its_lists_total(client)
    assert tiles["tile-cases-queue"] == 1  # township_review in 西山村
    assert tiles["tile-cases-overdue"] == 3
    page = client.get("/").content.decode()
    rows = re.findall(r'data-testid="ranking-row" data-code="(\d+)"', page)
    assert rows == [VILLAGE, SAME_TOWNSHIP_VILLAGE]  # most overdue first


def test_a_county_ranks_its_townships_and_each_row_opens_that_townships_list(client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(TODAY)
    given_a_busy_prefecture(make_user(Role.VILLAGE, VILLAGE))
    client.force_login(make_user(Role.COUNTY, COUNTY))
    tiles = then_every_count_is_its_lists_total(client)
    assert tiles["tile-cases-queue"] == 1  # county_decision
    assert tiles["tile-leads-open"] == 5
    page = client.get("/").content.decode()
    assert re.findall(r'data-testid="ranking-row" data-code="(\d+)"', page) == [TOWNSHIP, OTHER_TOWNSHIP]


def test_the_prefecture_ranks_its_counties(client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(TODAY)
    given_a_busy_prefecture(make_user(Role.VILLAGE, VILLAGE))
    client.force_login(make_user(Role.PREFECTURE, PREFECTURE))
    tiles = then_every_count_is_its_lists_total(client)
    assert tiles["tile-cases-overdue"] == 5
    assert "tile-cases-queue" not in tiles  # no step of the procedure is the prefecture's
    page = client.get("/").content.decode()
    assert re.findall(r'data-testid="ranking-row" data-code="(\d+)"', page)[:2] == [COUNTY, OTHER_COUNTY]


def test_a_department_sees_its_batches_and_the_fate_of_its_leads(client, clock_at) -> None:  # type: ignore[no-untyped-def]
    from zhenxing.feeds.models import FeedBatch, FeedRecord
    from zhenxing.feeds.selectors import rule_codes_reading
    from zhenxing.screening.models import LeadSignal, RuleSet, ScreeningRun

    # given a batch of 医保 records for two households, then a round whose 医保 rule raised both leads
    clock_at(TODAY)
    batch = FeedBatch.objects.create(
        department="medical_insurance", checksum="1" * 64, source="api", rows=2, accepted=2
    )
    other = FeedBatch.objects.create(
        department="education", checksum="2" * 64, source="api", rows=1, accepted=1
    )
    run = ScreeningRun.objects.create(
        year=2025, engine="db", rule_set=RuleSet.objects.get(is_current=True), status="done"
    )
    code = sorted(rule_codes_reading(department="medical_insurance"))[0]
    leads = [
        _lead(VILLAGE, due=D(2025, 11, 3)),
        _lead(VILLAGE, due=D(2025, 11, 3), status=LeadStatus.CONFIRMED),
    ]
    for lead in leads:
        FeedRecord.objects.create(
            batch=batch,
            department="medical_insurance",
            household=lead.household,
            row_number=1,
            record_date=D(2025, 5, 1),
        )
        LeadSignal.objects.create(
            lead=lead,
            run=run,
            rule_code=code,
            rule_name="医保",
            rule_set_version=1,
            grade="橙",
            risk_type="因病",
            evidence={},
        )
    unrelated = _lead(VILLAGE, due=D(2025, 11, 3))  # raised by another rule: not the department's doing
    LeadSignal.objects.create(
        lead=unrelated,
        run=run,
        rule_code="R01",
        rule_name="收入",
        rule_set_version=1,
        grade="橙",
        risk_type="因病",
        evidence={},
    )
    user = make_user(Role.DEPARTMENT, department="medical_insurance")
    client.force_login(user)
    # when
    tiles = then_every_count_is_its_lists_total(client)
    page = client.get("/").content.decode()
    # then
    assert tiles == {"tile-batches": 1}
    fate = dict(re.findall(r'data-testid="fate-(\w+)">(\d+)<', page))
    assert fate == {"raised": "2", "confirmed": "1", "dismissed": "0", "open": "1"}
    assert f"/feeds/{batch.pk}/" in page and f"/feeds/{other.pk}/" not in page


def test_a_county_sector_department_sees_its_county_and_sector_not_a_missing_jurisdiction(client) -> None:  # type: ignore[no-untyped-def]
    # given 南涧's 交通运输局 (P14: a county sector department, bound to a county and a sector)
    from zhenxing.accounts.models import Sector

    user = make_user(Role.COUNTY_SECTOR, COUNTY, sector=Sector.objects.get(code="transport"))
    client.force_login(user)
    # when it opens the home page
    page = client.get("/").content.decode()
    # then it reads its own county and sector, with its project tiles, and no "no jurisdiction" warning
    assert "南涧彝族自治县 · 交通运输" in page
    assert "尚未分配管辖区划" not in page
    assert "待我办理的项目" in page
