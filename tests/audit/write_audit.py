"""Every transaction that writes a domain table records an audit event in it (docs/design.md: each service write
records its audit event in the same transaction; screening/snapshot.py reads the newest audit event per
target type to tell whether a snapshot is stale, so an unaudited write leaves a stale snapshot looking fresh).

A pytest plugin, active for the whole session (tests/conftest.py lists it in `pytest_plugins`). For each
test, the writes on the test's database connection are grouped into transactions: the outermost atomic block
the code under test opens (the test's own wrapping transaction does not count), or a single statement run
outside any — autocommit in production, where `audit.record` would refuse to run. A transaction opened by
application code (the innermost frame outside Django and the other libraries is under src/zhenxing/) that
commits an INSERT, UPDATE or DELETE without inserting into audit_auditevent fails the test at teardown,
unless the table or the code is allowed below. Writes the test makes itself (factories, ORM set-up) are not
checked, and neither are transactions that roll back.

Statements are seen through Django's execute wrapper (execute and executemany, so SQLite's bulk inserts
too) and, on PostgreSQL, through psycopg's COPY (common/bulk.py streams rows and audit rows that way).
test_every_write_audited.py holds the tests of this plugin and the static twin of the check (each public
service function that writes calls audit itself), which reads the same allow-lists.
"""

from __future__ import annotations

import re
import sys
import sysconfig
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

SRC = str(Path(__file__).resolve().parents[2] / "src" / "zhenxing") + "/"
AUDIT_TABLE = "audit_auditevent"

# Tables any code may write without an audit event, each with the reason.
ALLOWED_TABLES: dict[str, str] = {
    AUDIT_TABLE: "the audit log itself",
    "django_session": "sessions: logins and logouts are audited (auth.login, auth.logout), the row is mechanism",
    "axes_accessattempt": "django-axes login-failure counters, the lockout's own bookkeeping",
    "axes_accesslog": "django-axes access log, itself a log",
    "axes_accessfailurelog": "django-axes failure log, itself a log",
    "django_tasks_database_dbtaskresult": "the job queue: its rows hold ids; what a job changes is audited by it",
    "common_workerlease": "job workers' liveness leases (common/jobs.py), no domain data",
    "bulk_update_rows": "common/bulk.update_rows' temporary table; its UPDATE of the real table is checked",
    "transfer_stagedrow": "sealed staging rows of an import batch (its upload, commit and failure are audited)",
    "portal_lookupfailure": "throttling of anonymous status look-ups: counters, nothing decided",
    "portal_challengeuse": "spent portal challenges (replay protection): counters, nothing decided",
    "common_calendarday": "working-day calendar, reference data the migrations ship",
    "common_calendaryear": "working-day calendar, reference data the migrations ship",
}

# Code that may write without an audit event: ("path under src/zhenxing::function", table or "*") -> reason.
ALLOWED_CODE: dict[tuple[str, str], str] = {
    (
        "accounts/services.py::api_key_authenticate",
        "accounts_departmentapikey",
    ): "a key's last-used time, kept "
    "off the audit log so that each feed push does not add a row (the pushes are audited as feed batches)",
    ("accounts/views.py::form_valid", "accounts_user"): "Django's update_last_login; the login itself is "
    "audited by accounts.services.login_record right after",
    ("registry/management/commands/rotate_data_key.py::_rotate", "*"): "the same values re-encrypted under a "
    "new key in restartable batches, one data_key.rotate event at the end of the run; no value a screening "
    "snapshot holds changes",
    ("screening/services.py::screening_run", "screening_screeningrun"): "a round's bookkeeping row, created "
    "running; its outcome (screening.run with its leads, or screening.fail) is audited",
    (
        "screening/services.py::_record_progress",
        "screening_screeningrun",
    ): "a running round's progress (rules "
    "evaluated so far) for its page; the round's start (screening.start) and outcome are audited",
    ("transfer/services.py::import_commit", "transfer_importbatch"): "an import job's start (queued → "
    "running); its outcome (import.commit with the households, or import.fail) is audited",
    ("portal/services.py::application_find", "portal_lookupfailure"): "throttling counters (ALLOWED_TABLES)",
    ("policy/shipped.py::ship_parameters", "*"): "the yearly parameters the migrations ship (the migration "
    "is their record); tests that flush tables put them back",
    ("screening/rules.py::ship_default_rules", "*"): "the default rule set the migrations ship; tests that "
    "flush tables put it back",
    ("accounts/sectors.py::ship_sectors", "*"): "the county sectors the migrations ship (P14); tests that "
    "flush tables put them back",
    ("projects/catalogue.py::ship_catalogue", "*"): "the project category catalogue the migrations ship "
    "(P14); tests that flush tables put it back",
    (
        "assets/catalogue.py::ship_asset_types",
        "*",
    ): "the asset-type catalogue the migrations ship (P15); tests that flush tables put it back",
    ("planning/catalogue.py::ship_indicators", "*"): "the P12 indicator catalogue and the plan's prefecture "
    "totals the migrations ship (P16); tests that flush tables put them back",
    (
        "planning/catalogue.py::ship_template",
        "*",
    ): "the yearly statistics template the migrations ship (P16); tests that flush tables put it back",
}

