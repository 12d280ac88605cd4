"""The asset register's chain at the service level (P15): two assets registered from an accepted project within
what was paid, 确权, 移交 (the project reaches 资产移交 with the last one), an inspection, a year's income."""

from __future__ import annotations

import datetime

import pytest

from tests.assets.builders import accepted_project, asset_input, asset_users, handed_over, registered
from zhenxing.assets import upkeep
from zhenxing.assets.models import Asset
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def test_p15_two_assets_from_one_project_split_paid_money_by_source_and_hand_over_the_project() -> None:
    # given an accepted project with 80 万元 paid (central 60, county 20)
    users = asset_users()
    project = accepted_project(users)
    # when two assets are registered from it (50 + 30 万元: all that was paid)
    road, station = registered(
        users, project, asset_input(), asset_input(name="候车亭", asset_type_code="activity_venue", quantity="1",
                                                   value="30"),
    )  # fmt: skip
    # then each one's fund shares follow the payments and sum to its value
    shares = {asset.name: {s.source: s.amount_fen for s in asset.shares.all()} for asset in (road, station)}
    assert shares["大村组硬化道路"] == {"central": 37_500_000, "county": 12_500_000}
    assert shares["候车亭"] == {"central": 22_500_000, "county": 7_500_000}
    assert AuditEvent.objects.filter(action="asset.register").count() == 2
    # and a third asset finds nothing left to take
    with pytest.raises(InvalidInput) as refused:
        registered(users, project, asset_input(name="路灯", value="0.01"))
    assert "超过项目已支付" in refused.value.message
    # when the first is handed over the project waits for the second
    handed_over(users, road)
    project.refresh_from_db()
    assert project.status == "accepted"
    # when the second is handed over, the project is 资产移交
    handed_over(users, station)
    project.refresh_from_db()
    assert project.status == "handed_over"
    assert AuditEvent.objects.filter(action="project.assets_handed_over").count() == 1
    road.refresh_from_db()
    assert road.status == "handed_over" and road.care_unit == "西山村委会"
    assert road.inspection_due == road.handed_over_on + datetime.timedelta(days=365)


def test_p15_inspection_sets_condition_and_next_due_and_income_only_for_operating_assets() -> None:
    users = asset_users()
    project = accepted_project(users)
    (road,) = registered(users, project)
    road = handed_over(users, road)
    on = clock.today() - datetime.timedelta(days=1)
    upkeep.inspection_record(
        actor=users["village"], asset=road, on=on, outcome="idle", notes="道路少有车辆通行"
    )
    road.refresh_from_db()
    assert road.condition == "idle" and road.inspection_due == on + datetime.timedelta(days=365)
    event = AuditEvent.objects.get(action="asset.inspect")
    assert event.new_values["outcome"] == "idle"
    with pytest.raises(Conflict):
        upkeep.asset_income_record(actor=users["village"], asset=road, year=clock.today().year, amount="100",
                                     evidence="无")  # fmt: skip
    assert not Asset.objects.filter(incomes__isnull=False).exists()
