"""Village work teams against what each village needs (P11): for every village with its flags on record
(VillageProfile), the requirement (policy.rules.sector.work_team_requirement, with the village's 脱贫不稳定
people on the day), the team in post that day and the shortfall (policy.rules.planning.work_team_shortfall).
Read by the team pages (scoped by the caller) and by the assessment (`shortfalls_by_county`, the
work_team_shortfall figure)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from zhenxing.accounts.models import User
from zhenxing.audit import services as audit
from zhenxing.common.errors import Conflict, NotFound
from zhenxing.common.xlsx import single_sheet
from zhenxing.divisions.codes import county_of, covers, township_of
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.planning.computed.common import cases_monitored_on, memberships_on
from zhenxing.planning.enums import TeamRole
from zhenxing.planning.models import VillageProfile, WorkTeamMember
from zhenxing.planning.parameters import citation_of
from zhenxing.planning.selectors import require_view, team_member_get_for_user
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.rules import sector
from zhenxing.policy.rules.planning import TeamOnRecord, work_team_shortfall
from zhenxing.policy.selectors import ParameterMissing, parameter_for
from zhenxing.policy.vocab import UNSTABLE_TUOPIN

FLAG_NAMES = (
    "is_tuopin_village", "is_relocation_village", "is_haixi_key_village", "weak_party_organisation",
    "red_village_pilot", "border_defence",
)  # fmt: skip


@dataclass(frozen=True)
class Shortfall:
    """A village that needs a first secretary or a team, what it needs, who is in post; `reason` None: met."""

    village: Division
    county: Division
    requirement: sector.WorkTeamRequirement
    team: TeamOnRecord
    reason: str | None
    unstable_tuopin_people: int = 0

    @property
    def short(self) -> bool:
        return self.reason is not None

    @property
    def required_label(self) -> str:
        req = self.requirement
        parts = ["第一书记"] if req.first_secretary else []
        if req.members:
            if req.at_least:
                total = req.members + (1 if req.first_secretary else 0)
                parts.append(f"工作队含第一书记不少于{total}人")
            else:
                parts.append(f"工作队队员{req.members}人")
        return "、".join(parts)


def thresholds_for(year: int) -> tuple[sector.WorkTeamThresholds, dict[str, Any]]:
    """The work_team parameter of the year as the rule's thresholds, with its citation (P13)."""
    try:
        parameter = parameter_for(ParameterKind.WORK_TEAM, year=year)
    except ParameterMissing as error:
        raise Conflict("驻村工作队配备标准参数（work_team）未配置，请系统管理员在政策参数中录入") from error
    values = {key: int(value) for key, value in parameter.value.items()}
    return sector.WorkTeamThresholds(**values), citation_of(parameter)


def unstable_people_by_village(*, on: datetime.date, prefix: str = "") -> dict[str, int]:
    """People on `on` of the households monitored that day as 脱贫不稳定户, per village code."""
    households = (
        cases_monitored_on(on)
        .filter(monitoring_type=UNSTABLE_TUOPIN, household__village__code__startswith=prefix)
        .values("household")
    )
    rows = (
        memberships_on(on)
        .filter(household__in=households)
        .values("household__village__code")
        .annotate(n=Count("person", distinct=True))
    )
    return {row["household__village__code"]: row["n"] for row in rows}


