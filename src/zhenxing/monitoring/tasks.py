"""The monitoring app's background jobs, found by the job sweep's discovery (common/jobs.py: every app's
`tasks` module): the 民政比对 (P17)."""

from zhenxing.monitoring.lowincome.tasks import lowincome_lost, lowincome_task

__all__ = ["lowincome_lost", "lowincome_task"]
