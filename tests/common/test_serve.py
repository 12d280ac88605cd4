"""`zhenxing serve` supervises (issue 13): it restarts its job worker when the worker dies, and leaves no
process behind when it is stopped (SIGTERM) or even killed (SIGKILL)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import urllib.request
from pathlib import Path

from ..sites import Site, wait_until


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def _descendants(root: int) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = stat[1]
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _worker_of(root: int) -> int | None:
    for pid in _descendants(root):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"db_worker" in command and _alive(pid):
            return pid
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(site: Site, *extra: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    serve = site.start("serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", *extra)

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    wait_until(answers, what="the site to answer")
    return serve, port


def test_serve_restarts_a_killed_worker_and_leaves_nothing_behind_on_sigterm(site: Site) -> None:
    # given the site served with its worker
    serve, _ = _serve(site, "--stop-timeout", "20")
    worker = wait_until(lambda: _worker_of(serve.pid), what="the worker")
    # when the worker is killed
    os.kill(worker, signal.SIGKILL)
    # then serve starts a new one, which holds a lease
    again = wait_until(lambda: (pid := _worker_of(serve.pid)) and pid != worker and pid, what="a new worker")
    wait_until(
        lambda: site.value("SELECT COUNT(*) FROM common_workerlease WHERE pid = %s", (again,)), what="a lease"
    )
    # when serve is asked to stop
    everything = _descendants(serve.pid)
    assert len(everything) >= 3  # the site (gunicorn and its worker) and the job worker
    serve.send_signal(signal.SIGTERM)
    # then it stops its children and exits, and none of its processes is left
    assert serve.wait(timeout=60) == 0
    assert [pid for pid in everything if _alive(pid)] == []
    assert site.value("SELECT COUNT(*) FROM common_workerlease") == 0  # the worker left cleanly


def test_serve_without_worker_runs_only_the_site_and_if_killed_outright_takes_it_along(site: Site) -> None:
    # given the site served without a worker (--no-worker: one runs elsewhere)
    serve, _ = _serve(site, "--no-worker")
    assert _worker_of(serve.pid) is None
    everything = _descendants(serve.pid)
    assert everything  # gunicorn and its worker
    # when serve itself is killed (it can stop nothing itself)
    serve.send_signal(signal.SIGKILL)
    serve.wait()
    # then its children end too (the kernel tells them: PR_SET_PDEATHSIG)
    wait_until(lambda: not [pid for pid in everything if _alive(pid)], seconds=60, what="the children to end")
