"""`synthetic_assets_generate`: the asset register (P15) of the synthetic 验收 and 资产移交 projects and every
village's 村级集体经济收入 (P11) for 2020-2025, in one transaction with one audit event, deterministic for a seed
(synth/asset_drafts.py draws them from the rates in synth/rates.py). `zhenxing generate` runs it right after
the fund ledger: values come from the projects' payments only.

Rows are written with bulk_create, as history (like synth/funds.py): statuses, dates, the disposals' and plans'
step records. They are entered by each county's inactive user of synth/funds.py (合成数据（县）), who cannot log
in. Running it again adds nothing: once a synthetic asset exists the register is skipped, and a village's year
that has its collective income already is left as it is."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from zhenxing.accounts.models import User
from zhenxing.assets.models import (
    Asset,
    AssetFundShare,
    AssetIncome,
    AssetType,
    CollectiveIncome,
    Disposal,
    DisposalStep,
    DistributionPlan,
    Inspection,
    PlanLine,
    PlanMeeting,
    PlanPayout,
    PlanPosting,
    PlanStep,
)
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.divisions.codes import county_of
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.funds.models import Payment
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.rules.assets import FEN_PER_WAN
from zhenxing.policy.selectors import ParameterMissing, parameter_for
from zhenxing.projects.enums import ProjectStatus
from zhenxing.projects.models import Project, ProjectHousehold
from zhenxing.registry.models import Household, Membership
from zhenxing.synth import rates
from zhenxing.synth.asset_drafts import (
    AssetDraft,
    AssetDrafts,
    AssetProjectRef,
    CollectiveDraft,
    DisposalDraft,
    PlanDraft,
    StepDraft,
    TypeRef,
    VillageRef,
)
from zhenxing.synth.funds import SYNTH_COUNTY, _counties, _county_users

BATCH_SIZE = 2_000
GOVERNMENT_ABOVE_WAN = 50  # the shipped asset_care parameter's value, when none answers for the year


@dataclass(frozen=True)
class AssetsResult:
    assets: int
    handed_over: int
    inspections: int
    incomes: int
    disposals: int
    plans: int
    collective_incomes: int
    seconds: float


def _heads(households: QuerySet[ProjectHousehold]) -> dict[int, tuple[int, str]]:
    """Household → (its head's person pk, name), for the households listed by `households` (a subquery)."""
    rows = Membership.objects.filter(
        household_id__in=households.values("household_id"), relation="户主", left_on__isnull=True
    )
    return {h: (p, name) for h, p, name in rows.values_list("household_id", "person_id", "person__name")}


def _projects() -> list[AssetProjectRef]:
    wanted = (ProjectStatus.ACCEPTED, ProjectStatus.HANDED_OVER)
    rows = list(
        Project.objects.filter(status__in=wanted).values_list(
            "pk", "code", "name", "county_id", "county__code", "division_id", "division__code", "division__name",
            "category__code", "status", "accepted_on", "completed_on", "to_households",
        )
    )  # fmt: skip
    paid: dict[str, dict[str, int]] = {}
    for code, source, total in (
        Payment.objects.filter(
            split__project__code__in=Project.objects.filter(status__in=wanted).values("code")
        )
        .values_list("split__project__code", "source")
        .annotate(total=Sum("amount_fen"))
        .order_by()
    ):
        if total and total > 0:
            paid.setdefault(code, {})[source] = int(total)
    listed: dict[int, list[int]] = {}
    for project_id, household_id in ProjectHousehold.objects.filter(project__status__in=wanted).values_list(
        "project_id", "household_id"
    ):
        listed.setdefault(project_id, []).append(household_id)
    heads = _heads(ProjectHousehold.objects.filter(project__status__in=wanted))
    today = clock.today()
    out = []
    for (
        pk,
        code,
        name,
        county,
        county_code,
        division,
        division_code,
        division_name,
        category,
        status,
        *rest,
    ) in rows:
        accepted, completed, to_households = rest
        formed = cast(datetime.date, accepted or completed or today)
        households = tuple(
            (h, heads[h][1]) for h in sorted(listed.get(pk, [])) if h in heads
        ) if to_households else ()  # fmt: skip
        out.append(
            AssetProjectRef(
                pk,
                code,
                name,
                county,
                county_code,
                division,
                division_code,
                division_name,
                category,
                status,
                formed,
                households,
                paid.get(code, {}),
            )
        )
    return out


def _types() -> dict[str, TypeRef]:
    return {
        t.code: TypeRef(t.pk, t.code, t.name, t.category, t.sector_id, t.unit)
        for t in AssetType.objects.filter(active=True)
    }


def _next_numbers() -> dict[str, int]:
    """The next five-digit number of each ZC<county><year> prefix, after what is registered already."""
    numbers: dict[str, int] = {}
    for code in Asset.objects.values_list("code", flat=True):
        prefix, number = code[:-5], code[-5:]
        if number.isdigit():
            numbers[prefix] = max(numbers.get(prefix, 1), int(number) + 1)
    return numbers


def _villages() -> list[VillageRef]:
    tuopin = set(Household.objects.filter(kind="脱贫户").values_list("village_id", flat=True).distinct())
    counties = {
        code: pk for pk, code in Division.objects.filter(level=DivisionLevel.COUNTY).values_list("pk", "code")
    }
    return [
        VillageRef(pk, code, counties[county_of(code)], name, code in tuopin)
        for pk, code, name in Division.objects.filter(level=DivisionLevel.VILLAGE).values_list(
            "pk", "code", "name"
        )
        if county_of(code) in counties
    ]


def _village_heads(code: str) -> list[tuple[int, int]]:
    """(household, head person) of a village's households, by household id (the first 200)."""
    return list(
        Membership.objects.filter(household__village__code=code, relation="户主", left_on__isnull=True)
        .order_by("household_id")
        .values_list("household_id", "person_id")[:200]
    )


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _write_assets(drafts: list[AssetDraft], actors: dict[str, User]) -> dict[int, Asset]:
    rows: dict[int, Asset] = {}
    for d in drafts:
        rows[id(d)] = Asset(
            code=d.code, name=d.name, asset_type_id=d.type.pk, category=d.type.category,
            sector_id=d.type.sector_pk, quantity=d.quantity, unit=d.type.unit, county_id=d.project.county_pk,
            division_id=d.project.division_pk, project_id=d.project.pk, formed_on=d.formed_on, value_fen=d.value_fen,
            status=d.status, owner_kind=d.owner_kind, owner_name=d.owner_name, owner_household_id=d.owner_household,
            ownership_document=d.ownership_document, owned_on=d.owned_on, handed_over_on=d.handed_over_on,
            receiver=d.receiver, care_unit=d.care_unit, care_person=d.care_person, care_phone=d.care_phone,
            condition=d.condition, last_inspected_on=d.last_inspected_on, inspection_due=d.inspection_due,
            ended_on=d.ended_on, ended_reason=d.ended_reason, created_by=actors[d.project.county_code],
        )  # fmt: skip
    Asset.objects.bulk_create(list(rows.values()), batch_size=BATCH_SIZE)
    AssetFundShare.objects.bulk_create(
        [AssetFundShare(asset=rows[id(d)], source=s, amount_fen=f) for d in drafts for s, f in sorted(d.shares.items())],
        batch_size=BATCH_SIZE,
    )  # fmt: skip
    Inspection.objects.bulk_create(
        [Inspection(asset=rows[id(d)], inspected_on=day, outcome=outcome, notes=notes,
                    inspector=actors[d.project.county_code])
         for d in drafts for day, outcome, notes in d.inspections],
        batch_size=BATCH_SIZE,
    )  # fmt: skip
    AssetIncome.objects.bulk_create(
        [AssetIncome(asset=rows[id(d)], year=year, amount_fen=fen, evidence=f"{year}年租赁合同及收款凭证",
                     entered_by=actors[d.project.county_code])
         for d in drafts for year, fen in d.incomes],
        batch_size=BATCH_SIZE,
    )  # fmt: skip
    return rows


def _steps(
    model: type,
    subject_field: str,
    subject: object,
    steps: list[StepDraft],
    first: datetime.date,
    actor: User,
) -> list[Any]:
    """The step records of a subject's steps, each started when the one before it was done (`first`: created)."""
    rows, started = [], first
    for step in steps:
        rows.append(
            model(
                **{subject_field: subject},
                step=step.step,
                outcome=step.outcome,
                action=step.action,
                actor=actor,
                actor_role=step.role,
                done_at=_moment(step.on),
                started_on=started,
                findings=step.findings,
            )
        )
        started = step.on
    return rows


def _write_disposals(drafts: list[DisposalDraft], assets: dict[int, Asset], actors: dict[str, User]) -> None:
    rows = {}
    for d in drafts:
        last = d.steps[-1].on if d.steps else d.applied_on
        rows[id(d)] = Disposal(
            asset=assets[id(d.asset)], county_id=d.asset.project.county_pk, kind=d.kind, reason=d.reason,
            valuation_fen=d.valuation_fen, valuation_basis="乡镇组织现场评估", status=d.status, step_started_on=last,
            needs_government=d.needs_government, decided_on=d.decided_on, applied_by=actors[d.asset.project.county_code],
            applied_on=d.applied_on,
        )  # fmt: skip
    Disposal.objects.bulk_create(list(rows.values()), batch_size=BATCH_SIZE)
    DisposalStep.objects.bulk_create(
        [row for d in drafts
         for row in _steps(DisposalStep, "disposal", rows[id(d)], d.steps, d.applied_on,
                           actors[d.asset.project.county_code])],
        batch_size=BATCH_SIZE,
    )  # fmt: skip


def _write_plans(drafts: list[PlanDraft], actors_by_county_pk: dict[int, User]) -> None:
    plans = {}
    for d in drafts:
        plans[id(d)] = DistributionPlan(
            village_id=d.village_pk, county_id=d.county_pk, year=d.year, title=d.title, income_fen=d.income_fen,
            status=d.status, step_started_on=d.started_on, implemented_on=d.implemented_on,
            proposed_by=actors_by_county_pk[d.county_pk],
        )  # fmt: skip
    DistributionPlan.objects.bulk_create(list(plans.values()), batch_size=BATCH_SIZE)
    lines = {}
    for d in drafts:
        for line in d.lines:
            lines[id(line)] = PlanLine(
                plan=plans[id(d)], kind=line.kind, description=line.description, amount_fen=line.amount_fen
            )
    PlanLine.objects.bulk_create(list(lines.values()), batch_size=BATCH_SIZE)
    PlanPayout.objects.bulk_create(
        [PlanPayout(line=lines[id(line)], household_id=h, person_id=p, amount_fen=f, paid_on=d.implemented_on)
         for d in drafts for line in d.lines for h, p, f in line.payouts],
        batch_size=BATCH_SIZE,
    )  # fmt: skip
    PlanMeeting.objects.bulk_create(
        [PlanMeeting(plan=plans[id(d)], kind=kind, held_on=day, attendees=came, expected=expected, minutes=minutes,
                     recorded_by=actors_by_county_pk[d.county_pk])
         for d in drafts for kind, day, came, expected, minutes in d.meetings],
        batch_size=BATCH_SIZE,
    )  # fmt: skip
    PlanPosting.objects.bulk_create(
        [PlanPosting(plan=plans[id(d)], kind=kind, place=place, posted_from=start, posted_until=until,
                     recorded_by=actors_by_county_pk[d.county_pk])
         for d in drafts for kind, place, start, until in d.postings],
        batch_size=BATCH_SIZE,
    )  # fmt: skip
    PlanStep.objects.bulk_create(
        [row for d in drafts
         for row in _steps(PlanStep, "plan", plans[id(d)], d.steps, d.meetings[0][1], actors_by_county_pk[d.county_pk])],
        batch_size=BATCH_SIZE,
    )  # fmt: skip


def _write_collective(drafts: list[CollectiveDraft], actors_by_county_pk: dict[int, User]) -> int:
    done = set(CollectiveIncome.objects.values_list("village_id", "year"))
    parameters = {
        year: parameter_for(ParameterKind.COLLECTIVE_TIERS, year=year)
        for year in range(rates.COLLECTIVE_YEARS[0], rates.COLLECTIVE_YEARS[1] + 1)
    }
    rows = [
        CollectiveIncome(
            village_id=d.village.pk,
            county_id=d.village.county_pk,
            year=d.year,
            amount_fen=d.amount_fen,
            asset_income_fen=d.asset_income_fen,
            tier=d.tier,
            tier_parameter=parameters[d.year],
            has_tuopin_population=d.village.has_tuopin,
            evidence=f"{d.year}年村集体经济组织会计报表",
            entered_by=actors_by_county_pk[d.village.county_pk],
        )
        for d in drafts
        if (d.village.pk, d.year) not in done
    ]
    CollectiveIncome.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def _government_above_fen(day: datetime.date) -> int:
    try:
        value = parameter_for(ParameterKind.ASSET_CARE, year=day.year).value
        return int(value["government_above_wan"]) * FEN_PER_WAN
    except ParameterMissing:  # no parameter for the year: the shipped value
        return GOVERNMENT_ABOVE_WAN * FEN_PER_WAN


def synthetic_assets_generate(
    *, seed: int, today: datetime.date | None = None, progress: Callable[[str], None] | None = None
) -> AssetsResult:
    """The assets of the accepted and handed-over projects (once), their care, incomes, disposals and plans, and
    every village's collective income of rates.COLLECTIVE_YEARS (the years not entered yet)."""
    started = time.perf_counter()
    day = today or clock.today()
    with transaction.atomic():
        counties = {county.pk: county for county in _counties()}
        actors = _county_users(counties)
        by_pk = {pk: actors[county.code] for pk, county in counties.items()}
        drafts = AssetDrafts(projects=[], types=_types(), next_numbers=_next_numbers(), seed=seed, today=day)
        assets: list[AssetDraft] = []
        disposals: list[DisposalDraft] = []
        plans: list[PlanDraft] = []
        synth_users = [SYNTH_COUNTY.format(code=county.code) for county in counties.values()]
        if not Asset.objects.filter(created_by__username__in=synth_users).exists():
            drafts.projects = sorted(_projects(), key=lambda p: p.code)
            assets = drafts.assets()
            disposals = drafts.disposals(assets, government_above_fen=_government_above_fen(day))
        villages = _villages()
        if assets:
            plans = drafts.plans(assets, {v.code: v for v in villages}, _village_heads)
        income: dict[tuple[str, int], int] = {}
        for asset in assets:
            if asset.owner_kind == "collective":
                for year, fen in asset.incomes:
                    key = (asset.project.division_code, year)
                    income[key] = income.get(key, 0) + fen
        bounds = {
            year: [int(b) for b in parameter_for(ParameterKind.COLLECTIVE_TIERS, year=year).value]
            for year in range(rates.COLLECTIVE_YEARS[0], rates.COLLECTIVE_YEARS[1] + 1)
        }
        collective = drafts.collective(villages, income, bounds)
        if progress:
            progress(f"已抽样 {len(assets):,} 项资产、{len(collective):,} 条村集体经济收入，写入中 …")
        rows = _write_assets(assets, actors)
        _write_disposals(disposals, rows, actors)
        _write_plans(plans, by_pk)
        written = _write_collective(collective, by_pk)
        result = AssetsResult(
            assets=len(assets), handed_over=sum(1 for a in assets if a.handed_over_on is not None),
            inspections=sum(len(a.inspections) for a in assets), incomes=sum(len(a.incomes) for a in assets),
            disposals=len(disposals), plans=len(plans), collective_incomes=written, seconds=0.0,
        )  # fmt: skip
        if assets or written:
            audit.record(
                actor=None, action="synth.generate", target=("assets.asset", "synthetic"),
                new={"seed": seed, "assets": result.assets, "handed_over": result.handed_over,
                     "inspections": result.inspections, "incomes": result.incomes, "disposals": result.disposals,
                     "plans": result.plans, "collective_incomes": result.collective_incomes},
            )  # fmt: skip
    return AssetsResult(**{**result.__dict__, "seconds": time.perf_counter() - started})
