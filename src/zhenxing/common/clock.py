"""The one clock the deadline logic reads. Production: Django's time. Tests move it (`clock.travel`) so that a
notice period or a 10-day escalation can pass without waiting; a live test server in the same process sees
the move too."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_offset = datetime.timedelta(0)


def now() -> datetime.datetime:
    return timezone.now() + _offset


def today() -> datetime.date:
    return timezone.localdate(now())


def localdate(moment: datetime.datetime) -> datetime.date:
    """The local calendar day of a stored time."""
    return timezone.localdate(moment)


def localtime(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def set_offset(offset: datetime.timedelta) -> None:
    global _offset  # the one process-wide test clock, by design
    _offset = offset


def travel_to(day: datetime.date) -> None:
    """Move the clock so that `today()` is `day` (the time of day is kept)."""
    set_offset(_offset + datetime.timedelta(days=(day - today()).days))


@contextmanager
def travel(day: datetime.date) -> Iterator[None]:
    saved = _offset
    travel_to(day)
    try:
        yield
    finally:
        set_offset(saved)
