"""The work-team pages (P11): who opens which route (TEAM_ROUTES, for the jurisdiction matrix), the county's and
the prefecture's lists with the shortfalls first and the 只看缺配 filter, a village's page with the county's
forms (flags, add a member, end a member), Chinese errors beside the fields, audited writes and export."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import division, make_user
from tests.planning.builders import COUNTY, TOWNSHIP, VILLAGE, planning_users
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.planning.enums import TeamRole
from zhenxing.planning.models import VillageProfile, WorkTeamMember

pytestmark = pytest.mark.django_db

OTHER_COUNTY_VILLAGE = "532923100201"
VIEWERS = {"township": 200, "county": 200, "county_sector": 200, "prefecture": 200}
NO_VIEW = {"village": 403, "finance": 403, "department": 403, "admin": 403}
# a write: in scope the county writes (302 back to the village), the other viewers are refused (403); the other
# county does not see the village (404)
WRITE = {
    **NO_VIEW,
    "township": 403,
    "county_sector": 403,
    "prefecture": 403,
    "other_county": 404,
    "county": 302,
}

# (url name, kwargs from the ids {"village", "county", "member"}, {role: status}); POST routes in TEAM_POSTS
TEAM_ROUTES: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = [
    ("planning:teams", lambda ids: {}, {**VIEWERS, **NO_VIEW, "other_county": 200}),
    ("planning:teams_county", lambda ids: {"code": ids["county"]},
     {**VIEWERS, **NO_VIEW, "township": 404, "other_county": 404}),
    ("planning:teams_xlsx", lambda ids: {}, {**VIEWERS, **NO_VIEW, "other_county": 200}),
    ("planning:team_village", lambda ids: {"code": ids["village"]}, {**VIEWERS, **NO_VIEW, "other_county": 404}),
    ("planning:team_village_flags", lambda ids: {"code": ids["village"]}, WRITE),
    ("planning:team_member_add", lambda ids: {"code": ids["village"]}, WRITE),
    ("planning:team_member_end", lambda ids: {"pk": ids["member"]}, WRITE),
]  # fmt: skip
TEAM_POSTS = {
    "planning:team_village_flags": {"is_tuopin_village": "on"},
    "planning:team_member_add": {"name": "李华", "role": TeamRole.MEMBER, "unit": "州财政局", "starts_on": "2025-01-01"},
    "planning:team_member_end": {"ends_on": "2025-06-30", "reason": "期满轮换"},
}  # fmt: skip


def role_users() -> dict[str, User]:
    users = planning_users()
    return {
        "village": make_user(Role.VILLAGE, VILLAGE, username="t_cun"),
        "township": users.township,
        "county_sector": users.human_resources,
        "prefecture": users.prefecture,
        "finance": make_user(Role.FINANCE, COUNTY, username="t_caizheng"),
        "department": make_user(Role.DEPARTMENT, username="t_bumen"),
        "admin": make_user(Role.ADMIN, username="t_admin"),
        "other_county": users.other_county,
        "county": users.county,  # last: its writes succeed
    }


def a_member(code: str = VILLAGE, role: str = TeamRole.FIRST_SECRETARY, **extra: Any) -> WorkTeamMember:
    recorder = User.objects.filter(role=Role.COUNTY).first() or make_user(
        Role.COUNTY, COUNTY, username="t_rec"
    )
    return WorkTeamMember.objects.create(
        village=division(code), county=division(code[:6]), name="张明", role=role, unit="州农业农村局",
        starts_on=datetime.date(2024, 1, 1), recorded_by=recorder, **extra,
    )  # fmt: skip


@pytest.mark.parametrize("route", [route for route, _, _ in TEAM_ROUTES])
def test_p11_team_routes_by_role(client: Client, route: str) -> None:
    # given every role and a village of 南涧 with a first secretary
    users = role_users()
    VillageProfile.objects.create(village=division(VILLAGE), weak_party_organisation=True)
    ids = {"village": VILLAGE, "county": COUNTY, "member": a_member().pk}
    _, kwargs, expected = next(row for row in TEAM_ROUTES if row[0] == route)
    url = reverse(route, kwargs=kwargs(ids))
    # when each role asks, then the status is the table's
    seen = {}
    for role, user in users.items():
        client.force_login(user)
        response = client.post(url, TEAM_POSTS[route]) if route in TEAM_POSTS else client.get(url)
        seen[role] = response.status_code
    assert seen == {role: expected[role] for role in users}


def test_p11_county_list_shows_shortfalls_first_with_reason_and_filter(client: Client) -> None:
    # given one village met and one short in 南涧
    users = planning_users()
    VillageProfile.objects.create(village=division(VILLAGE), weak_party_organisation=True)
    VillageProfile.objects.create(village=division("532926101204"), red_village_pilot=True)
    a_member(VILLAGE)
    client.force_login(users.county)
    # when the county opens its list
    page = client.get("/planning/teams/").content.decode()
    # then the short village comes first with its reason in Chinese, and the counts
    assert page.index('data-village="532926101204"') < page.index(f'data-village="{VILLAGE}"')
    assert "缺第一书记" in page and "已配齐" in page
    # and 只看缺配 leaves the met one out
    short = client.get("/planning/teams/?short=1").content.decode()
    assert 'data-village="532926101204"' in short and f'data-village="{VILLAGE}"' not in short


def test_p11_prefecture_sees_every_county_count(client: Client) -> None:
    # given a short village of 南涧
    users = planning_users()
    VillageProfile.objects.create(village=division(VILLAGE), border_defence=True)
    client.force_login(users.prefecture)
    # when the prefecture opens the page, then the 12 counties are listed, 南涧 with one short village
    page = client.get("/planning/teams/").content.decode()
    assert page.count("data-county=") == 12
    row = page[page.index(f'data-county="{COUNTY}"') :].split("</tr>")[0]
    assert '<span class="badge warn">1</span>' in row
    # and its county page lists the village
    assert VILLAGE in client.get(f"/planning/teams/county/{COUNTY}/").content.decode()


def test_p11_township_sees_only_its_villages(client: Client) -> None:
    # given villages of two townships
    users = planning_users()
    VillageProfile.objects.create(village=division(VILLAGE), border_defence=True)
    other = division("532926102201")  # 小湾东镇's
    VillageProfile.objects.create(village=other, border_defence=True)
    client.force_login(users.township)
    page = client.get("/planning/teams/").content.decode()
    assert VILLAGE in page and other.code not in page
    # and another township's village is not found
    assert client.get(f"/planning/teams/village/{other.code}/").status_code == 404
    assert TOWNSHIP.startswith(COUNTY)


def test_p11_county_sets_flags_adds_and_ends_members_audited(client: Client) -> None:
    # given the county on a village's page
    users = planning_users()
    client.force_login(users.county)
    page = client.get(f"/planning/teams/village/{VILLAGE}/")
    assert page.status_code == 200 and "登记队员" in page.content.decode()
    # when it sets the village a 脱贫村, adds a first secretary and ends the stay
    assert (
        client.post(f"/planning/teams/village/{VILLAGE}/flags/", {"is_tuopin_village": "on"}).status_code
        == 302
    )
    assert VillageProfile.objects.get(village__code=VILLAGE).is_tuopin_village
    response = client.post(
        f"/planning/teams/village/{VILLAGE}/members/",
        {"name": "李华", "role": TeamRole.FIRST_SECRETARY, "unit": "州财政局", "starts_on": "2025-01-01"},
    )
    assert response.status_code == 302
    added = WorkTeamMember.objects.get(name="李华")
    response = client.post(
        f"/planning/teams/members/{added.pk}/end/", {"ends_on": "2025-06-30", "reason": "期满轮换"}
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.ends_on == datetime.date(2025, 6, 30) and added.end_reason == "期满轮换"
    # then each write is audited, and the past member is listed as such
    actions = set(AuditEvent.objects.filter(actor=users.county).values_list("action", flat=True))
    assert {"planning.village_flags", "planning.team_member_add", "planning.team_member_end"} <= actions
    page = client.get(f"/planning/teams/village/{VILLAGE}/").content.decode()
    assert "期满轮换" in page and "暂无在岗人员" in page


def test_p11_member_form_errors_beside_fields_in_chinese(client: Client) -> None:
    # given the county
    users = planning_users()
    client.force_login(users.county)
    # when it adds a member without name and unit, a bad date
    response = client.post(
        f"/planning/teams/village/{VILLAGE}/members/",
        {"name": "", "role": "boss", "unit": "", "starts_on": "昨天"},
    )
    # then 422 with each error beside its field
    page = response.content.decode()
    assert response.status_code == 422
    assert 'data-error="name">请填写姓名' in page and 'data-error="unit">请填写派出单位' in page
    assert 'data-error="role">请选择第一书记或工作队队员' in page
    assert 'data-error="starts_on">日期格式应为 2025-03-01' in page
    # and a start in the future is the service's refusal, beside the date
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        f"/planning/teams/village/{VILLAGE}/members/",
        {"name": "李华", "role": TeamRole.MEMBER, "unit": "州财政局", "starts_on": future},
    )
    assert (
        response.status_code == 422
        and 'data-error="starts_on">驻村开始日期不能晚于今天' in response.content.decode()
    )
    assert not WorkTeamMember.objects.exists()


def test_p11_end_form_errors_and_conflict(client: Client) -> None:
    # given a member of the village
    users = planning_users()
    member = a_member()
    client.force_login(users.county)
    # when the end has no reason, or ends before the start
    response = client.post(
        f"/planning/teams/members/{member.pk}/end/", {"ends_on": "2025-06-30", "reason": ""}
    )
    assert (
        response.status_code == 422
        and 'data-error="reason">请填写结束驻村的原因' in response.content.decode()
    )
    response = client.post(
        f"/planning/teams/members/{member.pk}/end/", {"ends_on": "2023-06-30", "reason": "调回"}
    )
    assert (
        response.status_code == 422
        and 'data-error="ends_on">结束日期不能早于驻村开始日期' in response.content.decode()
    )
    # and ending twice is a conflict
    assert (
        client.post(
            f"/planning/teams/members/{member.pk}/end/", {"ends_on": "2025-06-30", "reason": "调回"}
        ).status_code
        == 302
    )
    response = client.post(
        f"/planning/teams/members/{member.pk}/end/", {"ends_on": "2025-07-30", "reason": "调回"}
    )
    assert response.status_code == 409 and "已于2025-06-30结束驻村" in response.content.decode()
    assert AuditEvent.objects.filter(action="planning.team_member_end").count() == 1


def test_p11_shortfall_export_downloads_and_is_audited(client: Client) -> None:
    # given a short village and the county
    users = planning_users()
    VillageProfile.objects.create(village=division(VILLAGE), border_defence=True)
    client.force_login(users.county)
    # when it downloads the shortfall list
    response = client.get("/planning/teams/shortfalls.xlsx")
    # then a workbook, and the export's audit row
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="planning.export", actor=users.county)
    assert event.new_values["rows"] == 1
    # and another county's list cannot be asked for
    assert client.get("/planning/teams/shortfalls.xlsx?county=532923").status_code == 404
