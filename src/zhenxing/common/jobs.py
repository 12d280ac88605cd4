"""Background jobs that survive faults: a process running jobs holds a lease; a job whose holder died is failed.

Jobs are django-tasks rows (`django_tasks_db.DBTaskResult`): the worker that claims one appends its id to
`worker_ids` and sets it `RUNNING`. Every process that runs jobs — `zhenxing db_worker` (our subclass in
common/management/commands/db_worker.py) or a command running one in the foreground (`job_in_foreground`) —
holds a `WorkerLease` under that id while it lives, renewed by a heartbeat thread. `jobs_sweep` — run by every
worker when it starts and every SWEEP_SECONDS after, and by a foreground command before its job — fails each
running job whose holder is dead (`set_failed`), and calls the handler its app registered with `on_job_lost`,
which fails the job's own row (an import batch, a screening run) in the same transaction.

A holder on this machine is dead as soon as its process is gone (pid and start time, so a reused pid does
not pass for it), and is never taken for dead while its process lives: on SQLite a long import holds the
write lock, and no process can renew anything until it commits. A holder on another machine is dead when its
lease has expired; if it was only stalled, it finds its lease gone at the next renewal and exits (a fence:
it must not go on writing for a job that was already failed).
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus, normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

from zhenxing.common.models import WorkerLease

logger = logging.getLogger(__name__)

LEASE_SECONDS = float(os.environ.get("ZHENXING_JOB_LEASE_SECONDS", "30"))
RENEW_SECONDS = max(0.2, LEASE_SECONDS / 5)
SWEEP_SECONDS = float(os.environ.get("ZHENXING_JOB_SWEEP_SECONDS", str(max(1.0, LEASE_SECONDS / 2))))
EXIT_LEASE_LOST = 75  # the process was taken for dead (stalled beyond its lease) and stops at once

DIED = "died"  # the process running the job vanished (killed, crashed, machine lost)
INTERRUPTED = "interrupted"  # the job ended by an exception its own code did not handle (Ctrl+C, SystemExit)


class WorkerLost(Exception):
    """Recorded on a job (DBTaskResult) whose worker died while running it."""


@dataclass(frozen=True)
class LostJob:
    """What a job's app needs to fail its own row: the job's id and arguments (ids only) and what happened."""

    id: str
    args: list[Any]
    kwargs: dict[str, Any]
    cause: str


Handler = Callable[[LostJob], None]
F = TypeVar("F", bound=Handler)
_ON_LOST: dict[str, Handler] = {}
_HOUSEKEEPING: list[Callable[[], object]] = []


def on_job_lost(task: Any) -> Callable[[F], F]:
    """Register the handler that fails `task`'s own row when its job is lost (idempotent: a row already
    finished is left alone). It runs inside the transaction that fails the job."""

    def register(handler: F) -> F:
        _ON_LOST[task.module_path] = handler
        return handler

    return register


def housekeeping(function: Callable[[], object]) -> Callable[[], object]:
    """Register a clean-up that every sweep runs (expired staged data and the like)."""
    _HOUSEKEEPING.append(function)
    return function


@cache
def _discover() -> None:
    """Import every app's tasks module, which registers its handlers."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")


# --- who holds a lease ------------------------------------------------------------------------------------


@cache
def this_host() -> str:
    """The machine, and this boot of it (a pid means nothing across a reboot)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        boot = ""
    return f"{socket.gethostname()}/{boot}"[:200]


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat fields after the command name (state first), or None where there is no /proc."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def process_started(pid: int) -> str:
    fields = _stat(pid)
    return fields[19] if fields and len(fields) > 19 else ""


def process_alive(pid: int, started: str = "") -> bool:
    """The process runs (not a zombie) and is the one that started at `started` (clock ticks since boot)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    fields = _stat(pid)
    if fields is None:
        return True  # no /proc: the signal test is all we have
    if fields[0] in ("Z", "X"):
        return False
    return not started or fields[19] == started


def lease_dead(lease: WorkerLease, *, now: Any = None) -> bool:
    if lease.host == this_host():
        return not process_alive(lease.pid, lease.process_started)
    return lease.expires_at < (now or timezone.now())


