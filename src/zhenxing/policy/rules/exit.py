"""P17 dynamic exit: from the normalised regime on, risk elimination ends a household's object status on its
date and it keeps no label (不固化身份标签); an elimination under the transition regime (2021-2025) keeps the
labelling of its date (the plan's rosters listed 已消除风险 households). The regime follows the elimination's
own date, so a past report still reads as it did."""

from __future__ import annotations

import datetime
from collections.abc import Iterable


def exit_periods(
    regimes: Iterable[tuple[datetime.date, bool]],
) -> list[tuple[datetime.date, datetime.date | None]]:
    """P17: the date ranges [start, end) in which an elimination is a dynamic exit, from the regimes as
    (effective_from, dynamic_exit) pairs in any order; end None = open."""
    ordered = sorted(regimes)
    periods: list[tuple[datetime.date, datetime.date | None]] = []
    for index, (start, dynamic) in enumerate(ordered):
        if not dynamic:
            continue
        end = ordered[index + 1][0] if index + 1 < len(ordered) else None
        if periods and periods[-1][1] == start:  # two dynamic-exit regimes in a row: one period
            start = periods.pop()[0]
        periods.append((start, end))
    return periods


def has_exited(
    eliminated_on: datetime.date | None, periods: Iterable[tuple[datetime.date, datetime.date | None]]
) -> bool:
    """P17: an elimination dated in a dynamic-exit period ends the object status without a label."""
    if eliminated_on is None:
        return False
    return any(start <= eliminated_on and (end is None or eliminated_on < end) for start, end in periods)
