"""A screening round (P10) and what cadres do with its leads: merge signals into one open lead per
household, respect suppressions, route with deadlines, record every decision with its evidence."""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common import clock, jobs
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.workflow import transition
from zhenxing.divisions.codes import county_of
from zhenxing.policy import selectors as policy_selectors
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.lines import line_for
from zhenxing.screening import transitions
from zhenxing.screening.engines import (
    Signal,
    evaluate_db,
    evaluate_duckdb,
    evaluate_spark,
    round_parameters,
)
from zhenxing.screening.merge import signals_merge
from zhenxing.screening.models import (
    COMPARISON_ENGINE,
    Lead,
    LeadStatus,
    Rule,
    RuleSet,
    RunStatus,
    ScreeningRun,
)
from zhenxing.screening.snapshot import Snapshot, snapshot_for_round

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

logger = logging.getLogger(__name__)
ENGINES = ("db", "duckdb", "spark")
PAGE_ENGINES = {"db": "数据库内计算", "duckdb": "DuckDB 快照计算"}  # Spark needs a cluster set up by hand
LOST_REASONS = {
    jobs.DIED: "后台任务进程意外退出，本轮筛查未完成，预警线索未改动；可重新运行",
    jobs.INTERRUPTED: "筛查被中断，本轮筛查未完成，预警线索未改动；可重新运行",
}


def _evaluate(
    *, engine: str, rules: list[Rule], parameters: dict[str, Any], snapshot_max_age: datetime.timedelta | None,
    master: str | None, progress: Callable[[int, int], None] | None, seconds: dict[str, float],
) -> tuple[list[Signal], Snapshot | None]:  # fmt: skip
    """Run the rules on the engine; the fast engines read a snapshot (reused when fresh and allowed)."""
    if engine == "db":
        started = time.perf_counter()
        signals = evaluate_db(rules, parameters, progress)
        seconds["evaluation"] = time.perf_counter() - started
        return signals, None
    started = time.perf_counter()
    snapshot = snapshot_for_round(max_age=snapshot_max_age)
    seconds["snapshot"] = 0.0 if snapshot.reused else time.perf_counter() - started
    started = time.perf_counter()
    if engine == "duckdb":
        signals = evaluate_duckdb(rules, parameters, snapshot=snapshot, progress=progress)
    else:
        signals = evaluate_spark(rules, parameters, snapshot=snapshot, master=master, progress=progress)
    seconds["evaluation"] = time.perf_counter() - started
    return signals, snapshot


def screening_run(
    *, year: int, engine: str = "db", actor: User | None = None, today: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None, snapshot_max_age: datetime.timedelta | None = None,
    master: str | None = None, job_id: str | None = None, county: str | None = None, run_id: int | None = None,
) -> ScreeningRun:  # fmt: skip
    """One round: evaluate the current rule set on `engine` and merge the signals into leads. The fast engines
    take a new snapshot unless `snapshot_max_age` allows reusing one that is fresh; the run records which.
    With `county` (a county's code) only that county's households are evaluated, so only its leads are
    merged or created; the other counties' leads are not touched.

    The run is recorded as running when it starts (with the job it runs as, if any) — or was, by
    `screening_start`, whose row `run_id` names — and becomes done with its leads in one transaction; if
    the round raises it is failed here, if its process dies the job sweep fails it (screening/tasks.py), so
    no run stays running."""
    if engine not in ENGINES:
        raise InvalidInput([ErrorDetail(("engine",), "unknown_engine", f"未知的筛查引擎：{engine}")])
    day = today or clock.today()
    rule_set = RuleSet.objects.get(is_current=True)
    rules = list(Rule.objects.filter(rule_set=rule_set, enabled=True).order_by("code"))
    line = line_for(year=year, decided_on=day)  # P17: the round decides on its run day
    windows = policy_selectors.parameter_for(ParameterKind.SCREENING_WINDOWS, year=year)
    parameters = round_parameters(year=year, line_fen=line.fen)
    recorded = {
        "monitoring_line": {
            "id": line.parameter.pk, "version": line.parameter.version, "value": line.parameter.value,
            "year": line.of_year, "provisional": line.provisional, "note": line.note,
        },
        "screening_windows": {"id": windows.pk, "version": windows.version},
    }  # fmt: skip
    if run_id is not None:
        run = ScreeningRun.objects.get(pk=run_id, status=RunStatus.RUNNING)
        county = run.county_id
        ScreeningRun.objects.filter(pk=run.pk).update(rule_set=rule_set, parameters=recorded)
        run.rule_set, run.parameters = rule_set, recorded
    else:
        with transaction.atomic():
            run = ScreeningRun.objects.create(
                year=year, engine=engine, rule_set=rule_set, started_by=actor, status=RunStatus.RUNNING,
                job_id=job_id, county_id=county, parameters=recorded,
            )  # fmt: skip
    if county:
        rules, parameters = (
            scoped_rules(rules, county=county),
            {**parameters, SCOPE_PLACEHOLDER: f"{county}%"},
        )

    _record_progress(run.pk, done=0, total=len(rules))  # started: the page leaves "waiting for the worker"

    def report(done: int, total: int) -> None:
        _record_progress(run.pk, done=done, total=total)
        if progress is not None:
            progress(done, total)

    try:
        return _run_round(
            run, rules=rules, parameters=parameters, windows=windows.value, actor=actor, day=day,
            snapshot_max_age=snapshot_max_age, master=master, progress=report,
        )  # fmt: skip
    except BaseException as error:  # Ctrl+C too: the run must not stay running
        _run_fail(run.pk, actor=actor, failure=f"筛查失败，预警线索未改动：{type(error).__name__}")
        raise


