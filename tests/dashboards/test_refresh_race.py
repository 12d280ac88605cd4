"""Two refreshes at once on PostgreSQL (a timer's and an operator's): the second waits for the first's lock, then
replaces it; no run is half written and the pages read the last one."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.dashboards.world import TODAY, dashboard_world
from tests.race import race, refusals
from zhenxing.dashboards.models import Aggregate, AggregateRun
from zhenxing.dashboards.refresh import aggregates_refresh
from zhenxing.dashboards.selectors import current_run

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"
    ),
]


def test_two_refreshes_at_once_are_one_after_the_other_and_both_complete(clock_at, shipped_data) -> None:  # type: ignore[no-untyped-def]
    # given a counted world
    clock_at(TODAY)
    first = dashboard_world(freeze_and_assess=False)
    # when two refreshes run at once
    outcomes = race([lambda: aggregates_refresh(actor=None, as_of=TODAY)] * 2)
    # then both complete, each with every row, and the pages read the later one
    assert refusals(outcomes) == []
    runs = [run for run, _ in outcomes]
    for run in runs:
        if AggregateRun.objects.filter(pk=run.pk).exists():
            assert Aggregate.objects.filter(run_id=run.pk).count() == run.row_count == first.row_count
    latest = max(runs, key=lambda run: run.finished_at)
    assert current_run() == latest
    # and the one before it is kept, nothing older
    assert AggregateRun.objects.count() == 2
