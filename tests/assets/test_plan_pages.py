"""The income-distribution pages (P15 四议两公开): every plan route by role, the whole flow of eight steps through
HTTP POSTs, and the 一分了之 refusal shown at its line with nothing saved."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.assets.builders import asset_users, heads_of, meeting, posting
from tests.conftest import OTHER_TOWNSHIP, VILLAGE
from tests.factories import make_household, make_user
from zhenxing.accounts.enums import Role
from zhenxing.assets import distribution
from zhenxing.assets.inputs import PayoutInput, PlanInput, PlanLineInput
from zhenxing.assets.models import DistributionPlan, PlanPayout
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.monitoring.models import Case
from zhenxing.registry.models import Household

pytestmark = pytest.mark.django_db

HEAD_NAMES = ("赵德福", "钱玉兰", "孙有才", "周正华", "吴春花")

PLAN_ROUTES: dict[str, Callable[[dict[str, Any]], str]] = {
    "assets:plan_detail": lambda ids: f"/assets/plans/{ids['plan']}/",
    "assets:plan_move": lambda ids: f"/assets/plans/{ids['plan']}/move/",
    "assets:plan_revise": lambda ids: f"/assets/plans/{ids['plan']}/revise/",
    "assets:plan_payroll_xlsx": lambda ids: f"/assets/plans/{ids['published']}/payroll.xlsx",
}
POST_ROUTES = {"assets:plan_move"}
ROLES = ("village", "township", "county", "prefecture", "transport", "finance", "department", "admin",
         "other_county", "other_township")  # fmt: skip


def village_of_five(names: tuple[str, ...] = HEAD_NAMES) -> list[int]:
    """Five households of 西山村 (脱贫户), each a head and a spouse; the heads' person pks."""
    households = [make_household(VILLAGE, year=None, head_name=name) for name in names]
    return heads_of(households)


def plan_users() -> dict[str, Any]:
    users: dict[str, Any] = dict(asset_users())
    users["other_township"] = make_user(Role.TOWNSHIP, OTHER_TOWNSHIP, username="a_xiang2")
    users["department"] = make_user(Role.DEPARTMENT, None, username="a_bumen")
    users["admin"] = make_user(Role.ADMIN, None, username="a_admin")
    return users


def labour_plan(heads: list[int], *, title: str = "2026年光伏电站收益分配") -> PlanInput:
    payouts = tuple(PayoutInput(person, str(300 + 50 * i)) for i, person in enumerate(heads))
    return PlanInput(
        village_code=VILLAGE, year=clock.today().year, title=title, income="20000",
        lines=(PlanLineInput("labour", "参与村内道路维护", "", payouts), PlanLineInput("public_fund", "", "2000")),
        meeting=meeting(),
    )  # fmt: skip


def published_plan(users: dict[str, Any], heads: list[int], **kwargs: Any) -> DistributionPlan:
    v, t = users["village"], users["township"]
    plan = distribution.plan_create(actor=v, data=kwargs.pop("data", None) or labour_plan(heads))
    for to in ("discussed", "reviewed", "resolved"):
        plan = distribution.plan_move(actor=v, plan=plan, to=to, meeting=meeting())
    plan = distribution.plan_move(actor=t, plan=plan, to="audited", opinion="同意")
    return distribution.plan_move(actor=v, plan=plan, to="published", posting=posting())


def plan_world() -> dict[str, Any]:
    users = plan_users()
    heads = village_of_five()
    plan = distribution.plan_create(actor=users["village"], data=labour_plan(heads))
    published = published_plan(users, heads, data=labour_plan(heads, title="第二个方案"))
    return {"users": users, "heads": heads, "plan": plan.pk, "published": published.pk}


def expected(route: str, role: str) -> set[int]:
    if role in ("finance", "department", "admin"):
        return {403}
    if role in ("other_county", "other_township"):
        return {404}
    if route == "assets:plan_detail":
        return {404} if role == "transport" else {200}  # a sector department keeps no plan
    if route == "assets:plan_move":
        return {403} if role in ("prefecture", "transport") else {422}
    if route == "assets:plan_revise":
        return {302} if role == "village" else {403}
    return {200} if role in ("village", "township", "county") else {403}  # the payroll: who may reveal IDs


