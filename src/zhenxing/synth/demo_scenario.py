"""The demo's living village: households of 西山村委会 (南涧镇, 南涧彝族自治县 — the demo users' places) at every
step of the mechanism, made through the services so that every row has its audit event and its decision.

Department feeds and this month's screening round leave open leads of each grade (红, 橙, 黄); identification
cases stand at every P8 step (one overdue, one whose notice period has passed, one with an open objection, one
rejected); a confirmed household's plan has measures in each state (P7); risk elimination cases stand at every
P9 step; one household is eliminated and one eliminated earlier has been reopened (P13).

Past steps are done with the process clock moved back (common/clock.py): the services read the day and time
from it, so a step's start, due day, decision and notice period agree with each other; the clock is put back
when done. The audit log and the rows' own created_at stamps keep the real time they were written at.

Dates are counted back from the real today in working days, so the picture is the same whatever day the demo
starts. Fixed households, names and numbers: the same scenario every run. Idempotent: once its first
household exists it does nothing; it runs in one transaction, all or nothing.
"""

from __future__ import annotations

import datetime
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from zhenxing.accounts.demo import DEMO_USERS
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.common.calendar import work_calendar
from zhenxing.common.errors import Conflict
from zhenxing.common.workdays import WorkCalendar, add_working_days
from zhenxing.divisions.codes import county_of
from zhenxing.divisions.models import Division
from zhenxing.feeds.services import feed_batch_ingest
from zhenxing.monitoring.assistance import services as assistance
from zhenxing.monitoring.elimination import services as elimination
from zhenxing.monitoring.enums import MONITORED_STATUSES, OPEN_STATUSES, EvaluationKind, MeasureStatus
from zhenxing.monitoring.identification import services as cases
from zhenxing.monitoring.lowincome.services import lowincome_compare
from zhenxing.monitoring.models import Case
from zhenxing.monitoring.notices import services as notices
from zhenxing.policy.rules.idnumber import check_character
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household
from zhenxing.screening.models import Lead, LeadStatus
from zhenxing.screening.services import lead_dismiss, screening_run
from zhenxing.synth.feeds import roster_rows

VILLAGE = "532926101202"  # 西山村委会, the demo village user's village
DATA_YEAR = 2025  # the income year of the synthetic registry and the latest configured monitoring line
# codes after the generator's own per-village sequence (…00001 upwards): 53292610120290001 …
CODE_BASE = VILLAGE + "9"
LOW_WAGE = 1_000_000  # fen a year for a household of two: within the monitoring range
SETTLED_WAGE = 4_000_000  # after assistance: well above it
NAMESPACE = uuid.UUID("6f1c2a3e-9d7b-4c55-8e21-5b0f4a7d3c19")  # visit ids, stable across runs
OBJECT_TO = "西山村委会 0879-3521202"


@dataclass(frozen=True)
class Family:
    n: int
    head: str
    spouse: str
    kind: str = "脱贫户"
    wage: int = LOW_WAGE


FAMILIES = {
    "red": Family(1, "罗正华", "茶秀英", wage=SETTLED_WAGE),
    "orange": Family(2, "字建明", "杨桂花", "一般农户", wage=SETTLED_WAGE),
    "yellow": Family(3, "李永平", "自玉芳", wage=SETTLED_WAGE),
    "application": Family(4, "鲁国强", "罗春梅"),
    "analysis": Family(5, "杨文德", "李琼", "一般农户"),
    "investigation": Family(6, "施光荣", "何兰英"),
    "review": Family(7, "茶志强", "字凤"),
    "objection": Family(8, "自家兴", "鲁秋菊"),
    "township": Family(9, "左学成", "杨雪"),
    "county": Family(10, "何俊杰", "罗静", "一般农户"),
    "monitored": Family(11, "苏海", "毕红梅"),
    "rejected": Family(12, "段福", "普娟", "一般农户", wage=SETTLED_WAGE),
    "elim_meeting": Family(13, "起永", "阿金玉"),
    "elim_consent": Family(14, "罗德", "李桂"),
    "elim_visit": Family(15, "杨明", "字秀珍"),
    "elim_notice": Family(16, "李春", "茶英"),
    "elim_township": Family(17, "字龙", "杨燕"),
    "elim_county": Family(18, "鲁光", "施芳"),
    "eliminated": Family(19, "何云", "苏婷"),
    "reopened": Family(20, "毕建国", "罗丽"),
}
ELIMINATION_TRACK = (
    "monitored", "elim_meeting", "elim_consent", "elim_visit", "elim_notice", "elim_township", "elim_county",
    "eliminated", "reopened",
)  # fmt: skip

