"""The asset register's tiles on the home page (P15): each count is the length of the list it links to."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.assets.builders import accepted_project, asset_input, asset_users, handed_over, registered
from zhenxing.assets import disposals
from zhenxing.assets.inputs import DisposalInput
from zhenxing.assets.todo import asset_tiles
from zhenxing.common import clock

pytestmark = pytest.mark.django_db


def _tiles(user):  # type: ignore[no-untyped-def]
    return {tile.key: tile for tile in asset_tiles(user, clock.today())}


def test_p15_county_tiles_count_projects_to_register_and_waiting_disposals(client: Client) -> None:
    users = asset_users()
    project = accepted_project(users)
    assert _tiles(users["county"])["assets-to-register"].value == 1
    (road,) = registered(users, project, asset_input(value="80"))  # everything paid is registered
    assert _tiles(users["county"])["assets-to-register"].value == 0
    road = handed_over(users, road)
    data = DisposalInput(
        kind="scrap", reason="道路改线废弃", valuation="1", valuation_basis="评估报告〔2026〕1号"
    )
    disposals.disposal_apply(actor=users["village"], asset=road, data=data)
    tile = _tiles(users["township"])["assets-disposals-waiting"]
    assert tile.value == 1 and tile.url == "/assets/disposals/?waiting=1"
    listed = client
    listed.force_login(users["township"])
    page = listed.get(tile.url)
    assert page.status_code == 200 and road.code in page.content.decode()
    assert "assets-disposals-waiting" not in _tiles(
        users["village"]
    )  # the village applies, it does not decide


def test_p15_home_page_shows_the_asset_tiles(client: Client) -> None:
    users = asset_users()
    client.force_login(users["county"])
    html = client.get("/").content.decode()
    assert 'data-testid="asset-todo"' in html and 'data-testid="tile-assets-quality"' in html
    client.force_login(users["finance"])
    assert 'data-testid="asset-todo"' not in client.get("/").content.decode()


def test_p15_each_asset_tile_counts_what_its_list_shows(client: Client) -> None:
    # given a village whose plan waits for its next meeting and a road found idle without a care unit
    from tests.assets.builders import collective_owner, heads_of, meeting, village_households
    from tests.conftest import VILLAGE
    from zhenxing.assets import distribution, services, upkeep
    from zhenxing.assets.inputs import PayoutInput, PlanInput, PlanLineInput

    users = asset_users()
    (road,) = registered(users, accepted_project(users), asset_input(value="80"))
    road = services.asset_confirm(actor=users["county"], asset=road, owner=collective_owner())
    road = services.asset_hand_over(
        actor=users["county"], asset=road, on=clock.today(), receiver="西山村委会", care=None
    )
    upkeep.inspection_record(
        actor=users["village"], asset=road, on=clock.today(), outcome="idle", notes="少有车辆"
    )
    heads = heads_of(village_households(3))
    distribution.plan_create(
        actor=users["village"],
        data=PlanInput(village_code=VILLAGE, year=clock.today().year, title="劳务分配", income="5000", meeting=meeting(),
                       lines=(PlanLineInput("labour", "道路养护", "", tuple(PayoutInput(p, "300") for p in heads)),)),
    )  # fmt: skip
    for role in ("village", "county"):
        client.force_login(users[role])
        for tile in asset_tiles(users[role], clock.today()):
            response = client.get(tile.url)
            assert response.status_code == 200, tile.url
            context = response.context
            if tile.key == "assets-to-register":
                listed = len(context["waiting"])
            elif "paged" in context:
                listed = context["paged"].total
            else:
                listed = len(context["rows"])
            assert listed == tile.value, (role, tile.key, tile.url)
    tiles = {tile.key: tile.value for tile in asset_tiles(users["county"], clock.today())}
    assert tiles["assets-quality"] == 1 and tiles["assets-idle"] == 1  # no care unit; found idle
    assert {t.key: t.value for t in asset_tiles(users["village"], clock.today())}["assets-plans-waiting"] == 1
