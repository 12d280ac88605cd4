"""`synthetic_planning_generate`: the planning data of the synthetic Dali (P11, P12, P16), in one transaction
with one audit event (`synth.generate`), deterministic for a seed. Run after the registry and
synth/planning_history.py (it reads the monitoring cases for the work-team requirement).

- Village flags: 脱贫村 in the 脱贫 counties at the real share (541 of Dali's 1,159 villages), the communities
  that host relocated households as 易地扶贫搬迁安置村(社区), key villages of 大理市's 海西片区, and a few weak party
  organisations, 红色村 pilots and 强边固防 villages.
- Work teams (first secretary and members, with dates; an earlier rotation ended with its reason) meeting P11
  for every flagged village except PLANTED shortfalls — no first secretary, too few members, members whose term
  ended — returned by village code so that a test can check that the work-team check lists exactly them.
- County targets: the plan's prefecture totals split by each county's share of 脱贫 people; counts scaled to the
  synthetic registry's size (said in the target's note), shares and ratios as they are.
- Reported values of the year: accepted reports with their review steps (entered by a county's statistics user,
  reviewed by its 乡村振兴局 user, confirmed by the prefecture's), as history; some left unreported (未填报).
- Field findings in WEAK_COUNTY (enough, with its planted overdue leads and steps, to grade it 一般) and small
  ones in two more counties.

The synthetic users are inactive (nobody logs in as them), like synth/funds.py's."""

from __future__ import annotations

import datetime
import functools
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.divisions.codes import county_of
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.monitoring.enums import MONITORED_STATUSES, CaseStatus
from zhenxing.monitoring.models import Case
from zhenxing.planning.enums import Aggregation, Dimension, IndicatorSource, ReportStatus, TeamRole
from zhenxing.planning.freeze import period_ensure
from zhenxing.planning.models import (
    FieldFinding,
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    ReportStep,
    VillageProfile,
    WorkTeamMember,
)
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.rules import sector
from zhenxing.policy.selectors import ParameterMissing, parameter_for
from zhenxing.policy.vocab import UNSTABLE_TUOPIN
from zhenxing.registry.models import Household, Membership
from zhenxing.synth import rates
from zhenxing.synth.funds import _counties, _county_users, _inactive_user
from zhenxing.synth.planning_history import WEAK_COUNTY

REAL_VILLAGES, REAL_TUOPIN_VILLAGES = 1_159, 541
DALI_CITY = "532901"
DEMO_COUNTY = "532926"  # 南涧: the demo plants its own single shortfall (synth/planning_demo.py)
HAIXI_VILLAGES = 8
RELOCATION_VILLAGES = 12
WEAK_PARTY_SHARE, RED_VILLAGE_SHARE, BORDER_VILLAGES = 0.02, 0.01, 2
# planted shortfalls: (kind, villages anywhere, more in WEAK_COUNTY)
PLANTED = (("no_first_secretary", 3, 1), ("too_few_members", 3, 2), ("term_ended", 2, 1))
UNREPORTED_SHARE, WEAK_UNREPORTED_SHARE = 0.08, 0.3
SYNTH_PREFECTURE = "synth_prefecture"
SYNTH_STATISTICS = "synth_statistics_{code}"
FLAG_NAMES = (
    "is_tuopin_village", "is_relocation_village", "is_haixi_key_village", "weak_party_organisation",
    "red_village_pilot", "border_defence",
)  # fmt: skip
UNITS = (
    "州委组织部",
    "州乡村振兴局",
    "县委办公室",
    "县财政局",
    "县农业农村局",
    "县人社局",
    "县卫健局",
    "县教育体育局",
    "中国农业银行",
)
SURNAMES = "杨李张赵段王字何苏尹董施罗陈"
GIVEN = "建国华明丽芳兰英秀志强永平金玉学成俊杰宇涛静"
FINDINGS = {
    Dimension.WORK: ("抽查农户家中“明白卡”与系统信息不一致", "监测对象帮扶措施未到户到人", "入户核查发现漏报风险户"),
    Dimension.RESULTS: ("抽查脱贫户收入核算不实", "帮扶后收入未稳定超过监测范围即标注风险消除"),
    Dimension.POLICY: ("衔接资金项目进度滞后、资金闲置", "住房安全问题整改不到位"),
    Dimension.RESPONSIBILITY: ("驻村工作队员长期不在岗",),
}  # fmt: skip
# per dimension, the points the weak county's findings cost (together with its overdue records: 一般)
WEAK_DEDUCTIONS = {
    Dimension.WORK: 30,
    Dimension.RESULTS: 24,
    Dimension.POLICY: 16,
    Dimension.RESPONSIBILITY: 12,
}
BATCH = 2_000


