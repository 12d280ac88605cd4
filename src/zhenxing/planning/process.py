"""The process figures of the county assessment (P16): per county for a year, the records that lower a score —
overdue leads and case steps, plan errors, late notices and evaluations, data-quality errors, housing left open,
returns, work-team shortfalls, overdue rectification tasks — each a count with the records behind it, so that a
score is explained down to the records (a click from a score to the overdue cases that lowered it).

Every figure asks the app that owns the rule (the workflow kernel's `overdue`, the P7 plan check, the P9
evaluation interval, the P1 quality checks); nothing here restates one. A county is found by joining to the
division tree (village → township → county), never by slicing a code.

Each figure is tied to the assessed year, so that a past year recomputed later gives the same figures when
nothing about that year changed: lateness is judged on the year's last day (or today while the year runs) from
the step records and dates, not from today's statuses. Exceptions, said in their notes: data quality is as of
computing, and the rectification of a year's supervisions runs on into the next year (judged today)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Max, Q, QuerySet

from zhenxing.common import clock
from zhenxing.common.calendar import work_calendar
from zhenxing.common.errors import Conflict
from zhenxing.common.workdays import add_working_days
from zhenxing.monitoring.assistance.selectors import plan_flags
from zhenxing.monitoring.decisions import assistance_checks, step_deadlines
from zhenxing.monitoring.elimination.transitions import ELIMINATION
from zhenxing.monitoring.enums import MONITORED_STATUSES, CaseStatus
from zhenxing.monitoring.identification.transitions import IDENTIFICATION
from zhenxing.monitoring.models import Case, CaseStep, Evaluation, HousingLedgerEntry, Notice, NoticeEntry
from zhenxing.planning import teams
from zhenxing.planning.computed import Context
from zhenxing.planning.computed.returns import returns_of
from zhenxing.planning.freeze import counties
from zhenxing.planning.models import RectificationTask
from zhenxing.planning.parameters import planning_rules
from zhenxing.planning.transitions import TASK
from zhenxing.policy.rules.measures import PLAN_ERROR, evaluation_due
from zhenxing.policy.rules.quality import CHECKS, ERROR
from zhenxing.registry.models import Household
from zhenxing.registry.quality import HOUSEHOLD_CHECKS, PERSON_CHECKS, households_with_issue
from zhenxing.screening.models import Lead
from zhenxing.screening.transitions import LEAD

# the county of a record whose village is a division (village → township → county)
VILLAGE_COUNTY = "village__parent__parent__code"
HOUSEHOLD_COUNTY = f"household__{VILLAGE_COUNTY}"


@dataclass
class Figure:
    """A process figure of one county: how many records, which model they are, all their ids (sorted)."""

    count: int
    model: str  # app_label.model_name, e.g. "screening.lead"
    ids: list[int] = field(default_factory=list)
    label: str = ""
    note: str = ""  # how the figure was counted, where the reader must know it (added to the explanation)


FIGURE_LABELS: dict[str, str] = {
    "overdue_leads": "逾期未核实的预警线索",
    "overdue_case_steps": "环节超期的识别、消除案件",
    "plan_errors": "帮扶计划报错的监测户",
    "notices_late": "逾期未发布的公示",
    "evaluations_late": "逾期未做定期评估的监测户",
    "data_quality": "存在数据质量错误的农户",
    "housing_open": "年末未销号的住房安全问题",
    "returns": "返贫人口",
    "work_team_shortfall": "驻村工作队配备不足的村",
    "rectification_overdue": "逾期未完成的督办整改任务",
}


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def _as_of(year: int, today: datetime.date) -> datetime.date:
    """The day a rule is asked on: the year's last day, or today while the year runs."""
    return min(today, _year_end(year))


def _per_county(
    key: str, model: str, rows: Iterable[tuple[str | None, int]], note: str = ""
) -> dict[str, Figure]:
    """Every county's figure (zero where nothing was found) from (county code, record id) pairs."""
    ids: dict[str, set[int]] = defaultdict(set)
    for code, pk in rows:
        if code is not None:
            ids[code].add(pk)
    label = FIGURE_LABELS[key]
    return {
        county.code: Figure(len(ids[county.code]), model, sorted(ids[county.code]), label, note)
        for county in counties()
    }


def _pairs(queryset: QuerySet[Any], path: str) -> list[tuple[str | None, int]]:
    return list(queryset.values_list(path, "pk").distinct())


