"""到户类 assets link to their household (P15): the household page and its 责任追溯 show them."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from tests.assets.builders import accepted_project, asset_input, asset_users, care, registered
from tests.conftest import VILLAGE
from tests.factories import make_household
from zhenxing.assets import services
from zhenxing.assets.inputs import OwnerInput
from zhenxing.common import clock

pytestmark = pytest.mark.django_db


def _household_asset(users):  # type: ignore[no-untyped-def]
    household = make_household(VILLAGE, year=None)
    project = accepted_project(users)
    (cattle,) = registered(users, project, asset_input(name="能繁母牛", asset_type_code="livestock", quantity="2",
                                                       value="1.6"))  # fmt: skip
    owner = OwnerInput(kind="household", name=f"农户 {household.code}", document="到户资产确认书〔2026〕7号",
                       on=clock.today() - datetime.timedelta(days=3), household=household)  # fmt: skip
    cattle = services.asset_confirm(actor=users["county"], asset=cattle, owner=owner)
    services.asset_hand_over(actor=users["county"], asset=cattle, on=clock.today() - datetime.timedelta(days=2),
                             receiver=f"农户 {household.code}", care=care(unit="农户自管", person="户主"))  # fmt: skip
    return household, cattle


def test_p15_household_page_lists_its_household_assets(client: Client) -> None:
    users = asset_users()
    household, cattle = _household_asset(users)
    client.force_login(users["village"])
    page = client.get(f"/households/{household.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "到户类资产" in html and "能繁母牛" in html and f"/assets/{cattle.pk}/" in html


def test_p15_household_trace_shows_the_asset_registered_owned_and_handed_over(client: Client) -> None:
    users = asset_users()
    household, cattle = _household_asset(users)
    client.force_login(users["county"])
    page = client.get(f"/cases/trace/{household.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"登记到户类资产 {cattle.code}" in html and "确权到户" in html and "移交到户" in html
