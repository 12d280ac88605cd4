"""`zhenxing db_worker`: django-tasks-db's worker, holding a lease while it runs (common/jobs.py).

This command takes the place of django_tasks_db's own (zhenxing.common comes first in INSTALLED_APPS), so
that every worker started by any name holds a lease: a sweep would take a worker without one for dead.
"""

from __future__ import annotations

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker as base
from django_tasks_db.models import DBTaskResult

from zhenxing.common import jobs


class LeasedWorker(base.Worker):
    def run(self) -> None:
        with jobs.Lease(kind="worker", worker_id=self.worker_id, sweep=True):
            jobs.jobs_sweep_now()  # jobs left running by a worker that died before this one started
            super().run()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED:
            jobs.job_failed(db_task_result)


class Command(base.Command):
    help = "运行后台任务进程（导入、筛查等）；运行期间持有租约，进程意外退出后其未完成的任务会被判为失败"

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        if options["reload"] and options["batch"]:
            options["reload"] = False
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise base.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = LeasedWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if options["reload"]:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
