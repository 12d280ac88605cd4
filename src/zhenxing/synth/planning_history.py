"""`synthetic_history_generate`: the monitoring past the plan's indicators and the county assessment read (P5, P7,
P8, P9, P11, P12, P16), written in bulk as history over the generated registry — not through the workflow: the
synthetic past has no one to do its steps. One audit event (`synth.generate`) records the run.

Per county, about 3 % of households (mostly 脱贫户) were confirmed as monitoring objects between 2021-01-01 and
today; about half had their risk eliminated later, a few of those were taken in again (a new case with
`reopens`). Each confirmed case has its plan and measures; labour-age members of 脱贫户 got a skills training
(一人一方案), part of them a job after it, and the 人社 feed registers part of the trained in the year. C/D houses
of the year are on the housing ledger (open or closed). A few leads past their village deadline and cases past
their step's deadline in every county — many more in WEAK_COUNTY — so that the assessment's process figures are
not all zero. Deterministic for a seed (draws from one `random.Random`; row order by primary key)."""

from __future__ import annotations

import datetime
import hashlib
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.models import User
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.enums import Department
from zhenxing.divisions.codes import county_of
from zhenxing.feeds.models import FeedBatch, FeedRecord
from zhenxing.monitoring.enums import (
    MONITORED_STATUSES,
    OPEN_STATUSES,
    CaseSource,
    CaseStatus,
    EliminationMethod,
    HousingWay,
    LedgerStatus,
    MeasureStatus,
    PersonItemKind,
)
from zhenxing.monitoring.models import Case, CaseStep, HousingLedgerEntry, Measure, PersonItem, Plan
from zhenxing.policy.vocab import MARGINAL, SUDDEN_HARDSHIP, UNSTABLE_TUOPIN
from zhenxing.registry.models import Household, HouseholdYear, Membership
from zhenxing.screening.models import Lead
from zhenxing.synth.funds import _counties, _county_users

# the county whose process figures and findings are planted to grade it 一般 (鹤庆县)
WEAK_COUNTY = "532932"
FIRST_DAY = datetime.date(2021, 1, 1)
CASE_SHARE = 0.03  # of a county's households, confirmed at some time since 2021
TUOPIN_SHARE_OF_CASES = 0.78
ELIMINATED_SHARE = 0.5
REOPENED_SHARE_OF_ELIMINATED = 0.06
TRAINED_SHARE = 0.45  # of the labour-age members of 脱贫户 cases
JOB_AFTER_TRAINING = 0.6
FEED_SHARE_OF_TRAINED = 0.55
OVERDUE_LEADS = (1, 3)  # per county, low and high
OVERDUE_CASES = (1, 2)
WEAK_OVERDUE_LEADS = 24
WEAK_OVERDUE_CASES = 12
MARK = "（合成历史）"
BATCH = 2_000

RISK_WEIGHTS = {
    "因病": 30, "因残": 14, "因学": 8, "因自然灾害": 5, "因意外事故": 5, "因产业项目失败": 4, "因务工就业不稳": 10,
    "缺劳动力": 12, "住房出现安全问题": 4, "义务教育阶段失学辍学": 2, "饮水安全问题": 3, "其他": 3,
}  # fmt: skip
MEASURE_FOR_RISK = {
    "因病": "健康帮扶", "因残": "综合保障", "因学": "其他教育帮扶", "因自然灾害": "住房安全保障",
    "因意外事故": "综合保障", "因产业项目失败": "产业帮扶", "因务工就业不稳": "就业帮扶", "缺劳动力": "公益岗位帮扶",
    "住房出现安全问题": "住房安全保障", "义务教育阶段失学辍学": "义务教育保障", "饮水安全问题": "饮水安全保障",
    "其他": "社会帮扶",
}  # fmt: skip
JOBS = ("县外务工（建筑）", "省外务工（电子厂）", "县内企业就业", "乡村车间就业", "州内务工（餐饮）")
TRAININGS = (
    "电工技能培训",
    "家政服务培训",
    "中式烹调培训",
    "农业实用技术培训",
    "挖掘机操作培训",
    "电商直播培训",
)
WORKING_LABOUR = ("普通劳动力", "技能劳动力")


