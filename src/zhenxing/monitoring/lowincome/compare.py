"""What a comparison finds (P17), read-only: the four kinds of difference between a county's current 民政 roster
snapshot, this platform's monitoring and the registry's 低保/特困 fields. services.py writes them."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from zhenxing.feeds.models import FeedBatch, FeedRecord
from zhenxing.monitoring.decisions import policy_decision
from zhenxing.monitoring.enums import MONITORED_STATUSES, OPEN_STATUSES
from zhenxing.monitoring.models import Case
from zhenxing.policy.models import Parameter
from zhenxing.policy.rules import lowincome as rules
from zhenxing.policy.rules.income import net_income
from zhenxing.policy.rules.money import yuan_to_fen
from zhenxing.policy.selectors import dibao_standard_for, region_label
from zhenxing.registry import facts
from zhenxing.registry.models import Household, Membership
from zhenxing.registry.selectors import household_years


@dataclass
class Found:
    """One difference: a person (or, for M2, the household) and the category it is about."""

    kind: str
    household_id: int
    category: str
    person_id: int | None = None
    record_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.household_id}:{self.person_id or 0}:{self.category}"


@dataclass
class HouseholdFinding:
    """The differences of one kind in one household, with the evidence its signal carries (P17: categories,
    dates, amounts and parameter versions; never an ID number or a name)."""

    kind: str
    household_id: int
    risk_type: str
    value: Any
    threshold: Any
    details: dict[str, Any]
    found: list[Found] = field(default_factory=list)


@dataclass
class Comparison:
    findings: list[HouseholdFinding]
    skipped: dict[str, int]  # why rows or households were left out (unmatched, other county, no standard, …)


def _active(record: FeedRecord, on: datetime.date) -> bool:
    return record.end_date is None or record.end_date >= on


def _record_evidence(record: FeedRecord) -> dict[str, Any]:
    return {
        "category": record.code,
        "start": record.record_date.isoformat(),
        "end": record.end_date.isoformat() if record.end_date else None,
    }


def cite_standard(parameter: Parameter, *, income_year: int) -> dict[str, Any]:
    """The 低保 standard as the evidence (and the county page) cite it: its version, region and year, and
    暂用{year}年标准 when it is of another year than the income tested (P17)."""
    return {
        "id": parameter.pk,
        "version": parameter.version,
        "region": parameter.region,
        "region_label": region_label(parameter.region),
        "year": parameter.year,
        "value": parameter.value,
        "note": rules.standard_note(standard_year=parameter.year, income_year=income_year),
    }


def cases_being_handled(
    *, county_code: str | None = None, household_ids: list[int] | None = None
) -> tuple[dict[int, list[str]], set[int]]:
    """The households that are monitoring objects (with their risk types) and those being identified (an open
    case), of a county or of given households: M1 leaves both out, and closing a lead opens no second case."""
    cases = Case.objects.filter(status__in=[*OPEN_STATUSES, *MONITORED_STATUSES])
    if county_code is not None:
        cases = cases.filter(household__village__code__startswith=county_code)
    if household_ids is not None:
        cases = cases.filter(household_id__in=household_ids)
    monitored: dict[int, list[str]] = {}
    open_case: set[int] = set()
    for household_id, status, risk_types in cases.values_list("household_id", "status", "risk_types"):
        if status in MONITORED_STATUSES:
            monitored[household_id] = list(risk_types or [])
        else:
            open_case.add(household_id)
    return monitored, open_case


def compare_snapshot(*, batch: FeedBatch, records: list[FeedRecord], county_code: str) -> Comparison:
    """The four kinds (P17) for one county's current snapshot. Rows that ended before the snapshot's date,
    unmatched rows (no person here) and rows whose person lives in another county are left out, counted."""
    on = batch.snapshot_on or datetime.date.today()
    skipped: dict[str, int] = defaultdict(int)
    if batch.unmatched:  # rows whose ID number is nobody's here: the feed counted them and kept no record
        skipped["unmatched"] += batch.unmatched
    roster: dict[int, dict[str, FeedRecord]] = defaultdict(dict)  # person → category → record
    household_of: dict[int, int] = {}
    for record in records:
        if record.code not in rules.ROSTER_CATEGORIES:
            continue
        if not _active(record, on):
            skipped["ended"] += 1
            continue
        if record.person_id is None or record.household_id is None:
            skipped["unmatched"] += 1
            continue
        roster[record.person_id].setdefault(record.code, record)
        household_of[record.person_id] = record.household_id
    in_county = set(
        Household.objects.filter(
            pk__in=set(household_of.values()), village__code__startswith=county_code
        ).values_list("pk", flat=True)
    )
    for person_id in [p for p, h in household_of.items() if h not in in_county]:
        skipped["other_county"] += len(roster.pop(person_id))
        household_of.pop(person_id)
    monitored, open_case = cases_being_handled(county_code=county_code)

    findings: list[HouseholdFinding] = []
    findings += _unmonitored_with_risk(roster, household_of, monitored, open_case, on, skipped)
    findings += _below_dibao_standard(roster, monitored, county_code, skipped)
    findings += _registry_differences(roster, household_of, county_code, on)
    return Comparison(findings=findings, skipped=dict(skipped))


def _unmonitored_with_risk(
    roster: dict[int, dict[str, FeedRecord]], household_of: dict[int, int], monitored: dict[int, list[str]],
    open_case: set[int], on: datetime.date, skipped: dict[str, int],
) -> list[HouseholdFinding]:  # fmt: skip
    """M1: a person on the roster whose household is neither a monitoring object nor being identified, and
    whose household the policy engine finds within the monitoring range or with a P6 risk type."""
    people_by_household: dict[int, list[int]] = defaultdict(list)
    for person_id, household_id in household_of.items():
        if household_id not in monitored and household_id not in open_case:
            people_by_household[household_id].append(person_id)
    households = Household.objects.in_bulk(list(people_by_household))
    findings = []
    for household_id, people in sorted(people_by_household.items()):
        decision = policy_decision(households[household_id], today=on)
        verdict = decision.get("verdict") or {}
        if not verdict:  # no yearly record, or a year the engine cannot judge (no line): said, not guessed
            skipped["no_verdict"] += 1
            continue
        risks = rules.risk_of_unmonitored(
            within_range=bool(verdict.get("within_monitoring_range")),
            risk_types=verdict.get("risk_types") or [],
        )
        if not risks:
            continue
        entries = sorted(
            (record for person_id in people for record in roster[person_id].values()),
            key=lambda r: (r.code, r.record_date, r.pk),
        )
        findings.append(
            HouseholdFinding(
                kind=rules.M1.code, household_id=household_id, risk_type=risks[0], value=len(risks),
                threshold=None,
                details={
                    "check": rules.POSSIBLY, "roster_date": on.isoformat(),
                    "roster": [_record_evidence(r) for r in entries], "year": decision.get("year"),
                    "within_monitoring_range": bool(verdict.get("within_monitoring_range")), "risk_types": risks,
                    "monitoring_line": (decision.get("parameters") or {}).get("monitoring_line"),
                    # a provisional line (P17: 暂用…年标准) is said with the verdict it made
                    "monitoring_line_note": verdict.get("monitoring_line_note") or "",
                },
                found=[rules_found(rules.M1.code, household_id, r) for r in entries],
            )
        )  # fmt: skip
    return findings


def rules_found(kind: str, household_id: int, record: FeedRecord) -> Found:
    return Found(kind, household_id, record.code, person_id=record.person_id, record_id=record.pk)


def _below_dibao_standard(
    roster: dict[int, dict[str, FeedRecord]], monitored: dict[int, list[str]], county_code: str,
    skipped: dict[str, int],
) -> list[HouseholdFinding]:  # fmt: skip
    """M2: a monitoring object of this county none of whose current members is on the roster as 低保 or 特困,
    whose latest year's income without 低保金/特困供养金 is below the county's 低保 standard for that year."""
    on_assistance = {
        person_id
        for person_id, categories in roster.items()
        if set(categories) & set(rules.REGISTRY_CATEGORIES)
    }
    covered = set(
        Membership.objects.filter(person_id__in=on_assistance, left_on__isnull=True).values_list(
            "household_id", flat=True
        )
    )
    households = Household.objects.filter(
        pk__in=[h for h in monitored if h not in covered], village__code__startswith=county_code
    ).order_by("pk")
    findings = []
    standards: dict[int, Parameter | None] = {}
    cites: dict[int, dict[str, Any]] = {}
    for household in households:
        record = household_years(household).first()
        if record is None:
            skipped["no_year"] += 1
            continue
        if record.year not in standards:
            standards[record.year] = dibao_standard_for(county_code=county_code, year=record.year)
        standard = standards[record.year]
        if standard is None:
            skipped["no_standard"] += 1
            continue
        stored = facts.policy_household(household, record)
        members = len(stored.members)
        standard_fen = yuan_to_fen(Decimal(str(standard.value)))
        income = net_income(stored)
        test = {
            "net_income_fen": income, "assistance_benefit_fen": record.assistance_benefit,
            "standard_fen": standard_fen, "members": members,
        }  # fmt: skip
        if not rules.possibly_dibao(**test):
            continue
        risk_types = monitored.get(household.pk) or []
        findings.append(
            HouseholdFinding(
                kind=rules.M2.code, household_id=household.pk,
                risk_type=next((r for r in risk_types if r), rules.OTHER_RISK),
                value=rules.dibao_gap_fen(**test), threshold=standard_fen * members,
                details={
                    "check": rules.POSSIBLY_DIBAO, "year": record.year, "members": members,
                    "net_income_fen": income, "assistance_benefit_fen": record.assistance_benefit,
                    "income_without_assistance_fen": rules.income_without_assistance(income, record.assistance_benefit),
                    "dibao_standard_fen": standard_fen,
                    "dibao_standard": cites.setdefault(
                        record.year, cite_standard(standard, income_year=record.year)
                    ),
                    "not_counted": list(rules.NOT_INCOME_IN_DIBAO_TEST), "money": True,
                },
                found=[Found(rules.M2.code, household.pk, "低保")],
            )
        )  # fmt: skip
    return findings


def _registry_differences(
    roster: dict[int, dict[str, FeedRecord]],
    household_of: dict[int, int],
    county_code: str,
    on: datetime.date,
) -> list[HouseholdFinding]:
    """M3: the registry says 低保/特困 for a current member of a household of this county, the roster does not
    list the person in that category. M4: the roster lists a person as 低保/特困, the registry's flag is off."""
    on_roster = [p for p, categories in roster.items() if set(categories) & set(rules.REGISTRY_CATEGORIES)]
    # one read of the registry's flags: the county's flagged members, and every roster person's
    rows = Membership.objects.filter(left_on__isnull=True).filter(
        Q(household__village__code__startswith=county_code) & (Q(person__dibao=True) | Q(person__tekun=True))
        | Q(person_id__in=on_roster)
    )
    registry: dict[int, tuple[int, set[str]]] = {}
    for person_id, household_id, dibao, tekun in rows.values_list(
        "person_id", "household_id", "person__dibao", "person__tekun"
    ):
        registry[person_id] = (household_id, {c for c, on_ in (("低保", dibao), ("特困", tekun)) if on_})
    by_household: dict[tuple[str, int], list[tuple[Found, dict[str, Any]]]] = defaultdict(list)
    for person_id in sorted(set(registry) | set(on_roster)):
        household_id, mine = registry.get(person_id, (household_of.get(person_id, 0), set()))
        theirs = roster.get(person_id, {})
        if not household_id:
            continue
        missing_on_roster, missing_in_registry = rules.registry_roster_differences(
            registry=mine, roster=theirs
        )
        for category in missing_on_roster:
            by_household[(rules.M3.code, household_id)].append(
                (Found(rules.M3.code, household_id, category, person_id=person_id), {"category": category})
            )
        for category in missing_in_registry:
            record = theirs[category]
            by_household[(rules.M4.code, household_id)].append(
                (rules_found(rules.M4.code, household_id, record), _record_evidence(record))
            )
    findings = []
    for (kind, household_id), entries in sorted(by_household.items()):
        findings.append(
            HouseholdFinding(
                kind=kind, household_id=household_id, risk_type=rules.OTHER_RISK,
                value="、".join(sorted({f.category for f, _ in entries})), threshold=None,
                details={
                    "check": rules.DATA_CHECK, "roster_date": on.isoformat(),
                    "source": "台账" if kind == rules.M3.code else "民政名册",
                    "entries": sorted((e for _, e in entries), key=lambda e: (e["category"], e.get("start") or "")),
                },
                found=[f for f, _ in entries],
            )
        )  # fmt: skip
    return findings
