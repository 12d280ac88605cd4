"""The workflow kernel: a subject moving through declared states, each move done by one role, guarded, with a
deadline in working days and a record (docs/design.md: built once, used by cases, eliminations, measures, leads,
imports, the housing ledger, and next by project approvals and asset disposals).

An app declares a `Workflow` in its `transitions.py`: its states (labels), its moves with the role that does
each, the guards that may refuse it and the effects it has (named functions, so that the declaration reads
as the procedure), where its deadlines come from (a parameter, by key) and which states count as open for
the overdue query. `transition` is the one service that does a move: lock → check the move and the role →
guards → assign → effects → step record → next step's deadline → save → audit (old and new status), in one
transaction; side effects that must wait for the commit go through `Transition.on_commit`.

`common` sits below `audit`, so a workflow is given its audit writer (`audit.services.record`) when declared."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Protocol, TypeVar, cast

from django.db import models, transaction
from django.db.models import Q, QuerySet

from zhenxing.common import clock
from zhenxing.common.calendar import work_calendar
from zhenxing.common.errors import Conflict, PermissionDenied
from zhenxing.common.workdays import WorkCalendar, add_working_days

M = TypeVar("M", bound=models.Model)
Guard = Callable[["Transition"], None]  # raises a DomainError to refuse the move
Effect = Callable[["Transition"], None]  # changes the subject (Transition.set) or writes what goes with it


class AuditWriter(Protocol):
    def __call__(
        self, *, actor: Any, action: str, target: Any, division: Any = None, old: dict[str, Any] | None = None,
        new: dict[str, Any] | None = None, reason: str = "", actor_label: str | None = None,
    ) -> object: ...  # fmt: skip


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    role: str | None  # the role that does this move (accounts.enums.Role); None: no role is asked (a job,
    # or a move whose guard asks a capability)
    label: str  # the button and the step record: 受理, 研判完成, 审核通过, …
    guards: tuple[Guard, ...] = ()  # checked on the locked subject, in order, before anything changes
    effects: tuple[Effect, ...] = ()  # after the status is assigned, before the step is recorded and saved
    follow_ups: tuple[Effect, ...] = ()  # after the save and the audit event, in the same transaction
    action: str = ""  # the audit action; the workflow's `<prefix>.move` when empty

    def describe(self) -> str:
        """The move as the procedure reads: label, guards and effects by name."""
        parts = [f"{self.source} → {self.target}（{self.label}）"]
        parts += [f"须：{guard.__name__}" for guard in self.guards]
        parts += [f"则：{effect.__name__}" for effect in (*self.effects, *self.follow_ups)]
        return "；".join(parts)


@dataclass(frozen=True)
class StepClock:
    """Where a subject keeps its current step's start and due day, and where each state's limit comes from:
    `limits()` returns the parameter in force (values by key) and how to cite it in a decision;
    `deadlines` names the parameter key of each state that has a limit of its own, in working days."""

    limits: Callable[[], tuple[Mapping[str, Any], dict[str, Any]]]
    deadlines: Mapping[str, str]
    cite_as: str  # the decision snapshot's key for the citation (e.g. "step_deadlines")
    started_field: str = "step_started_on"
    due_field: str = "step_due"
    provisional_field: str = "step_due_provisional"

    def days(self, state: str, limits: Mapping[str, Any]) -> int | None:
        key = self.deadlines.get(state)
        if key is None or key not in limits:
            return None
        return int(limits[key])


def past_due(due: datetime.date | None, on: datetime.date) -> bool:
    """A step due on day D is late from D+1 — the same boundary as `overdue_q` (`due < today`)."""
    return due is not None and due < on


def overdue_q(today: datetime.date, *, open_states: Iterable[str], due_fields: Iterable[str]) -> Q:
    """The one definition of overdue: still in an open state and past any of its due days."""
    late = Q()
    for name in due_fields:
        late |= Q(**{f"{name}__lt": today})
    return Q(status__in=list(open_states)) & late


class Workflow:
    def __init__(
        self, *, name: str, labels: Mapping[str, str], role_labels: Mapping[str, str], moves: Iterable[Move],
        open_states: Iterable[str] = (), due_fields: Iterable[str] = (), clock: StepClock | None = None,
        step_model: type[models.Model] | None = None, audit: AuditWriter | None = None, action_prefix: str = "",
        division: str = "", lock_related: Iterable[str] = (),
        conflict_message: str = "{name}当前为“{source}”，不能转为“{target}”",
    ):  # fmt: skip
        self.name = name
        self.labels = dict(labels)
        self.role_labels = dict(role_labels)
        self.moves = tuple(moves)
        self.open_states = tuple(open_states)
        self.due_fields = tuple(due_fields)
        self.clock = clock
        self.step_model = step_model
        self.audit = audit
        self.action_prefix = action_prefix
        self.division = division  # attribute path from the subject to its division, for the audit event
        self.lock_related = (*lock_related, *([division.replace(".", "__")] if division else []))
        self.conflict_message = conflict_message
        declared = {state for move in self.moves for state in (move.source, move.target)} | set(
            self.open_states
        )
        if unknown := declared - set(self.labels):
            raise ValueError(f"{name}: moves name unknown states {sorted(unknown)}")
        if step_model is not None and clock is None:
            raise ValueError(f"{name}: a step record needs the step clock (its start and due day)")

    # the table of moves

    def moves_from(self, source: str, role: str | None = None) -> list[Move]:
        return [m for m in self.moves if m.source == source and (role is None or m.role in (role, None))]

    def check(self, *, source: str, target: str, role: str | None) -> Move:
        """The declared move, or a Conflict (no such move) / PermissionDenied (another role's move)."""
        candidates = [m for m in self.moves if m.source == source and m.target == target]
        if not candidates:
            raise Conflict(
                self.conflict_message.format(
                    name=self.name, source=self.labels[source], target=self.labels[target]
                )
            )
        for move in candidates:
            if move.role is None or move.role == role:
                return move
        roles = "、".join(self.role_labels.get(m.role or "", m.role or "") for m in candidates)
        raise PermissionDenied(f"“{self.labels[source]}”环节的这一步须由{roles}办理")

    def assign(self, subject: Any, *, to: str, role: str | None = None) -> Move:
        """Check the move from the subject's status and assign the new one: the only place a status is set."""
        move = self.check(source=subject.status, target=to, role=role)
        subject.status = to
        return move

    # deadlines and overdue

    def overdue(self, today: datetime.date) -> Q:
        return overdue_q(today, open_states=self.open_states, due_fields=self.due_fields)

    def annotate_overdue(self, queryset: QuerySet[M], today: datetime.date) -> QuerySet[M]:
        """`is_overdue` on every row, by the same definition as `overdue` (what the badges show)."""
        flag = models.Case(
            models.When(self.overdue(today), then=models.Value(True)),
            default=models.Value(False),
            output_field=models.BooleanField(),
        )
        return cast("QuerySet[M]", queryset.annotate(is_overdue=flag))


def enter_step(
    workflow: Workflow, subject: Any, *, today: datetime.date, limits: Mapping[str, Any],
    calendar: WorkCalendar | None = None,
) -> None:  # fmt: skip
    """The subject's current step starts today; its due day is its limit in working days from the parameter
    (none for a state without a limit of its own), provisional when the calendar does not know a day counted."""
    step_clock = workflow.clock
    if step_clock is None:
        raise ValueError(f"{workflow.name}: no step clock")
    setattr(subject, step_clock.started_field, today)
    days = step_clock.days(subject.status, limits)
    if days is None:
        due, provisional = None, False
    else:
        deadline = add_working_days(calendar or work_calendar(), today, days)
        due, provisional = deadline.day, deadline.provisional
    setattr(subject, step_clock.due_field, due)
    setattr(subject, step_clock.provisional_field, provisional)


@dataclass
class Transition:
    """One move being done, as its guards and effects see it: the locked subject, the declared move, who and
    when, the opinion and the form's other input. Guards and effects add to `decision` (kept on the step
    record), set the subject's fields through `set`, and add to the audit event (`new`, `reason`)."""

    workflow: Workflow
    subject: Any
    move: Move
    actor: Any  # the user, or None for a job
    today: datetime.date
    now: datetime.datetime
    opinion: str
    data: Mapping[str, Any]
    decision: dict[str, Any] = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)
    new: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    step: Any = None

    @property
    def source(self) -> str:
        return self.move.source

    @property
    def target(self) -> str:
        return self.move.target

    def set(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self.subject, name, value)
            if name not in self.fields:
                self.fields.append(name)

    def on_commit(self, action: Callable[[], object]) -> None:
        """Run once the move is committed (a mail, a job, a cache entry); never when it is rolled back."""
        transaction.on_commit(action)


