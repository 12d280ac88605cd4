"""The asset register's pages (P15): who opens which route (REGISTER_ROUTES, for the jurisdiction matrix), the
register's filters and its card of accepted projects waiting for their assets, an asset's page with the forms
each role may use, and its files served only in scope."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.assets.builders import accepted_project, asset_input, asset_users, handed_over, registered
from tests.conftest import COUNTY, VILLAGE
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.assets import upkeep
from zhenxing.assets.models import Asset
from zhenxing.common import clock

pytestmark = pytest.mark.django_db

# route name → URL, from ids: "asset" (an asset's pk), "project" (an accepted project's pk), "file" (an asset
# attachment's pk)
REGISTER_ROUTES: dict[str, Callable[[dict[str, Any]], str]] = {
    "assets:list": lambda ids: "/assets/",
    "assets:enter_legacy": lambda ids: "/assets/new/",
    "assets:register_from_project": lambda ids: f"/assets/projects/{ids['project']}/register/",
    "assets:detail": lambda ids: f"/assets/{ids['asset']}/",
    "assets:attachment": lambda ids: f"/assets/files/{ids['file']}/",
    "assets:confirm": lambda ids: f"/assets/{ids['asset']}/confirm/",
    "assets:hand_over": lambda ids: f"/assets/{ids['asset']}/hand-over/",
    "assets:care": lambda ids: f"/assets/{ids['asset']}/care/",
    "assets:inspect": lambda ids: f"/assets/{ids['asset']}/inspect/",
    "assets:income": lambda ids: f"/assets/{ids['asset']}/income/",
    "assets:household_end": lambda ids: f"/assets/{ids['asset']}/household-end/",
}

# each route's capability (who may ask at all), the roles in scope of the world's asset and project, and their
# status; a GET of a form's POST route goes back to the asset's page (302)
CAPABLE = {
    "view": {"village", "township", "county", "transport", "agriculture", "prefecture", "other_county"},
    "manage": {"county", "transport", "agriculture", "other_county"},
    "tend": {"village", "township", "county", "other_county"},
}
VIEWERS = {"village", "township", "county", "transport", "prefecture"}
MANAGERS = {"county", "transport"}
TENDERS = {"village", "township", "county"}
ROUTE_ROLES: dict[str, tuple[str, set[str], int]] = {
    "assets:list": ("view", VIEWERS, 200),
    "assets:enter_legacy": ("manage", MANAGERS, 200),
    "assets:register_from_project": ("manage", MANAGERS, 200),
    "assets:detail": ("view", VIEWERS, 200),
    "assets:attachment": ("view", VIEWERS, 200),
    "assets:confirm": ("manage", MANAGERS, 302),
    "assets:hand_over": ("manage", MANAGERS, 302),
    "assets:care": ("manage", MANAGERS, 302),
    "assets:inspect": ("tend", TENDERS, 302),
    "assets:income": ("tend", TENDERS, 302),
    "assets:household_end": ("tend", TENDERS, 302),
}
# routes without an object in the URL: a capable officer elsewhere opens their own page
UNSCOPED = {"assets:list", "assets:enter_legacy"}


def expected_status(name: str, role: str) -> int:
    capability, in_scope, ok = ROUTE_ROLES[name]
    if role in in_scope:
        return ok
    if role not in CAPABLE[capability]:
        return 403
    return 200 if name in UNSCOPED else 404


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def png(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def route_world() -> tuple[dict[str, User], dict[str, Any]]:
    """西山村's road registered from an accepted project (transport's sector), handed over, inspected with a photo;
    a pavilion registered beside it keeps the project 验收 with 20 万元 to register."""
    users = asset_users()
    users["department"] = make_user(Role.DEPARTMENT, username="a_yibao")
    users["admin"] = make_user(Role.ADMIN, username="a_admin")
    project = accepted_project(users)
    road, _pavilion = registered(
        users,
        project,
        asset_input(),
        asset_input(name="候车亭", asset_type_code="activity_venue", value="10"),
    )
    road = handed_over(users, road)  # the pavilion, still registered, keeps the project 验收
    inspection = upkeep.inspection_record(
        actor=users["village"], asset=road, on=clock.today(), outcome="good", photos=[png()]
    )
    ids = {"asset": road.pk, "project": project.pk, "file": inspection.photos.get().pk}
    return users, ids


def test_p15_register_routes_by_role() -> None:
    """In scope with the capability: 200 (a form's POST route answers a GET with 302 to the asset's page); in
    scope without it, and finance, department, admin: 403; another county, another sector: 404."""
    users, ids = route_world()
    for name, url in REGISTER_ROUTES.items():
        for role, user in users.items():
            response = client_of(user).get(url(ids))
            assert response.status_code == expected_status(name, role), (
                f"{role} {name}: {response.status_code}"
            )


def test_p15_the_register_filters_marks_overdue_and_lists_projects_to_register() -> None:
    # given a handed-over road and a registered pavilion of the same project
    users = asset_users()
    project = accepted_project(users)
    road, pavilion = registered(
        users,
        project,
        asset_input(),
        asset_input(name="候车亭", asset_type_code="activity_venue", value="10"),
    )
    road = handed_over(users, road)
    Asset.objects.filter(pk=road.pk).update(inspection_due=clock.today().replace(year=clock.today().year - 1))
    # when the county opens the register
    html = client_of(users["county"]).get("/assets/").content.decode()
    # then both rows show, the road's inspection overdue, and the project waits with 20 万元 to register
    assert road.code in html and pavilion.code in html and 'data-testid="overdue"' in html
    assert "待登记资产的验收项目" in html and f'data-project="{project.pk}"' in html and "20.00" in html
    # when filtered by status and by a search
    html = client_of(users["county"]).get("/assets/?status=registered").content.decode()
    assert pavilion.code in html and road.code not in html
    html = client_of(users["village"]).get("/assets/?q=候车").content.decode()
    assert pavilion.code in html and road.code not in html and "待登记资产的验收项目" not in html
    # the prefecture filters by county; another county's assets are none of this county's filter
    html = client_of(users["prefecture"]).get(f"/assets/?county={COUNTY}&category=public").content.decode()
    assert road.code in html and 'name="county"' in html
    html = client_of(users["prefecture"]).get("/assets/?county=532901").content.decode()
    assert road.code not in html and "没有符合条件的资产" in html


def test_p15_the_asset_page_shows_each_form_only_where_allowed() -> None:
    users, ids = route_world()
    url = f"/assets/{ids['asset']}/"
    county = client_of(users["county"]).get(url).content.decode()
    # handed over: no 确权 or 移交 form; care for the county; inspection for the county (TEND_ASSETS)
    assert 'data-testid="confirm-form"' not in county and 'data-testid="hand-over-form"' not in county
    assert 'data-testid="care-form"' in county and 'data-testid="inspect-form"' in county
    assert 'data-testid="income-form"' not in county  # a road is 公益性
    assert f'href="/assets/{ids["asset"]}/disposals/new/"' in county
    assert f'src="/assets/files/{ids["file"]}/"' in county  # the inspection's photo
    village = client_of(users["village"]).get(url).content.decode()
    assert 'data-testid="care-form"' not in village and 'data-testid="inspect-form"' in village
    transport = client_of(users["transport"]).get(url).content.decode()
    assert 'data-testid="care-form"' in transport and 'data-testid="inspect-form"' not in transport
    assert "apply-disposal" not in transport
    prefecture = client_of(users["prefecture"]).get(url).content.decode()
    assert f'action="/assets/{ids["asset"]}/' not in prefecture and "apply-disposal" not in prefecture


def test_p15_a_file_is_served_as_its_accepted_type_and_only_in_scope() -> None:
    users, ids = route_world()
    response = client_of(users["township"]).get(f"/assets/files/{ids['file']}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == png_bytes()
    assert client_of(users["other_county"]).get(f"/assets/files/{ids['file']}/").status_code == 404
    assert client_of(users["village"]).get("/assets/files/999999/").status_code == 404


def test_p15_registration_form_offers_blank_rows_and_one_more_on_request() -> None:
    users = asset_users()
    project = accepted_project(users)
    html = client_of(users["county"]).get(f"/assets/projects/{project.pk}/register/").content.decode()
    assert (
        html.count("<fieldset") == 3 and "60.00" in html and "再加一行" in html and 'href="?rows=4"' in html
    )
    html = client_of(users["county"]).get(f"/assets/projects/{project.pk}/register/?rows=5").content.decode()
    assert html.count("<fieldset") == 5 and 'name="rows" value="5"' in html
    assert 'value="road"' in html and '<optgroup label="公益性">' in html and f'value="{VILLAGE}"' in html
