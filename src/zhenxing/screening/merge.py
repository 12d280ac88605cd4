"""Merging a run's signals into leads (P10): the strongest evidence per household and rule, suppressions
respected, one open lead per household, new leads routed with the round's deadlines — shared by the screening
round and the 民政比对 (P17), inside the caller's transaction."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.bulk import allocate_ids, as_json, insert_rows
from zhenxing.divisions.models import Division
from zhenxing.registry.models import Household
from zhenxing.screening.engines import Signal, month_end, round_of
from zhenxing.screening.models import (
    GRADE_RANK,
    Lead,
    LeadSignal,
    LeadStatus,
    RuleSet,
    ScreeningRun,
    Suppression,
)

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def _worse(new: Any, old: Any) -> bool:
    """Evidence got worse: a larger number. Non-numbers never count as worse (the rule fired again, that is all)."""
    try:
        return Decimal(str(new)) > Decimal(str(old))
    except ArithmeticError:
        return False


def _rank(signal: Signal) -> tuple[int, Decimal, str]:
    """Order among one household's signals of one rule: the largest number wins; for text, the largest text —
    so that every engine, whatever order its rows come in, keeps the same evidence."""
    try:
        return (1, Decimal(str(signal.value)), str(signal.threshold))
    except ArithmeticError:
        return (0, Decimal(0), f"{signal.value}|{signal.threshold}")


def _plain(value: Any) -> Any:
    """One JSON form per value whatever the engine: PostgreSQL sums come back as Decimal, DuckDB's as int."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal | float) and value == int(value):
        return int(value)
    return str(value)


def _evidence(signal: Signal) -> dict[str, Any]:
    return {
        "rule": signal.rule.code,
        "name": signal.rule.name,
        "value": _plain(signal.value),
        "threshold": _plain(signal.threshold),
        "policy_rule": signal.rule.policy_rule,
        **(signal.details or {}),
    }


@dataclass(frozen=True)
class MergeResult:
    counts: dict[str, int]  # new, merged, unchanged, suppressed (households; suppressed: signals)
    by_grade: dict[str, int]
    signals: int  # the strongest signal per household and rule
    # (household, rule code) → the open lead it is on; absent when suppressed
    leads: dict[tuple[int, str], int]