# identification: the working day, counted from the case's first day, on which each stage is done
ID_STAGES = {
    "open": 0, "analysis": 1, "investigation": 2, "review": 3, "notice": 4,
    "township_review": 9, "county_decision": 10, "confirmed": 11,
}  # fmt: skip
# elimination: the same, from the 帮扶成效评议
ELIM_STAGES = {
    "elim_meeting": 0, "elim_consent": 1, "elim_visit": 2, "elim_notice": 3, "notice": 4,
    "elim_township": 9, "elim_county": 10, "eliminated": 11,
}  # fmt: skip


def household_code(family: Family) -> str:
    return f"{CODE_BASE}{family.n:04d}"


def _id_number(birth: datetime.date, sequence: int) -> str:
    # births on the 29th to 31st: the generator draws days 1-28, so no synthetic person has these numbers
    first17 = f"{county_of(VILLAGE)}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def _head_id(family: Family) -> str:
    return _id_number(datetime.date(1968 + family.n, 1, 29), 2 * family.n + 1)  # odd: a man


def _spouse_id(family: Family) -> str:
    return _id_number(datetime.date(1970 + family.n, 3, 30), 2 * family.n + 2)


class _Days:
    """Working days counted from the real today (the calendar's holidays and make-up days included)."""

    def __init__(self, calendar: WorkCalendar, today: datetime.date) -> None:
        self.calendar, self.today = calendar, today

    def back(self, days: int) -> datetime.date:
        day, left = self.today, days
        while left > 0:
            day -= datetime.timedelta(days=1)
            if self.calendar.is_working_day(day):
                left -= 1
        return day

    def working(self, day: datetime.date) -> datetime.date:
        """The day itself if it is a working day, else the next one."""
        while not self.calendar.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def after(self, day: datetime.date, days: int) -> datetime.date:
        return add_working_days(self.calendar, day, days).day


@dataclass
class _Cast:
    village: User
    township: User
    county: User


def _cast() -> _Cast:
    by_role = {demo.role: demo.username for demo in DEMO_USERS}
    users = {user.role: user for user in User.objects.filter(username__in=by_role.values())}
    missing = [r for r in (Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY) if r not in users]
    if missing:
        raise Conflict("演示场景需要先创建演示用户（村、乡镇、县）")
    return _Cast(users[Role.VILLAGE], users[Role.TOWNSHIP], users[Role.COUNTY])


def _household(village: Division, family: Family) -> Household:
    household = registry.household_create(
        actor=None, village=village, kind=family.kind, code=household_code(family),
        address=f"西山村{200 + family.n}号",
    )  # fmt: skip
    common: dict[str, Any] = {
        "ethnicity": "彝族", "education": "初中", "health": "健康", "labour": "普通劳动力",
        "work_place": "县外省内", "work_months": 6, "resident_medical_insurance": True,
    }  # fmt: skip
    for relation, name, sex, number in (
        ("户主", family.head, "男", _head_id(family)),
        ("配偶", family.spouse, "女", _spouse_id(family)),
    ):
        registry.person_add_to_household(
            actor=None, household=household, relation=relation, joined_on=datetime.date(2014, 1, 1), name=name,
            sex=sex, birth_date=datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
            id_number=number, **common,
        )  # fmt: skip
    registry.household_year_upsert(
        actor=None,
        household=household,
        year=DATA_YEAR,
        values={"wage": family.wage, "business": 0, "transfer": 0},
    )
    return household


