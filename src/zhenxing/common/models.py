"""The shared kernel's tables: the working-day calendar (P8)."""

from __future__ import annotations

from django.db import models


class CalendarYear(models.Model):
    """A year whose holidays and make-up working days are known (published by the State Council)."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField("来源", max_length=200)
    loaded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "节假日年度"
        verbose_name_plural = "节假日年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the weekend rule: a public holiday on a weekday, or a make-up working day."""

    day = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("上班", help_text="勾选：调休上班日；不勾选：法定节假日")
    name = models.CharField("节日", max_length=40)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}{'（调休上班）' if self.is_working_day else ''}"


class WorkerLease(models.Model):
    """A process that runs jobs (the `db_worker`, or a command running one in the foreground) holds a lease
    and renews it every few seconds; a job whose holder's lease is dead is failed (common/jobs.py). The holder
    is named by host, pid and the process's start time, so that one on the same machine is known dead at once."""

    worker_id = models.CharField("进程标识", max_length=64, primary_key=True)
    kind = models.CharField("类型", max_length=16)
    host = models.CharField("主机", max_length=200)
    pid = models.PositiveIntegerField("进程号")
    process_started = models.CharField("进程启动标记", max_length=32, blank=True)
    started_at = models.DateTimeField("启动时间")
    renewed_at = models.DateTimeField("续约时间")
    expires_at = models.DateTimeField("到期时间")

    class Meta:
        verbose_name = "后台任务进程租约"
        verbose_name_plural = "后台任务进程租约"

    def __str__(self) -> str:
        return f"{self.kind} {self.host} pid {self.pid}"
