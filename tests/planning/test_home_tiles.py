"""The planning tiles of a home page (P16, P11): each count is its list's — reports waiting for the user's review,
rectification tasks waiting for the user's step (with how many are late), a county's villages short of their
work team."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client

from tests.factories import division
from tests.planning.builders import TOWNSHIP, VILLAGE, an_assessment, days_from_today, planning_users
from zhenxing.common import clock
from zhenxing.planning import freeze, services
from zhenxing.planning.enums import SupervisionKind, SupervisionReason, TaskStatus
from zhenxing.planning.models import Indicator

pytestmark = pytest.mark.django_db
TILE = re.compile(r'data-testid="tile-(planning-[\w-]+)" data-count="(\d+)"')


def _tiles(user) -> dict[str, int]:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return {key: int(count) for key, count in TILE.findall(client.get("/").content.decode())}


def _listed(user, url: str, marker: str) -> int:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode().count(marker)


def test_p16_report_tiles_count_the_reports_waiting_for_each_reviewer() -> None:
    # given a township's value entered and another returned to its enterer
    users = planning_users()
    period = freeze.period_ensure(kind="year", year=2025, number=0)
    for code in ("entrepreneurship_leaders", "leaders_driven_people"):
        services.report_enter(
            actor=users.township, indicator=Indicator.objects.get(code=code), period=period,
            division=division(TOWNSHIP), value=Decimal("3"), evidence="花名册",
        )  # fmt: skip
    # then the township colleague has two to review, the enterer none, the county none yet
    assert _tiles(users.township_colleague)["planning-reports-waiting"] == 2
    assert _tiles(users.township)["planning-reports-waiting"] == 0
    assert _tiles(users.county)["planning-reports-waiting"] == 0
    # and the count is the 待我办理 list's
    assert _listed(users.township_colleague, "/planning/reports/?waiting=1", "data-report=") == 2


def test_p11_task_and_work_team_tiles_count_their_lists() -> None:
    # given a county under 挂牌督办 with two open tasks, one of them late, and a 脱贫村 without its team
    users = planning_users()
    supervision = services.supervision_open(
        assessment=an_assessment(),
        kind=SupervisionKind.LISTING,
        reasons=[SupervisionReason.GRADE],
        actor=None,
    )
    for title in ("逾期线索全部办结", "帮扶计划问题整改"):
        services.task_add(actor=users.prefecture, supervision=supervision, title=title, detail="",
                          owner="南涧县乡村振兴局", owner_person="张三", due_on=days_from_today(10))  # fmt: skip
    services.village_profile_set(
        actor=users.county, village=division(VILLAGE), flags={"is_tuopin_village": True}
    )
    # when the first task's deadline passes
    with clock.travel(clock.today() + datetime.timedelta(days=11)):
        tiles = _tiles(users.county)
        listed = _listed(users.county, "/planning/supervision/?waiting=1", "data-task=")
        short = _listed(users.county, "/planning/teams/?short=1", "data-village=")
    # then the county's tiles: two tasks waiting (both late), one village short
    assert tiles["planning-tasks-waiting"] == 2 == listed
    assert tiles["planning-team-shortfalls"] == 1
    assert short == 1
    # and the prefecture has nothing to close until the county reports
    assert _tiles(users.prefecture)["planning-tasks-waiting"] == 0
    task = supervision.tasks.first()
    services.task_move(actor=users.county, task=task, to=TaskStatus.SUBMITTED, result="已办结")
    assert _tiles(users.prefecture)["planning-tasks-waiting"] == 1
    assert _listed(users.prefecture, "/planning/supervision/?waiting=1", "data-task=") == 1