def overdue_leads(year: int, today: datetime.date) -> dict[str, Figure]:
    """Leads whose village check day fell in the year and that were overdue: still open past it (the kernel's
    `overdue`), or checked after it (closed late) — so that closing a late lead does not clear the year."""
    leads = Lead.objects.filter(village_due__year=year).filter(
        LEAD.overdue(today) | Q(closed_at__date__gt=F("village_due"))
    )
    return _per_county("overdue_leads", "screening.lead", _pairs(leads, HOUSEHOLD_COUNTY))


def overdue_case_steps(year: int, today: datetime.date) -> dict[str, Figure]:
    """Cases with a step done late in the year (the step record's `overdue`), and cases open past their step's
    due day on the year's last day (today while the year runs): a step begun by then and done after it (its
    record), or still running (the identification and elimination workflows' `overdue`, of a step begun by
    then). The whole procedure's limit is asked only of a case still open."""
    day = _as_of(year, today)
    late_steps = CaseStep.objects.filter(overdue=True, done_at__year=year).values("case_id")
    open_at_day = CaseStep.objects.filter(started_on__lte=day, done_at__date__gt=day, due_on__lt=day)
    running = Q(step_started_on__lte=day) & (IDENTIFICATION.overdue(day) | ELIMINATION.overdue(day))
    cases = Case.objects.filter(Q(pk__in=late_steps) | Q(pk__in=open_at_day.values("case_id")) | running)
    return _per_county("overdue_case_steps", "monitoring.case", _pairs(cases, VILLAGE_COUNTY))


def plan_errors(year: int, today: datetime.date) -> dict[str, Figure]:
    """Monitored cases the P7 plan check marks as errors (no implemented measure long after identification)."""
    cases = list(
        Case.objects.filter(status__in=MONITORED_STATUSES).only(
            "pk", "status", "identified_on", "household_id", "village_id"
        )
    )
    flags = plan_flags(cases, today=_as_of(year, today))
    errors = [pk for pk, flag in flags.items() if flag == PLAN_ERROR]
    return _per_county(
        "plan_errors", "monitoring.case", _pairs(Case.objects.filter(pk__in=errors), VILLAGE_COUNTY)
    )


def notices_late(year: int, today: datetime.date) -> dict[str, Figure]:
    """Notices made in the year and not posted within the step_deadlines parameter's review_meeting limit (评议
    公示, working days after the notice was made; the notices app has no limit of its own): posted after it, or
    still not posted on the year's last day (today while the year runs). A notice whose case is already counted
    in overdue_case_steps is left out (one lateness, one deduction)."""
    day = _as_of(year, today)
    limits, _ = step_deadlines()
    calendar = work_calendar()
    late_cases = {pk for figure in overdue_case_steps(year, today).values() for pk in figure.ids}
    cases_of: dict[int, set[int]] = defaultdict(set)
    notices = Notice.objects.filter(created_at__year=year).only("pk", "created_at", "posted_on")
    for notice_id, case_id in NoticeEntry.objects.filter(notice__in=notices).values_list("notice", "case"):
        cases_of[notice_id].add(case_id)
    late = []
    for notice in notices:
        deadline = add_working_days(
            calendar, clock.localdate(notice.created_at), limits["review_meeting"]
        ).day
        posted_late = notice.posted_on > deadline if notice.posted_on is not None else deadline < day
        if posted_late and not cases_of[notice.pk] & late_cases:
            late.append(notice.pk)
    return _per_county(
        "notices_late", "monitoring.notice", _pairs(Notice.objects.filter(pk__in=late), VILLAGE_COUNTY)
    )


def evaluations_late(year: int, today: datetime.date) -> dict[str, Figure]:
    """Monitored households whose P9 periodic evaluation is due (the assistance_checks interval since the last
    evaluation or the identification) and not done, as of the year's end."""
    checks, _ = assistance_checks()
    day = _as_of(year, today)
    last = dict(
        Evaluation.objects.filter(evaluated_at__date__lte=day)
        .values("case_id")
        .annotate(last=Max("evaluated_at"))
        .values_list("case_id", "last")
    )
    due = []
    for pk, identified_on in Case.objects.filter(
        status=CaseStatus.CONFIRMED, identified_on__lte=day
    ).values_list("pk", "identified_on"):
        evaluated = last.get(pk)
        if identified_on is not None and evaluation_due(
            identified_on=identified_on, last_evaluated_on=clock.localdate(evaluated) if evaluated else None,
            today=day, interval_months=checks["evaluation_interval_months"],
        ):  # fmt: skip
            due.append(pk)
    return _per_county(
        "evaluations_late", "monitoring.case", _pairs(Case.objects.filter(pk__in=due), VILLAGE_COUNTY)
    )


