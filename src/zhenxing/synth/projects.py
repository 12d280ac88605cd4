"""`synthetic_projects_generate`: five years of synthetic projects (P14) for the 12 counties into the library, in
one transaction with one audit event, deterministic for a seed (synth/project_drafts.py draws them from the
rates in synth/rates.py).

The rows are written with bulk_create, as history — status, dates and one step record each — not moved
through the workflow: they stand for the years before the platform, as the synthetic registry does. The
proposer and the 州审定 batches name one inactive user, 合成数据, who cannot log in."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.divisions.codes import PREFECTURE_CODE, county_of
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.projects.enums import NoticeKind, NoticeStatus
from zhenxing.projects.models import (
    PrefectureBatch,
    Project,
    ProjectCategory,
    ProjectFunding,
    ProjectHousehold,
    ProjectNotice,
    ProjectNoticeEntry,
    ProjectPlace,
    ProjectStep,
    ProjectTarget,
)
from zhenxing.projects.procedure import STEP_LIMIT_KEYS, notice_period_days, procedure_on
from zhenxing.registry.models import Household, NaturalVillage
from zhenxing.synth import rates
from zhenxing.synth.project_drafts import CategoryRef, Draft, PlaceRef, ProjectDrafts, References

SYNTH_USERNAME = "synth_projects"
BATCH_SIZE = 2_000
HOUSEHOLD_POOL = 400  # a village's first households by id, among which a 到户 project's are drawn


@dataclass(frozen=True)
class ProjectsResult:
    projects: int  # rows, versions included
    by_status: dict[str, int]
    seconds: float


def projects_per_year(scale: float) -> int:
    return max(1, round(rates.PROJECTS_PER_YEAR * scale))


def _synth_user() -> User:
    """The inactive user the synthetic rows name as proposer and decider (no password, no login)."""
    user = User.objects.filter(username=SYNTH_USERNAME).first()
    if user is None:
        user = User.objects.create(
            username=SYNTH_USERNAME, display_name="合成数据", role=Role.PREFECTURE, is_active=False,
            jurisdiction=Division.objects.get(code=PREFECTURE_CODE), password=make_password(None),
        )  # fmt: skip
    return user


def _references() -> References:
    villages = list(
        Division.objects.filter(level=DivisionLevel.VILLAGE)
        .order_by("code")
        .values_list("id", "code", "short_name")
    )
    natural: dict[int, list[tuple[int, str]]] = {}
    for pk, village_id, name in NaturalVillage.objects.order_by("village_id", "id").values_list(
        "id", "village_id", "name"
    ):
        natural.setdefault(village_id, []).append((pk, name))
    upper = Division.objects.filter(level__in=(DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP)).values_list(
        "id", "code", "name"
    )
    categories = {
        c.code: CategoryRef(c.pk, c.code, c.sector_id, c.sector.name, c.needs_linkage)
        for c in ProjectCategory.objects.select_related("sector")
    }
    pools: dict[str, list[int]] = {}

    def households(code: str) -> list[int]:
        if code not in pools:
            pools[code] = list(
                Household.objects.filter(village__code=code)
                .order_by("id")
                .values_list("id", flat=True)[:HOUSEHOLD_POOL]
            )
        return pools[code]

    values, _ = procedure_on()
    limits = {state: int(values[key]) for state, key in STEP_LIMIT_KEYS.items() if key in values}
    return References(
        villages=[PlaceRef(pk, code, short, tuple(natural.get(pk, ()))) for pk, code, short in villages],
        division_ids={code: pk for pk, code, _ in upper},
        division_names={code: name for _, code, name in upper},
        categories=categories,
        households=households,
        next_sequence=_next_sequences(),
        step_limits=limits,
    )


def _next_sequences() -> dict[tuple[str, int], int]:
    """The first free number of each county and year (codes `<county><year><4 digits>`, as the services)."""
    found: dict[tuple[str, int], int] = {}
    for code in Project.objects.values_list("code", flat=True).distinct():
        if len(code) >= 14 and code[:10].isdigit() and code[10:].isdigit():
            key = (county_of(code), int(code[6:10]))  # a project's number starts with its county's code
            found[key] = max(found.get(key, 1), int(code[10:]) + 1)
    return found


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _write(drafts: list[Draft], user: User) -> None:
    batches: dict[tuple[str, datetime.date], PrefectureBatch] = {}
    counties = {d.code: d for d in Division.objects.filter(level=DivisionLevel.COUNTY)}
    for draft in drafts:
        if draft.batch is not None and draft.batch not in batches:
            county, day = draft.batch
            batches[draft.batch] = PrefectureBatch(
                county=counties[county], decided_on=day, decided_by=user,
                opinion=f"州乡村振兴领导小组审定{counties[county].name}{day.year}年第{1 if day.month < 6 else 2}批项目，同意入库",
            )  # fmt: skip
    PrefectureBatch.objects.bulk_create(list(batches.values()), batch_size=BATCH_SIZE)
    projects: dict[int, Project] = {}
    # first versions before adjustments, which point at them
    for wave in ([d for d in drafts if d.previous is None], [d for d in drafts if d.previous is not None]):
        rows = []
        for draft in wave:
            project = Project(**draft.values, created_by=user)
            if draft.batch is not None:
                project.batch = batches[draft.batch]
            if draft.previous is not None:
                project.previous = projects[id(draft.previous)]
            projects[id(draft)] = project
            rows.append(project)
        Project.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    places: list[ProjectPlace] = []
    fundings: list[ProjectFunding] = []
    targets: list[ProjectTarget] = []
    beneficiaries: list[ProjectHousehold] = []
    steps: list[ProjectStep] = []
    for draft in drafts:
        project = projects[id(draft)]
        places += [ProjectPlace(project=project, village_id=v, natural_village_id=n) for v, n in draft.places]
        fundings += [
            ProjectFunding(project=project, source=s, amount_fen=a) for s, a in draft.sources.items()
        ]
        targets += [
            ProjectTarget(project=project, kind=k, indicator=i, target_value=t) for k, i, t in draft.targets
        ]
        beneficiaries += [ProjectHousehold(project=project, household_id=h) for h in draft.households]
        for step in (draft.step, *draft.extra_steps):
            role = step["actor_role"]
            # the decision step of a 州审定 points at its batch
            batch = batches[draft.batch] if draft.batch is not None and step is draft.step else None
            steps.append(
                ProjectStep(
                    project=project, step=step["step"], outcome=step["outcome"], action=step["action"],
                    actor=user if role == "prefecture" else None, actor_role=role,
                    done_at=_moment(step["done_on"]), started_on=step["started_on"],
                    findings=step.get("findings", ""), batch=batch, decision={"synthetic": True},
                )
            )  # fmt: skip
    ProjectPlace.objects.bulk_create(places, batch_size=BATCH_SIZE)
    ProjectFunding.objects.bulk_create(fundings, batch_size=BATCH_SIZE)
    ProjectTarget.objects.bulk_create(targets, batch_size=BATCH_SIZE)
    ProjectHousehold.objects.bulk_create(beneficiaries, batch_size=BATCH_SIZE)
    ProjectStep.objects.bulk_create(steps, batch_size=BATCH_SIZE)
    _library_notices(drafts, projects, batches, user)


def _library_notices(
    drafts: list[Draft], projects: dict[int, Project], batches: dict[tuple[str, datetime.date], PrefectureBatch],
    user: User,
) -> None:  # fmt: skip
    """Each 州审定 batch's 县级项目库公告, posted on the county's portal three days after the decision for the
    period of the parameter (P14: an ordinary project starts once announced)."""
    today = clock.today()
    notices: dict[tuple[str, datetime.date], ProjectNotice] = {}
    for key, batch in batches.items():
        posted = min(batch.decided_on + datetime.timedelta(days=3), today)
        days, citation = notice_period_days(posted)
        county = batch.county
        round_number = 1 if batch.decided_on.month < 6 else 2
        notices[key] = ProjectNotice(
            kind=NoticeKind.LIBRARY, county=county, division=county, status=NoticeStatus.POSTED,
            title=f"{county.name}{batch.decided_on.year}年第{round_number}批县级巩固衔接项目库公告",
            object_to=f"{county.name}乡村振兴局", period_days=days, posted_on=posted,
            ends_on=posted + datetime.timedelta(days=days - 1), parameter_version=citation, created_by=user,
            posted_by=user,
        )  # fmt: skip
    ProjectNotice.objects.bulk_create(list(notices.values()), batch_size=BATCH_SIZE)
    entries = [
        ProjectNoticeEntry(notice=notices[draft.batch], project=projects[id(draft)])
        for draft in drafts
        if draft.batch is not None
    ]
    ProjectNoticeEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)


def synthetic_projects_generate(
    *,
    seed: int,
    per_year: int,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> ProjectsResult:
    """`per_year` projects for each of the last `rates.PROJECT_YEARS` years (this one included), added to the
    library; numbers continue after any project already there."""
    started = time.perf_counter()
    day = today or clock.today()
    with transaction.atomic():
        user = _synth_user()
        generator = ProjectDrafts(_references(), seed=seed, per_year=per_year, today=day)
        drafts = generator.drafts()
        if progress:
            progress(f"已抽样 {len(drafts):,} 个项目版本，写入中 …")
        _write(drafts, user)
        by_status: dict[str, int] = {}
        for draft in drafts:
            by_status[draft.values["status"]] = by_status.get(draft.values["status"], 0) + 1
        audit.record(
            actor=None, action="synth.generate", target=("projects.project", "synthetic"),
            new={"seed": seed, "years": generator.years, "projects": len(drafts), "per_year": per_year},
        )  # fmt: skip
    return ProjectsResult(projects=len(drafts), by_status=by_status, seconds=time.perf_counter() - started)
