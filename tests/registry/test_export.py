"""The registry export is exactly the search result: the same selector and every filter of the search form."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.registry import services
from zhenxing.registry.layout import MEMBER_SHEET
from zhenxing.registry.models import Household

from ..conftest import SAME_TOWNSHIP_VILLAGE, TOWNSHIP, VILLAGE
from ..factories import make_household, make_user

pytestmark = pytest.mark.django_db


def _exported_codes(content: bytes) -> set[str]:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(MEMBER_SHEET).to_python()
    return {str(row[0]) for row in rows[1:]}


def _searched_codes(client: Client, query: dict[str, Any]) -> set[str]:
    response = client.get("/households/", query)
    assert response.status_code == 200
    return {h.code for h in response.context["results"]}


@pytest.fixture
def households() -> list[Household]:
    made = []
    for index, (village, name, dibao) in enumerate(
        [(VILLAGE, "杨建国", False), (VILLAGE, "段志强", True), (SAME_TOWNSHIP_VILLAGE, "杨永平", True)]
    ):
        household = make_household(village, code=f"EXP-{index}", head_name=name)
        assert isinstance(household, Household)
        if dibao:
            head = household.memberships.get(relation="户主")
            services.person_update(actor=None, person=head.person, household=household, dibao=True)
        made.append(household)
    return made


@pytest.mark.parametrize(
    "query",
    [
        {"name": "杨"},
        {"name": "段"},
        {"name": "无此人"},
        {"dibao": "true"},
        {"dibao": "false"},
        {"name": "杨", "dibao": "true"},
        {"village": SAME_TOWNSHIP_VILLAGE},
        {"kind": "脱贫户", "disability": "false"},
        {"relocated": "true"},
        {"code": "EXP-1"},
    ],
)
def test_export_is_exactly_the_search_result(
    client: Client, households: list[Household], query: dict[str, str]
) -> None:
    # given
    client.force_login(make_user(Role.TOWNSHIP, TOWNSHIP))
    # when
    searched = _searched_codes(client, query)
    response = client.get("/households/export.xlsx", query)
    # then
    assert response.status_code == 200
    assert _exported_codes(response.content) == searched
    event = AuditEvent.objects.filter(action="registry.export").latest("id")
    assert event.new_values == {"households": len(searched), "filters": sorted(query)}


def test_a_name_search_that_finds_nothing_exports_nothing(
    client: Client, households: list[Household]
) -> None:
    client.force_login(make_user(Role.TOWNSHIP, TOWNSHIP))
    response = client.get("/households/export.xlsx", {"name": "无此人", "dibao": "true"})
    assert _exported_codes(response.content) == set()


def test_export_without_filters_is_the_whole_scope(client: Client, households: list[Household]) -> None:
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    response = client.get("/households/export.xlsx")
    assert _exported_codes(response.content) == {"EXP-0", "EXP-1"}