def signals_merge(
    signals: list[Signal],
    *,
    run: ScreeningRun,
    windows: dict[str, Any],
    actor: User | None,
    day: datetime.date,
) -> MergeResult:
    """Merge a run's signals into leads (P10), inside the caller's transaction: the strongest evidence per
    household and rule; a suppressed rule stays quiet unless its evidence got worse; one open lead per
    household (new leads routed with the round's deadlines, signals merged into an open lead). A screening
    round calls it, and so does monitoring's 民政比对 (P17) with signals of its own."""
    # the strongest evidence per household and rule
    best: dict[tuple[int, str], Signal] = {}
    for signal in signals:
        key = (signal.household_id, signal.rule.code)
        if key not in best or _rank(signal) > _rank(best[key]):
            best[key] = signal
    by_household: dict[int, list[Signal]] = defaultdict(list)
    for (household_id, _), signal in sorted(best.items()):
        by_household[household_id].append(signal)

    leads: dict[tuple[int, str], int] = {}
    counts = {"new": 0, "merged": 0, "unchanged": 0, "suppressed": 0}
    by_grade: dict[str, int] = defaultdict(int)
    start = round_of(day, cutoff_day=int(windows["round_cutoff_day"]))
    rule_set = run.rule_set
    wanted = set(by_household)
    suppressions: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for household_id, rule_code, value in _of_households(
        Suppression.objects.filter(until__gte=day), wanted
    ).values_list("household_id", "rule_code", "value"):
        if household_id in wanted:
            suppressions[(household_id, rule_code)].append(value)
    open_leads = {
        household_id: _OpenLead(pk, household_id, grade, risk_types)
        for pk, household_id, grade, risk_types in _of_households(
            Lead.objects.filter(status=LeadStatus.OPEN), wanted
        ).values_list("pk", "household_id", "grade", "risk_types")
        if household_id in wanted
    }
    lead_ids = {lead.pk for lead in open_leads.values()}
    signals_of_open = LeadSignal.objects.filter(lead__status=LeadStatus.OPEN)
    if len(wanted) < _FEW:
        signals_of_open = signals_of_open.filter(lead_id__in=list(lead_ids))
    existing_signals: dict[int, dict[str, Any]] = defaultdict(dict)
    for lead_id, rule_code, evidence in signals_of_open.values_list("lead_id", "rule_code", "evidence"):
        if lead_id in lead_ids:
            existing_signals[lead_id][rule_code] = evidence
    fresh: list[tuple[int, str, list[Signal]]] = []
    merging: list[tuple[_OpenLead, str, list[Signal], list[Signal]]] = []
    for household_id, household_signals in by_household.items():
        kept = []
        for signal in household_signals:
            quiet = suppressions.get((household_id, signal.rule.code), [])
            if quiet and not any(_worse(signal.value, value) for value in quiet):
                counts["suppressed"] += 1
                continue
            kept.append(signal)
        if not kept:
            continue
        grade = min((s.rule.grade for s in kept), key=GRADE_RANK.__getitem__)
        lead = open_leads.get(household_id)
        if lead is None:
            # new leads are written in bulk below: one statement per table, not a few per lead
            fresh.append((household_id, grade, kept))
            counts["new"] += 1
            by_grade[grade] += 1
            continue
        for signal in kept:
            leads[(household_id, signal.rule.code)] = lead.pk
        changed = [s for s in kept if existing_signals[lead.pk].get(s.rule.code) != _evidence(s)]
        if changed:
            merging.append((lead, grade, kept, changed))
            counts["merged"] += 1
            by_grade[min(lead.grade, grade, key=GRADE_RANK.__getitem__)] += 1
        else:
            counts["unchanged"] += 1
            by_grade[lead.grade] += 1
    # the households of new and merged leads only: their villages route the leads and scope the audit
    villages: dict[int, str] = {
        pk: str(code)
        for pk, code in Household.objects.filter(
            pk__in=[h for h, _, _ in fresh] + [lead.household_id for lead, _, _, _ in merging]
        ).values_list("pk", "village_id")
    }
    divisions = {d.code: d for d in Division.objects.filter(code__in=set(villages.values()))}
    for open_lead, grade, kept, changed in merging:
        _merge_into(open_lead, grade=grade, kept=kept, changed=changed, run=run, rule_set=rule_set, actor=actor,
                    division=divisions.get(villages.get(open_lead.household_id, "")))  # fmt: skip
    created = _create_leads(
        fresh,
        run=run,
        rule_set=rule_set,
        actor=actor,
        start=start,
        windows=windows,
        villages=villages,
        divisions=divisions,
    )
    for lead_id, (household_id, _, kept) in zip(created, fresh, strict=True):
        for signal in kept:
            leads[(household_id, signal.rule.code)] = lead_id
    return MergeResult(counts=counts, by_grade=dict(by_grade), signals=len(best), leads=leads)


_FEW = 2_000  # below this many households, their rows are asked for by id; above, all open rows are read


def _of_households(queryset: Any, wanted: set[int]) -> Any:
    """A few households' rows by id; a round's thousands by reading the (open, unexpired) rows whole and
    keeping theirs in Python — one plain scan instead of an IN list of every household."""
    return queryset.filter(household_id__in=list(wanted)) if len(wanted) < _FEW else queryset


@dataclass(frozen=True)
class _OpenLead:
    pk: int
    household_id: int
    grade: str
    risk_types: list[str]