def _identify(
    cast: _Cast, days: _Days, households: list[Household], *, first: datetime.date, until: str
) -> list[Case]:
    """Take the households' cases through P8 from `first` (one notice lists them all) up to stage `until`."""
    stages = list(ID_STAGES)[: list(ID_STAGES).index(until) + 1]
    found: list[Case] = []
    for stage in stages:
        with clock.travel(days.after(first, ID_STAGES[stage]) if ID_STAGES[stage] else first):
            if stage == "open":
                found = [
                    cases.case_open_for_household(
                        actor=cast.village, household=h, summary="入户排查：家庭收入下降，务工不稳定"
                    )
                    for h in households
                ]
            elif stage == "analysis":
                found = [cases.case_move(actor=cast.village, case=c, to="analysis") for c in found]
            elif stage == "investigation":
                found = [
                    cases.case_move(
                        actor=cast.village,
                        case=c,
                        to="investigation",
                        findings="医保、民政、人社数据已比对：无车辆、无财政供养人员，务工收入减少",
                    )
                    for c in found
                ]
            elif stage == "review":
                for c in found:
                    cases.visit_record(
                        actor=cast.village, case=c, client_uuid=uuid.uuid5(NAMESPACE, f"id-{c.household_id}"),
                        visited_at=clock.now(), place="家中", findings="入户核实：两人务工不足半年，收入低于监测范围",
                        authorization_signed=True,
                    )  # fmt: skip
                found = [cases.case_move(actor=cast.village, case=c, to="review") for c in found]
            elif stage == "notice":
                for c in found:
                    cases.case_record_meeting(
                        actor=cast.village,
                        case=c,
                        held_on=clock.today(),
                        minutes="村民代表评议会：到会23人，同意纳入",
                    )
                notice = notices.notice_create(
                    actor=cast.village, village=found[0].village, cases=found, title="", object_to=OBJECT_TO
                )
                notices.notice_post(actor=cast.village, notice=notice)
            elif stage == "township_review":
                found = [cases.case_move(actor=cast.village, case=c, to="township_review") for c in found]
            elif stage == "county_decision":
                found = [
                    cases.case_move(
                        actor=cast.township, case=c, to="county_decision", findings="乡镇审核同意"
                    )
                    for c in found
                ]
            else:
                found = [cases.case_move(actor=cast.county, case=c, to="confirmed") for c in found]
    return found


def _eliminate(cast: _Cast, days: _Days, case: Case, *, first: datetime.date, until: str) -> Case:
    """Take a monitored household through P9 from its 帮扶成效评议 on `first` up to stage `until`."""
    stages = list(ELIM_STAGES)[: list(ELIM_STAGES).index(until) + 1]
    village = cast.village
    for stage in stages:
        offset = ELIM_STAGES[stage]
        with clock.travel(days.after(first, offset) if offset else first):
            if stage == "elim_meeting":
                assert case.household is not None
                registry.household_year_upsert(
                    actor=None, household=case.household, year=DATA_YEAR,
                    values={"wage": SETTLED_WAGE, "business": 0, "transfer": 0},
                )  # fmt: skip
                elimination.evaluation_record(actor=village, case=case, kind=EvaluationKind.ELIMINATION)
            elif stage == "elim_consent":
                cases.case_record_meeting(
                    actor=village,
                    case=case,
                    held_on=clock.today(),
                    minutes="党员群众评议会：到会19人，同意消除风险",
                )
            elif stage == "elim_visit":
                assert case.household is not None
                head = case.household.memberships.get(relation="户主").person
                elimination.consent_record(
                    actor=village, case=case, consent_by=head.name, relation="户主", consent_on=clock.today()
                )
            elif stage == "elim_notice":
                cases.visit_record(
                    actor=village, case=case, client_uuid=uuid.uuid5(NAMESPACE, f"elim-{case.pk}"),
                    visited_at=clock.now(), place="家中", findings="收入稳定：两人在县外务工，住房饮水安全",
                    authorization_signed=False,
                )  # fmt: skip
            elif stage == "notice":
                notice = notices.notice_create(
                    actor=village, village=case.village, cases=[case], title="", object_to=OBJECT_TO
                )
                notices.notice_post(actor=village, notice=notice)
                continue
            actor = {"elim_county": cast.township, "eliminated": cast.county}.get(stage, village)
            case = cases.case_move(
                actor=actor, case=case, to=stage, findings="同意" if actor != village else "",
                method="帮扶消除" if stage == "eliminated" else "",
            )  # fmt: skip
    return case


