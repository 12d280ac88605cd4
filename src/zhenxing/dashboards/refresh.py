"""Counting every figure once and keeping the counts (the dashboards' only write).

Each figure counts at its finest level; the counts are rolled up here to the township, county and prefecture
(a county-level figure only to the prefecture), so that any place's children are read as stored rows. The new
run's rows land in one transaction together with its audit event and the removal of the runs before the
previous one (kept for a page that has just read it): a page reads the previous run until the new one is
complete, and a failed refresh leaves the database as it was."""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.dashboards.catalogue import figures_in_order
from zhenxing.dashboards.figures.base import Count, Figure
from zhenxing.dashboards.models import Aggregate, AggregateRun
from zhenxing.divisions.codes import ancestors_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from zhenxing.accounts.models import User

BATCH = 5000
REFRESH_LOCK = 2_100_021  # pg_advisory_xact_lock key of the dashboards' refresh (issue 21)
Key = tuple[str, str, str]  # code, series, period


def _parent(code: str) -> str:
    ancestors = ancestors_of(code)
    return ancestors[-1] if ancestors else ""


def rolled_up(counts: Iterable[Count]) -> dict[Key, Decimal]:
    """The counts summed at their own place and at every place above it (figures yield no zeros except to mark a
    period, e.g. a month with no record anywhere)."""
    sums: dict[Key, Decimal] = defaultdict(Decimal)
    for count in counts:  # a zero is kept: a month with nothing anywhere is still one of the periods
        value = Decimal(count.value)
        for code in (count.code, *ancestors_of(count.code)):
            sums[(code, count.series, count.period)] += value
    return sums


def _rows(run: AggregateRun, figure: Figure, sums: dict[Key, Decimal]) -> Iterable[Aggregate]:
    for (code, series, period), value in sums.items():
        yield Aggregate(
            run=run,
            figure=figure.key,
            code=code,
            parent=_parent(code),
            series=series,
            period=period,
            value=value,
        )


def aggregates_refresh(
    *,
    actor: User | None,
    as_of: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> AggregateRun:
    """Count every registered figure as of `as_of` (today) and keep the counts as the new current run."""
    day = as_of or clock.today()
    started = timezone.now()
    clock_start = time.perf_counter()
    computed: list[tuple[Figure, dict[Key, Decimal]]] = []
    for figure in figures_in_order():  # counted outside the write transaction: reads only
        figure_start = time.perf_counter()
        computed.append((figure, rolled_up(figure.compute(day))))
        if progress is not None:
            progress(
                f"{figure.title}：{len(computed[-1][1])} 个数，{time.perf_counter() - figure_start:.1f} 秒"
            )
    with transaction.atomic():
        if (
            connection.vendor == "postgresql"
        ):  # two refreshes at once: the second waits, then replaces the first
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
        run = AggregateRun.objects.create(
            as_of=day, started_at=started, finished_at=started, seconds=0, row_count=0, actor=actor,
            versions={figure.key: figure.version for figure, _ in computed},
        )  # fmt: skip
        total = 0
        for figure, sums in computed:
            rows = list(_rows(run, figure, sums))
            Aggregate.objects.bulk_create(rows, batch_size=BATCH)
            total += len(rows)
        # the run before this one stays until the next refresh: a page that read it a moment ago still finds it
        previous = AggregateRun.objects.exclude(pk=run.pk).order_by("-finished_at", "-pk").first()
        AggregateRun.objects.exclude(pk__in=[run.pk, previous.pk if previous else run.pk]).delete()
        run.finished_at = timezone.now()
        run.seconds = round(time.perf_counter() - clock_start, 3)
        run.row_count = total
        run.save(update_fields=["finished_at", "seconds", "row_count"])
        audit.record(
            actor=actor,
            action="dashboards.refresh",
            target=run,
            new={"as_of": day.isoformat(), "rows": total, "seconds": run.seconds, "versions": run.versions},
        )
    if connection.vendor == "postgresql":
        # the new run's id is unknown to the planner's statistics until analysed: without this a place's children
        # are read through the wrong index (52 ms instead of 0.6 for the monitoring figure at scale 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dashboards_aggregate")
    return run