class Lease:
    """Held while a process runs jobs: written at start, renewed by a heartbeat thread, removed at exit."""

    def __init__(self, *, kind: str, worker_id: str | None = None, sweep: bool = False) -> None:
        self.worker_id = worker_id or f"{kind}-{get_random_string(24)}"
        self.kind = kind
        self.sweep = sweep
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Lease:
        now = timezone.now()
        WorkerLease.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "kind": self.kind, "host": this_host(), "pid": os.getpid(),
                "process_started": process_started(os.getpid()), "started_at": now, "renewed_at": now,
                "expires_at": now + datetime.timedelta(seconds=LEASE_SECONDS),
            },
        )  # fmt: skip
        self._thread = threading.Thread(target=self._beat, name=f"lease-{self.worker_id}", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        try:
            WorkerLease.objects.filter(pk=self.worker_id).delete()
        except DatabaseError:
            logger.warning("could not remove lease %s; it is dead once this process is gone", self.worker_id)

    def _beat(self) -> None:
        last_sweep = time.monotonic()
        try:
            while not self._stop.wait(RENEW_SECONDS):
                try:
                    self._renew()
                    if self.sweep and time.monotonic() - last_sweep >= SWEEP_SECONDS:
                        last_sweep = time.monotonic()
                        jobs_sweep()
                except DatabaseError:
                    # SQLite: another process's import holds the write lock; try again at the next beat
                    logger.warning("lease %s: renewal or sweep postponed", self.worker_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    def _renew(self) -> None:
        now = timezone.now()
        renewed = WorkerLease.objects.filter(pk=self.worker_id).update(
            renewed_at=now, expires_at=now + datetime.timedelta(seconds=LEASE_SECONDS)
        )
        if not renewed and not self._stop.is_set():
            logger.critical("lease %s was taken as dead (stalled too long): stopping now", self.worker_id)
            sys.stderr.flush()
            os._exit(EXIT_LEASE_LOST)


# --- failing lost jobs ------------------------------------------------------------------------------------


def _handle(job: DBTaskResult, cause: str) -> None:
    handler = _ON_LOST.get(job.task_path)
    if handler is not None:
        handler(LostJob(id=str(job.pk), args=list(job.args_kwargs.get("args", [])),
                        kwargs=dict(job.args_kwargs.get("kwargs", {})), cause=cause))  # fmt: skip


def _fail_lost(job_id: Any, holder: str) -> bool:
    with transaction.atomic():
        job = (
            DBTaskResult.objects.select_for_update()
            .filter(pk=job_id, status=TaskResultStatus.RUNNING)
            .first()
        )
        if job is None or (job.worker_ids[-1] if job.worker_ids else "") != holder:
            return False  # finished, or claimed again, meanwhile
        lease = WorkerLease.objects.filter(pk=holder).first()
        if lease is not None and not lease_dead(lease):
            return False
        job.set_failed(WorkerLost(f"worker {holder} died while running this job"))
        _handle(job, DIED)
    logger.warning("job %s (%s) failed: its worker %s died", job_id, job.task_path, holder)
    return True


def jobs_sweep() -> list[str]:
    """Fail every running job whose worker is dead (with its app's own row), remove dead leases, run the
    registered clean-ups. Returns the ids of the jobs failed. Safe to run anywhere, any number of times."""
    _discover()
    # jobs first, leases second: a worker writes its lease before it claims a job, so a job claimed by a
    # worker that started after the jobs were read cannot be missing from the leases read after them
    running = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("pk", "worker_ids")
    )
    leases = {lease.pk: lease for lease in WorkerLease.objects.all()}
    failed = []
    for job_id, worker_ids in running:
        holder = worker_ids[-1] if worker_ids else ""
        lease = leases.get(holder)
        if (lease is None or lease_dead(lease)) and _fail_lost(job_id, holder):
            failed.append(str(job_id))
    for pk, lease in leases.items():
        if lease_dead(lease):
            WorkerLease.objects.filter(pk=pk, renewed_at=lease.renewed_at).delete()
    for function in _HOUSEKEEPING:
        try:
            function()
        except DatabaseError:
            logger.warning("clean-up %s postponed", function.__name__, exc_info=True)
    return failed


def jobs_sweep_now() -> None:
    """A sweep that may wait for another time (a worker starting while SQLite's write lock is held)."""
    try:
        jobs_sweep()
    except DatabaseError:
        logger.warning("job sweep postponed", exc_info=True)


def job_failed(job: DBTaskResult) -> None:
    """A job ended failed by an exception its own code did not handle: fail its own row too."""
    _discover()
    try:
        with transaction.atomic():
            _handle(job, INTERRUPTED)
    except DatabaseError:
        logger.exception("job %s: its own row could not be marked failed (database error)", job.pk)


@contextmanager
def job_in_foreground(task: Any, *args: Any) -> Iterator[str]:
    """Run `task`'s work in this process (a command in a terminal) as a recorded job claimed under this
    process's lease, so that a kill leaves nothing `running` that a sweep would not fail. Yields the job id."""
    jobs_sweep_now()  # what an earlier killed run left behind, even where no worker runs
    with Lease(kind="command") as lease:
        job = DBTaskResult.objects.create(
            id=uuid.uuid4(), status=TaskResultStatus.RUNNING, started_at=timezone.now(),
            worker_ids=[lease.worker_id], args_kwargs=normalize_json({"args": list(args), "kwargs": {}}),
            priority=task.priority, task_path=task.module_path, queue_name=task.queue_name,
            run_after=get_date_max(), backend_name=task.backend,
        )  # fmt: skip
        try:
            yield str(job.pk)
        except BaseException as error:
            job.set_failed(error)
            job_failed(job)
            raise
        job.set_successful(None)
