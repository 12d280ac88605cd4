"""The Chinese UI shell: home with jurisdiction counts, division browser with htmx expansion, 404 page."""

from __future__ import annotations

import pytest
from django.test import Client

from zhenxing.accounts.models import User

from .conftest import OTHER_COUNTY_VILLAGE, TOWNSHIP

pytestmark = pytest.mark.django_db


def test_anonymous_home_redirects_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_shows_jurisdiction_and_counts_beneath(client: Client, county_user: User) -> None:
    client.force_login(county_user)
    html = client.get("/").content.decode()
    assert "南涧彝族自治县" in html
    assert 'data-testid="count-townships">8<' in html
    assert 'data-testid="count-villages">81<' in html
    assert "省级乡村振兴重点帮扶县" in html


def test_prefecture_home_counts_the_whole_of_dali(client: Client, prefecture_user: User) -> None:
    client.force_login(prefecture_user)
    html = client.get("/").content.decode()
    assert 'data-testid="count-counties">12<' in html
    assert 'data-testid="count-townships">112<' in html
    assert 'data-testid="count-villages">1159<' in html


def test_navigation_follows_role(client: Client, village_user: User, county_user: User) -> None:
    client.force_login(village_user)
    assert "审计日志" not in client.get("/").content.decode()
    client.force_login(county_user)
    assert "审计日志" in client.get("/").content.decode()


def test_division_children_partial_for_htmx(client: Client, township_user: User) -> None:
    client.force_login(township_user)
    html = client.get(f"/divisions/{TOWNSHIP}/children/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html
    assert "西山村" in html
    assert "团山村" in html


def test_not_found_page_is_chinese(client: Client, village_user: User) -> None:
    client.force_login(village_user)
    response = client.get(f"/divisions/{OTHER_COUNTY_VILLAGE}/")
    assert response.status_code == 404
    assert "页面未找到" in response.content.decode()


def test_pages_are_usable_on_a_phone(client: Client, village_user: User) -> None:
    client.force_login(village_user)
    html = client.get("/").content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