_WRITE = re.compile(
    r"""^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+["`]?(\w+)""",
    re.IGNORECASE,
)
_COPY_IN = re.compile(r"""^\s*COPY\s+["`]?(\w+)["`]?[^;]*\bFROM\s+STDIN\b""", re.IGNORECASE | re.DOTALL)
_LIBRARIES = tuple({sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")})


def written_table(sql: str) -> str | None:
    """The table an INSERT, UPDATE, DELETE or COPY … FROM STDIN writes; None for anything else."""
    match = _WRITE.match(sql) or _COPY_IN.match(sql)
    return match.group(1).lower() if match else None


def allowed(code: str, table: str) -> bool:
    return table in ALLOWED_TABLES or (code, table) in ALLOWED_CODE or (code, "*") in ALLOWED_CODE


@dataclass
class Unit:
    """One transaction of the code under test."""

    code: str  # "path::function" of the application code that opened it; "" when it was not application code
    where: str  # "path:line (function)", for the message
    depth: int  # len(connection.atomic_blocks) while it is open
    tables: set[str] = field(default_factory=set)
    audited: bool = False


@dataclass(frozen=True)
class Violation:
    where: str
    tables: frozenset[str]

    def __str__(self) -> str:
        return f"{self.where} wrote {', '.join(sorted(self.tables))} without an audit event"


class WriteRecorder:
    """Groups one connection's writes into transactions and keeps those that wrote without auditing."""

    def __init__(self, connection: Any, *, is_app_code: Callable[[str], bool] | None = None) -> None:
        self.connection = connection
        self.is_app_code = is_app_code or (lambda path: path.startswith(SRC) and "/migrations/" not in path)
        self.unit: Unit | None = None
        self.violations: list[Violation] = []

    def _caller(self) -> tuple[str, str]:
        """("path::function", "path:line (function)") of the innermost frame outside the libraries, both ""
        when that frame is not application code (a test, a factory)."""
        frame = sys._getframe(1)
        while frame is not None:
            path = frame.f_code.co_filename
            if path != __file__ and not path.startswith(_LIBRARIES) and not path.startswith("<"):
                if not self.is_app_code(path):
                    return "", ""
                short, function = path.removeprefix(SRC), frame.f_code.co_name
                return f"{short}::{function}", f"{short}:{frame.f_lineno} ({function})"
            frame = frame.f_back  # type: ignore[assignment]
        return "", ""

    def _mine(self, block: transaction.Atomic) -> bool:
        return connections[block.using or DEFAULT_DB_ALIAS] is self.connection

    def entered(self, block: transaction.Atomic) -> None:
        if self.unit is None and not getattr(block, "_from_testcase", False) and self._mine(block):
            code, where = self._caller()
            self.unit = Unit(code=code, where=where, depth=len(self.connection.atomic_blocks))

    def exiting(self, block: transaction.Atomic, exc_type: type[BaseException] | None) -> None:
        unit = self.unit
        if unit is None or not self._mine(block) or len(self.connection.atomic_blocks) != unit.depth:
            return
        self.unit = None
        committed = exc_type is None and not self.connection.needs_rollback
        unaudited = {table for table in unit.tables if not allowed(unit.code, table)}
        if committed and unit.code and unaudited and not unit.audited:
            self.violations.append(Violation(unit.where, frozenset(unaudited)))

    def wrote(self, table: str) -> None:
        if self.unit is not None:
            self.unit.audited = self.unit.audited or table == AUDIT_TABLE
            self.unit.tables.add(table)
            return
        code, where = self._caller()
        if code and not allowed(code, table):  # autocommit: no transaction for its audit event to share
            self.violations.append(Violation(f"{where}, outside a transaction,", frozenset({table})))

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        table = written_table(sql)
        if table:
            self.wrote(table)
        return execute(sql, params, many, context)

    def take(self) -> list[Violation]:
        found, self.violations = self.violations, []
        return found


_active: list[WriteRecorder] = []


def _install_hooks() -> Callable[[], None]:
    """Wrap Atomic's enter and exit and psycopg's COPY once; they tell every active recorder. Returns the undo."""
    enter, exit_ = transaction.Atomic.__enter__, transaction.Atomic.__exit__

    def patched_enter(self: transaction.Atomic) -> None:
        enter(self)
        for recorder in _active:
            recorder.entered(self)

    def patched_exit(self: transaction.Atomic, exc_type: Any, exc: Any, tb: Any) -> Any:
        for recorder in _active:
            recorder.exiting(self, exc_type)
        return exit_(self, exc_type, exc, tb)

    import psycopg

    copy = psycopg.Cursor.copy

    def patched_copy(self: psycopg.Cursor[Any], statement: Any, *args: Any, **kwargs: Any) -> Any:
        table = written_table(statement if isinstance(statement, str) else statement.as_string(self))
        for recorder in _active:
            if table and getattr(recorder.connection, "connection", None) is self.connection:
                recorder.wrote(table)
        return copy(self, statement, *args, **kwargs)

    transaction.Atomic.__enter__ = patched_enter  # type: ignore[method-assign]
    transaction.Atomic.__exit__ = patched_exit  # type: ignore[method-assign]
    psycopg.Cursor.copy = patched_copy  # type: ignore[method-assign]

    def undo() -> None:
        transaction.Atomic.__enter__ = enter  # type: ignore[method-assign]
        transaction.Atomic.__exit__ = exit_  # type: ignore[method-assign]
        psycopg.Cursor.copy = copy  # type: ignore[method-assign]

    return undo


@contextmanager
def recording(alias: str = DEFAULT_DB_ALIAS, **options: Any) -> Iterator[WriteRecorder]:
    """Record the writes on this thread's connection to `alias` while the block runs (the plugin's fixture,
    and tests of the plugin)."""
    connection = connections[alias]
    recorder = WriteRecorder(connection, **options)
    _active.append(recorder)
    connection.execute_wrappers.append(recorder)
    try:
        yield recorder
    finally:
        connection.execute_wrappers.remove(recorder)
        _active.remove(recorder)


@pytest.fixture(scope="session", autouse=True)
def _write_audit_hooks() -> Iterator[None]:
    undo = _install_hooks()
    yield
    undo()


@pytest.fixture(autouse=True)
def write_audit() -> Iterator[WriteRecorder]:
    """The test's recorder; at teardown the test fails if application code wrote without an audit event."""
    with recording() as recorder:
        yield recorder
    found = recorder.take()
    if found:
        pytest.fail(
            "writes without an audit event in their transaction (call audit.record or audit.record_many in it; "
            "tests/audit/write_audit.py lists what needs none, with the reasons):\n  "
            + "\n  ".join(map(str, found)),
            pytrace=False,
        )
