"""The workflow kernel on a toy workflow of its own (three states, two roles) over the case table and its
step records: a guard refuses, a wrong role is refused, the deadline is counted in working days from a
parameter, one overdue definition serves the filter and the badge, each move leaves a step record and an
audit row with the old and new status, the row is locked, and side effects wait for the commit."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction

from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.common.workflow import Move, StepClock, Transition, Workflow, enter_step, transition
from zhenxing.monitoring.models import Case, CaseStep

from ..conftest import TOWNSHIP, VILLAGE
from ..factories import make_user

pytestmark = pytest.mark.django_db
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
D = datetime.date
LIMITS = ({"review": 3}, {"id": 0, "version": 7})
committed: list[str] = []


def summary_written(t: Transition) -> None:
    if not t.subject.summary:
        raise Conflict("请先填写情况说明")


def returning_has_reason(t: Transition) -> None:
    if len(t.opinion) < 2:
        raise InvalidInput([])


def approve(t: Transition) -> None:
    t.set(identified_on=t.today, closed_at=t.now)
    t.decision["approved_by"] = t.actor.username
    t.new["identified_on"] = str(t.today)
    t.on_commit(lambda: committed.append(f"approved {t.subject.pk}"))


def record_return(t: Transition) -> None:
    t.set(rejection_reason=t.opinion, closed_at=t.now)


TOY = Workflow(
    name="样例流程",
    labels={"application": "起草", "analysis": "审核中", "confirmed": "通过", "rejected": "退回"},
    role_labels=dict(Role.choices),
    moves=[
        Move("application", "analysis", Role.VILLAGE, "提交", guards=(summary_written,)),
        Move("analysis", "confirmed", Role.TOWNSHIP, "批准", effects=(approve,)),
        Move("analysis", "rejected", Role.TOWNSHIP, "退回", guards=(returning_has_reason,), effects=(record_return,)),
    ],
    open_states=("application", "analysis"),
    due_fields=("step_due",),
    clock=StepClock(limits=lambda: LIMITS, deadlines={"analysis": "review"}, cite_as="toy_limits"),
    step_model=CaseStep,
    audit=audit.record,
    action_prefix="toy",
    division="village",
)  # fmt: skip


@pytest.fixture
def people() -> dict[str, Any]:
    return {"village": make_user(Role.VILLAGE, VILLAGE), "township": make_user(Role.TOWNSHIP, TOWNSHIP)}


def _draft(summary: str = "两人慢病") -> Case:
    now = datetime.datetime(2025, 9, 26, 9, tzinfo=datetime.UTC)
    case = Case(village_id=VILLAGE, source="cadre", summary=summary, opened_at=now, due=D(2025, 10, 31))
    enter_step(TOY, case, today=D(2025, 9, 26), limits=LIMITS[0])
    case.save()
    return case


def _events(case: Case) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(target_type="monitoring.case", target_id=str(case.pk)).order_by("pk")
    )


def test_a_guard_refuses_the_move_and_nothing_changes(people, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(D(2025, 9, 26))
    case = _draft(summary="")
    with pytest.raises(Conflict, match="请先填写情况说明"):
        transition(TOY, case, to="analysis", actor=people["village"])
    case.refresh_from_db()
    assert case.status == "application" and not case.steps.exists() and not _events(case)


def test_another_roles_move_is_refused_with_the_role_that_does_it(people, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(D(2025, 9, 26))
    case = _draft()
    with pytest.raises(PermissionDenied, match="“起草”环节的这一步须由村办理"):
        transition(TOY, case, to="analysis", actor=people["township"])
    with pytest.raises(Conflict, match="样例流程当前为“起草”，不能转为“通过”"):
        transition(TOY, case, to="confirmed", actor=people["township"])
    assert Case.objects.get(pk=case.pk).status == "application" and not _events(case)


def test_the_next_steps_deadline_is_its_parameter_in_working_days(people, clock_at) -> None:  # type: ignore[no-untyped-def]
    # submitted Friday 26 September 2025; 3 working days: the make-up Sunday 28th, Monday 29th, Tuesday 30th
    clock_at(D(2025, 9, 26))
    case = transition(TOY, _draft(), to="analysis", actor=people["village"])
    case.refresh_from_db()
    assert (case.step_started_on, case.step_due, case.step_due_provisional) == (
        D(2025, 9, 26),
        D(2025, 9, 30),
        False,
    )
    # a state without a limit of its own has no due day
    enter_step(TOY, case, today=D(2025, 9, 26), limits={})
    assert case.step_due is None
    # beyond the calendar's known years the day is counted on weekends only and marked provisional
    case.status = "analysis"
    enter_step(TOY, case, today=D(2099, 1, 2), limits=LIMITS[0])
    assert case.step_due == D(2099, 1, 7) and case.step_due_provisional


def test_one_overdue_definition_serves_the_list_filter_and_the_badge(people, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(D(2025, 9, 26))
    late = transition(TOY, _draft(), to="analysis", actor=people["village"])  # due 30 September
    done = transition(TOY, _draft(), to="analysis", actor=people["village"])
    clock_at(D(2025, 10, 9))
    transition(TOY, done, to="rejected", actor=people["township"], opinion="不符合")
    for today, expected in ((D(2025, 9, 30), []), (D(2025, 10, 1), [late.pk])):
        assert list(Case.objects.filter(TOY.overdue(today)).values_list("pk", flat=True)) == expected
        badges = dict(TOY.annotate_overdue(Case.objects.all(), today).values_list("pk", "is_overdue"))
        assert [
            pk for pk, flag in badges.items() if flag
        ] == expected  # the closed one, due the same day, is not


def test_a_move_records_its_step_and_audits_old_and_new_status_in_one_transaction(
    people, clock_at, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    clock_at(D(2025, 9, 26))
    case = transition(TOY, _draft(), to="analysis", actor=people["village"], opinion="材料齐全")
    clock_at(D(2025, 10, 9))  # after the due day (30 September): done late
    committed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = transition(TOY, case, to="confirmed", actor=people["township"], opinion="同意")
        assert committed == []  # a side effect waits for the commit
    assert committed == [f"approved {case.pk}"]
    step = case.steps.get(outcome="confirmed")
    assert (step.step, step.action, step.actor, step.actor_role) == (
        "analysis",
        "批准",
        people["township"],
        "township",
    )
    assert (step.started_on, step.due_on, step.overdue, step.findings) == (
        D(2025, 9, 26),
        D(2025, 9, 30),
        True,
        "同意",
    )
    assert step.decision == {
        "approved_by": people["township"].username,
        "toy_limits": {"id": 0, "version": 7},
    }
    moved = _events(case)[-1]
    assert moved.action == "toy.move" and moved.reason == "同意" and moved.division.code == VILLAGE
    assert moved.old_values == {"status": "analysis"}
    assert moved.new_values == {"status": "confirmed", "step": step.pk, "identified_on": "2025-10-09"}
    assert Case.objects.get(pk=case.pk).identified_on == D(2025, 10, 9)


def test_a_side_effect_is_dropped_with_a_rollback(
    people, clock_at, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    clock_at(D(2025, 9, 26))
    case = transition(TOY, _draft(), to="analysis", actor=people["village"])
    committed.clear()

    def move_then_fail() -> None:
        with transaction.atomic():
            transition(TOY, case, to="confirmed", actor=people["township"])
            raise RuntimeError("the caller's transaction fails after the move")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        move_then_fail()
    assert callbacks == [] and committed == [] and Case.objects.get(pk=case.pk).status == "analysis"
    assert not CaseStep.objects.filter(case=case, outcome="confirmed").exists()


def test_the_locked_rows_state_decides_not_the_stale_object_passed_in(people, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(D(2025, 9, 26))
    case = transition(TOY, _draft(), to="analysis", actor=people["village"])
    stale = Case.objects.get(pk=case.pk)
    transition(TOY, case, to="rejected", actor=people["township"], opinion="不符合")
    assert stale.status == "analysis"
    with pytest.raises(Conflict, match="当前为“退回”"):
        transition(TOY, stale, to="confirmed", actor=people["township"])


def test_a_declaration_naming_an_unknown_state_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown states"):
        Workflow(name="坏流程", labels={"a": "甲"}, role_labels={}, moves=[Move("a", "b", None, "走")])


@pytest.mark.skipif(not ON_POSTGRESQL, reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_moves_of_one_subject_are_serialised_by_the_lock(
    shipped_data, people, clock_at
) -> None:  # type: ignore[no-untyped-def]
    clock_at(D(2025, 9, 26))
    case = transition(TOY, _draft(), to="analysis", actor=people["village"])
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(to: str) -> None:
        try:
            start.wait()
            transition(TOY, case, to=to, actor=people["township"], opinion="意见")
            outcomes.append(to)
        except Conflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(to,)) for to in ("confirmed", "rejected")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) in (["confirmed", "refused"], ["refused", "rejected"])
    assert CaseStep.objects.filter(case=case).count() == 2  # the submission and the one decision
    assert AuditEvent.objects.filter(action="toy.move", target_id=str(case.pk)).count() == 2
