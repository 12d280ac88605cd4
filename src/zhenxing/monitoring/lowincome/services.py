"""The 民政比对's writes (P17): a comparison of a county's current roster snapshot, recorded as a screening run of
engine civil_affairs whose differences become leads (P10: merged into one open lead per household, routed to
the village with the screening deadlines, quiet after a dismissal); the closing of such a lead with the
visit it cites; the audited export of the outcomes back to 民政."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, DomainError, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.divisions.models import Division
from zhenxing.feeds.models import FeedBatch
from zhenxing.feeds.selectors import current_roster_batch, current_roster_records
from zhenxing.monitoring.identification.services import case_open_from_lead
from zhenxing.monitoring.lowincome import selectors
from zhenxing.monitoring.lowincome.compare import cases_being_handled, compare_snapshot
from zhenxing.monitoring.models import LowIncomeDifference, LowIncomeOutcome, Visit
from zhenxing.policy import selectors as policy_selectors
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.rules import lowincome as rules
from zhenxing.screening import transitions
from zhenxing.screening.engines import Signal
from zhenxing.screening.models import Lead, LeadStatus, Rule, RuleSet, RunStatus, ScreeningRun
from zhenxing.screening.services import lead_confirm, lead_dismiss, screening_run_fail, signals_merge

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


@dataclass(frozen=True)
class ComparisonResult:
    run: ScreeningRun
    by_kind: dict[str, int]  # new differences per kind (M1..M4)
    leads: dict[str, int]  # new, merged, unchanged, suppressed (screening's merge counts)
    skipped: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def _rule(kind: rules.DifferenceKind, risk_type: str, rule_set: RuleSet) -> Rule:
    """The kind as a rule the lead machinery understands; not saved (it has no SQL: the comparison is code)."""
    return Rule(
        rule_set=rule_set, code=kind.code, name=kind.name, risk_type=risk_type, grade=kind.grade,
        policy_rule="P17", sql="", params={},
    )  # fmt: skip


def _no_roster(county: Division) -> InvalidInput:
    return InvalidInput([ErrorDetail(("county",), "no_roster", f"{county.name}尚无民政低收入人口名册")])


def lowincome_start(*, county_code: str, actor: User) -> ScreeningRun:
    """Start a comparison from the page as a background job (a county's roster can hold ten thousand people):
    the run is recorded running now with its job, queued in the same transaction; the job's worker compares
    (tasks.py). Refused while a run that merges the same county's leads is running (a comparison or a
    screening round of the county, or a prefecture-wide round), as screening_start refuses."""
    from zhenxing.monitoring.lowincome.tasks import lowincome_task

    county = selectors.county_get_for_user(user=actor, code=county_code)
    batch = current_roster_batch(county_code=county.code)
    if batch is None or batch.snapshot_on is None:
        raise _no_roster(county)
    with transaction.atomic():
        # the current rule set's row serializes every start, as screening_start's do
        rule_set = RuleSet.objects.select_for_update().get(is_current=True)
        running = (
            ScreeningRun.objects.filter(Q(county=county) | Q(county__isnull=True), status=RunStatus.RUNNING)
            .select_related("county")
            .order_by("started_at")
            .first()
        )
        if running is not None:
            scope = running.county.name if running.county else "全州"
            what = "民政比对" if running.engine == selectors.ENGINE else "筛查"
            raise Conflict(
                f"{scope}的一轮{what}（{clock.localtime(running.started_at):%Y-%m-%d %H:%M} 开始）正在进行，"
                "请待其完成后再发起"
            )
        run = ScreeningRun.objects.create(
            year=batch.snapshot_on.year, engine=selectors.ENGINE, rule_set=rule_set, started_by=actor,
            status=RunStatus.RUNNING, county=county, progress={"done": 0, "total": 0},
            parameters={"roster": {"batch": batch.pk, "snapshot_on": batch.snapshot_on.isoformat()}},
        )  # fmt: skip
        job = lowincome_task.enqueue(run.pk)
        run.job_id = job.id
        run.save(update_fields=["job_id"])
        audit.record(
            actor=actor, action="lowincome.start", target=run, division=county,
            new={"status": run.status, "county": county.code, "batch": batch.pk},
        )  # fmt: skip
    return run


def lowincome_compare(
    *, county_code: str, actor: User, today: datetime.date | None = None, run_id: int | None = None
) -> ComparisonResult:
    """Compare the county's current 民政 roster snapshot with monitoring and the registry (P17) and raise each
    new difference as a lead. Idempotent per snapshot: a difference already found in this snapshot is not
    raised again, so comparing the same snapshot twice adds nothing. One transaction: the run, the leads,
    the differences and their audit rows land together, or nothing does. With `run_id` (the job of
    `lowincome_start`) the run recorded running is the one completed — or failed, with why, if this raises."""
    county = selectors.county_get_for_user(user=actor, code=county_code)
    if run_id is None:
        return _compare(county=county, actor=actor, day=today or clock.today(), run_id=None)
    try:
        return _compare(county=county, actor=actor, day=today or clock.today(), run_id=run_id)
    except BaseException as error:  # Ctrl+C too: the run must not stay running
        reason = error.message if isinstance(error, DomainError) else type(error).__name__
        screening_run_fail(run_id=run_id, actor=actor, failure=f"民政比对失败，预警线索未改动：{reason}")
        raise


def _compare(*, county: Division, actor: User, day: datetime.date, run_id: int | None) -> ComparisonResult:
    with transaction.atomic():
        batch = current_roster_batch(county_code=county.code)
        if batch is None:
            raise _no_roster(county)
        # one comparison of a county at a time: the snapshot's row is the lock
        batch = FeedBatch.objects.select_for_update().get(pk=batch.pk)
        assert batch.snapshot_on is not None
        year = batch.snapshot_on.year
        windows = policy_selectors.parameter_for(ParameterKind.SCREENING_WINDOWS, year=year)
        rule_set = RuleSet.objects.get(is_current=True)
        parameters = {
            "roster": {"batch": batch.pk, "snapshot_on": batch.snapshot_on.isoformat()},
            "screening_windows": {"id": windows.pk, "version": windows.version},
        }
        if run_id is None:
            run = ScreeningRun.objects.create(
                year=year, engine=selectors.ENGINE, rule_set=rule_set, started_by=actor,
                status=RunStatus.RUNNING, county=county, parameters=parameters,
            )  # fmt: skip
        else:
            run = ScreeningRun.objects.select_for_update().get(
                pk=run_id, engine=selectors.ENGINE, county=county, status=RunStatus.RUNNING
            )
            run.year, run.rule_set, run.parameters = year, rule_set, parameters
        comparison = compare_snapshot(
            batch=batch,
            records=list(current_roster_records(county_code=county.code)),
            county_code=county.code,
        )
        known = set(LowIncomeDifference.objects.filter(batch=batch).values_list("key", flat=True))
        signals, fresh = [], []
        for finding in comparison.findings:
            new = [found for found in finding.found if found.key not in known]
            if not new:
                continue
            fresh.append((finding, new))
            signals.append(
                Signal(
                    finding.household_id, _rule(rules.KINDS[finding.kind], finding.risk_type, rule_set),
                    finding.value, finding.threshold, details=finding.details,
                )
            )  # fmt: skip
        old_status = transitions.move_run(run, RunStatus.DONE)
        merged = signals_merge(signals, run=run, windows=windows.value, actor=actor, day=day)
        by_kind = dict.fromkeys(rules.KINDS, 0)
        rows = []
        for finding, new in fresh:
            lead_id = merged.leads.get((finding.household_id, finding.kind))
            for found in new:
                by_kind[found.kind] += 1
                rows.append(
                    LowIncomeDifference(
                        run=run, batch=batch, county=county, kind=found.kind, household_id=found.household_id,
                        person_id=found.person_id, record_id=found.record_id, category=found.category,
                        lead_id=lead_id, key=found.key,
                    )
                )  # fmt: skip
        LowIncomeDifference.objects.bulk_create(rows)
        run.summary = {
            **merged.counts,
            "by_grade": merged.by_grade,
            "by_kind": by_kind,
            "skipped": comparison.skipped,
            "signals": merged.signals,
        }
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "year", "rule_set", "parameters", "summary", "finished_at"])
        audit.record(
            actor=actor, action="lowincome.compare", target=run, division=county, old={"status": old_status},
            new={"status": run.status, "county": county.code, "batch": batch.pk, "by_kind": by_kind,
                 "leads": merged.counts},
        )  # fmt: skip
    return ComparisonResult(run=run, by_kind=by_kind, leads=merged.counts, skipped=comparison.skipped)


def _visit_problem(visit: Visit, lead: Lead, today: datetime.date) -> ErrorDetail | None:
    household_id = visit.household_id or (visit.case.household_id if visit.case else None)
    if household_id != lead.household_id:
        return ErrorDetail(("visit",), "other_household", "只能引用本户的走访记录")
    visited_on = timezone.localtime(visit.visited_at).date()
    if visited_on > today or (today - visited_on).days > rules.VISIT_CITATION_DAYS:
        return ErrorDetail(
            ("visit",), "too_old", f"只能引用近{rules.VISIT_CITATION_DAYS}天内的走访记录，否则请重新入户核实"
        )
    return None


def lowincome_lead_close(
    *, actor: User, lead: Lead, confirmed: bool, note: str, visit: Visit | None = None,
    today: datetime.date | None = None,
) -> LowIncomeOutcome:  # fmt: skip
    """Close a 民政比对 lead with the outcome of its kind (rules.DifferenceKind: M1 核实纳入 / 核实不纳入, M2
    已告知民政核定 / 核实不符合, M3 and M4 台账已更正 / 台账无误，请民政核定) and record what 民政 gets back: the
    note and, instead of a new visit, an existing visit of the household it cites (P17: one visit serves
    both). Only a confirmed M1 lead on a household neither monitored nor being identified opens its
    identification case (P8); every other confirmation closes the lead only."""
    day = today or clock.today()
    if not has_capability(actor, Capability.CONFIRM_LEAD):
        raise PermissionDenied("您的角色不能核实预警线索")
    if len(note.strip()) < 2:
        raise InvalidInput([ErrorDetail(("note",), "required", "请填写核实说明")])
    kinds = list(LowIncomeDifference.objects.filter(lead=lead).values_list("kind", flat=True))
    if not kinds:
        raise InvalidInput([ErrorDetail(("lead",), "not_comparison", "该线索不是民政比对产生的线索")])
    kind = rules.closing_kind(kinds)
    if visit is not None and (problem := _visit_problem(visit, lead, day)) is not None:
        raise InvalidInput([problem])
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        if locked.status != LeadStatus.OPEN:
            raise Conflict(f"该线索已办结（{locked.get_status_display()}），不能再次核实")
        if confirmed:
            monitored, open_case = cases_being_handled(household_ids=[lead.household_id])
            being_handled = lead.household_id in monitored or lead.household_id in open_case
            if rules.opens_case(kind) and not being_handled:
                case_open_from_lead(actor=actor, lead=lead, note=note.strip(), from_comparison=True)
            else:
                lead_confirm(actor=actor, lead=lead, note=note.strip(), from_comparison=True)
        else:
            lead_dismiss(actor=actor, lead=lead, reason=note.strip(), today=day, from_comparison=True)
        outcome = LowIncomeOutcome.objects.create(
            lead=lead, visit=visit, note=note.strip(), recorded_by=actor, recorded_at=clock.now()
        )
        audit.record(
            actor=actor, action="lowincome.outcome", target=outcome, division=lead.household.village,
            new={"lead": lead.pk, "confirmed": confirmed, "kind": kind.code,
                 "outcome": kind.confirmed if confirmed else kind.dismissed,
                 "visit": visit.pk if visit else None},
        )  # fmt: skip
    return outcome


def lowincome_export_record(*, actor: User, county: Division, difference_ids: list[int], reason: str) -> None:
    """The outcomes export carries full ID numbers (民政 matches by them): a reveal. County staff of the county
    only, with a typed reason, audited before the file is made (P1 sensitive, PIPL). The exported differences
    are marked sent, so the next export leaves out those of earlier snapshots (export.EXPORT_SCOPE)."""
    if not selectors.may_export_outcomes(actor):
        raise PermissionDenied("核实结果含完整身份证号，只能由县级人员导出")
    selectors.county_get_for_user(user=actor, code=county.code)
    if len(reason.strip()) < 2:
        raise InvalidInput([ErrorDetail(("reason",), "required", "请填写导出理由（将记入审计日志）")])
    with transaction.atomic():
        exported = LowIncomeDifference.objects.filter(county=county, pk__in=difference_ids)
        first = exported.filter(exported_at__isnull=True).count()
        exported.update(exported_at=clock.now())  # the UPDATE locks the rows it marks
        audit.record(
            actor=actor, action="lowincome.export", target=("monitoring.lowincomeoutcome", "*"), division=county,
            new={"county": county.code, "rows": len(difference_ids), "first_time": first}, reason=reason.strip(),
        )  # fmt: skip


def closed_statuses() -> tuple[str, ...]:
    return (LeadStatus.CONFIRMED, LeadStatus.DISMISSED)
