"""Screening started from the pages (issue 15): a county screens its own households only, the prefecture all;
the round runs as a background job that records its progress on the run; a second start of an overlapping
round is refused; only the county and the prefecture may start one."""

from __future__ import annotations

import datetime
import shutil

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household
from zhenxing.screening.models import Lead, LeadStatus, Rule, RuleSet, ScreeningRun
from zhenxing.screening.services import screening_run

from ..conftest import COUNTY, OTHER_COUNTY, OTHER_COUNTY_VILLAGE, PREFECTURE, TOWNSHIP, VILLAGE
from ..factories import make_household, make_user
from .jobs import run_queued_jobs

pytestmark = pytest.mark.django_db
YEAR = 2025
DAY = datetime.date(2025, 11, 3)


def _poor(village: str, *, wage: int = 100_000) -> Household:
    household = make_household(village)
    assert isinstance(household, Household)
    _income(household, wage)
    return household


def _income(household: Household, wage: int) -> None:
    registry.household_year_upsert(
        actor=None, household=household, year=YEAR, values={"wage": wage, "business": 0, "transfer": 0}
    )


def _lead_state(household: Household) -> tuple[object, ...]:
    lead = Lead.objects.get(household=household, status=LeadStatus.OPEN)
    signals = sorted((s.rule_code, s.run_id, str(s.evidence)) for s in lead.signals.all())
    return (lead.pk, lead.grade, lead.updated_at, tuple(signals))


@pytest.mark.parametrize("engine", ["db", "duckdb", "spark"])
def test_a_county_round_touches_only_its_own_countys_households_and_leads(
    engine: str, request: pytest.FixtureRequest
) -> None:
    if engine == "spark":
        if shutil.which("java") is None:
            pytest.skip("no Java on this machine: the Spark engine needs it")
        request.getfixturevalue("spark_session")
    # given a prefecture-wide round that raised a lead here and one in another county
    here, there = _poor(VILLAGE), _poor(OTHER_COUNTY_VILLAGE)
    screening_run(year=YEAR, engine=engine, today=DAY)
    before_there = _lead_state(there)
    # and then both got poorer (worse evidence), and a new poor household appeared in each county
    _income(here, 50_000)
    _income(there, 50_000)
    new_here, new_there = _poor(VILLAGE), _poor(OTHER_COUNTY_VILLAGE)
    # when the county screens its own households
    run = screening_run(year=YEAR, engine=engine, today=DAY, county=COUNTY)
    # then its leads are merged and created, the other county's are untouched and none is raised there
    assert run.county_id == COUNTY
    assert run.summary["new"] == 1 and run.summary["merged"] == 1
    assert Lead.objects.filter(household=new_here, status=LeadStatus.OPEN).exists()
    assert not Lead.objects.filter(household=new_there).exists()
    assert _lead_state(there) == before_there
    assert not Lead.objects.filter(
        household__village__code__startswith=OTHER_COUNTY, signals__run=run
    ).exists()
    assert Lead.objects.get(household=here, status=LeadStatus.OPEN).signals.filter(run=run).exists()


def test_a_round_records_its_progress_rule_by_rule() -> None:
    _poor(VILLAGE)
    seen: list[tuple[int, int]] = []
    run = screening_run(year=YEAR, today=DAY, progress=lambda done, total: seen.append((done, total)))
    rules = Rule.objects.filter(rule_set=RuleSet.objects.get(is_current=True), enabled=True).count()
    assert seen == [(index, rules) for index in range(1, rules + 1)]
    assert ScreeningRun.objects.get(pk=run.pk).progress == {"done": rules, "total": rules}


def test_a_county_starts_a_round_from_the_page_and_follows_it_to_its_summary(client: Client) -> None:
    # given
    here, there = _poor(VILLAGE), _poor(OTHER_COUNTY_VILLAGE)
    county = make_user(Role.COUNTY, COUNTY)
    client.force_login(county)
    # when the county starts a round
    response = client.post("/leads/runs/", {"year": YEAR, "engine": "db"})
    # then the run is recorded running, with its scope, who started it and its queued job, and audited
    run = ScreeningRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/leads/runs/{run.pk}/"
    assert (run.status, run.county_id, run.started_by, run.job_id is not None) == (
        "running",
        COUNTY,
        county,
        True,
    )
    start = AuditEvent.objects.get(action="screening.start")
    assert (start.actor_id, start.target_id) == (county.pk, str(run.pk))
    assert 'data-status="running"' in client.get(f"/leads/runs/{run.pk}/").content.decode()
    # when the worker runs the job
    assert run_queued_jobs() == 1
    # then the run is done, its progress full and its summary on the page; only this county's lead is raised
    run.refresh_from_db()
    assert run.status == "done" and run.progress["done"] == run.progress["total"] > 0
    fragment = client.get(f"/leads/runs/{run.pk}/progress/").content.decode()
    assert 'data-status="done"' in fragment and 'data-testid="summary-new">1<' in fragment
    assert "hx-get" not in fragment  # the page stops polling
    assert Lead.objects.filter(household=here).exists() and not Lead.objects.filter(household=there).exists()
    assert AuditEvent.objects.filter(
        action="screening.run", actor_id=county.pk, target_id=str(run.pk)
    ).exists()
    # and the home page shows the last run's status
    assert 'data-testid="last-run-status">已完成<' in client.get("/").content.decode()


