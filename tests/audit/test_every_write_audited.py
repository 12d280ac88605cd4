"""Every write records its audit event (docs/design.md: services lock → check → change → audit in one transaction;
the screening snapshot's staleness check reads the audit log, so an unaudited write leaves a stale snapshot
looking fresh).

Two checks hold this together:
- at run time, for the whole test session, tests/audit/write_audit.py fails any test in which application
  code committed a transaction that wrote a table without an audit row (the tests below show that it does);
- statically, below, each public function of a service module that writes a model — itself or through a
  helper of its module — records an audit event itself, even when it runs inside another service's
  transaction (that transaction's event names its own subject, not this one's).
Both read the allow-lists in write_audit.py.
"""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from zhenxing.audit import services as audit
from zhenxing.audit.models import AuditEvent
from zhenxing.common.bulk import as_json
from zhenxing.divisions.models import Division
from zhenxing.registry import bulk
from zhenxing.registry import services as registry_services
from zhenxing.registry.models import HouseholdYear, NaturalVillage

from ..conftest import VILLAGE
from ..factories import make_household
from .write_audit import ALLOWED_CODE, SRC, WriteRecorder, recording, written_table

pytestmark = pytest.mark.django_db

HERE = __file__


def _as_app_code(path: str) -> bool:
    """The functions of this file stand in for application code in the tests of the recorder."""
    return path == HERE or (path.startswith(SRC) and "/migrations/" not in path)


# --- the run-time check ---------------------------------------------------------------------------------


