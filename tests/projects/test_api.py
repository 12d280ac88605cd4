"""P14 over the API: the list (scoped, filtered, paged), a proposal with amounts as 万元 text, a project, one
step; bad input answers 422 in the one error shape naming the field, with nothing stored. Every client here is
a signed-in browser session that enforces CSRF."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from tests.conftest import OTHER_COUNTY, VILLAGE
from tests.factories import make_user
from tests.projects.builders import project_input, project_users, to_library
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.projects import services
from zhenxing.projects.models import Project

pytestmark = pytest.mark.django_db


def _session(user: Any) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")  # any page sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def _body(**changes: Any) -> dict[str, Any]:
    today = clock.today()
    body: dict[str, Any] = {
        "name": "西山村委会大村组道路硬化", "year": today.year, "category": "construction_roads",
        "places": [{"village": VILLAGE, "natural_village": "大村组"}], "implementing_unit": "南涧镇人民政府",
        "content": "硬化村组道路", "scale": "2.5公里，宽4.5米",
        "starts_on": (today + datetime.timedelta(days=60)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=240)).isoformat(),
        "total": "120.5", "sources": {"central": "100", "county": "20.5"},
        "targets": [
            {"kind": "output", "indicator": "新建硬化道路长度", "target_value": "≥2.5公里"},
            {"kind": "benefit", "indicator": "受益脱贫人口", "target_value": "≥120人"},
            {"kind": "satisfaction", "indicator": "受益群众满意度", "target_value": "≥90%"},
        ],
    }  # fmt: skip
    body.update(changes)
    return body


def _errors(response: Any, status: int = 422) -> list[dict[str, Any]]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"errors"} and body["errors"]
    for error in body["errors"]:
        assert set(error) == {"loc", "code", "message"}
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error
    return body["errors"]


def _post(client: Client, token: str, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"total": "-120.5"}, ["total"]),
        ({"total": "100000001"}, ["total"]),  # 10^8 万元 + 1 = above 10^12 元
        ({"total": "120.5000001"}, ["total"]),  # a tenth of a fen: three decimals of a yuan
        ({"sources": {"central": "-1", "county": "121.5"}}, ["sources", "central"]),
        ({"sources": {"central": "100.0000001", "county": "20.5"}}, ["sources", "central"]),
        ({"sources": {"central": "100000000.01", "county": "0"}}, ["sources", "central"]),
    ],
)
def test_p14_api_proposal_with_bad_amounts_is_422_naming_the_field(shipped_data, changes, loc):
    # given a signed-in village cadre's browser session (CSRF enforced)
    users = project_users()
    client, token = _session(users["village"])
    # when it proposes with a bad amount
    response = _post(client, token, "/api/v1/projects", _body(**changes))
    # then 422 in the error shape, naming the field, and nothing stored
    errors = _errors(response)
    assert loc in [e["loc"] for e in errors], errors
    assert Project.objects.count() == 0
    assert not AuditEvent.objects.filter(action="project.propose").exists()


def test_p14_api_proposal_missing_items_names_every_one(shipped_data):
    users = project_users()
    client, token = _session(users["village"])
    response = _post(client, token, "/api/v1/projects", {"name": "村道", "year": clock.today().year})
    locs = {e["loc"][0] for e in _errors(response)}
    assert {"category", "places", "implementing_unit", "content", "scale", "starts_on", "ends_on", "total",
            "sources", "targets"} <= locs  # fmt: skip
    assert Project.objects.count() == 0


def test_p14_api_amount_as_a_number_is_refused_naming_the_field(shipped_data):
    users = project_users()
    client, token = _session(users["village"])
    errors = _errors(_post(client, token, "/api/v1/projects", _body(total=120.5)))
    assert ["total"] in [e["loc"] for e in errors]
    assert Project.objects.count() == 0


def test_p14_api_without_csrf_token_is_refused(shipped_data):
    users = project_users()
    client, _ = _session(users["village"])
    response = client.post("/api/v1/projects", _body(), content_type="application/json")
    _errors(response, 403)
    assert Project.objects.count() == 0


def test_p14_api_proposal_list_detail_and_move(shipped_data):
    # given a township's session
    users = project_users()
    client, token = _session(users["township"])
    # when it proposes its own project
    response = _post(client, token, "/api/v1/projects", _body(implementing_unit="南涧镇人民政府"))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "township_review" and created["total"] == "120.5"
    assert created["sources"] == {"central": "100", "county": "20.5"}
    assert AuditEvent.objects.filter(action="project.propose", target_id=str(created["id"])).exists()
    # then it is listed, filtered as its own work, and readable
    listed = client.get("/api/v1/projects", {"mine": "true"}).json()
    assert listed["total"] == 1 and listed["items"][0]["code"] == created["code"]
    assert client.get("/api/v1/projects", {"status": "library"}).json()["total"] == 0
    assert client.get(f"/api/v1/projects/{created['id']}").json()["places"][0]["natural_village"] == "大村组"
    # a step without its opinion: 422 naming the opinion
    path = f"/api/v1/projects/{created['id']}/move"
    errors = _errors(_post(client, token, path, {"to": "department_review"}))
    assert errors[0]["loc"] == ["opinion"]
    # a step out of order: 409
    _errors(_post(client, token, path, {"to": "reserved", "opinion": "同意"}), 409)
    moved = _post(client, token, path, {"to": "department_review", "opinion": "同意上报"})
    assert moved.status_code == 200 and moved.json()["status"] == "department_review"


def test_p14_api_scope_another_county_is_404_and_a_department_403(shipped_data):
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    other, _ = _session(make_user(Role.COUNTY, OTHER_COUNTY))
    _errors(other.get(f"/api/v1/projects/{project.pk}"), 404)
    assert other.get("/api/v1/projects").json()["total"] == 0
    department, _ = _session(make_user(Role.DEPARTMENT))
    _errors(department.get("/api/v1/projects"), 403)
    prefecture, token = _session(users["prefecture"])
    _errors(_post(prefecture, token, "/api/v1/projects", _body()), 403)
    assert Project.objects.count() == 1


def test_p14_api_adjustment_of_a_withdrawn_project_is_409_and_a_library_project_is_adjusted(shipped_data):
    # given a village road in the library and another taken out of it (出库)
    users = project_users()
    kept = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    gone = to_library(
        services.project_propose(actor=users["village"], data=project_input(name="另一条道路")), users
    )
    gone = services.project_move(actor=users["county"], project=gone, to="withdrawn", opinion="不再实施")
    client, token = _session(users["village"])
    body = _body(total="130", sources={"central": "130"}, adjustment_reason="路线延长0.3公里")
    # when the village adjusts the withdrawn one over the API, then 409 in the error shape, nothing stored
    before = (Project.objects.count(), AuditEvent.objects.count())
    errors = _errors(_post(client, token, f"/api/v1/projects/{gone.pk}/adjust", body), 409)
    assert "已出库的项目不能调整" in errors[0]["message"]
    assert (Project.objects.count(), AuditEvent.objects.count()) == before
    # an adjustment without its reason names the field
    errors = _errors(
        _post(client, token, f"/api/v1/projects/{kept.pk}/adjust", {**body, "adjustment_reason": ""})
    )
    assert errors[0]["loc"] == ["adjustment_reason"]
    # the one in the library is adjusted: a new version at 村申报, audited
    response = _post(client, token, f"/api/v1/projects/{kept.pk}/adjust", body)
    assert response.status_code == 201, response.content
    new = response.json()
    assert (new["version"], new["status"], new["previous_id"], new["total"]) == (
        2,
        "proposed",
        kept.pk,
        "130",
    )
    assert AuditEvent.objects.filter(action="project.adjust", target_id=str(new["id"])).exists()
    # another county's user does not find it (404)
    other, other_token = _session(make_user(Role.COUNTY, OTHER_COUNTY))
    _errors(_post(other, other_token, f"/api/v1/projects/{kept.pk}/adjust", body), 404)


def test_p14_api_revises_a_returned_project_for_its_proposer_only(shipped_data):
    # given a township's own project sent back by itself at 乡审核
    users = project_users()
    project = services.project_propose(actor=users["township"], data=project_input(name="镇级道路"))
    project = services.project_move(
        actor=users["township"], project=project, to="returned", opinion="补充概算"
    )
    path = f"/api/v1/projects/{project.pk}/revise"
    # the village (the project passes through it) is not its proposer: 403 in the error shape
    village, village_token = _session(users["village"])
    _errors(_post(village, village_token, path, _body(name="镇级道路（修改）")), 403)
    # the township revises it: 200, the same project changed, audited
    township, token = _session(users["township"])
    response = _post(
        township, token, path, _body(name="镇级道路（修改）", total="100", sources={"central": "100"})
    )
    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["name"], response.json()["total"]) == (
        project.pk, "镇级道路（修改）", "100",
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="project.revise", target_id=str(project.pk)).exists()