@pytest.mark.parametrize("route", sorted(PLAN_ROUTES))
def test_p15_every_plan_route_by_role(route: str) -> None:
    world = plan_world()
    url = PLAN_ROUTES[route](world)
    for role in ROLES:
        client = Client()
        client.force_login(world["users"][role])
        response = client.post(url, {}) if route in POST_ROUTES else client.get(url)
        assert response.status_code in expected(route, role), (role, url, response.status_code)


def test_p15_the_plan_lists_and_the_form_open_for_their_roles() -> None:
    world = plan_world()
    wanted = {
        "/assets/plans/": {"village": 200, "township": 200, "county": 200, "prefecture": 200, "transport": 200,
                           "finance": 403, "department": 403},
        "/assets/plans/report/": {"village": 200, "county": 200, "prefecture": 200, "finance": 403},
        f"/assets/plans/new/?village={VILLAGE}": {"village": 200, "township": 403, "county": 403,
                                                  "prefecture": 403, "finance": 403},
    }  # fmt: skip
    for url, by_role in wanted.items():
        for role, status in by_role.items():
            client = Client()
            client.force_login(world["users"][role])
            assert client.get(url).status_code == status, (role, url)


def test_p15_the_list_names_each_plans_next_step() -> None:
    world = plan_world()
    client = Client()
    client.force_login(world["users"]["township"])
    page = client.get("/assets/plans/").content.decode()
    assert "村两委会议商议（村）" in page and "实施（发放到人）（村）" in page
    filtered = client.get("/assets/plans/?status=published").content.decode()
    assert "第二个方案" in filtered and "2026年光伏电站收益分配" not in filtered


def test_p15_the_form_lists_the_villages_members_with_their_badges() -> None:
    world = plan_world()
    first = Household.objects.get(memberships__person_id=world["heads"][0], memberships__left_on__isnull=True)
    Case.objects.create(
        village_id=VILLAGE, household=first, source="cadre", status="confirmed", identified_on=clock.today(),
        step_started_on=clock.today(), due=clock.today() + datetime.timedelta(days=30),
        opened_at=datetime.datetime.now(tz=datetime.UTC),
    )  # fmt: skip
    client = Client()
    client.force_login(world["users"]["village"])
    page = client.get(f"/assets/plans/new/?village={VILLAGE}&lines=5").content.decode()
    assert (
        page.count('class="badge warn">监测对象') == 10
    )  # the household's two members on each of five lines
    assert all(name in page for name in HEAD_NAMES) and "李秀英" in page
    assert page.count('class="badge ok">脱贫户') == 50  # ten members on each of five lines
    assert 'name="line-4-kind"' in page and 'name="line-5-kind"' not in page
    assert "村集体留存" in page and "发放到人" in page


def _form(heads: list[int], amounts: list[str], *, kind: str = "labour") -> dict[str, str]:
    data = {
        "title": "2026年光伏电站收益分配", "year": str(clock.today().year), "income": "20000",
        "held_on": (clock.today() - datetime.timedelta(days=1)).isoformat(), "expected": "11", "attendees": "9",
        "minutes": "讨论2026年光伏收益分配", "lines": "3",
        "line-0-kind": kind, "line-0-description": "参与村内道路维护",
        "line-1-kind": "public_fund", "line-1-amount": "2000",
    }  # fmt: skip
    data.update({f"line-0-pay-{pk}": amount for pk, amount in zip(heads, amounts, strict=True)})
    return data


def _meeting_form(to: str) -> dict[str, str]:
    return {"to": to, "held_on": (clock.today() - datetime.timedelta(days=1)).isoformat(), "expected": "40",
            "attendees": "30", "minutes": "会议讨论通过收益分配方案"}  # fmt: skip


def _posting_form(to: str) -> dict[str, str]:
    return {"to": to, "place": "西山村务公开栏", "posted_from": clock.today().isoformat(),
            "posted_until": (clock.today() + datetime.timedelta(days=7)).isoformat()}  # fmt: skip