def _measures(cast: _Cast, days: _Days, case: Case, *, on: datetime.date, all_states: bool = False) -> None:
    """A development measure running since `on` (帮扶消除 needs one, P9); with `all_states`, the plan's measures
    in every P7 state: 计划 (the recommended ones), 实施中, 已完成 and 已终止."""
    village = cast.village
    with clock.travel(on):
        job = assistance.measure_record(
            actor=village, case=case, category="就业帮扶", content="县外务工转移就业，落实一次性交通补贴",
            started_on=on, responsible_unit="南涧县人社局", responsible_person=village, funds_fen=50_000,
            funds_source="衔接资金",
        )  # fmt: skip
        assistance.measure_move(actor=village, measure=job, to=MeasureStatus.IN_PROGRESS)
        if not all_states:
            return
        welfare_job = assistance.measure_record(
            actor=village, case=case, category="公益岗位帮扶", content="村级护林员公益性岗位",
            started_on=on, funds_fen=600_000, funds_source="衔接资金", continues_after_elimination=True,
        )  # fmt: skip
        assistance.measure_move(actor=village, measure=welfare_job, to=MeasureStatus.IN_PROGRESS)
        loan = assistance.measure_record(
            actor=village, case=case, category="金融帮扶", content="脱贫人口小额信贷5万元（核桃种植）",
            started_on=on, funds_fen=5_000_000, funds_source="小额信贷",
        )  # fmt: skip
    with clock.travel(days.after(on, 20)):
        assistance.measure_move(
            actor=village,
            measure=welfare_job,
            to=MeasureStatus.COMPLETED,
            outcome="岗位合同期满，月补贴已足额发放",
        )
        assistance.measure_move(
            actor=village, measure=loan, to=MeasureStatus.TERMINATED, outcome="户主改为务工，不再申请贷款"
        )


def _feeds(households: dict[str, Household]) -> None:
    """Department pushes for 2025 that raise a red, an orange and a yellow lead in 西山村 (P6, P10); the demo
    department user (州医保局) finds its own batch and the fate of the leads it raised."""
    medical = {"period": f"{DATA_YEAR}-09-15", "total_cost": 60000, "reimbursed": 40000, "insured": "是"}
    batches: dict[str, list[dict[str, Any]]] = {
        "housing": [{"household_code": households["red"].code, "grade": "D", "date": f"{DATA_YEAR}-11-20"}],
        "emergency": [
            {
                "household_code": households["orange"].code,
                "disaster": "地质",
                "loss": 30000,
                "house_damaged": "是",
                "date": f"{DATA_YEAR}-08-12",
            },
        ],
        "health": [
            {"id_number": _head_id(FAMILIES["yellow"]), "disease_class": "大病", "date": f"{DATA_YEAR}-10-09"}
        ],
        "medical_insurance": [
            {"id_number": _head_id(FAMILIES["application"]), "out_of_pocket": 10700, **medical},
            {"id_number": _spouse_id(FAMILIES["orange"]), "out_of_pocket": 9300, **medical},
        ],
    }
    for department, rows in batches.items():
        feed_batch_ingest(department=department, rows=rows, source="api", file_name="demo")


def _civil_affairs_roster(cast: _Cast, households: dict[str, Household]) -> None:
    """民政's roster of the county today (P17): the synthetic county's 低保 and 特困 people and a few others, and
    one 西山村 head whom 民政 lists as 低保 while the registry says not — compared at once, so the village
    finds a 民政比对 lead to verify (a data check, M4) beside the department leads."""
    county = county_of(VILLAGE)
    rows = roster_rows(county_code=county, snapshot_on=clock.today(), seed=2025)
    rows.append(
        {
            "id_number": _head_id(FAMILIES["rejected"]), "assistance": "低保", "start": f"{DATA_YEAR - 1}-03-01",
            "end": "", "county_code": county, "snapshot_date": clock.today().isoformat(),
        }
    )  # fmt: skip
    feed_batch_ingest(
        department="civil_affairs", rows=rows, source="api", file_name=f"民政名册_{county}_{clock.today()}"
    )
    lowincome_compare(county_code=county, actor=cast.county, today=clock.today())


def scenario_exists() -> bool:
    return Household.objects.filter(code=household_code(FAMILIES["red"])).exists()


@dataclass(frozen=True)
class ScenarioResult:
    households: int
    cases: int
    seconds: float


def demo_scenario_ensure(*, today: datetime.date | None = None) -> ScenarioResult | None:
    """Build the scenario unless it is there (then None). `today`: the day it is built for (the real one by
    default; the clock is moved there first)."""
    if scenario_exists():
        return None
    started = time.perf_counter()
    cast = _cast()
    # travel() puts the clock back as it found it, also when the build fails
    with clock.travel(today or clock.today()), transaction.atomic():
        result = _build(cast, _Days(work_calendar(), clock.today()))
    return ScenarioResult(*result, seconds=time.perf_counter() - started)


