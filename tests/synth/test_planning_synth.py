"""The synthetic planning data (issue 20; P11, P12, P16): the monitoring history (synth/planning_history.py) and the
village flags, work teams, targets, reported values and findings (synth/planning_data.py) over a small synthetic
registry, and the demo's (synth/planning_demo.py) — deterministic for a seed, within every constraint, the planted
work-team shortfalls exactly what the check lists; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, F, Sum

from zhenxing.accounts.demo import demo_users_ensure
from zhenxing.audit.models import AuditEvent
from zhenxing.common.enums import Department
from zhenxing.divisions.codes import county_of
from zhenxing.feeds.models import FeedRecord
from zhenxing.monitoring.enums import MONITORED_STATUSES, OPEN_STATUSES, CaseStatus, PersonItemKind
from zhenxing.monitoring.models import Case, CaseStep, HousingLedgerEntry, Measure, PersonItem, Plan
from zhenxing.planning.enums import ReportStatus
from zhenxing.planning.models import (
    FieldFinding,
    IndicatorReport,
    IndicatorTarget,
    Period,
    ReportStep,
    VillageProfile,
    WorkTeamMember,
)
from zhenxing.planning.teams import work_team_shortfalls
from zhenxing.policy.vocab import MONITORING_TYPES, RISK_TYPES
from zhenxing.registry.models import Membership
from zhenxing.screening.models import Lead
from zhenxing.synth.generator import Settings
from zhenxing.synth.planning_data import synthetic_planning_generate
from zhenxing.synth.planning_demo import TOWNSHIP, VILLAGE, demo_planning_ensure
from zhenxing.synth.planning_history import WEAK_COUNTY, synthetic_history_generate
from zhenxing.synth.services import synthetic_registry_generate

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 2)
YEAR = 2025


class _Rollback(Exception):
    pass


def _world(seed: int) -> None:
    synthetic_registry_generate(settings=Settings(scale=0.003, seed=seed, year=YEAR))


def _fingerprint() -> dict[str, Any]:
    """What was generated, without primary keys (PostgreSQL's sequences do not roll back)."""
    return {
        "cases": sorted(
            (
                c.household.code,
                c.status,
                str(c.identified_on),
                str(c.eliminated_on),
                tuple(c.risk_types),
                c.monitoring_type,
                c.reopens.household.code if c.reopens else "",
            )
            for c in Case.objects.select_related("household", "reopens__household")
        ),
        "items": sorted(
            (i.person.name, i.kind, str(i.started_on)) for i in PersonItem.objects.select_related("person")
        ),
        "leads": sorted(
            (lead.household.code, str(lead.village_due)) for lead in Lead.objects.select_related("household")
        ),
        "teams": sorted(
            (m.village.code, m.role, m.name, str(m.starts_on), str(m.ends_on))
            for m in WorkTeamMember.objects.select_related("village")
        ),
        "reports": sorted(
            (r.indicator.code, r.division.code, str(r.value))
            for r in IndicatorReport.objects.select_related("indicator", "division")
        ),
    }


def _generate(seed: int) -> tuple[Any, Any, dict[str, Any]]:
    history = synthetic_history_generate(seed=seed, year=YEAR)
    planning = synthetic_planning_generate(seed=seed, year=YEAR)
    return history, planning, _fingerprint()


def _generate_rolled_back(seed: int) -> tuple[Any, Any, dict[str, Any]]:
    try:
        with transaction.atomic():
            generated = _generate(seed)
            raise _Rollback
    except _Rollback:
        return generated


def test_p12_p16_the_same_seed_gives_the_same_history_and_planning_data(shipped_data, clock_at) -> None:  # type: ignore[no-untyped-def]
    # given a small synthetic registry
    clock_at(TODAY)
    _world(41)
    runs = []
    # when the planning data is generated twice from the same seed (each run rolled back)
    for _ in range(2):
        runs.append(_generate_rolled_back(41))
    # then both runs wrote the same rows
    (h1, p1, f1), (h2, p2, f2) = runs
    assert f1 == f2 and f1["cases"] and f1["teams"] and f1["reports"]
    assert p1.shortfalls == p2.shortfalls and h1.confirmed == h2.confirmed


def test_p12_p16_history_has_confirmed_eliminated_and_reopened_cases_within_the_constraints(  # type: ignore[no-untyped-def]
    shipped_data, clock_at
) -> None:
    # given a small synthetic registry
    clock_at(TODAY)
    _world(43)
    # when the history is generated
    result = synthetic_history_generate(seed=43, year=YEAR)
    # then cases confirmed since 2021, about half eliminated, some reopened, in several counties
    confirmed = Case.objects.filter(status__in=[*MONITORED_STATUSES, CaseStatus.ELIMINATED])
    assert result.confirmed == confirmed.count() > 0
    per_county = Counter(county_of(v) for v in confirmed.values_list("village_id", flat=True))
    eliminated = Counter(
        county_of(v)
        for v in confirmed.filter(status=CaseStatus.ELIMINATED).values_list("village_id", flat=True)
    )
    assert len(per_county) >= 10 and len(eliminated) >= 5
    assert 0.3 < sum(eliminated.values()) / sum(per_county.values()) < 0.7
    reopened = confirmed.filter(reopens__isnull=False)
    assert reopened.exists() and result.reopened == reopened.count()
    assert len({county_of(v) for v in reopened.values_list("village_id", flat=True)}) >= 1
    for case in reopened.select_related("reopens"):
        assert case.reopens.status == CaseStatus.ELIMINATED and case.household_id == case.reopens.household_id
        assert case.identified_on > case.reopens.eliminated_on
    assert not confirmed.filter(identified_on__lt=datetime.date(2021, 1, 1)).exists()
    assert not confirmed.filter(identified_on__gt=TODAY).exists()
    assert set(confirmed.values_list("monitoring_type", flat=True)) <= set(MONITORING_TYPES)
    risks = Counter(r for types in confirmed.values_list("risk_types", flat=True) for r in types)
    assert set(risks) <= set(RISK_TYPES)
    # mostly 脱贫户, about 3 % of households
    kinds = Counter(confirmed.values_list("household__kind", flat=True))
    assert kinds["脱贫户"] > sum(kinds.values()) / 2
    # every eliminated case has its date, method, and a plan; measures end after they start
    assert not confirmed.filter(status=CaseStatus.ELIMINATED, eliminated_on__isnull=True).exists()
    assert not confirmed.filter(status=CaseStatus.ELIMINATED, elimination_method="").exists()
    assert not confirmed.filter(eliminated_on__lt=F("identified_on")).exists()
    assert Plan.objects.count() == confirmed.count() == result.plans
    assert not Measure.objects.filter(ends_on__lt=F("started_on")).exists()
    # one open or monitored case per household
    open_per_household = (
        Case.objects.filter(status__in=[*OPEN_STATUSES, *MONITORED_STATUSES])
        .values("household")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not open_per_household.exists()
    # training for labour-age members of 脱贫户 (or reopened) households, jobs after the training started
    trainings = PersonItem.objects.filter(kind=PersonItemKind.TRAINING)
    assert trainings.count() == result.training_items > 0
    members = Membership.objects.filter(person_id__in=trainings.values("person_id"), left_on__isnull=True)
    assert set(members.values_list("household__kind", flat=True)) == {"脱贫户"}
    assert set(members.values_list("person__labour", flat=True)) <= {"普通劳动力", "技能劳动力"}
    started = dict(trainings.values_list("person_id", "started_on"))
    jobs = PersonItem.objects.filter(kind=PersonItemKind.JOB)
    assert jobs.count() == result.job_items > 0
    assert all(job_on > started[person] for person, job_on in jobs.values_list("person_id", "started_on"))
    # the 人社 feed registers part of the trained in the year
    feed = FeedRecord.objects.filter(department=Department.HUMAN_RESOURCES)
    assert feed.count() == result.feed_records > 0
    assert set(feed.values_list("code", flat=True)) <= {"就业", "失业"}
    assert set(feed.values_list("person_id", flat=True)) <= set(started)
    assert all(d.year == YEAR for d in feed.values_list("record_date", flat=True))
    # C/D houses on the ledger, open or closed with date and completion
    housing = HousingLedgerEntry.objects.all()
    assert housing.count() == result.housing_entries > 0
    assert not housing.filter(status="closed", closed_on__isnull=True).exists()
    # overdue leads and case steps, many more in the weak county
    leads = Lead.objects.filter(status="open", village_due__lt=TODAY)
    assert leads.count() == result.overdue_leads
    by_county = Counter(county_of(v) for v in leads.values_list("household__village_id", flat=True))
    assert by_county[WEAK_COUNTY] == max(by_county.values()) and len(by_county) >= 10
    overdue = Case.objects.filter(status__in=OPEN_STATUSES, step_due__lt=TODAY)
    assert overdue.count() == result.overdue_cases and len({county_of(c.village_id) for c in overdue}) >= 10
    assert CaseStep.objects.filter(overdue=True).count() == result.late_steps
    # one audit event for the run
    assert (
        AuditEvent.objects.filter(action="synth.generate", new_values__what="planning_history").count() == 1
    )
    # a second run adds nothing
    assert synthetic_history_generate(seed=43, year=YEAR).cases == 0


def test_p11_the_work_team_check_lists_exactly_the_planted_shortfalls(shipped_data, clock_at) -> None:  # type: ignore[no-untyped-def]
    # given a small synthetic registry and its history
    clock_at(TODAY)
    _world(47)
    synthetic_history_generate(seed=47, year=YEAR)
    # when the planning data is generated
    result = synthetic_planning_generate(seed=47, year=YEAR)
    # then the villages the check finds short, today and at the year's end, are exactly the planted ones
    assert len(result.shortfalls) >= 6 and set(result.shortfalls.values()) == {
        "no_first_secretary", "too_few_members", "term_ended",
    }  # fmt: skip
    for on in (TODAY, datetime.date(YEAR, 12, 31)):
        assert {row.village.code for row in work_team_shortfalls(on=on)} == set(result.shortfalls)
    assert any(county_of(code) == WEAK_COUNTY for code in result.shortfalls)
    assert not any(county_of(code) == "532926" for code in result.shortfalls)  # the demo plants its own
    # 脱贫村 at the real share, only in 脱贫 counties
    profiles = VillageProfile.objects.filter(is_tuopin_village=True).select_related("village__parent__parent")
    assert profiles.count() == result.tuopin_villages > 0
    assert all(p.village.parent.parent.is_tuopin_county for p in profiles)
    assert VillageProfile.objects.filter(
        is_haixi_key_village=True, village__code__startswith="532901"
    ).exists()
    # ended members have their reason
    assert not WorkTeamMember.objects.filter(ends_on__isnull=False, end_reason="").exists()
    # county targets split from the totals; reported values accepted with two review steps, some missing
    assert IndicatorTarget.objects.filter(county__isnull=False).count() == result.targets > 0
    accepted = IndicatorReport.objects.filter(status=ReportStatus.ACCEPTED, period__year=YEAR)
    assert accepted.count() == result.reports > 0 and result.unreported > 0
    assert ReportStep.objects.filter(report__in=accepted).count() == 2 * result.reports
    assert not accepted.filter(entered_by=F("steps__actor")).exists()
    # the weak county's findings weigh most
    deductions = dict(
        FieldFinding.objects.filter(year=YEAR).values_list("county__code").annotate(total=Sum("deduction"))
    )
    assert deductions[WEAK_COUNTY] == max(deductions.values()) and len(deductions) == 3
    # a second run adds nothing
    assert synthetic_planning_generate(seed=47, year=YEAR).profiles == 0


def test_p11_p16_the_demo_has_a_short_team_two_values_under_review_and_2025_frozen_or_said_why(  # type: ignore[no-untyped-def]
    shipped_data, clock_at, tmp_path: Path
) -> None:
    # given the demo users and a small synthetic world with its planning data
    clock_at(TODAY)
    demo_users_ensure(credentials_file=tmp_path / "demo_credentials.txt")
    _world(53)
    synthetic_history_generate(seed=53, year=YEAR)
    synthetic_planning_generate(seed=53, year=YEAR)
    # when the demo's planning data is ensured
    result = demo_planning_ensure()
    # then 西山村 is 南涧's one short team
    assert result is not None and result.team_members > 0
    assert [row.village.code for row in work_team_shortfalls(on=TODAY, county_code="532926")] == [VILLAGE]
    # one 南涧镇 value waits for the county's review, one is returned to the township
    statuses = set(IndicatorReport.objects.filter(division__code=TOWNSHIP).values_list("status", flat=True))
    assert statuses == {ReportStatus.TOWNSHIP_REVIEWED, ReportStatus.RETURNED}
    # 2025 is frozen, or the result says why not
    period = Period.objects.get(kind="year", year=2025, number=0)
    assert (period.frozen_at is not None) != bool(result.freeze_note)
    # a second run adds nothing
    again = demo_planning_ensure()
    assert again is not None and again.team_members == again.reports == again.frozen_values == 0


def test_p11_the_demo_needs_the_demo_users() -> None:
    assert demo_planning_ensure() is None


def test_p16_the_2025_assessment_of_the_synthetic_counties_grades_the_weak_county_general(  # type: ignore[no-untyped-def]
    shipped_data, clock_at
) -> None:
    # given a small synthetic world with its history and planning data, the 2025 year frozen
    from zhenxing.planning.assessment import assessment_compute_all
    from zhenxing.planning.freeze import period_ensure, period_freeze

    clock_at(TODAY)
    _world(59)
    synthetic_history_generate(seed=59, year=YEAR)
    synthetic_planning_generate(seed=59, year=YEAR)
    assert period_freeze(period=period_ensure(kind="year", year=YEAR, number=0), actor=None) > 0
    # when the prefecture computes the 2025 assessment
    grades = {a.county.code: a.grade for a in assessment_compute_all(year=YEAR, actor=None)}
    # then the weak county is graded 一般 and most are not
    assert grades[WEAK_COUNTY] == "一般"
    assert sum(grade != "一般" for grade in grades.values()) >= 9