@dataclass(frozen=True)
class HistoryResult:
    cases: int  # every case written (confirmed ever, reopened and the overdue open ones)
    confirmed: int  # confirmed ever (incl. eliminated and reopened)
    eliminated: int
    reopened: int
    overdue_cases: int  # open cases past their step's deadline
    late_steps: int  # step records done after their deadline in the year
    overdue_leads: int
    plans: int
    measures: int
    training_items: int
    job_items: int
    feed_records: int
    housing_entries: int
    counties_with_reopened: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _household(case: Case) -> int:
    assert case.household_id is not None  # every synthetic case is a registered household's
    return case.household_id


def _date_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _risks(rng: random.Random) -> list[str]:
    names, weights = list(RISK_WEIGHTS), list(RISK_WEIGHTS.values())
    chosen = rng.choices(names, weights=weights, k=rng.choice((1, 1, 2)))
    return sorted(set(chosen), key=names.index)


def _busy_households() -> tuple[set[int], set[int]]:
    """Households with an open or monitored case, and with an open lead (one of each at most, P8, P10)."""
    open_cases = set(
        Case.objects.filter(
            status__in=[*OPEN_STATUSES, *MONITORED_STATUSES], household__isnull=False
        ).values_list("household_id", flat=True)
    )
    open_leads = set(Lead.objects.filter(status="open").values_list("household_id", flat=True))
    return open_cases, open_leads


def _step(
    case: Case, step: str, outcome: str, day: datetime.date, actor: User, due: datetime.date | None
) -> CaseStep:
    return CaseStep(
        case=case, step=step, outcome=outcome, action="合成历史", actor=actor, actor_role="county",
        done_at=_at(day, 16), started_on=min(day, due) if due else day, due_on=due,
        overdue=bool(due and day > due), findings="合成历史记录",
    )  # fmt: skip