SCOPE_PLACEHOLDER = "scope_county_prefix"


def scoped_rules(rules: list[Rule], *, county: str) -> list[Rule]:
    """The rules restricted to one county's households: each rule's SELECT wrapped so that every engine
    (SQLite, PostgreSQL, DuckDB, Spark: the same portable SQL) keeps only the households whose village code
    begins with the county's, by a placeholder. The copies are not saved; the signals keep the rule's code,
    name and grade."""
    scoped = []
    # the rules' SQL is rule data the rule sets ship (checked by check_rule_sql), never a user's input
    for rule in rules:
        copy = Rule(
            pk=rule.pk, rule_set_id=rule.rule_set_id, code=rule.code, name=rule.name, risk_type=rule.risk_type,
            grade=rule.grade, policy_rule=rule.policy_rule, params=rule.params, enabled=rule.enabled,
            sql=(
                f"SELECT scoped.household_id, scoped.value, scoped.threshold FROM ({rule.sql}) AS scoped "  # noqa: S608
                f"WHERE scoped.household_id IN (SELECT h.id FROM registry_household h "
                f"WHERE h.village_code LIKE :{SCOPE_PLACEHOLDER})"
            ),
        )  # fmt: skip
        scoped.append(copy)
    return scoped


def _record_progress(run_id: int, *, done: int, total: int) -> None:
    """Rules evaluated so far, on the run's row for its page: one short statement of its own (autocommit
    outside the round's transactions; no lock held while the engines read)."""
    ScreeningRun.objects.filter(pk=run_id).update(progress={"done": done, "total": total})


def _run_fail(run_id: int, *, actor: User | None, failure: str) -> None:
    """Fail a run that is still running (its lead changes were rolled back with its transaction)."""
    try:
        with transaction.atomic():
            run = ScreeningRun.objects.select_for_update().filter(pk=run_id, status=RunStatus.RUNNING).first()
            if run is None:
                return
            old = transitions.move_run(run, RunStatus.FAILED)
            run.failure, run.finished_at = failure, timezone.now()
            run.save(update_fields=["status", "failure", "finished_at"])
            audit.record(
                actor=actor, action="screening.fail", target=run, old={"status": old},
                new={"status": run.status, "year": run.year, "engine": run.engine}, reason=failure,
            )  # fmt: skip
    except DatabaseError:
        logger.exception("screening run %s could not be marked failed; the job sweep will", run_id)


def screening_run_fail(*, run_id: int, actor: User | None, failure: str) -> None:
    """Fail a run that is still running, from another app's job (monitoring's 民政比对, P17) whose work raised:
    its transaction rolled back, the run says why. Idempotent."""
    _run_fail(run_id, actor=actor, failure=failure)


def screening_fail_lost(*, job_id: str, cause: str) -> None:
    """The job running a round was lost (its process died, or it was interrupted): fail its run. Idempotent."""
    run = ScreeningRun.objects.filter(job_id=job_id, status=RunStatus.RUNNING).first()
    if run is not None:
        _run_fail(run.pk, actor=None, failure=LOST_REASONS[cause])