def team_on(*, on: datetime.date, prefix: str = "") -> dict[str, TeamOnRecord]:
    """The team in post on `on` per village code: starts_on ≤ on ≤ ends_on (or no end yet)."""
    rows = (
        WorkTeamMember.objects.filter(village__code__startswith=prefix, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .values("village__code", "role")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row["village__code"]][row["role"]] = row["n"]
    return {
        village: TeamOnRecord(
            first_secretaries=roles.get(TeamRole.FIRST_SECRETARY, 0), members=roles.get(TeamRole.MEMBER, 0)
        )
        for village, roles in counts.items()
    }


def requirement_of(
    profile: VillageProfile, *, unstable_people: int, thresholds: sector.WorkTeamThresholds
) -> sector.WorkTeamRequirement:
    flags = {name: getattr(profile, name) for name in FLAG_NAMES}
    return sector.work_team_requirement(
        sector.VillageProfile(**flags, unstable_tuopin_people=unstable_people), thresholds
    )


def village_teams(*, on: datetime.date, prefix: str = "") -> tuple[list[Shortfall], dict[str, Any]]:
    """Every village under `prefix` whose flags call for a first secretary or a team, shortfalls first, then by
    code; with the citation of the work_team parameter read."""
    thresholds, citation = thresholds_for(on.year)
    unstable = unstable_people_by_village(on=on, prefix=prefix)
    teams = team_on(on=on, prefix=prefix)
    counties = {c.code: c for c in Division.objects.filter(level=DivisionLevel.COUNTY)}
    found = []
    profiles = VillageProfile.objects.filter(village__code__startswith=prefix).select_related("village")
    for profile in profiles.order_by("village__code"):
        village = profile.village
        people = unstable.get(village.code, 0)
        requirement = requirement_of(profile, unstable_people=people, thresholds=thresholds)
        if not requirement.first_secretary and requirement.members == 0:
            continue
        team = teams.get(village.code, TeamOnRecord(first_secretaries=0, members=0))
        found.append(
            Shortfall(
                village=village,
                county=counties[county_of(village.code)],
                requirement=requirement,
                team=team,
                reason=work_team_shortfall(requirement, team),
                unstable_tuopin_people=people,
            )
        )
    found.sort(key=lambda row: (not row.short, row.village.code))
    return found, citation


def work_team_shortfalls(*, on: datetime.date, county_code: str | None = None) -> list[Shortfall]:
    """The villages (of one county, or all) whose team in post on `on` falls short of the requirement (P11)."""
    rows, _ = village_teams(on=on, prefix=county_code or "")
    return [row for row in rows if row.short]


def shortfalls_by_county(on: datetime.date) -> dict[str, list[Shortfall]]:
    """The shortfalls per county code (every county present, empty when none): the assessment's
    work_team_shortfall figure."""
    found: dict[str, list[Shortfall]] = {
        code: []
        for code in Division.objects.filter(level=DivisionLevel.COUNTY).values_list("code", flat=True)
    }
    for row in work_team_shortfalls(on=on):
        found.setdefault(row.county.code, []).append(row)
    return found


# scoped reads of the pages (404 outside the user's division: planning/scope.py)


def prefix_of(user: User) -> str:
    return require_view(user)


def _division_get_for_user(*, user: User, code: str, level: str, what: str) -> Division:
    prefix = require_view(user)
    found = Division.objects.filter(code=code, level=level).first()
    if found is None or not covers(prefix, found.code):
        raise NotFound(f"{what}不存在或不在您的管辖范围内")
    return found


def county_get_for_user(*, user: User, code: str) -> Division:
    return _division_get_for_user(user=user, code=code, level=DivisionLevel.COUNTY, what="县(市)")


def village_get_for_user(*, user: User, code: str) -> Division:
    return _division_get_for_user(user=user, code=code, level=DivisionLevel.VILLAGE, what="行政村")


def member_get_for_user(*, user: User, pk: int) -> WorkTeamMember:
    return team_member_get_for_user(user=user, pk=pk)


def members_of(*, village: Division) -> list[WorkTeamMember]:
    """Everyone on record for the village, latest start first."""
    return list(
        WorkTeamMember.objects.filter(village=village)
        .select_related("recorded_by")
        .order_by("-starts_on", "-pk")
    )


@dataclass(frozen=True)
class CountyCount:
    county: Division
    needing: int
    short: int


def county_counts(rows: list[Shortfall]) -> list[CountyCount]:
    """Per county (every county, in code order): villages needing a team and those short of it."""
    needing: dict[str, int] = defaultdict(int)
    short: dict[str, int] = defaultdict(int)
    for row in rows:
        needing[row.county.code] += 1
        short[row.county.code] += row.short
    return [
        CountyCount(county=c, needing=needing[c.code], short=short[c.code])
        for c in Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code")
    ]


EXPORT_HEADER = (
    "县(市)",
    "乡镇",
    "行政村",
    "区划代码",
    "配备要求",
    "在岗第一书记",
    "在岗队员",
    "脱贫不稳定人口",
    "缺配原因",
)


def shortfall_export(*, actor: User, on: datetime.date, prefix: str) -> tuple[bytes, int]:
    """The shortfall list under `prefix` as .xlsx, audited (planning.export) with the parameter cited."""
    rows, citation = village_teams(on=on, prefix=prefix)
    short = [row for row in rows if row.short]
    townships = dict(
        Division.objects.filter(level=DivisionLevel.TOWNSHIP, code__startswith=prefix[:6]).values_list(
            "code", "name"
        )
    )
    content = single_sheet(
        "驻村工作队缺配",
        EXPORT_HEADER,
        (
            (row.county.name, townships.get(township_of(row.village.code), ""), row.village.name, row.village.code,
             row.required_label, row.team.first_secretaries, row.team.members, row.unstable_tuopin_people, row.reason)
            for row in short
        ),
    )  # fmt: skip
    with transaction.atomic():
        audit.record(
            actor=actor, action="planning.export", target=("planning.workteammember", "*"), division=actor.jurisdiction,
            new={"report": "work_team_shortfalls", "on": on.isoformat(), "scope": prefix, "rows": len(short),
                 "parameter": citation},
        )  # fmt: skip
    return content, len(short)
