"""P14 synthetic projects (`zhenxing generate`, synth/projects.py): five years for the 12 counties at every level,
with emergency, 出库 and adjusted projects, late steps, 到户 households from the registry, amounts that keep the
library's constraints, and the same projects for the same seed — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from zhenxing.audit.models import AuditEvent
from zhenxing.policy.rules.projects import MAX_FEN
from zhenxing.projects.enums import LIBRARY_STATES, REVIEW_STATES
from zhenxing.projects.models import (
    Project,
    ProjectFunding,
    ProjectHousehold,
    ProjectNotice,
    ProjectNoticeEntry,
    ProjectPlace,
    ProjectStep,
    ProjectTarget,
)
from zhenxing.synth.generator import Settings
from zhenxing.synth.projects import synthetic_projects_generate
from zhenxing.synth.services import synthetic_registry_generate

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 2)


def _facts() -> list[tuple]:
    """What a run made, without the ids: the same seed must give the same rows."""
    return list(
        Project.objects.order_by("code", "version").values_list(
            "code", "version", "name", "year", "level", "status", "total_fen", "category__code",
            "division__code", "decided_on", "started_on", "step_due", "emergency", "to_households",
        )
    ) + list(ProjectFunding.objects.order_by("project__code", "project__version", "source").values_list(
        "project__code", "project__version", "source", "amount_fen"
    ))  # fmt: skip


def test_p14_synthetic_projects_cover_levels_paths_and_keep_the_constraints(shipped_data, clock_at) -> None:  # type: ignore[no-untyped-def]
    # given a small synthetic registry (for the 到户 households)
    clock_at(TODAY)
    synthetic_registry_generate(settings=Settings(scale=0.003, seed=11, year=2025))
    # when five years of 120 projects a year are generated
    result = synthetic_projects_generate(seed=11, per_year=120)
    # then every year from 2022 to 2026 has its projects, in the 12 counties, at all three levels
    firsts = Project.objects.filter(version=1)
    assert firsts.count() == 600 and result.projects == Project.objects.count()
    assert set(firsts.values_list("year", flat=True)) == {2022, 2023, 2024, 2025, 2026}
    assert firsts.values("county").distinct().count() == 12
    levels = Counter(firsts.values_list("level", flat=True))
    assert set(levels) == {"village", "township", "county"} and levels["village"] > levels["county"]
    # emergency projects (county level, with a kind), 出库 with a reason, and adjustments: two versions, the old
    # one 已调整 and the new one in the library
    emergency = Project.objects.filter(emergency=True)
    assert emergency.exists() and not emergency.exclude(level="county").exists()
    assert not emergency.filter(emergency_kind="").exists()
    withdrawn = Project.objects.filter(status="withdrawn")
    assert withdrawn.exists() and not withdrawn.filter(withdrawn_reason="").exists()
    seconds = Project.objects.filter(version=2)
    assert seconds.exists()
    for project in seconds.select_related("previous"):
        assert project.previous is not None and project.previous.code == project.code
        assert project.previous.status == "adjusted" and project.status in LIBRARY_STATES
    # older years mostly finished; this year along the approval chain, some of it late
    old = Counter(Project.objects.filter(year=2022).values_list("status", flat=True))
    assert old["handed_over"] + old["accepted"] > 0.8 * sum(old.values())
    current = set(Project.objects.filter(year=2026).values_list("status", flat=True))
    assert set(REVIEW_STATES) <= current and "proposed" in current
    late = Project.objects.filter(status__in=REVIEW_STATES, step_due__lt=TODAY)
    assert late.exists()
    assert not Project.objects.filter(status__in=LIBRARY_STATES, decided_on__isnull=True).exists()
    assert not Project.objects.filter(decided_on__gt=TODAY).exists()
    assert not Project.objects.filter(started_on__gt=TODAY).exists()
    # money in fen within the library's range, its sources adding up to the total; central funds most of it
    assert not Project.objects.filter(total_fen__lte=0).exists()
    assert not Project.objects.filter(total_fen__gt=MAX_FEN).exists()
    sums = Project.objects.annotate(sources=Sum("fundings__amount_fen")).values_list("total_fen", "sources")
    assert all(total == sources for total, sources in sums)
    by_source = dict(ProjectFunding.objects.values_list("source").annotate(s=Sum("amount_fen")))
    assert by_source["central"] > sum(by_source.values()) / 2
    assert not Project.objects.filter(level="village", total_fen__lt=20 * 1_000_000).exists()
    assert not Project.objects.filter(level="village", total_fen__gt=300 * 1_000_000).exists()
    # three 绩效目标 each, 联农带农 for 产业 and 就业, 到户 households from the project's own village
    assert set(Project.objects.annotate(n=Count("targets")).values_list("n", flat=True)) == {3}
    assert ProjectTarget.objects.values("kind").distinct().count() == 3
    linked = Project.objects.filter(category__needs_linkage=True)
    assert linked.exists() and not linked.filter(linked_tuopin_people__isnull=True).exists()
    assert Project.objects.filter(to_households=True).exists()
    for row in ProjectHousehold.objects.select_related("household", "project")[:50]:
        assert ProjectPlace.objects.filter(
            project=row.project, village__code=row.household.village_id
        ).exists()
    # one step record at least per project, the decision of each decided one (州审定 in a batch, or the county's
    # for an emergency)
    assert not Project.objects.filter(steps__isnull=True).exists()
    decided = ProjectStep.objects.filter(outcome="reserved")
    assert decided.filter(step="prefecture_decision", batch__isnull=False).exists()
    assert decided.filter(step="county_review", project__emergency=True).exists()
    # each 州审定 batch announced in the county's library notice, so that its projects could start (P14)
    batched = Project.objects.filter(batch__isnull=False)
    assert batched.exists()
    assert not batched.exclude(notice_entries__notice__kind="library").exists()
    assert not ProjectNotice.objects.filter(posted_on__gt=TODAY).exists()
    # one audit event for the run
    assert AuditEvent.objects.filter(action="synth.generate", target_type="projects.project").count() == 1


def _empty() -> None:
    for model in (ProjectNoticeEntry, ProjectNotice, ProjectStep, ProjectFunding, ProjectTarget, ProjectPlace,
                  ProjectHousehold):  # fmt: skip
        model.objects.all().delete()
    Project.objects.filter(version__gt=1).delete()
    Project.objects.all().delete()


def test_p14_synthetic_projects_are_the_same_for_a_seed(shipped_data, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(TODAY)
    synthetic_projects_generate(seed=5, per_year=40)
    first = _facts()
    _empty()
    synthetic_projects_generate(seed=5, per_year=40)
    assert _facts() == first
    # a different seed gives other projects
    _empty()
    synthetic_projects_generate(seed=6, per_year=40)
    assert _facts() != first


def test_p14_generate_adds_projects_unless_told_not_to(shipped_data, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(TODAY)
    call_command("generate", scale=0.001, seed=3, year=2025, no_projects=True)
    assert not Project.objects.exists()
    # projects alone, after the registry: 2,000 a year × scale, at least one
    call_command("generate", "projects", scale=0.005, seed=3)
    assert Project.objects.filter(version=1).count() == 5 * 10
    numbers = Project.objects.count()
    # a second run with --if-empty adds nothing; with --append it adds, numbering after the first
    call_command("generate", "projects", scale=0.005, seed=3, if_empty=True)
    assert Project.objects.count() == numbers
    call_command("generate", "projects", seed=4, projects_per_year=2, append=True)
    assert Project.objects.filter(version=1).count() == 5 * 10 + 5 * 2
    assert Project.objects.values("code", "version").distinct().count() == Project.objects.count()


def test_p14_the_demo_library_stands_at_every_stage(shipped_data, clock_at, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The demo (make run): 南涧's projects at every approval step and every execution stage, made through the
    services, the proposal under announcement with an objection, found by each demo user in scope."""
    from zhenxing.accounts.demo import demo_users_ensure
    from zhenxing.accounts.models import User
    from zhenxing.projects.models import ProjectNotice, ProjectObjection
    from zhenxing.projects.selectors import project_list_for_user
    from zhenxing.synth.demo_projects import FIRST_NAME, demo_projects_ensure

    clock_at(TODAY)
    demo_users_ensure(credentials_file=tmp_path / "credentials.txt")
    result = demo_projects_ensure(today=TODAY)
    assert result is not None and result.projects == Project.objects.count()
    statuses = set(Project.objects.values_list("status", flat=True))
    assert {"proposed", "township_review", "department_review", "county_review", "prefecture_decision",
            "returned", "reserved", "started", "building", "completed", "accepted", "handed_over"} <= statuses  # fmt: skip
    newest = Project.objects.get(name=FIRST_NAME)
    notice = ProjectNotice.objects.get(entries__project=newest)
    assert notice.posted_on <= TODAY <= notice.ends_on
    assert ProjectObjection.objects.filter(notice=notice, status="open").exists()
    assert Project.objects.filter(version=2, status="department_review", previous__status="building").exists()
    assert Project.objects.filter(emergency=True, prefecture_filed_on__isnull=False).exists()
    assert AuditEvent.objects.filter(action="project.batch_decide").count() == 1
    # the sector user finds its road projects, one waiting past its due day
    sector = User.objects.get(username="demo_sector")
    seen = project_list_for_user(user=sector)
    assert seen.filter(status="department_review", step_due__lt=TODAY).exists()
    assert not seen.exclude(sector__code="transport").exists()
    for username in ("demo_village", "demo_township", "demo_county", "demo_prefecture"):
        assert project_list_for_user(user=User.objects.get(username=username)).filter(pk=newest.pk).exists()
    # a second run adds nothing
    assert demo_projects_ensure(today=TODAY) is None
