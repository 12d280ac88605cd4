"""P8 identification procedure: the limits of its steps, in working days, from the step_deadlines parameter."""

from __future__ import annotations

from typing import Any


def step_limit_days(step_key: str | None, limits: dict[str, Any]) -> int | None:
    """P8: a step's own limit (analysis 5, investigation 3, review meeting 5 by default); None for a step that
    only counts against the whole procedure (township review, county decision)."""
    if step_key is None or step_key not in limits:
        return None
    return int(limits[step_key])


def whole_procedure_days(limits: dict[str, Any]) -> int:
    """P8: the whole procedure, 20 working days by default."""
    return int(limits["whole_procedure"])


def notice_period_days(limits: dict[str, Any]) -> int:
    """P8: public notice lasts 5 working days; objections may be raised until it ends."""
    return int(limits["notice"])


def working_days_after_posting(limits: dict[str, Any], *, posted_on_working_day: bool) -> int:
    """P8: working days to count after the posting day; the posting day is the first day of the notice when
    it is itself a working day (posted on Monday, 5 working days end on Friday)."""
    days = notice_period_days(limits)
    return days - 1 if posted_on_working_day else days


def application_settle_days(limits: dict[str, Any]) -> int:
    """P8 (Yunnan 救助平台): an application not settled within 10 days goes up to the township and county."""
    return int(limits.get("application_settle_days", 10))