def _merge_into(
    open_lead: _OpenLead, *, grade: str, kept: list[Signal], changed: list[Signal], run: ScreeningRun,
    rule_set: RuleSet, actor: User | None, division: Division | None,
) -> None:  # fmt: skip
    """New or changed evidence on an open lead: its signals updated, its grade and risk types widened, audited."""
    lead = Lead.objects.get(pk=open_lead.pk)
    for signal in changed:
        LeadSignal.objects.update_or_create(
            lead=lead, rule_code=signal.rule.code,
            defaults={"run": run, "rule_name": signal.rule.name, "rule_set_version": rule_set.version,
                      "grade": signal.rule.grade, "risk_type": signal.rule.risk_type, "evidence": _evidence(signal)},
        )  # fmt: skip
    old = {"grade": lead.grade, "risk_types": lead.risk_types}
    lead.grade = min(lead.grade, grade, key=GRADE_RANK.__getitem__)
    lead.risk_types = sorted(set(lead.risk_types) | {s.rule.risk_type for s in kept})
    lead.save(update_fields=["grade", "risk_types", "updated_at"])
    audit.record(
        actor=actor, action="lead.merge", target=lead, division=division, old=old,
        new={"grade": lead.grade, "risk_types": lead.risk_types, "rules": [s.rule.code for s in kept]},
    )  # fmt: skip


LEAD_COLUMNS = (
    "id", "household_id", "status", "grade", "risk_types", "round", "village_due", "township_due", "county_due",
    "created_at", "updated_at", "closed_at", "closed_by_id", "reason",
)  # fmt: skip
SIGNAL_COLUMNS = (
    "id", "lead_id", "run_id", "rule_code", "rule_name", "rule_set_version", "grade", "risk_type", "evidence", "created_at",
)  # fmt: skip


def _create_leads(
    fresh: list[tuple[int, str, list[Signal]]], *, run: ScreeningRun, rule_set: RuleSet, actor: User | None,
    start: datetime.date, windows: dict[str, int], villages: dict[int, str], divisions: dict[str, Division],
) -> list[int]:  # fmt: skip
    """Write the round's new leads, their signals and one audit event each, in three bulk statements; their ids
    in the order of `fresh`."""
    if not fresh:
        return []
    now = clock.now()
    village_due = start.replace(day=int(windows["village_check_day"]))
    township_due = start.replace(day=int(windows["township_recheck_day"]))
    lead_ids = allocate_ids("screening_lead", len(fresh))
    insert_rows(
        "screening_lead",
        LEAD_COLUMNS,
        [
            (pk, household_id, LeadStatus.OPEN, grade, as_json(sorted({s.rule.risk_type for s in kept})), f"{start:%Y-%m}",
             village_due, township_due, month_end(start), now, now, None, None, "")
            for pk, (household_id, grade, kept) in zip(lead_ids, fresh, strict=True)
        ],
    )  # fmt: skip
    signal_rows = [
        (
            lead_id,
            run.pk,
            s.rule.code,
            s.rule.name,
            rule_set.version,
            s.rule.grade,
            s.rule.risk_type,
            as_json(_evidence(s)),
            now,
        )
        for lead_id, (_, _, kept) in zip(lead_ids, fresh, strict=True)
        for s in kept
    ]
    signal_ids = allocate_ids("screening_leadsignal", len(signal_rows))
    insert_rows(
        "screening_leadsignal",
        SIGNAL_COLUMNS,
        [(pk, *row) for pk, row in zip(signal_ids, signal_rows, strict=True)],
    )
    label = actor.get_username() if actor is not None else "system"
    audit.record_many(
        [
            (now, actor.pk if actor else None, label, "lead.create", "screening.lead", str(lead_id),
             getattr(divisions.get(villages.get(household_id, "")), "pk", None), None,
             as_json({"grade": grade, "rules": [s.rule.code for s in kept]}), "", None)
            for lead_id, (household_id, grade, kept) in zip(lead_ids, fresh, strict=True)
        ]
    )  # fmt: skip
    return list(lead_ids)