def _run_round(
    run: ScreeningRun, *, rules: list[Rule], parameters: dict[str, Any], windows: dict[str, Any],
    actor: User | None, day: datetime.date, snapshot_max_age: datetime.timedelta | None, master: str | None,
    progress: Callable[[int, int], None] | None,
) -> ScreeningRun:  # fmt: skip
    seconds: dict[str, float] = {}
    signals, snapshot = _evaluate(
        engine=run.engine, rules=rules, parameters=parameters, snapshot_max_age=snapshot_max_age, master=master,
        progress=progress, seconds=seconds,
    )  # fmt: skip
    merge_started = time.perf_counter()
    with transaction.atomic():
        run = ScreeningRun.objects.select_for_update().get(pk=run.pk)
        old_status = transitions.move_run(run, RunStatus.DONE)
        if snapshot:
            run.parameters = {**run.parameters, "snapshot": snapshot.describe()}
        merged = signals_merge(signals, run=run, windows=windows, actor=actor, day=day)
        counts, by_grade = merged.counts, merged.by_grade
        seconds["merge"] = time.perf_counter() - merge_started
        run.summary = {
            **counts, "by_grade": dict(by_grade), "signals": merged.signals,
            "seconds": {step: round(value, 3) for step, value in seconds.items()},
        }  # fmt: skip
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "parameters", "summary", "finished_at"])
        audit.record(
            actor=actor, action="screening.run", target=run, old={"status": old_status},
            new={"status": run.status, "year": run.year, "engine": run.engine, **counts},
        )  # fmt: skip
    return run


def _refuse_comparison_lead(lead: Lead, *, from_comparison: bool) -> None:
    """P17: a lead holding a 民政比对 difference is closed on the comparison's page, whose outcome (and cited
    visit) goes back to 民政; the ordinary buttons, and a direct POST to them, would lose it."""
    if not from_comparison and lead.signals.filter(run__engine=COMPARISON_ENGINE).exists():
        raise Conflict("该线索含民政比对差异，请在“民政比对核实”页办理，核实结果将反馈民政")


def lead_confirm(*, actor: User, lead: Lead, note: str = "", from_comparison: bool = False) -> Lead:
    """核实纳入. The household's identification case is opened by monitoring's `case_open_from_lead`, which
    calls this inside its own transaction (monitoring sits above screening): both happen, or neither."""
    _refuse_comparison_lead(lead, from_comparison=from_comparison)
    return transition(transitions.LEAD, lead, to=LeadStatus.CONFIRMED, actor=actor, opinion=note)


def lead_dismiss(
    *, actor: User, lead: Lead, reason: str, today: datetime.date | None = None, from_comparison: bool = False
) -> Lead:
    """核实不纳入, with a reason; the same rules stay quiet for the household for the configured window."""
    _refuse_comparison_lead(lead, from_comparison=from_comparison)
    day = today or clock.today()
    return transition(transitions.LEAD, lead, to=LeadStatus.DISMISSED, actor=actor, opinion=reason, today=day)


def _overlapping(county: str | None) -> Q:
    """Runs a new one must wait for: the same county's, and any prefecture-wide one (it reads every county);
    a prefecture-wide run waits for every running run. Two rounds merging the same households at once would
    race for the one open lead per household."""
    if county is None:
        return Q()
    return Q(county_id=county) | Q(county__isnull=True)


def screening_start(*, actor: User, year: int, engine: str = "db") -> ScreeningRun:
    """Start a round from the pages as a background job: a county user's round covers its own county's
    households, the prefecture's all of them. Refused while an overlapping round is running. The run is
    recorded running now, with its job (queued in the same transaction, so no worker sees the job before
    the run exists); the job's worker then evaluates and merges (screening/tasks.py)."""
    from zhenxing.screening.tasks import screening_task

    if not has_capability(actor, Capability.RUN_SCREENING) or actor.jurisdiction is None:
        raise PermissionDenied("您的角色不能发起筛查")
    if engine not in PAGE_ENGINES:
        raise InvalidInput([ErrorDetail(("engine",), "unknown_engine", f"未知的筛查引擎：{engine}")])
    county = county_of(actor.jurisdiction.code) if actor.role == Role.COUNTY else None
    # a year without its monitoring line is refused now, in Chinese, not in the job (P17: as of today)
    line_for(year=year, decided_on=clock.today())
    with transaction.atomic():
        # every start locks the current rule set's row: two starts at once are serialized, the second sees the first
        rule_set = RuleSet.objects.select_for_update().get(is_current=True)
        running = (
            ScreeningRun.objects.filter(_overlapping(county), status=RunStatus.RUNNING)
            .select_related("county")
            .order_by("started_at")
            .first()
        )
        if running is not None:
            scope = running.county.name if running.county else "全州"
            raise Conflict(
                f"{scope}的一轮筛查（{clock.localtime(running.started_at):%Y-%m-%d %H:%M} 开始）正在进行，"
                "请待其完成后再发起"
            )
        run = ScreeningRun.objects.create(
            year=year, engine=engine, rule_set=rule_set, started_by=actor, status=RunStatus.RUNNING,
            county_id=county, progress={"done": 0, "total": 0},
        )  # fmt: skip
        job = screening_task.enqueue(year, engine, run_id=run.pk)
        run.job_id = job.id
        run.save(update_fields=["job_id"])
        audit.record(
            actor=actor, action="screening.start", target=run, division=run.county,
            new={"status": run.status, "year": year, "engine": engine, "county": county or ""},
        )  # fmt: skip
    return run