def _build(cast: _Cast, days: _Days) -> tuple[int, int]:
    village = Division.objects.get(code=VILLAGE)
    households = {key: _household(village, family) for key, family in FAMILIES.items()}
    h = households

    # identification (P8), each case at its step today
    _identify(cast, days, [h["analysis"]], first=days.back(9), until="analysis")  # its 5 days have passed
    _identify(cast, days, [h["investigation"]], first=days.back(3), until="investigation")
    _identify(cast, days, [h["review"]], first=days.back(10), until="notice")  # the notice period is over
    (objected,) = _identify(cast, days, [h["objection"]], first=days.back(5), until="notice")
    notice = objected.notices.get()
    notices.objection_record(
        actor=cast.village, notice=notice, case=objected, raised_by="同组村民（匿名）",
        content="反映该户儿子在昆明有稳定工作，家庭收入不低", received_on=clock.today(),
    )  # fmt: skip
    _identify(cast, days, [h["township"]], first=days.back(11), until="township_review")
    _identify(cast, days, [h["county"]], first=days.back(12), until="county_decision")
    (rejected,) = _identify(cast, days, [h["rejected"]], first=days.back(7), until="analysis")
    with clock.travel(days.back(5)):
        cases.case_move(
            actor=cast.village, case=rejected, to="rejected",
            findings="经比对，家庭人均纯收入高于监测范围，且无刚性支出，不予纳入",
        )  # fmt: skip

    # monitored households identified together over a year ago, on one notice
    first = days.working(days.today - datetime.timedelta(days=400))
    with clock.travel(first):  # the village cadre is their 帮扶责任人, named on the plan's measures (P7)
        for key in ELIMINATION_TRACK:
            assistance.helper_assign(
                actor=cast.township, household=h[key], helper=cast.village, starts_on=first
            )
    monitored = dict(
        zip(
            ELIMINATION_TRACK,
            _identify(cast, days, [h[k] for k in ELIMINATION_TRACK], first=first, until="confirmed"),
            strict=True,
        )
    )
    confirmed_on = days.after(first, ID_STAGES["confirmed"])
    for key, case in monitored.items():
        _measures(cast, days, case, on=days.after(confirmed_on, 5), all_states=key == "monitored")

    # risk elimination (P9), each case at its step today
    for key, back in (
        ("elim_meeting", 1), ("elim_consent", 2), ("elim_visit", 3), ("elim_notice", 5), ("elim_township", 11),
        ("elim_county", 12),
    ):  # fmt: skip
        until = "notice" if key == "elim_notice" else key
        _eliminate(cast, days, monitored[key], first=days.back(back), until=until)
    _eliminate(cast, days, monitored["eliminated"], first=days.back(40), until="eliminated")
    _eliminate(cast, days, monitored["reopened"], first=days.back(110), until="eliminated")
    with clock.travel(days.back(3)):  # a new hardship after elimination reopens monitoring (P9, P13)
        cases.case_open_for_household(
            actor=cast.village, household=h["reopened"], summary="户主务工受伤，已停工两个月，收入骤降"
        )

    # this month's feeds and screening round; one orange lead is taken up as a case today (P10)
    _feeds(h)
    screening_run(year=DATA_YEAR, actor=None, today=clock.today())
    lead = Lead.objects.get(household=h["application"], status=LeadStatus.OPEN)
    cases.case_open_from_lead(actor=cast.village, lead=lead, note="村级核实属实，纳入识别")
    # the round also flags households already being identified or monitored: the village checks and closes
    # those leads, so that what stays open is what needs a visit
    in_hand = Case.objects.filter(status__in=[*OPEN_STATUSES, *MONITORED_STATUSES]).values("household")
    for lead in Lead.objects.filter(household__in=in_hand, status=LeadStatus.OPEN).order_by("pk"):
        lead_dismiss(
            actor=cast.village, lead=lead, reason="该户已在识别程序中或已是监测对象，无需重复纳入",
            today=clock.today(),
        )  # fmt: skip
    _civil_affairs_roster(cast, h)
    return len(households), Case.objects.filter(household__in=households.values()).count()