def test_a_service_that_skips_its_audit_event_fails_the_test(
    write_audit: WriteRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a real service whose audit call is deliberately taken out
    household = make_household(VILLAGE, year=None)
    monkeypatch.setattr(registry_services.audit, "record", lambda **kwargs: None)
    # when it writes
    registry_services.household_year_upsert(actor=None, household=household, year=2025, values={"wage": 1})
    # then the session's recorder holds the write against it (and would fail this test at teardown)
    found = write_audit.take()
    assert [(v.where.split(":")[0], v.tables) for v in found] == [
        ("registry/services.py", frozenset({"registry_householdyear"}))
    ]
    assert "(household_year_upsert)" in found[0].where


def test_the_same_service_with_its_audit_event_passes(write_audit: WriteRecorder) -> None:
    household = make_household(VILLAGE, year=None)
    registry_services.household_year_upsert(actor=None, household=household, year=2025, values={"wage": 1})
    assert write_audit.take() == []
    assert AuditEvent.objects.filter(action="household_year.create").exists()


def _write_year(household_id: int, *, audited: bool, fail: bool = False) -> None:
    with transaction.atomic():
        HouseholdYear.objects.filter(household_id=household_id).update(wage=7)
        if audited:
            audit.record(actor=None, action="test.write", target=("registry.household", str(household_id)))
        if fail:
            raise RuntimeError("rolled back")


def test_an_unaudited_transaction_is_caught_and_an_audited_one_is_not() -> None:
    household = make_household(VILLAGE)
    with recording(is_app_code=_as_app_code) as recorder:
        _write_year(household.pk, audited=False)
        _write_year(household.pk, audited=True)
    assert [v.tables for v in recorder.take()] == [frozenset({"registry_householdyear"})]


def test_a_transaction_that_rolls_back_is_not_a_violation() -> None:
    household = make_household(VILLAGE)
    with recording(is_app_code=_as_app_code) as recorder, pytest.raises(RuntimeError):
        _write_year(household.pk, audited=False, fail=True)
    assert recorder.take() == []


def _write_outside_a_transaction(household_id: int) -> None:
    HouseholdYear.objects.filter(household_id=household_id).update(wage=8)


def test_a_write_outside_any_transaction_is_caught() -> None:
    # in production this is autocommit, where audit.record refuses to run (the test's own transaction hides
    # that from the service under test; the recorder does not)
    household = make_household(VILLAGE)
    with recording(is_app_code=_as_app_code) as recorder:
        _write_outside_a_transaction(household.pk)
    (violation,) = recorder.take()
    assert "outside a transaction" in violation.where


def _bulk_villages(*, audited: bool) -> None:
    village = Division.objects.get(code=VILLAGE)
    with transaction.atomic():
        ids = bulk.allocate(NaturalVillage, 2)
        bulk.insert(NaturalVillage, [(pk, village.pk, f"第{pk}组") for pk in ids])
        if audited:
            now = timezone.now()
            audit.record_many(
                [(now, None, "system", "test.bulk", "registry.naturalvillage", str(pk), village.pk, None,
                  as_json({}), "", None) for pk in ids]
            )  # fmt: skip


def test_bulk_writes_are_seen_on_either_database() -> None:
    # COPY on PostgreSQL, executemany on SQLite, for the rows and for the audit rows
    with recording(is_app_code=_as_app_code) as recorder:
        _bulk_villages(audited=False)
        _bulk_villages(audited=True)
    assert [v.tables for v in recorder.take()] == [frozenset({"registry_naturalvillage"})]


def _start_session() -> None:
    with transaction.atomic():
        Session.objects.create(
            session_key="k" * 32, session_data="", expire_date=timezone.now() + datetime.timedelta(days=1)
        )


def test_allowed_tables_need_no_audit_event() -> None:
    with recording(is_app_code=_as_app_code) as recorder:
        _start_session()
    assert recorder.take() == []


def test_statements_are_read_for_the_table_they_write() -> None:
    assert written_table('INSERT INTO "registry_person" ("name") VALUES (%s)') == "registry_person"
    assert written_table('UPDATE "monitoring_case" SET "status" = %s') == "monitoring_case"
    assert written_table('DELETE FROM "transfer_stagedrow" WHERE id = 1') == "transfer_stagedrow"
    assert (
        written_table("UPDATE registry_person t SET name = u.name FROM bulk_update_rows u")
        == "registry_person"
    )
    assert written_table("COPY registry_person (id, name) FROM STDIN") == "registry_person"
    assert written_table("COPY (SELECT id FROM registry_person) TO STDOUT") is None
    assert written_table('SELECT "id" FROM "registry_person" FOR UPDATE') is None


# --- the static check -----------------------------------------------------------------------------------

WRITE_NAMES = {"insert_rows", "update_rows", "insert_model_rows", "update_model_rows"}
AUDIT_CALLS = {"audit.record", "audit.record_many", "record", "record_many"}


def _writes(call: ast.Call) -> bool:
    """A call that writes a model: save / create / bulk writes / a queryset's update or delete."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in WRITE_NAMES
    if not isinstance(func, ast.Attribute):
        return False
    receiver = ast.unparse(func.value)
    queryset = ".objects" in receiver or any(
        f".{m}(" in receiver for m in ("filter", "exclude", "select_for_update")
    )
    match func.attr:
        case "save" | "bulk_create" | "bulk_update" | "get_or_create" | "update_or_create":
            return True
        case "create":
            return "." in receiver or queryset  # Model.objects.create, case.measures.create
        case "update":
            return queryset or receiver == "bulk"  # not dict.update
        case "delete":
            return queryset or not receiver.startswith(("cache", "storage", "default_storage"))
        case "insert":
            return receiver == "bulk"
    return func.attr in WRITE_NAMES


def unaudited_writers(source: str) -> list[str]:
    """Public functions of a module that write a model (themselves or through the module's own functions)
    but record no audit event (themselves or through the module's own functions)."""
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}

    def calls(node: ast.FunctionDef) -> list[ast.Call]:
        return [n for n in ast.walk(node) if isinstance(n, ast.Call)]

    def local_callees(node: ast.FunctionDef) -> set[str]:
        return {c.func.id for c in calls(node) if isinstance(c.func, ast.Name) and c.func.id in functions}

    def closure(direct: set[str]) -> set[str]:
        found = set(direct)
        while True:
            more = {name for name, node in functions.items() if local_callees(node) & found} - found
            if not more:
                return found
            found |= more

    def kernel_effect(node: ast.FunctionDef) -> bool:
        """A move's effect or follow-up (common/workflow.py): it runs inside the kernel's transition, whose
        one audit event records the move and what the effects add to it (`t.new`)."""
        return any(arg.annotation is not None and ast.unparse(arg.annotation).endswith("Transition")
                   for arg in node.args.args[:1])  # fmt: skip

    writes = closure(
        {
            name
            for name, node in functions.items()
            if not kernel_effect(node) and any(_writes(c) for c in calls(node))
        }
    )
    audits = closure(
        {
            name
            for name, node in functions.items()
            if any(ast.unparse(c.func) in AUDIT_CALLS for c in calls(node))
        }
    )
    return sorted(name for name in writes - audits if not name.startswith("_"))


def _service_modules() -> list[Path]:
    """services.py of every app, and every other module that records audit events (the services of a
    sub-domain: monitoring/assistance.py, registry/conflicts.py, transfer/apply.py …)."""
    root = Path(SRC)
    return sorted(
        path
        for path in root.rglob("*.py")
        if not {"migrations", "management", "audit"} & set(path.relative_to(root).parts)
        and (path.name == "services.py" or "zhenxing.audit" in path.read_text(encoding="utf-8"))
    )


def test_every_public_service_that_writes_records_its_own_audit_event() -> None:
    exempt = {code for code, _ in ALLOWED_CODE}
    missing = [
        f"{path.relative_to(SRC)}::{name}"
        for path in _service_modules()
        for name in unaudited_writers(path.read_text(encoding="utf-8"))
    ]
    assert [name for name in missing if name not in exempt] == []


def test_the_static_check_finds_a_writer_without_audit() -> None:
    source = """
from zhenxing.audit import services as audit

def measures_close(*, actor, case):
    for measure in case.measures.select_for_update():
        measure.status = "completed"
        measure.save(update_fields=["status"])

def measure_move(*, actor, measure):
    _store(measure)
    audit.record(actor=actor, action="measure.move", target=measure)

def lead_quiet(*, lead):
    _store(lead)

def _store(obj):
    obj.save()

def quiet_the_rules(t: Transition):
    Suppression.objects.bulk_create([Suppression(lead=t.subject)])

def counts(values):
    values.update({"a": 1})
    return values
"""
    assert unaudited_writers(source) == ["lead_quiet", "measures_close"]


def test_allowed_code_names_existing_functions() -> None:
    for code, _ in ALLOWED_CODE:
        path, function = code.split("::")
        text = (Path(SRC) / path).read_text(encoding="utf-8")
        assert f"def {function}(" in text, code
