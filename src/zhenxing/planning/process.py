"""The process figures of the county assessment (P16): per county for a year, the records that lower a score —
overdue leads and case steps, plan errors, late notices and evaluations, data-quality errors, housing left open,
returns, work-team shortfalls, overdue rectification tasks — each a count with the records behind it, so that a
score is explained down to the records (a click from a score to the overdue cases that lowered it).

Every figure asks the app that owns the rule (the workflow kernel's `overdue`, the P7 plan check, the P9
evaluation interval, the P1 quality checks); nothing here restates one. A county is found by joining to the
division tree (village → township → county), never by slicing a code."""

from __future__ import annotations

import datetime
import importlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q, QuerySet

from zhenxing.common import clock
from zhenxing.monitoring.assistance.selectors import plan_flags
from zhenxing.monitoring.decisions import assistance_checks
from zhenxing.monitoring.elimination.transitions import ELIMINATION
from zhenxing.monitoring.enums import MONITORED_STATUSES, CaseStatus
from zhenxing.monitoring.identification.transitions import IDENTIFICATION
from zhenxing.monitoring.models import Case, CaseStep, Evaluation, HousingLedgerEntry, Notice
from zhenxing.planning.computed import Context
from zhenxing.planning.computed.registry import COMPUTED
from zhenxing.planning.freeze import counties
from zhenxing.planning.parameters import planning_rules
from zhenxing.planning.selectors import tasks_overdue
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


FIGURE_LABELS: dict[str, str] = {
    "overdue_leads": "逾期未核实的预警线索",
    "overdue_case_steps": "环节超期的识别、消除案件",
    "plan_errors": "帮扶计划报错的监测户",
    "notices_late": "未发布的公示",
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


def _per_county(key: str, model: str, rows: Iterable[tuple[str | None, int]]) -> dict[str, Figure]:
    """Every county's figure (zero where nothing was found) from (county code, record id) pairs."""
    ids: dict[str, set[int]] = defaultdict(set)
    for code, pk in rows:
        if code is not None:
            ids[code].add(pk)
    label = FIGURE_LABELS[key]
    return {
        county.code: Figure(len(ids[county.code]), model, sorted(ids[county.code]), label)
        for county in counties()
    }


def _pairs(queryset: QuerySet[Any], path: str) -> list[tuple[str | None, int]]:
    return list(queryset.values_list(path, "pk").distinct())


def overdue_leads(year: int, today: datetime.date) -> dict[str, Figure]:
    """Leads whose village check day fell in the year and that are still open past it (the kernel's overdue)."""
    leads = Lead.objects.filter(LEAD.overdue(today), village_due__year=year)
    return _per_county("overdue_leads", "screening.lead", _pairs(leads, HOUSEHOLD_COUNTY))


def overdue_case_steps(year: int, today: datetime.date) -> dict[str, Figure]:
    """Cases with a step done late in the year (the step record's `overdue`), and cases open past their step's
    or the whole procedure's limit now (the identification and elimination workflows' `overdue`)."""
    late_steps = CaseStep.objects.filter(overdue=True, done_at__year=year).values("case_id")
    cases = Case.objects.filter(
        Q(pk__in=late_steps) | IDENTIFICATION.overdue(today) | ELIMINATION.overdue(today)
    )
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
    """Notices made in the year and never posted (公示 missing): the notices app keeps no other lateness rule."""
    notices = Notice.objects.filter(created_at__year=year, posted_on__isnull=True)
    return _per_county("notices_late", "monitoring.notice", _pairs(notices, VILLAGE_COUNTY))


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


def data_quality(year: int, today: datetime.date) -> dict[str, Figure]:
    """Households with at least one P1 quality check of severity 错误 (registry/quality.py's queries)."""
    rows: list[tuple[str | None, int]] = []
    for code in (*HOUSEHOLD_CHECKS, *PERSON_CHECKS):
        if CHECKS[code][0] != ERROR:
            continue
        rows += _pairs(households_with_issue(Household.objects.all(), code, today=today), VILLAGE_COUNTY)
    return _per_county("data_quality", "registry.household", rows)


def housing_open(year: int, today: datetime.date) -> dict[str, Figure]:
    """Housing-safety ledger entries open at the year's end (registered by then, not closed by then)."""
    end = _year_end(year)
    entries = HousingLedgerEntry.objects.filter(opened_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=end)
    )
    return _per_county("housing_open", "monitoring.housingledgerentry", _pairs(entries, HOUSEHOLD_COUNTY))


def returns(year: int, today: datetime.date) -> dict[str, Figure] | None:
    """返贫 by the computed selector `returned_people` (P16), when registered; its basic-needs part when the
    poverty standard is 未配置. None: not countable yet (the item is left out)."""
    selector = COMPUTED.get("returned_people")
    if selector is None:
        return None
    rules, citation = planning_rules(year)
    context = Context(
        year=year, starts_on=datetime.date(year, 1, 1), ends_on=_year_end(year), as_of=clock.now(), rules=rules,
        citations={"planning_rules": citation},
    )  # fmt: skip
    figures = selector.compute(context)
    label = FIGURE_LABELS["returns"]
    out = {}
    for county in counties():
        figure = figures.get(county.code, selector.empty)
        # the selector's numerator is its basic-needs part when 未配置; it lists no people (no ids yet)
        ids = sorted(int(pk) for pk in figure.parts.get("ids", []) or [])
        out[county.code] = Figure(int(figure.numerator), "registry.person", ids, label)
    return out


def work_team_shortfall(year: int, today: datetime.date) -> dict[str, Figure] | None:
    """Villages short of their P11 work team at the year's end (planning.teams.work_team_shortfalls), when
    that module exists; None until then."""
    try:
        teams = importlib.import_module("zhenxing.planning.teams")
    except ImportError:
        return None
    shortfalls = getattr(teams, "work_team_shortfalls", None)
    if shortfalls is None:
        return None
    rows = [(row.county.code, row.village.pk) for row in shortfalls(on=_as_of(year, today))]
    return _per_county("work_team_shortfall", "divisions.division", rows)


def rectification_overdue(year: int, today: datetime.date) -> dict[str, Figure]:
    """Rectification tasks past their limit and not closed (planning.selectors.tasks_overdue)."""
    return _per_county(
        "rectification_overdue",
        "planning.rectificationtask",
        _pairs(tasks_overdue(today=today), "county__code"),
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
