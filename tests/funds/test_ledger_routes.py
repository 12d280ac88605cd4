"""Every ledger route with an object key, as every role (P14; docs/design.md: every read scoped): a finance
bureau of 南涧 and the prefecture's bureau, the county's 乡村振兴局 and the prefecture (auditors) open what is in
their counties; a bureau of another county finds nothing (404); a role without the capability is refused (403).
A POST in scope either does its write (302) or shows the form's problems (422)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from .ledger_world import ledger_world

pytestmark = pytest.mark.django_db

FUNDS_LEDGER_ROUTES: dict[str, Callable[[dict[str, Any]], str]] = {
    "funds:allocation_detail": lambda o: f"/funds/allocations/{o['allocation']}/",
    "funds:allocation_lines_add": lambda o: f"/funds/allocations/{o['allocation']}/lines/",
    "funds:line_detail": lambda o: f"/funds/lines/{o['line']}/",
    "funds:split_create": lambda o: f"/funds/lines/{o['line']}/splits/",
    "funds:split_detail": lambda o: f"/funds/splits/{o['split']}/",
    "funds:split_confirm": lambda o: f"/funds/splits/{o['proposed']}/confirm/",
    "funds:split_refuse": lambda o: f"/funds/splits/{o['proposed']}/refuse/",
    "funds:payment_create": lambda o: f"/funds/splits/{o['split']}/payments/",
    "funds:payment_reverse": lambda o: f"/funds/payments/{o['payment']}/reverse/",
    "funds:project_money": lambda o: f"/funds/projects/{o['project']}/",
}
POST_ROUTES = {
    "funds:allocation_lines_add", "funds:split_create", "funds:split_confirm", "funds:split_refuse",
    "funds:payment_create", "funds:payment_reverse",
}  # fmt: skip
READERS = ("finance", "prefecture_finance", "county", "prefecture")
FINANCE = ("finance", "prefecture_finance")
SPLITTERS = (*FINANCE, "county")  # the county's 乡村振兴局 proposes
NO_CAPABILITY = ("village", "township", "county_sector", "department", "admin")
ROLES = (*READERS, *NO_CAPABILITY, "other_finance")


def expected(route: str, role: str) -> set[int]:
    if role in NO_CAPABILITY:
        return {403}
    if role == "other_finance":
        return {404}
    if route not in POST_ROUTES:
        return {200}
    writers = SPLITTERS if route == "funds:split_create" else FINANCE
    return {302, 422} if role in writers else {403}


@pytest.mark.parametrize("route", sorted(FUNDS_LEDGER_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_p14_every_ledger_route_by_role(route: str, role: str) -> None:
    world = ledger_world()
    client = Client()
    client.force_login(world["users"][role])
    url = FUNDS_LEDGER_ROUTES[route](world)
    response = client.post(url, {}) if route in POST_ROUTES else client.get(url)
    assert response.status_code in expected(route, role), (role, url, response.status_code)


# the lists are of the user's own counties: another county's bureau opens them too (and sees its own)
LISTS = {
    "/funds/": (*READERS, "other_finance"), "/funds/splits/": (*READERS, "other_finance"),
    "/funds/allocations/new/": (*FINANCE, "other_finance"),
}  # fmt: skip


@pytest.mark.parametrize("url", sorted(LISTS))
def test_p14_the_ledger_lists_open_for_their_roles_only(url: str) -> None:
    world = ledger_world()
    for role in ROLES:
        client = Client()
        client.force_login(world["users"][role])
        wanted = 200 if role in LISTS[url] else 403
        assert client.get(url).status_code == wanted, (role, url)


def test_p14_another_countys_bureau_sees_no_document_of_nanjian_in_its_list() -> None:
    world = ledger_world()
    client = Client()
    client.force_login(world["users"]["other_finance"])
    page = client.get("/funds/").content.decode()
    assert "南财农〔2026〕1号" not in page
    client.force_login(world["users"]["finance"])
    assert "南财农〔2026〕1号" in client.get("/funds/").content.decode()
