"""A screening round survives being killed (issue 13): a round whose process dies mid-snapshot — a worker
running it in the background or `zhenxing screen` in a terminal — is failed by the next sweep, with its
reason; readers never see its partial snapshot, and the next snapshot removes it."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from ..sites import Site, wait_until

YEAR = "2025"
DIED = "后台任务进程意外退出，本轮筛查未完成，预警线索未改动；可重新运行"


def _entries(site: Site) -> set[str]:
    root = site.var / "snapshots"
    return {path.name for path in root.iterdir()} if root.exists() else set()


def _visible_without_manifest(site: Site) -> list[str]:
    """What a reader of the snapshot folder could take for a snapshot but is not complete."""
    root = site.var / "snapshots"
    return [
        p.name for p in root.iterdir() if not p.name.startswith(".") and not (p / "manifest.json").exists()
    ]


def _kill_when_a_snapshot_starts(site: Site, process: subprocess.Popen[bytes], before: set[str]) -> None:
    wait_until(lambda: _entries(site) - before or process.poll() is not None, what="a snapshot to start")
    assert process.poll() is None, "the round ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _runs(site: Site) -> list[tuple[str, str]]:
    return [
        (str(s), str(f))
        for s, f in site.query("SELECT status, failure FROM screening_screeningrun ORDER BY id")
    ]


def test_a_round_killed_mid_snapshot_is_failed_and_leaves_no_partial_snapshot(site: Site) -> None:
    # given a site with a small synthetic Dali
    generate = [*site.argv, "generate", "--scale", "0.02", "--year", YEAR]
    subprocess.run(generate, env=site.env, check=True, capture_output=True, timeout=600)
    # when a worker running a background round is killed (SIGKILL) while it takes its snapshot
    site.shell(
        f"from zhenxing.screening.tasks import screening_task; print(screening_task.enqueue({YEAR}, 'duckdb').id)"
    )
    _kill_when_a_snapshot_starts(site, site.worker(), set())
    # then no reader sees a partial snapshot, and the round and its job are what the dead worker left
    assert _visible_without_manifest(site) == []
    assert _runs(site) == [("running", "")]
    # when `zhenxing screen` in a terminal is killed the same way
    before = _entries(site)
    _kill_when_a_snapshot_starts(site, site.start("screen", "--year", YEAR, "--engine", "duckdb"), before)
    assert _visible_without_manifest(site) == []
    # then it had failed the background round first (its sweep at start), and its own is left running
    assert _runs(site) == [("failed", DIED), ("running", "")]
    # when the next round runs to the end
    done = subprocess.run(
        [*site.argv, "screen", "--year", YEAR, "--engine", "duckdb"],
        env=site.env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # then the killed terminal round is failed too, with its reason, and this one is done
    assert _runs(site) == [("failed", DIED), ("failed", DIED), ("done", "")]
    jobs = site.query(
        "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at"
    )
    assert [status for status, _ in jobs] == ["FAILED", "FAILED", "SUCCESSFUL"]
    assert {path for status, path in jobs if status == "FAILED"} == {"zhenxing.common.jobs.WorkerLost"}
    # and the killed rounds' partial snapshots are gone: one complete snapshot, nothing else
    entries = _entries(site)
    assert len(entries) == 1 and (site.var / "snapshots" / entries.pop() / "manifest.json").exists()
    assert site.value("SELECT COUNT(*) FROM common_workerlease") == 0


@pytest.mark.django_db
def test_a_round_that_raises_is_failed_with_its_reason(settings: object) -> None:
    from zhenxing.audit.models import AuditEvent
    from zhenxing.screening.models import Lead, RunStatus, ScreeningRun
    from zhenxing.screening.services import screening_run

    from .test_planted import DAY, _planted

    # given planted households, and a snapshot folder that cannot be made (a file stands in its place)
    _planted()
    (Path(settings.ZHENXING_VAR_DIR) / "snapshots").write_text("not a folder")  # type: ignore[attr-defined]
    # when a round on the DuckDB engine raises
    with pytest.raises(FileExistsError):
        screening_run(year=int(YEAR), engine="duckdb", today=DAY)
    # then its run is failed with the reason, audited, and no lead was written
    run = ScreeningRun.objects.get()
    assert (run.status, run.failure) == (RunStatus.FAILED, "筛查失败，预警线索未改动：FileExistsError")
    event = AuditEvent.objects.get(action="screening.fail", target_id=str(run.pk))
    assert (event.old_values, event.new_values["status"]) == ({"status": "running"}, "failed")
    assert not Lead.objects.exists()