def synthetic_history_generate(*, seed: int, year: int) -> HistoryResult:
    started = time.perf_counter()
    if Case.objects.filter(summary__endswith=MARK).exists():
        return HistoryResult(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, seconds=time.perf_counter() - started)
    rng = random.Random(f"planning-history-{seed}-{year}")  # noqa: S311 - reproducible, not secret
    today = clock.today()
    year_end = min(datetime.date(year, 12, 31), today - datetime.timedelta(days=1))
    busy_cases, busy_leads = _busy_households()
    by_county: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    village_of: dict[int, str] = {}
    for pk, village_id, kind in Household.objects.order_by("pk").values_list("pk", "village_id", "kind"):
        village = str(village_id)  # the village's code (the key is the code)
        village_of[pk] = village
        if pk not in busy_cases:
            by_county[county_of(village)][kind].append(pk)
    with transaction.atomic():
        actors = _county_users({c.pk: c for c in _counties()})
        cases: list[Case] = []
        kinds: dict[int, str] = {}  # household → kind, of the households given a case
        for code in sorted(by_county):
            households = by_county[code]
            total = sum(len(v) for v in households.values())
            wanted = max(3, round(total * CASE_SHARE)) if total >= 20 else min(total // 4, 3)
            tuopin = min(len(households["脱贫户"]), round(wanted * TUOPIN_SHARE_OF_CASES))
            others = [h for kind, rows in sorted(households.items()) if kind != "脱贫户" for h in rows]
            chosen = [(h, "脱贫户") for h in rng.sample(households["脱贫户"], tuopin)]
            chosen += [(h, "一般农户") for h in rng.sample(others, min(len(others), wanted - tuopin))]
            for household, kind in chosen:
                kinds[household] = kind
                in_year = (
                    code == WEAK_COUNTY and rng.random() < 0.4
                )  # the weak county's late decisions of the year
                cases.append(
                    _confirmed_case(
                        rng, household, village_of[household], kind, today, year if in_year else None
                    )
                )
        Case.objects.bulk_create(cases, batch_size=BATCH)
        # about half eliminated; a few of those taken in again (P9, P13)
        drawn = [_reopen(rng, case, today) for case in cases if case.status == CaseStatus.ELIMINATED]
        reopened = [c for c in drawn if c is not None]
        Case.objects.bulk_create(reopened, batch_size=BATCH)
        confirmed = [*cases, *reopened]
        overdue, leads = _overdue(
            rng, by_county, village_of, busy_leads, {_household(c) for c in confirmed}, today, year_end
        )
        Case.objects.bulk_create(overdue, batch_size=BATCH)
        Lead.objects.bulk_create(leads, batch_size=BATCH)
        steps = _steps(rng, confirmed, actors, year)
        CaseStep.objects.bulk_create(steps, batch_size=BATCH)
        plans, measures = _plans(rng, confirmed, actors)
        Plan.objects.bulk_create(plans, batch_size=BATCH)
        Measure.objects.bulk_create(measures, batch_size=BATCH)
        trainings, jobs, feed = _people(rng, confirmed, kinds, actors, year, today)
        housing = _housing(rng, year, actors, today)
        counts = {
            "cases": len(confirmed) + len(overdue), "eliminated": sum(c.status == CaseStatus.ELIMINATED for c in confirmed),
            "reopened": len(reopened), "overdue_cases": len(overdue), "overdue_leads": len(leads),
            "training_items": trainings, "job_items": jobs, "feed_records": feed, "housing_entries": housing,
        }  # fmt: skip
        audit.record(
            actor=None, action="synth.generate", target=("monitoring.case", "synthetic"),
            new={"seed": seed, "year": year, "what": "planning_history", **counts},
        )  # fmt: skip
    return HistoryResult(
        cases=len(confirmed) + len(overdue), confirmed=len(confirmed), eliminated=counts["eliminated"],
        reopened=len(reopened), overdue_cases=len(overdue), late_steps=sum(s.overdue for s in steps),
        overdue_leads=len(leads), plans=len(plans), measures=len(measures), training_items=trainings,
        job_items=jobs, feed_records=feed, housing_entries=housing,
        counties_with_reopened=sorted({county_of(str(c.village_id)) for c in reopened}),
        seconds=time.perf_counter() - started,
    )  # fmt: skip


def _confirmed_case(
    rng: random.Random, household: int, village: str, kind: str, today: datetime.date, in_year: int | None
) -> Case:
    last = today - datetime.timedelta(days=20)
    if in_year is not None and datetime.date(in_year, 1, 1) < last:
        identified = _date_between(
            rng, datetime.date(in_year, 1, 1), min(last, datetime.date(in_year, 12, 31))
        )
    else:
        identified = _date_between(rng, FIRST_DAY, last)
    opened = identified - datetime.timedelta(days=rng.randint(12, 40))
    if kind == "脱贫户":
        monitoring_type = UNSTABLE_TUOPIN if rng.random() < 0.85 else SUDDEN_HARDSHIP
    else:
        monitoring_type = MARGINAL if rng.random() < 0.7 else SUDDEN_HARDSHIP
    case = Case(
        household_id=household, village_id=village, source=rng.choice(list(CaseSource.values)),
        status=CaseStatus.CONFIRMED, summary=f"家庭收支和“三保障”情况经调查核实{MARK}", opened_at=_at(opened),
        step_started_on=identified, due=identified, monitoring_type=monitoring_type, risk_types=_risks(rng),
        identified_on=identified, meeting_on=identified - datetime.timedelta(days=rng.randint(3, 9)),
    )  # fmt: skip
    if rng.random() < ELIMINATED_SHARE * 1.3:  # the later ones have not had time: about half end eliminated
        eliminated = identified + datetime.timedelta(days=rng.randint(180, 720))
        if eliminated < today - datetime.timedelta(days=7):
            case.status = CaseStatus.ELIMINATED
            case.eliminated_on = eliminated
            case.elimination_method = (
                EliminationMethod.ASSISTED if rng.random() < 0.85 else EliminationMethod.NATURAL
            )
            case.elimination_meeting_on = eliminated - datetime.timedelta(days=rng.randint(10, 20))
            case.step_started_on = case.due = eliminated
            case.closed_at = _at(eliminated, 17)
    return case


def _reopen(rng: random.Random, old: Case, today: datetime.date) -> Case | None:
    assert old.eliminated_on is not None
    if rng.random() >= REOPENED_SHARE_OF_ELIMINATED:
        return None
    identified = old.eliminated_on + datetime.timedelta(days=rng.randint(60, 400))
    if identified >= today - datetime.timedelta(days=10):
        return None
    return Case(
        household_id=old.household_id, village_id=old.village_id, source=CaseSource.DEPARTMENT,
        status=CaseStatus.CONFIRMED, summary=f"风险消除后再次出现困难，重新纳入监测{MARK}",
        opened_at=_at(identified - datetime.timedelta(days=15)), step_started_on=identified, due=identified,
        monitoring_type=old.monitoring_type, risk_types=_risks(rng), identified_on=identified, reopens=old,
        meeting_on=identified - datetime.timedelta(days=5),
    )  # fmt: skip


def _overdue(
    rng: random.Random, by_county: dict[str, dict[str, list[int]]], village_of: dict[int, str],
    busy_leads: set[int], taken: set[int], today: datetime.date, year_end: datetime.date,
) -> tuple[list[Case], list[Lead]]:  # fmt: skip
    """Open cases past their step's deadline (today) and open leads past the village's deadline (in the year)."""
    cases, leads = [], []
    for code in sorted(by_county):
        pool = sorted(h for rows in by_county[code].values() for h in rows if h not in taken)
        weak = code == WEAK_COUNTY
        n_cases = WEAK_OVERDUE_CASES if weak else rng.randint(*OVERDUE_CASES)
        n_leads = WEAK_OVERDUE_LEADS if weak else rng.randint(*OVERDUE_LEADS)
        picked = rng.sample(pool, min(len(pool), n_cases + n_leads))
        for household in picked[:n_cases]:
            started = today - datetime.timedelta(days=rng.randint(25, 60))
            cases.append(Case(
                household_id=household, village_id=village_of[household], source=CaseSource.SELF_APPLICATION,
                status=rng.choice((CaseStatus.ANALYSIS, CaseStatus.INVESTIGATION, CaseStatus.REVIEW)),
                summary=f"群众申报，尚在办理{MARK}", opened_at=_at(started - datetime.timedelta(days=3)),
                step_started_on=started, step_due=started + datetime.timedelta(days=rng.randint(5, 15)),
                due=started + datetime.timedelta(days=rng.randint(20, 30)),
            ))  # fmt: skip
        for household in picked[n_cases:]:
            if household in busy_leads:
                continue
            due = year_end - datetime.timedelta(days=rng.randint(5, 60))
            leads.append(Lead(
                household_id=household, grade=rng.choice(("红", "橙", "黄")), risk_types=_risks(rng),
                round=f"{due:%Y-%m}", village_due=due, township_due=due + datetime.timedelta(days=7),
                county_due=due + datetime.timedelta(days=14),
            ))  # fmt: skip
    return cases, leads


def _steps(rng: random.Random, cases: list[Case], actors: dict, year: int) -> list[CaseStep]:
    """The county's decision of each confirmed case and the elimination of each eliminated one; in the weak
    county a share of the decisions of the year were done after their deadline."""
    steps = []
    for case in cases:
        assert case.identified_on is not None
        actor = actors[county_of(str(case.village_id))]
        late = (
            county_of(str(case.village_id)) == WEAK_COUNTY
            and case.identified_on.year == year
            and rng.random() < 0.8
        )
        due = case.identified_on - datetime.timedelta(days=rng.randint(3, 12)) if late else case.identified_on
        steps.append(
            _step(case, CaseStatus.COUNTY_DECISION, CaseStatus.CONFIRMED, case.identified_on, actor, due)
        )
        if case.status == CaseStatus.ELIMINATED and case.eliminated_on:
            steps.append(_step(
                case, CaseStatus.ELIMINATION_COUNTY, CaseStatus.ELIMINATED, case.eliminated_on, actor, case.eliminated_on
            ))  # fmt: skip
    return steps


def _plans(rng: random.Random, cases: list[Case], actors: dict) -> tuple[list[Plan], list[Measure]]:
    plans, measures = [], []
    for case in cases:
        assert case.identified_on is not None
        actor = actors[county_of(str(case.village_id))]
        categories = sorted({MEASURE_FOR_RISK[r] for r in case.risk_types})
        plans.append(Plan(
            case=case, household_id=_household(case), recommended=categories, created_at=_at(case.identified_on, 15),
            created_by=actor, decision={"synthetic": True}, comprehensive=len(categories) > 1,
        ))  # fmt: skip
        for category in categories:
            done = case.status == CaseStatus.ELIMINATED
            measures.append(Measure(
                case=case, category=category, content=f"{category}（合成）", responsible_unit="乡镇人民政府",
                started_on=case.identified_on + datetime.timedelta(days=rng.randint(0, 15)),
                ends_on=case.eliminated_on if done else None,
                status=MeasureStatus.COMPLETED if done else MeasureStatus.IN_PROGRESS,
                outcome="措施落实，困难缓解" if done else "", recommended=True, recorded_by=actor,
            ))  # fmt: skip
        if case.eliminated_on:  # started no later than it ended
            for measure in measures[-len(categories) :]:
                measure.started_on = min(measure.started_on, case.eliminated_on)
    return plans, measures


def _people(
    rng: random.Random,
    cases: list[Case],
    kinds: dict[int, str],
    actors: dict,
    year: int,
    today: datetime.date,
) -> tuple[int, int, int]:
    """Training (and a job after it) for labour-age members of the 脱贫户 cases, under a 就业帮扶 measure of
    their own; the 人社 feed's records of the year for part of the trained."""
    tuopin = [c for c in cases if kinds.get(_household(c)) == "脱贫户" or c.reopens_id is not None]
    members: dict[int, list[int]] = defaultdict(list)
    born_after, born_before = datetime.date(year - 59, 1, 1), datetime.date(year - 16, 12, 31)
    households = sorted({_household(c) for c in tuopin})
    for chunk in range(0, len(households), BATCH):  # in chunks: SQLite limits the parameters of a query
        rows = Membership.objects.filter(
            household_id__in=households[chunk : chunk + BATCH], left_on__isnull=True,
            person__labour__in=WORKING_LABOUR, person__birth_date__range=(born_after, born_before),
        ).order_by("household_id", "person_id").values_list("household_id", "person_id")  # fmt: skip
        for household, person in rows:
            members[household].append(person)
    seen: set[int] = set()
    planned: list[tuple[Measure, list[tuple[int, datetime.date]]]] = []
    for case in tuopin:
        people = [p for p in members.get(_household(case), []) if p not in seen]
        trained = [p for p in people if rng.random() < TRAINED_SHARE]
        if not trained:
            continue
        assert case.identified_on is not None
        last = min(today - datetime.timedelta(days=30), case.eliminated_on or today)
        first = max(
            case.identified_on, datetime.date(year, 1, 1) if rng.random() < 0.5 else case.identified_on
        )
        starts = [(p, _date_between(rng, min(first, last), last)) for p in trained]
        seen.update(trained)
        measure = Measure(
            case=case, category="就业帮扶", content="技能培训和就业服务（合成）", responsible_unit="县人力资源和社会保障局",
            started_on=min(s for _, s in starts), ends_on=case.eliminated_on,
            status=MeasureStatus.COMPLETED if case.eliminated_on else MeasureStatus.IN_PROGRESS,
            outcome="培训结业" if case.eliminated_on else "", recorded_by=actors[county_of(str(case.village_id))],
        )  # fmt: skip
        if measure.ends_on and measure.ends_on < measure.started_on:
            measure.ends_on = measure.started_on
        planned.append((measure, starts))
    Measure.objects.bulk_create([m for m, _ in planned], batch_size=BATCH)
    items, jobs, employed = [], 0, []
    for measure, starts in planned:
        for person, start in starts:
            items.append(PersonItem(
                measure=measure, person_id=person, kind=PersonItemKind.TRAINING, detail=rng.choice(TRAININGS),
                amount_fen=rng.choice((80_000, 120_000, 150_000)), started_on=start,
                ends_on=start + datetime.timedelta(days=rng.randint(5, 20)), recorded_by=measure.recorded_by,
            ))  # fmt: skip
            if rng.random() < JOB_AFTER_TRAINING:
                job_on = start + datetime.timedelta(days=rng.randint(25, 90))
                if job_on < today:
                    jobs += 1
                    items.append(PersonItem(
                        measure=measure, person_id=person, kind=PersonItemKind.JOB, detail=rng.choice(JOBS),
                        started_on=job_on, recorded_by=measure.recorded_by,
                    ))  # fmt: skip
            if rng.random() < FEED_SHARE_OF_TRAINED:
                employed.append((person, measure.case))
    PersonItem.objects.bulk_create(items, batch_size=BATCH)
    feed = _feed(rng, employed, year)
    return len(items) - jobs, jobs, feed


def _feed(rng: random.Random, people: list[tuple[int, Case]], year: int) -> int:
    """人社's 就业与失业登记 of the year for part of the trained: one delivered batch (the adapter's codes)."""
    if not people:
        return 0
    digest = hashlib.sha256(f"synthetic-planning-hr-{year}-{len(people)}-{people[0][0]}".encode()).hexdigest()
    batch = FeedBatch.objects.create(
        department=Department.HUMAN_RESOURCES, checksum=digest, source="upload",
        file_name=f"人社就业登记_{year}_合成.xlsx", rows=len(people), accepted=len(people),
    )  # fmt: skip
    records = []
    for row, (person, case) in enumerate(people, start=2):
        employed = rng.random() < 0.85
        records.append(FeedRecord(
            batch=batch, department=Department.HUMAN_RESOURCES, row_number=row, person_id=person,
            household_id=case.household_id, village_code=case.village_id,
            record_date=_date_between(rng, datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
            code="就业" if employed else "失业", number=rng.randint(3, 12) if employed else 0, flag=not employed,
        ))  # fmt: skip
    FeedRecord.objects.bulk_create(records, batch_size=BATCH)
    return len(records)


def _housing(rng: random.Random, year: int, actors: dict, today: datetime.date) -> int:
    """住房安全台账 entries for the year's C/D houses without one: most solved (销号), some still open (P11)."""
    have = set(HousingLedgerEntry.objects.values_list("household_id", flat=True))
    rows = (
        HouseholdYear.objects.filter(year=year, housing_grade__in=("C", "D"))
        .order_by("household_id")
        .values_list("household_id", "household__village", "housing_grade")
    )
    entries = []
    for household, village, grade in rows:
        if household in have:
            continue
        opened = _date_between(rng, datetime.date(year, 1, 1), min(datetime.date(year, 10, 31), today))
        way = HousingWay.REPAIR if grade == "C" else HousingWay.REBUILD
        actor = actors[county_of(str(village))]
        entry = HousingLedgerEntry(
            household_id=household, village_id=village, grade=grade, way=way, opened_on=opened, opened_by=actor,
            guarantee_years=15 if grade == "C" else 30,
        )  # fmt: skip
        closed = opened + datetime.timedelta(days=rng.randint(60, 240))
        if rng.random() < 0.7 and closed < today:
            entry.status, entry.closed_on, entry.closed_by = LedgerStatus.CLOSED, closed, actor
            entry.completion = "竣工验收合格，达到安全住房标准"
        entries.append(entry)
    HousingLedgerEntry.objects.bulk_create(entries, batch_size=BATCH)
    return len(entries)