@dataclass(frozen=True)
class PlanningResult:
    profiles: int
    tuopin_villages: int
    team_members: int
    shortfalls: dict[str, str] = field(default_factory=dict)  # planted: village code → kind
    targets: int = 0
    reports: int = 0
    unreported: int = 0  # (indicator, county) pairs of the year left without a report
    findings: int = 0
    weak_county: str = WEAK_COUNTY
    seconds: float = 0.0


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _thresholds(year: int) -> sector.WorkTeamThresholds:
    try:
        value = parameter_for(ParameterKind.WORK_TEAM, year=year).value
    except ParameterMissing:
        return sector.WorkTeamThresholds()
    return sector.WorkTeamThresholds(**{key: int(v) for key, v in value.items()})


def unstable_people(on: datetime.date) -> dict[str, int]:
    """People of the households monitored on `on` as 脱贫不稳定户, per village code (as planning/teams.py counts)."""
    households = (
        Case.objects.filter(
            status__in=[*MONITORED_STATUSES, CaseStatus.ELIMINATED],
            monitoring_type=UNSTABLE_TUOPIN,
            identified_on__lte=on,
        )
        .filter(Q(eliminated_on__isnull=True) | Q(eliminated_on__gt=on))
        .values("household")
    )
    rows = (
        Membership.objects.filter(household__in=households, joined_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .values("household__village")
        .annotate(n=Count("person", distinct=True))
    )
    return {str(row["household__village"]): row["n"] for row in rows}


def synthetic_planning_generate(*, seed: int, year: int) -> PlanningResult:
    started = time.perf_counter()
    if VillageProfile.objects.exists():
        return PlanningResult(0, 0, 0, seconds=time.perf_counter() - started)
    rng = random.Random(f"planning-data-{seed}-{year}")  # noqa: S311 - reproducible, not secret
    today = clock.today()
    with transaction.atomic():
        prefecture = Division.objects.get(level=DivisionLevel.PREFECTURE)
        counties = {c.code: c for c in Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code")}
        county_users = _county_users({c.pk: c for c in _counties()})
        keeper = _inactive_user(SYNTH_PREFECTURE, "合成数据（州）", Role.PREFECTURE, prefecture)
        profiles = _profiles(rng, counties)
        VillageProfile.objects.bulk_create(profiles, batch_size=BATCH)
        members, planted = _teams(rng, profiles, counties, county_users, year, today)
        WorkTeamMember.objects.bulk_create(members, batch_size=BATCH)
        targets = _targets(counties, keeper)
        IndicatorTarget.objects.bulk_create(targets, batch_size=BATCH)
        reports, unreported = _reports(rng, counties, county_users, keeper, year, today)
        findings = _findings(rng, counties, keeper, year, today)
        FieldFinding.objects.bulk_create(findings, batch_size=BATCH)
        result = PlanningResult(
            profiles=len(profiles), tuopin_villages=sum(p.is_tuopin_village for p in profiles),
            team_members=len(members), shortfalls=planted, targets=len(targets), reports=reports,
            unreported=unreported, findings=len(findings),
        )  # fmt: skip
        audit.record(
            actor=None, action="synth.generate", target=("planning.villageprofile", "synthetic"),
            new={"seed": seed, "year": year, "what": "planning", "profiles": result.profiles,
                 "team_members": result.team_members, "shortfalls": sorted(planted), "targets": result.targets,
                 "reports": reports, "findings": result.findings},
        )  # fmt: skip
    return PlanningResult(**{**result.__dict__, "seconds": time.perf_counter() - started})


def _profiles(rng: random.Random, counties: dict[str, Division]) -> list[VillageProfile]:
    villages = list(
        Division.objects.filter(level=DivisionLevel.VILLAGE)
        .order_by("code")
        .values_list("pk", "code", "name")
    )
    tuopin_counties = {code for code, c in counties.items() if c.is_tuopin_county}
    ordinary = [v for v in villages if county_of(v[1]) in tuopin_counties and "社区" not in v[2]]
    wanted = min(len(ordinary), round(len(villages) * REAL_TUOPIN_VILLAGES / REAL_VILLAGES))
    flags: dict[int, dict[str, bool]] = defaultdict(dict)
    for pk, _, _ in rng.sample(ordinary, wanted):
        flags[pk]["is_tuopin_village"] = True
    hosts = {str(v) for v in Household.objects.filter(is_relocated=True).values_list("village_id", flat=True)}
    by_code = {code: pk for pk, code, _ in villages}
    for code in sorted(hosts)[:RELOCATION_VILLAGES]:
        flags[by_code[code]]["is_relocation_village"] = True
    dali = [v for v in villages if county_of(v[1]) == DALI_CITY]
    for pk, _, _ in rng.sample(dali, min(len(dali), HAIXI_VILLAGES)):
        flags[pk]["is_haixi_key_village"] = True
    for name, share in (
        ("weak_party_organisation", WEAK_PARTY_SHARE),
        ("red_village_pilot", RED_VILLAGE_SHARE),
    ):
        for pk, _, _ in rng.sample(villages, max(1, round(len(villages) * share))):
            flags[pk][name] = True
    for pk, _, _ in rng.sample(villages, min(len(villages), BORDER_VILLAGES)):
        flags[pk]["border_defence"] = True
    return [VillageProfile(village_id=pk, **flags[pk]) for pk, _, _ in villages if pk in flags]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")


def _teams(
    rng: random.Random, profiles: list[VillageProfile], counties: dict[str, Division], users: dict[str, User],
    year: int, today: datetime.date,
) -> tuple[list[WorkTeamMember], dict[str, str]]:  # fmt: skip
    """Each flagged village's team in post (from a rotation in 2023-2024; some with the 2021 team ended before
    it), meeting the requirement on today and on the year's last day — but for the planted shortfalls."""
    thresholds = _thresholds(year)
    year_end = min(datetime.date(year, 12, 31), today)
    people = {d: max(a, b) for d, a, b in _merge(unstable_people(today), unstable_people(year_end))}
    codes = dict(Division.objects.filter(pk__in=[p.village_id for p in profiles]).values_list("pk", "code"))
    requirements = {}
    for profile in profiles:
        code = codes[profile.village_id]
        flags = {name: getattr(profile, name) for name in FLAG_NAMES}
        requirement = sector.work_team_requirement(
            sector.VillageProfile(**flags, unstable_tuopin_people=people.get(code, 0)), thresholds
        )
        if requirement.first_secretary or requirement.members:
            requirements[code] = (profile.village_id, requirement)
    planted = _planted(rng, requirements)
    ended_on = min(datetime.date(year, 7, 15), today - datetime.timedelta(days=30))
    members: list[WorkTeamMember] = []
    for code in sorted(requirements):
        village, requirement = requirements[code]
        county = counties[county_of(code)]
        kind = planted.get(code)

        add = functools.partial(_member, rng, members, village, county, users[county.code])
        if rng.random() < 0.3:  # the 2021 team, rotated out
            earlier = datetime.date(2021, 5, 1) + datetime.timedelta(days=rng.randint(0, 60))
            rotated = datetime.date(2023, 5, 1) + datetime.timedelta(days=rng.randint(0, 60))
            add(TeamRole.FIRST_SECRETARY, earlier, rotated, "任期届满轮换")
            for _ in range(max(requirement.members, 1)):
                add(TeamRole.MEMBER, earlier, rotated, "任期届满轮换")
        starts = datetime.date(2023, 6, 1) + datetime.timedelta(days=rng.randint(0, 400))
        starts = min(starts, ended_on - datetime.timedelta(days=60))
        needed = requirement.members + (1 if requirement.at_least and rng.random() < 0.3 else 0)
        if kind != "no_first_secretary" and requirement.first_secretary:
            add(TeamRole.FIRST_SECRETARY, starts)
        if kind == "no_first_secretary":
            needed = max(needed, requirement.members + 1)  # the members are there, the secretary is not
        elif kind == "too_few_members":
            needed = max(0, requirement.members - (1 if requirement.at_least else 2))
        for index in range(needed):
            if kind == "term_ended" and index < max(1, needed - 1):
                add(TeamRole.MEMBER, starts, ended_on, "借调期满返回原单位")
            else:
                add(TeamRole.MEMBER, starts)
    return members, planted


def _member(
    rng: random.Random, members: list[WorkTeamMember], village: int, county: Division, recorder: User, role: str,
    starts: datetime.date, ends: datetime.date | None = None, reason: str = "",
) -> None:  # fmt: skip
    members.append(WorkTeamMember(
        village_id=village, county=county, name=_name(rng), role=role, unit=rng.choice(UNITS), starts_on=starts,
        ends_on=ends, end_reason=reason, recorded_by=recorder,
    ))  # fmt: skip


def _merge(a: dict[str, int], b: dict[str, int]) -> list[tuple[str, int, int]]:
    return [(code, a.get(code, 0), b.get(code, 0)) for code in sorted(set(a) | set(b))]


def _planted(
    rng: random.Random, requirements: dict[str, tuple[int, sector.WorkTeamRequirement]]
) -> dict[str, str]:
    """Villages needing a team of at least two members (脱贫村, 安置村), drawn for each planted kind."""
    eligible = sorted(
        code
        for code, (_, r) in requirements.items()
        if r.first_secretary and r.members >= 2 and county_of(code) != DEMO_COUNTY
    )
    weak = [c for c in eligible if county_of(c) == WEAK_COUNTY]
    others = [c for c in eligible if county_of(c) != WEAK_COUNTY]
    planted: dict[str, str] = {}
    for kind, anywhere, in_weak in PLANTED:
        for pool, n in ((weak, in_weak), (others, anywhere)):
            free = [c for c in pool if c not in planted]
            for code in rng.sample(free, min(n, len(free))):
                planted[code] = kind
    return planted


def _tuopin_people() -> dict[str, int]:
    rows = (
        Membership.objects.filter(household__kind="脱贫户", left_on__isnull=True)
        .values_list("household__village", flat=True)
        .order_by()
    )
    counts: dict[str, int] = defaultdict(int)
    for village in rows.iterator(chunk_size=20_000):
        counts[county_of(str(village))] += 1
    return counts


def _scale() -> Decimal:
    households = Household.objects.filter(kind="脱贫户").count()
    return Decimal(households) / Decimal(rates.TUOPIN_HOUSEHOLDS) if households else Decimal(1)


def _targets(counties: dict[str, Division], keeper: User) -> list[IndicatorTarget]:
    """Each prefecture total split per county by its share of 脱贫 people (counts scaled to the registry)."""
    people = _tuopin_people()
    total_people = sum(people.values()) or 1
    scale = _scale()
    have = set(
        IndicatorTarget.objects.filter(county__isnull=False).values_list("indicator_id", "year", "county_id")
    )
    out = []
    totals = IndicatorTarget.objects.filter(county__isnull=True).select_related("indicator").order_by("pk")
    for total in totals:
        indicator = total.indicator
        for code, county in counties.items():
            if (indicator.pk, total.year, county.pk) in have:
                continue
            if indicator.aggregation == Aggregation.RATIO or indicator.unit in ("%", "元", "人/村"):
                value, note = total.value, "与全州目标相同（比例类指标）"
            else:
                share = Decimal(people.get(code, 0)) / Decimal(total_people)
                value = (total.value * share * scale).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                note = f"按脱贫人口占比 {share:.2%} 分解（合成数据按规模 {scale:.4f} 缩放）"
            out.append(IndicatorTarget(
                indicator=indicator, year=total.year, county=county, value=value, note=note, entered_by=keeper,
            ))  # fmt: skip
    return out


def _reported_value(rng: random.Random, indicator: Indicator, target: Decimal | None) -> Decimal:
    if indicator.unit == "%":
        base = target if target is not None else (indicator.baseline or Decimal(85))
        return min(Decimal(100), base * Decimal(str(rng.uniform(0.93, 1.08)))).quantize(Decimal("0.01"))
    if target is not None and target > 0:
        return (target * Decimal(str(rng.uniform(0.9, 1.2)))).quantize(Decimal("0.01"))
    base = indicator.baseline if indicator.baseline else Decimal(rng.randint(3, 40))
    return (base * Decimal(str(rng.uniform(0.9, 1.3)))).quantize(Decimal("0.01"))


def _reports(
    rng: random.Random, counties: dict[str, Division], reviewers: dict[str, User], keeper: User, year: int,
    today: datetime.date,
) -> tuple[int, int]:  # fmt: skip
    """The year's reported indicators per county, accepted as history with their two review steps; some left
    unreported (more in WEAK_COUNTY)."""
    indicators = list(
        Indicator.objects.filter(source=IndicatorSource.REPORTED, active=True).order_by("sort", "code")
    )
    targets = {
        (t.indicator_id, t.county_id): t.value
        for t in IndicatorTarget.objects.filter(year=year, county__isnull=False)
    }
    enterers = {
        code: _inactive_user(SYNTH_STATISTICS.format(code=code), "合成数据（县·统计）", Role.COUNTY, county)
        for code, county in counties.items()
    }
    have = set(IndicatorReport.objects.values_list("indicator_id", "period_id", "division_id"))
    reports, steps, unreported = [], [], 0
    for indicator in indicators:
        numbers = {"year": [0], "quarter": [1, 2, 3, 4], "month": list(range(1, 13))}[indicator.period]
        for number in numbers:
            period = period_ensure(kind=indicator.period, year=year, number=number)
            if period.ends_on >= today:
                continue
            for code, county in counties.items():
                if not _applies(indicator.code, county):
                    continue
                if rng.random() < (WEAK_UNREPORTED_SHARE if code == WEAK_COUNTY else UNREPORTED_SHARE):
                    unreported += 1
                    continue
                if (indicator.pk, period.pk, county.pk) in have:
                    continue
                entered = period.ends_on + datetime.timedelta(days=rng.randint(3, 10))
                reviewed = entered + datetime.timedelta(days=rng.randint(1, 5))
                accepted = reviewed + datetime.timedelta(days=rng.randint(1, 5))
                report = IndicatorReport(
                    indicator=indicator, period=period, division=county, county=county,
                    value=_reported_value(rng, indicator, targets.get((indicator.pk, county.pk))),
                    evidence=f"{indicator.department}部门{year}年统计台账（合成数据）", status=ReportStatus.ACCEPTED,
                    step_started_on=accepted, entered_by=enterers[code], entered_at=_at(entered),
                )  # fmt: skip
                reports.append(report)
                steps.append(ReportStep(
                    report=report, step=ReportStatus.ENTERED, outcome=ReportStatus.COUNTY_REVIEWED,
                    action="县级审核通过", actor=reviewers[code], actor_role=Role.COUNTY, done_at=_at(reviewed, 15),
                    started_on=entered, findings="数据与台账一致",
                ))  # fmt: skip
                steps.append(ReportStep(
                    report=report, step=ReportStatus.COUNTY_REVIEWED, outcome=ReportStatus.ACCEPTED,
                    action="州级确认", actor=keeper, actor_role=Role.PREFECTURE, done_at=_at(accepted, 16),
                    started_on=reviewed, findings="确认",
                ))  # fmt: skip
    IndicatorReport.objects.bulk_create(reports, batch_size=BATCH)
    ReportStep.objects.bulk_create(steps, batch_size=BATCH)
    return len(reports), unreported


def _applies(code: str, county: Division) -> bool:
    """东部企业落地 is counted apart for the 7 key counties and the other 脱贫 counties."""
    if code == "eastern_enterprises_key":
        return county.is_key_county
    if code == "eastern_enterprises_other":
        return county.is_tuopin_county and not county.is_key_county
    return True


def _findings(
    rng: random.Random, counties: dict[str, Division], keeper: User, year: int, today: datetime.date
) -> list[FieldFinding]:
    """The assessors' 抽查 of the year: heavy in WEAK_COUNTY, light in two more counties."""
    found_on = min(datetime.date(year + 1, 1, 20), today)
    out = []
    if WEAK_COUNTY in counties:
        for dimension, points in WEAK_DEDUCTIONS.items():
            texts = FINDINGS[dimension]
            parts = [points // len(texts) + (1 if i < points % len(texts) else 0) for i in range(len(texts))]
            for text, part in zip(texts, parts, strict=True):
                out.append(FieldFinding(
                    county=counties[WEAK_COUNTY], year=year, dimension=dimension, description=f"{text}（合成）",
                    deduction=Decimal(part), entered_by=keeper, entered_at=_at(found_on),
                ))  # fmt: skip
    light = [c for c in sorted(counties) if c != WEAK_COUNTY]
    for code in rng.sample(light, min(2, len(light))):
        dimension = rng.choice([Dimension.WORK, Dimension.POLICY])
        out.append(FieldFinding(
            county=counties[code], year=year, dimension=dimension,
            description=f"{rng.choice(FINDINGS[dimension])}（合成）", deduction=Decimal(rng.choice((2, 3, 5))),
            entered_by=keeper, entered_at=_at(found_on),
        ))  # fmt: skip
    return out
