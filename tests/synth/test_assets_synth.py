"""P15 synthetic asset register and P11 collective incomes (`zhenxing generate`, synth/assets.py): values within
what each project was paid by source, valid statuses, 资产移交 projects' assets all handed over, incomes for every
village with the parameter's tiers, the same drafts for a seed and nothing added by a second run — on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db.models import Sum

from zhenxing.assets.enums import AssetStatus, DisposalStatus, PlanStatus
from zhenxing.assets.models import (
    Asset,
    AssetFundShare,
    AssetIncome,
    CollectiveIncome,
    Disposal,
    DisposalStep,
    DistributionPlan,
    PlanPayout,
)
from zhenxing.audit.models import AuditEvent
from zhenxing.divisions.models import Division
from zhenxing.funds.models import Payment
from zhenxing.policy.rules.assets import collective_tier
from zhenxing.projects.enums import ProjectStatus
from zhenxing.projects.models import Project
from zhenxing.registry.models import Membership
from zhenxing.synth import rates
from zhenxing.synth.asset_drafts import AssetDrafts, AssetProjectRef, TypeRef
from zhenxing.synth.assets import synthetic_assets_generate
from zhenxing.synth.funds import synthetic_funds_generate
from zhenxing.synth.generator import Settings
from zhenxing.synth.projects import synthetic_projects_generate
from zhenxing.synth.services import synthetic_registry_generate

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 2)


def _world(seed: int) -> None:
    synthetic_registry_generate(settings=Settings(scale=0.003, seed=seed, year=2025))
    synthetic_projects_generate(seed=seed, per_year=120)
    synthetic_funds_generate(seed=seed)


def test_p15_synthetic_assets_stay_within_what_each_project_was_paid(shipped_data, clock_at) -> None:  # type: ignore[no-untyped-def]
    # given a small synthetic registry, library and fund ledger
    clock_at(TODAY)
    _world(31)
    # when the assets are generated
    result = synthetic_assets_generate(seed=31)
    # then the accepted and handed-over projects have assets, no asset of a project paid nothing
    assert result.assets == Asset.objects.count() > 0
    paid = {
        (code, source): int(total)
        for code, source, total in Payment.objects.values_list("split__project__code", "source")
        .annotate(total=Sum("amount_fen"))
        .order_by()
    }
    taken = {
        (code, source): int(total)
        for code, source, total in AssetFundShare.objects.values_list("asset__project__code", "source")
        .annotate(total=Sum("amount_fen"))
        .order_by()
    }
    assert taken and all(fen <= paid.get(key, 0) for key, fen in taken.items())
    for asset in Asset.objects.annotate(shared=Sum("shares__amount_fen")):
        assert asset.shared == asset.value_fen
        assert asset.project.status in (ProjectStatus.ACCEPTED, ProjectStatus.HANDED_OVER)
        assert asset.code.startswith(f"ZC{asset.county.code}{asset.formed_on.year}") and len(asset.code) == 17
    # statuses the constraints allow, every one of a 资产移交 project's assets handed over (some since disposed)
    assert set(Asset.objects.values_list("status", flat=True)) <= set(AssetStatus.values)
    handed_projects = Project.objects.filter(
        status=ProjectStatus.HANDED_OVER, assets__isnull=False
    ).distinct()
    assert handed_projects.exists()
    for project in handed_projects:
        assert not project.assets.filter(handed_over_on__isnull=True).exists()
    # an accepted project never has all its assets handed over (the last 移交 would have moved it on)
    for project in Project.objects.filter(status=ProjectStatus.ACCEPTED, assets__isnull=False).distinct():
        assert project.assets.filter(status__in=(AssetStatus.REGISTERED, AssetStatus.OWNED)).exists()
    # 到户 assets belong to the project's listed households
    for asset in Asset.objects.filter(category="household", owner_household__isnull=False)[:50]:
        assert asset.project.beneficiaries.filter(household=asset.owner_household).exists()
    # care: some inspections overdue, some idle or under-used, incomes of operating assets only
    handed = Asset.objects.filter(status=AssetStatus.HANDED_OVER)
    assert handed.filter(inspection_due__lt=TODAY).exists()
    assert handed.filter(condition__in=("idle", "underused")).exists()
    assert set(AssetIncome.objects.values_list("asset__category", flat=True)) == {"operating"}
    # disposals: approved scraps with their steps, the asset off the register; one waiting per county at most
    for disposal in Disposal.objects.filter(status=DisposalStatus.APPROVED):
        assert disposal.asset.status == AssetStatus.DISPOSED and disposal.asset.ended_reason
        assert DisposalStep.objects.filter(disposal=disposal, outcome=DisposalStatus.APPROVED).count() == 1
    waiting = Counter(
        Disposal.objects.filter(status=DisposalStatus.APPLIED).values_list("county_id", flat=True)
    )
    assert all(count == 1 for count in waiting.values())
    # plans pay current members of their own village; implemented ones are paid
    for payout in PlanPayout.objects.select_related("line__plan__village", "household"):
        assert payout.household.village_id == payout.line.plan.village.code
        assert Membership.objects.filter(person=payout.person, household=payout.household).exists()
        implemented = payout.line.plan.status in (PlanStatus.IMPLEMENTED, PlanStatus.CLOSED)
        assert (payout.paid_on is not None) == implemented
    # one audit event for the run
    assert AuditEvent.objects.filter(action="synth.generate", target_type="assets.asset").count() == 1


def test_p11_synthetic_collective_incomes_cover_every_village_with_the_parameters_tiers(
    shipped_data, clock_at
) -> None:  # type: ignore[no-untyped-def]
    clock_at(TODAY)
    _world(32)
    synthetic_assets_generate(seed=32)
    villages = Division.objects.filter(level="village").count()
    first, last = rates.COLLECTIVE_YEARS
    rows = CollectiveIncome.objects.select_related("tier_parameter")
    assert rows.count() == villages * (last - first + 1)
    for row in rows:
        bounds = [int(b) for b in row.tier_parameter.value]
        assert row.tier == collective_tier(row.amount_fen, bounds)
        assert row.amount_fen >= row.asset_income_fen
    # the tiers drift upward: more villages at or above 5万 in 2025 than in 2020
    assert rows.filter(year=last, tier__gte=2).count() > rows.filter(year=first, tier__gte=2).count()
    # a village's own asset income is part of it
    assert rows.filter(asset_income_fen__gt=0).exists() or not AssetIncome.objects.exists()


def test_p11_the_2020_tiers_of_villages_with_tuopin_population_follow_the_plan() -> None:
    # given 1,144 villages with 脱贫户 (no database: the drafts alone)
    from zhenxing.synth.asset_drafts import VillageRef

    villages = [VillageRef(i, f"532926{i:06d}", 1, f"村{i}", True) for i in range(1144)]
    drafts = AssetDrafts(projects=[], types={}, next_numbers={}, seed=7, today=TODAY)
    bounds = {year: [20000, 50000, 100000] for year in range(2020, 2026)}
    # when their incomes are drawn
    rows = drafts.collective(villages, {}, bounds)
    tiers = Counter(r.tier for r in rows if r.year == 2020)
    # then the 2020 tier counts are near the plan's 15 / 546 / 309 / 274
    for tier, planned in enumerate((15, 546, 309, 274)):
        assert abs(tiers[tier] - planned) <= max(15, planned * 0.12)


def test_p15_the_drafts_are_the_same_for_a_seed() -> None:
    project = AssetProjectRef(
        1, "5329262024000001", "西山村道路硬化", 1, "532926", 2, "532926101202", "西山村", "construction_roads",
        "handed_over", datetime.date(2024, 5, 1), (), {"central": 800_000_00, "province": 100_000_00},
    )  # fmt: skip
    types = {code: TypeRef(i, code, code, "public", 1, "处") for i, code in enumerate(("road", "bridge"))}

    def draw(seed: int) -> list[tuple]:
        drafts = AssetDrafts(projects=[project], types=types, next_numbers={}, seed=seed, today=TODAY)
        return [(a.code, a.value_fen, a.shares, a.status, a.inspections) for a in drafts.assets()]

    assert draw(5) == draw(5) and draw(5) != draw(6)
    assert all(sum(shares.values()) == value for _, value, shares, _, _ in draw(5))
    assert sum(value for _, value, _, _, _ in draw(5)) <= 900_000_00


def test_p15_synthetic_assets_are_not_added_twice(shipped_data, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(TODAY)
    _world(33)
    first = synthetic_assets_generate(seed=33)
    facts = sorted(Asset.objects.values_list("code", "value_fen", "status"))
    incomes = CollectiveIncome.objects.count()
    # when it runs again
    again = synthetic_assets_generate(seed=33)
    # then nothing is added and no second audit event written
    assert again.assets == 0 and again.collective_incomes == 0
    assert sorted(Asset.objects.values_list("code", "value_fen", "status")) == facts
    assert CollectiveIncome.objects.count() == incomes and first.collective_incomes == incomes
    assert AuditEvent.objects.filter(action="synth.generate", target_type="assets.asset").count() == 1


def test_p15_the_demo_register_is_entered_through_the_services_once(shipped_data, clock_at, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from zhenxing.accounts.demo import demo_users_ensure
    from zhenxing.synth.asset_demo import PLANT, SOLAR, WATER, demo_assets_ensure
    from zhenxing.synth.demo_projects import demo_projects_ensure
    from zhenxing.synth.demo_scenario import demo_scenario_ensure
    from zhenxing.synth.fund_demo import demo_funds_ensure

    # given the demo users, 西山村's households, the demo library and its ledger
    clock_at(TODAY)
    demo_users_ensure(credentials_file=tmp_path / "demo_credentials.txt")
    assert demo_scenario_ensure(today=TODAY) is not None
    assert demo_projects_ensure() is not None and demo_funds_ensure() is not None
    # when the demo register is made
    assert demo_assets_ensure() is not None
    # then an accepted, paid project has no asset yet (to register from)
    waiting = Project.objects.filter(
        county__code="532926", status=ProjectStatus.ACCEPTED, assets__isnull=True
    )
    assert any(Payment.objects.filter(split__project__code=p.code).exists() for p in waiting)
    # a handed-over asset due for inspection, an idle one with a disposal waiting for the township, one with income
    water, plant, solar = (Asset.objects.get(name=name) for name in (WATER, PLANT, SOLAR))
    assert water.status == AssetStatus.HANDED_OVER and water.inspection_due < TODAY
    assert plant.condition == "idle" and plant.disposals.get().status == DisposalStatus.APPLIED
    assert solar.incomes.count() == 2
    # a plan at 决议公开 with its meetings and posting, every step audited
    plan = DistributionPlan.objects.get(village__code="532926101202")
    assert plan.status == PlanStatus.PUBLISHED and plan.meetings.count() == 4 and plan.postings.count() == 1
    assert AuditEvent.objects.filter(action="asset.plan_step").count() == 4
    assert AuditEvent.objects.filter(action="asset.hand_over").count() == 3
    # and again: nothing more
    rows = AuditEvent.objects.count()
    assert demo_assets_ensure() is None and AuditEvent.objects.count() == rows
