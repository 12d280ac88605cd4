"""Forms offer only what the register accepts (P15), and odd numbers are refused in plain Chinese: an owner kind by
the asset's category, no disposal before 确权, 核销 only after a loss was found, no scientific notation, no
implausible yearly income; the collective pages open on the latest year with figures."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.assets.builders import accepted_project, asset_input, asset_users, collective_owner, registered
from tests.conftest import VILLAGE
from zhenxing.assets import collective, services, upkeep
from zhenxing.common import clock
from zhenxing.common.errors import InvalidInput

pytestmark = pytest.mark.django_db


def test_p15_owner_kinds_follow_the_category_and_disposal_waits_for_an_owner(client: Client) -> None:
    users = asset_users()
    road, cattle = registered(users, accepted_project(users), asset_input(),
                              asset_input(name="母牛", asset_type_code="livestock", quantity="1", value="1"))  # fmt: skip
    client.force_login(users["county"])
    road_page = client.get(f"/assets/{road.pk}/").content.decode()
    assert 'value="household"' not in road_page and 'value="collective"' in road_page
    cattle_page = client.get(f"/assets/{cattle.pk}/").content.decode()
    assert 'value="household"' in cattle_page and 'value="collective"' not in cattle_page
    assert 'data-testid="apply-disposal"' not in road_page  # nobody owns it yet
    services.asset_confirm(actor=users["county"], asset=road, owner=collective_owner())
    assert 'data-testid="apply-disposal"' in client.get(f"/assets/{road.pk}/").content.decode()
    form = client.get(f"/assets/{road.pk}/disposals/new/").content.decode()
    assert 'value="scrap"' in form and 'value="write_off"' not in form  # no loss was found


def test_p15_scientific_notation_and_implausible_incomes_are_refused() -> None:
    users = asset_users()
    (station,) = registered(
        users,
        accepted_project(users),
        asset_input(name="光伏电站", asset_type_code="photovoltaic", quantity="1", value="40"),
    )
    with pytest.raises(InvalidInput, match="科学计数法"):
        registered(users, accepted_project(users, doc_number="南财农〔2026〕10号", name="另一条路"),
                   asset_input(quantity="1e3"))  # fmt: skip
    with pytest.raises(InvalidInput, match="科学计数法"):
        upkeep.asset_income_record(actor=users["village"], asset=station, year=clock.today().year, amount="1e9",
                                   evidence="电费单")  # fmt: skip
    with pytest.raises(InvalidInput, match="超过1亿元"):
        upkeep.asset_income_record(actor=users["village"], asset=station, year=clock.today().year,
                                   amount="1000000000", evidence="电费单")  # fmt: skip
    with pytest.raises(InvalidInput, match="超过1亿元"):
        collective.collective_income_record(
            actor=users["township"],
            village_code=VILLAGE,
            year=clock.today().year - 1,
            amount="100000000.01",
            evidence="报表",
        )


def test_p11_the_collective_page_opens_on_the_latest_year_with_figures(client: Client) -> None:
    users = asset_users()
    year = clock.today().year - 3
    collective.collective_income_record(actor=users["township"], village_code=VILLAGE, year=year, amount="30000",
                                        evidence="年度报表")  # fmt: skip
    client.force_login(users["county"])
    page = client.get("/assets/collective/tiers/").content.decode()
    assert f"{year}年" in page