def test_p15_a_plan_goes_through_all_eight_steps_by_http() -> None:
    users = plan_users()
    heads = village_of_five()
    village, township = Client(), Client()
    village.force_login(users["village"])
    township.force_login(users["township"])

    created = village.post(
        f"/assets/plans/new/?village={VILLAGE}", _form(heads, ["300", "350", "400", "450", "500"])
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    plan = DistributionPlan.objects.get()
    url = f"/assets/plans/{plan.pk}/move/"
    steps = [
        (village, _meeting_form("discussed")), (village, _meeting_form("reviewed")),
        (village, _meeting_form("resolved")), (township, {"to": "audited", "opinion": "同意，符合P15要求"}),
        (village, _posting_form("published")), (village, {"to": "implemented"}), (village, _posting_form("closed")),
    ]  # fmt: skip
    for client, data in steps:
        response = client.post(url, data)
        assert response.status_code == 302, (data["to"], response.content.decode()[:3000])
        plan.refresh_from_db()
        assert plan.status == data["to"]

    assert plan.lines.count() == 2 and sum(plan.lines.values_list("amount_fen", flat=True)) == 400000
    assert PlanPayout.objects.filter(line__plan=plan, paid_on__isnull=True).count() == 0
    assert plan.meetings.count() == 4 and plan.postings.count() == 2 and plan.steps.count() == 7
    assert AuditEvent.objects.filter(action="asset.plan_create", new_values__total_fen=400000).exists()
    assert AuditEvent.objects.filter(action="asset.plan_implement", new_values__payouts_paid=5).exists()
    page = village.get(f"/assets/plans/{plan.pk}/").content.decode()
    assert (
        "实施结果已公开" in page and "已办结" in page and HEAD_NAMES[0] in page and "西山村务公开栏" in page
    )


def test_p15_the_even_handout_refusal_is_shown_at_its_line_and_nothing_is_saved() -> None:
    users = plan_users()
    heads = village_of_five()
    client = Client()
    client.force_login(users["village"])

    response = client.post(f"/assets/plans/new/?village={VILLAGE}", _form(heads, ["500"] * 5, kind="cash"))

    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-error="line-0-kind"' in page and "一分了之" in page and "P15" in page
    assert 'value="2026年光伏电站收益分配"' in page and 'name="line-0-pay-' in page and 'value="500"' in page
    assert DistributionPlan.objects.count() == 0
    assert not AuditEvent.objects.filter(action="asset.plan_create").exists()


def test_p15_a_step_form_error_keeps_the_input_and_says_why() -> None:
    world = plan_world()
    client = Client()
    client.force_login(world["users"]["village"])
    data = _meeting_form("discussed") | {"attendees": "5", "expected": "10"}

    response = client.post(f"/assets/plans/{world['plan']}/move/", data)

    assert response.status_code == 422
    page = response.content.decode()
    assert "三分之二" in page and 'value="5"' in page
    assert DistributionPlan.objects.get(pk=world["plan"]).status == "proposed"


def test_p15_the_township_cannot_take_a_village_step() -> None:
    world = plan_world()
    client = Client()
    client.force_login(world["users"]["township"])

    response = client.post(f"/assets/plans/{world['plan']}/move/", _meeting_form("discussed"))

    assert response.status_code == 403
    assert DistributionPlan.objects.get(pk=world["plan"]).status == "proposed"


def test_p15_proposing_again_goes_through_the_revision_page_only() -> None:
    world = plan_world()
    plan = DistributionPlan.objects.get(pk=world["plan"])
    client = Client()
    client.force_login(world["users"]["village"])

    response = client.post(f"/assets/plans/{plan.pk}/move/", {"to": "proposed"})

    assert response.status_code == 302 and response["Location"] == f"/assets/plans/{plan.pk}/revise/"
    assert not AuditEvent.objects.filter(action="asset.plan_revise").exists()


def test_p15_the_prefecture_reads_a_plan_but_has_no_step_to_take() -> None:
    world = plan_world()
    client = Client()
    client.force_login(world["users"]["prefecture"])
    page = client.get(f"/assets/plans/{world['published']}/").content.decode()
    assert "第二个方案" in page and 'data-testid="move-' not in page and 'data-testid="payroll"' not in page