def test_a_second_start_while_an_overlapping_round_runs_is_refused_in_chinese(client: Client) -> None:
    county = make_user(Role.COUNTY, COUNTY)
    prefecture = make_user(Role.PREFECTURE, PREFECTURE)
    client.force_login(county)
    client.post("/leads/runs/", {"year": YEAR, "engine": "db"})
    # the same county again
    again = client.post("/leads/runs/", {"year": YEAR, "engine": "duckdb"})
    assert again.status_code == 200
    assert "正在进行，请待其完成后再发起" in again.content.decode()
    # the prefecture, whose round would read the same households
    client.force_login(prefecture)
    assert "正在进行" in client.post("/leads/runs/", {"year": YEAR, "engine": "db"}).content.decode()
    # another county's own round is not in the way
    client.force_login(make_user(Role.COUNTY, OTHER_COUNTY))
    assert client.post("/leads/runs/", {"year": YEAR, "engine": "db"}).status_code == 302
    assert ScreeningRun.objects.count() == 2
    # once the jobs ran, the county may start again
    run_queued_jobs()
    client.force_login(county)
    assert client.post("/leads/runs/", {"year": YEAR, "engine": "db"}).status_code == 302


def test_a_year_without_its_monitoring_line_is_refused_before_anything_is_queued(client: Client) -> None:
    client.force_login(make_user(Role.PREFECTURE, PREFECTURE))
    response = client.post("/leads/runs/", {"year": 2001, "engine": "db"})
    assert response.status_code == 200 and "监测" in response.content.decode()
    assert not ScreeningRun.objects.exists()


@pytest.mark.parametrize(
    ("role", "code"), [(Role.VILLAGE, VILLAGE), (Role.TOWNSHIP, TOWNSHIP), (Role.DEPARTMENT, None)]
)
def test_village_township_and_department_may_not_start_or_see_rounds(
    client: Client, role: Role, code: str | None
) -> None:
    run = ScreeningRun.objects.create(
        year=YEAR, engine="db", rule_set=RuleSet.objects.get(is_current=True), status="done"
    )
    client.force_login(make_user(role, code) if code else make_user(role))
    assert client.post("/leads/runs/", {"year": YEAR, "engine": "db"}).status_code == 403
    assert client.get("/leads/runs/").status_code == 403
    assert client.get(f"/leads/runs/{run.pk}/").status_code == 403
    assert not ScreeningRun.objects.exclude(pk=run.pk).exists()
    assert 'data-testid="round-card"' not in client.get("/").content.decode()


def test_a_county_sees_its_own_and_the_prefectures_rounds_not_another_countys(client: Client) -> None:
    rule_set = RuleSet.objects.get(is_current=True)
    mine, whole, theirs = (
        ScreeningRun.objects.create(
            year=YEAR, engine="db", rule_set=rule_set, status="done", county_id=county
        )
        for county in (COUNTY, None, OTHER_COUNTY)
    )
    client.force_login(make_user(Role.COUNTY, COUNTY))
    listed = {run.pk for run in client.get("/leads/runs/").context["runs"]}
    assert listed == {mine.pk, whole.pk}
    assert client.get(f"/leads/runs/{theirs.pk}/").status_code == 404
    client.force_login(make_user(Role.PREFECTURE, PREFECTURE))
    assert {run.pk for run in client.get("/leads/runs/").context["runs"]} == {mine.pk, whole.pk, theirs.pk}


def test_every_rule_scoped_to_a_county_is_still_one_portable_select_for_every_engine() -> None:
    """Spark is not run here (slow); its dialect is checked as every other's, by sqlglot."""
    from zhenxing.screening.rules import check_rule_sql
    from zhenxing.screening.services import scoped_rules

    rules = list(Rule.objects.filter(rule_set=RuleSet.objects.get(is_current=True)))
    for rule in scoped_rules(rules, county=COUNTY):
        check_rule_sql(rule.sql)


@pytest.mark.parametrize(("status", "words"), [("running", "比对中"), ("done", "已完成"), ("failed", "失败")])
def test_p17_a_civil_affairs_comparison_is_named_as_such_on_the_runs_list_and_its_page(
    client: Client, status: str, words: str
) -> None:
    # given a 民政比对 of the county recorded as a run, beside an ordinary round
    rule_set = RuleSet.objects.get(is_current=True)
    comparison = ScreeningRun.objects.create(
        year=2026, engine="civil_affairs", rule_set=rule_set, status=status, county_id=COUNTY
    )
    round_ = ScreeningRun.objects.create(
        year=YEAR, engine="db", rule_set=rule_set, status=status, county_id=COUNTY
    )
    client.force_login(make_user(Role.COUNTY, COUNTY))
    # when the runs list and the comparison's page are opened
    listed = client.get("/leads/runs/").content.decode()
    page = client.get(f"/leads/runs/{comparison.pk}/").content.decode()
    # then the comparison says 民政比对（县名） with its own status words; the round stays 第 N 轮
    row = listed.split(f'/leads/runs/{comparison.pk}/"')[1].split("</tr>")[0]
    assert "民政比对（南涧彝族自治县）" in row and f">{words}</span>" in row and "轮" not in row
    assert f"第 {round_.pk} 轮" in listed
    assert '<h1 data-testid="run-title">民政比对（南涧彝族自治县）</h1>' in page
    assert (
        f"状态：<strong>{words}</strong>" in page
        and "筛查中" not in page
        and f"第 {comparison.pk} 轮" not in page
    )