DATA_QUALITY_NOTE = "按计算当日的农户数据检查"
RETURNS_PARTIAL_NOTE = "国家扶贫标准未配置，仅计两不愁三保障未保障的返贫人口"
RECTIFICATION_NOTE = "整改延续到次年，按计算当日判断是否逾期"


def data_quality(year: int, today: datetime.date) -> dict[str, Figure]:
    """Households with at least one P1 quality check of severity 错误 (registry/quality.py's queries), as of
    computing (the registry keeps no history of its checks; the figure's note says so)."""
    rows: list[tuple[str | None, int]] = []
    for code in (*HOUSEHOLD_CHECKS, *PERSON_CHECKS):
        if CHECKS[code][0] != ERROR:
            continue
        rows += _pairs(households_with_issue(Household.objects.all(), code, today=today), VILLAGE_COUNTY)
    return _per_county("data_quality", "registry.household", rows, DATA_QUALITY_NOTE)


def housing_open(year: int, today: datetime.date) -> dict[str, Figure]:
    """Housing-safety ledger entries open at the year's end (registered by then, not closed by then)."""
    end = _year_end(year)
    entries = HousingLedgerEntry.objects.filter(opened_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=end)
    )
    return _per_county("housing_open", "monitoring.housingledgerentry", _pairs(entries, HOUSEHOLD_COUNTY))


def returns(year: int, today: datetime.date) -> dict[str, Figure]:
    """返贫 by the count behind the computed selector `returned_people` (computed/returns.py's returns_of), with
    the households counted; when the poverty standard is 未配置 only its basic-needs part, and the note says so."""
    rules, citation = planning_rules(year)
    context = Context(
        year=year, starts_on=datetime.date(year, 1, 1), ends_on=_year_end(year), as_of=clock.now(), rules=rules,
        citations={"planning_rules": citation},
    )  # fmt: skip
    counted = returns_of(context)
    note = "" if counted.configured else RETURNS_PARTIAL_NOTE
    label = FIGURE_LABELS["returns"]
    return {
        county.code: Figure(
            counted.people.get(county.code, 0),
            "registry.household",
            list(counted.households.get(county.code, [])),
            label,
            note,
        )
        for county in counties()
    }


def work_team_shortfall(year: int, today: datetime.date) -> dict[str, Figure] | None:
    """Villages short of their P11 work team at the year's end (planning.teams.work_team_shortfalls); None
    (the item left unscored) when the work_team parameter is 未配置."""
    try:
        rows = [
            (row.county.code, row.village.pk) for row in teams.work_team_shortfalls(on=_as_of(year, today))
        ]
    except Conflict:  # teams.thresholds_for: the work_team parameter is missing for the year
        return None
    return _per_county("work_team_shortfall", "divisions.division", rows)


def rectification_overdue(year: int, today: datetime.date) -> dict[str, Figure]:
    """Rectification tasks of the year's supervisions (or due in the year) that were overdue: closed after their
    limit, or open past it today (the TASK workflow's `overdue`; the rectification runs on into the next year, so
    it is judged on the day of computing, and the note says so)."""
    tasks = RectificationTask.objects.filter(Q(supervision__year=year) | Q(due_on__year=year)).filter(
        TASK.overdue(today) | Q(closed_on__gt=F("due_on"))
    )
    return _per_county(
        "rectification_overdue",
        "planning.rectificationtask",
        _pairs(tasks, "county__code"),
        RECTIFICATION_NOTE,
    )


FIGURES = {
    "overdue_leads": overdue_leads,
    "overdue_case_steps": overdue_case_steps,
    "plan_errors": plan_errors,
    "notices_late": notices_late,
    "evaluations_late": evaluations_late,
    "data_quality": data_quality,
    "housing_open": housing_open,
    "returns": returns,
    "work_team_shortfall": work_team_shortfall,
    "rectification_overdue": rectification_overdue,
}


def process_figures(*, year: int, today: datetime.date) -> dict[str, dict[str, Figure]]:
    """Figure key → county code → Figure, for every figure that can be counted (a missing key: not yet)."""
    out: dict[str, dict[str, Figure]] = {}
    for key, count in FIGURES.items():
        figures = count(year, today)
        if figures is not None:
            out[key] = figures
    return out