def _record_step(workflow: Workflow, t: Transition, citation: dict[str, Any] | None) -> Any:
    step_model, step_clock = workflow.step_model, workflow.clock
    if step_model is None or step_clock is None:
        return None
    subject, due = t.subject, getattr(t.subject, step_clock.due_field)
    if citation is not None:
        t.decision[step_clock.cite_as] = citation
    return step_model._default_manager.create(
        **{step_model.subject_field: subject},  # type: ignore[attr-defined]
        step=t.source, outcome=t.target, action=t.move.label, actor=t.actor,
        actor_role=getattr(t.actor, "role", "") or "", done_at=t.now,
        started_on=getattr(subject, step_clock.started_field), due_on=due,
        due_provisional=getattr(subject, step_clock.provisional_field), overdue=past_due(due, t.today),
        findings=t.opinion, decision=t.decision,
    )  # fmt: skip


def transition(
    workflow: Workflow, subject: M, *, to: str, actor: Any | None, opinion: str = "",
    data: Mapping[str, Any] | None = None, attach: Callable[[Any], object] | None = None,
    today: datetime.date | None = None, actor_label: str | None = None,
) -> M:  # fmt: skip
    """Do one declared move on `subject`: lock its row (the object passed in may be stale; the locked row's
    state decides), check the move and the actor's role, run the guards, assign, run the effects, record the
    step with its deadline and decision snapshot (`attach` stores files on it), start the next step's clock,
    save, and audit the old and new status — all in one transaction, then the follow-ups in it too."""
    day, now = today or clock.today(), clock.now()
    limits, citation = workflow.clock.limits() if workflow.clock else ({}, None)
    with transaction.atomic():
        model = type(subject)
        locked: Any = (
            model._default_manager.select_for_update(of=("self",))
            .select_related(*workflow.lock_related)
            .get(pk=subject.pk)
        )
        move = workflow.check(source=locked.status, target=to, role=getattr(actor, "role", None))
        t = Transition(
            workflow=workflow, subject=locked, move=move, actor=actor, today=day, now=now, opinion=opinion.strip(),
            data=data or {}, reason=opinion.strip()[:200],
        )  # fmt: skip
        for guard in move.guards:
            guard(t)
        workflow.assign(locked, to=to, role=getattr(actor, "role", None))
        for effect in move.effects:
            effect(t)
        t.step = _record_step(workflow, t, citation)
        if t.step is not None and attach is not None:
            attach(t.step)
        update = ["status", *t.fields]
        if workflow.clock is not None:
            enter_step(workflow, locked, today=day, limits=limits)
            clock_fields = workflow.clock
            update += [clock_fields.started_field, clock_fields.due_field, clock_fields.provisional_field]
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            update.append("updated_at")
        locked.save(update_fields=list(dict.fromkeys(update)))
        if workflow.audit is not None:
            workflow.audit(
                actor=actor, action=move.action or f"{workflow.action_prefix}.move", target=locked,
                division=attrgetter(workflow.division)(locked) if workflow.division else None,
                old={"status": move.source}, reason=t.reason, actor_label=actor_label,
                new={"status": to, **({"step": t.step.pk} if t.step is not None else {}), **t.new},
            )  # fmt: skip
        for follow_up in move.follow_ups:
            follow_up(t)
    return locked
