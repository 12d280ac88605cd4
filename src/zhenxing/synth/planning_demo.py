"""The demo's planning data (P11, P12, P16) in 南涧, made through the planning services by the demo users (and one
inactive synthetic township colleague) so that every entry has its audit event and step records:

- 西山村 flagged 脱贫村 with a work team one member short (a first secretary and one member, where P11 asks for
  at least three): the county's work-team check lists it (synth/planning_data.py plants no shortfall in 南涧);
- two township values of the current year for 南涧镇: one entered by the township's colleague and passed by
  demo_township, waiting for demo_county's review; one entered by demo_township, passed by the colleague and
  returned by demo_county with a reason, waiting for demo_township to revise it;
- the 2025 year frozen by demo_prefecture — unless freezing refuses (a computed selector not written yet, the
  period not over): then it stays unfrozen and the result says why.

Idempotent: each part is skipped once done. Returns None when a demo user is missing (`zhenxing demo` makes them)."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.common.errors import Conflict
from zhenxing.divisions.models import Division
from zhenxing.planning import services
from zhenxing.planning.enums import PeriodKind, ReportStatus, TeamRole
from zhenxing.planning.freeze import period_ensure, period_freeze
from zhenxing.planning.models import Indicator, IndicatorReport, VillageProfile, WorkTeamMember
from zhenxing.synth.funds import _inactive_user

VILLAGE = "532926101202"  # 西山村
TOWNSHIP = "532926101"  # 南涧镇
FROZEN_YEAR = 2025
WAITING_INDICATOR = "entrepreneurship_leaders"
RETURNED_INDICATOR = "leaders_driven_people"
COLLEAGUE = "synth_township_532926101"
USERS = ("demo_county", "demo_township", "demo_prefecture")
LEFT_REASON = "借调期满返回原单位，接替人选未到岗"


@dataclass(frozen=True)
class DemoPlanningResult:
    team_members: int  # registered or ended now
    reports: int  # added now
    frozen_values: int  # written by the freeze now (0 when frozen before or left unfrozen)
    freeze_note: str  # why 2025 is not frozen ("" when it is)
    seconds: float


def demo_planning_ensure() -> DemoPlanningResult | None:
    started = time.perf_counter()
    users = {u.username: u for u in User.objects.filter(username__in=USERS)}
    if len(users) < len(USERS) or not Division.objects.filter(code=VILLAGE).exists():
        return None
    county, township, prefecture = (users[name] for name in USERS)
    members = _team(county)
    reports = _reports(county, township)
    frozen, note = _freeze(prefecture)
    return DemoPlanningResult(members, reports, frozen, note, time.perf_counter() - started)


def _team(county: User) -> int:
    """西山村: 脱贫村, a first secretary and one member in post (one short of three); the team members registered or
    ended now. The generator's team, where there is one, loses members to 借调期满 until two are left."""
    village = Division.objects.get(code=VILLAGE)
    if WorkTeamMember.objects.filter(village=village, end_reason=LEFT_REASON).exists():
        return 0
    today = clock.today()
    changed = 0
    with transaction.atomic():
        profile = VillageProfile.objects.filter(village=village).first()
        if profile is None or not profile.is_tuopin_village:
            services.village_profile_set(actor=county, village=village, flags={"is_tuopin_village": True})
        in_post = WorkTeamMember.objects.filter(village=village, ends_on__isnull=True, starts_on__lte=today)
        if not in_post.exists():
            starts = today - datetime.timedelta(days=420)
            for name, role, unit in (
                ("李志强", TeamRole.FIRST_SECRETARY, "州乡村振兴局"),
                ("杨秀芳", TeamRole.MEMBER, "县农业农村局"),
                ("段俊杰", TeamRole.MEMBER, "县人社局"),
            ):
                services.work_team_member_add(
                    actor=county, village=village, name=name, role=role, unit=unit, starts_on=starts
                )
                changed += 1
        if not in_post.filter(role=TeamRole.FIRST_SECRETARY).exists():
            services.work_team_member_add(
                actor=county, village=village, name="李志强", role=TeamRole.FIRST_SECRETARY, unit="州乡村振兴局",
                starts_on=today - datetime.timedelta(days=420),
            )  # fmt: skip
            changed += 1
        members = list(in_post.filter(role=TeamRole.MEMBER).order_by("-starts_on", "-pk"))
        for member in members[: max(0, len(members) - 1)]:
            services.work_team_member_end(
                actor=county, member=member, ends_on=max(member.starts_on, today - datetime.timedelta(days=40)),
                reason=LEFT_REASON,
            )  # fmt: skip
            changed += 1
    return changed


def _reports(county: User, township: User) -> int:
    """Two 南涧镇 values of the current year: one waiting for the county, one returned to the township."""
    division = Division.objects.get(code=TOWNSHIP)
    year = max(clock.today().year, FROZEN_YEAR + 1)
    period = period_ensure(kind=PeriodKind.YEAR, year=year, number=0)
    if IndicatorReport.objects.filter(period=period, division=division).exists():
        return 0
    waiting = Indicator.objects.get(code=WAITING_INDICATOR)
    returned = Indicator.objects.get(code=RETURNED_INDICATOR)
    with transaction.atomic():
        colleague = _inactive_user(COLLEAGUE, "合成数据（南涧镇）", Role.TOWNSHIP, division)
        colleague.is_active = True  # acts here only, in this process; nobody logs in as it
        first = services.report_enter(
            actor=colleague, indicator=waiting, period=period, division=division, value=Decimal(14),
            evidence="南涧镇创业致富带头人培育台账（含新认定3人）",
        )  # fmt: skip
        services.report_move(
            actor=township, report=first, to=ReportStatus.TOWNSHIP_REVIEWED, opinion="核对无误"
        )
        second = services.report_enter(
            actor=township, indicator=returned, period=period, division=division, value=Decimal(260),
            evidence="各村上报带动就业人数汇总",
        )  # fmt: skip
        services.report_move(
            actor=colleague, report=second, to=ReportStatus.TOWNSHIP_REVIEWED, opinion="核对无误"
        )
        services.report_move(
            actor=county, report=second, to=ReportStatus.RETURNED,
            opinion="带动就业人数含重复统计的务工人员，请按人去重后重新报送",
        )  # fmt: skip
    return 2


def _freeze(prefecture: User) -> tuple[int, str]:
    period = period_ensure(kind=PeriodKind.YEAR, year=FROZEN_YEAR, number=0)
    if period.frozen_at is not None:
        return 0, ""
    try:
        return period_freeze(period=period, actor=prefecture), ""
    except Conflict as error:
        return 0, f"{FROZEN_YEAR}年未冻结：{error}"
