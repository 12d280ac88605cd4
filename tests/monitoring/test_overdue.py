"""超期: the tab, the ranking and the badges on the case list are one definition (the kernel's overdue query).
They used to disagree: the badge looked only at the step's own limit (`step_due < today`), so a case at the
township or county step — which has no limit of its own, only the whole procedure's — was counted in the
tab and the ranking but never badged."""

from __future__ import annotations

import datetime

import pytest

from zhenxing.monitoring.identification import selectors
from zhenxing.monitoring.models import Case

from ..conftest import VILLAGE
from .helpers import people

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 10, 20)


def _case(status: str, *, step_due: datetime.date | None, due: datetime.date, **extra: object) -> Case:
    return Case.objects.create(
        village_id=VILLAGE, source="cadre", status=status, step_started_on=D(2025, 9, 1), step_due=step_due, due=due,
        opened_at=datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC), **extra,
    )  # fmt: skip


def test_the_overdue_tab_counts_exactly_the_cases_the_list_badges(client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(TODAY)
    user = people()
    late_step = _case("analysis", step_due=D(2025, 10, 17), due=D(2025, 11, 3))
    late_whole = _case("township_review", step_due=None, due=D(2025, 10, 17))  # no step limit of its own
    due_today = _case("investigation", step_due=TODAY, due=D(2025, 11, 3))  # due today is not late yet
    _case("county_decision", step_due=None, due=D(2025, 11, 3))
    _case("rejected", step_due=None, due=D(2025, 10, 1), rejection_reason="不符合", closed_at=datetime.datetime(2025, 10, 2, tzinfo=datetime.UTC))  # fmt: skip
    client.force_login(user["county"])

    overdue_tab = client.get("/cases/?tab=overdue").content.decode()
    open_tab = client.get("/cases/?tab=open").content.decode()

    overdue_rows = {case.pk for case in client.get("/cases/?tab=overdue").context["cases"]}
    assert overdue_rows == {late_step.pk, late_whole.pk}
    assert overdue_tab.count("data-overdue") == len(overdue_rows)
    assert open_tab.count("data-overdue") == len(overdue_rows)  # the same cases badged among all open ones
    assert sum(count for _, count in selectors.overdue_ranking(user=user["county"], today=TODAY)) == 2
    detail = client.get(f"/cases/{late_whole.pk}/").content.decode()
    assert "已超期" in detail
    assert "已超期" not in client.get(f"/cases/{due_today.pk}/").content.decode()
