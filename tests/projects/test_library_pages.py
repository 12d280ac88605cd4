"""P14: the project library's pages — the list, a project, the proposal form, a step, adjustment, 州审定 batch,
the summary and the household panel — for every project role, and refused (403/404) for the others."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from tests.conftest import COUNTY, OTHER_COUNTY, OTHER_COUNTY_VILLAGE, VILLAGE
from tests.factories import make_household, make_user
from tests.projects.builders import (
    announce_proposal,
    minutes_pdf,
    project_input,
    project_users,
    sector_user,
    to_library,
)
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.projects import services
from zhenxing.projects.models import PrefectureBatch, Project

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**changes: Any) -> dict[str, Any]:
    """The proposal form as a browser posts it: a complete village road project of 西山村."""
    today = clock.today()
    data: dict[str, Any] = {
        "name": "西山村委会大村组道路硬化", "year": str(today.year), "category": "construction_roads",
        "place_village": [VILLAGE, "", ""], "place_natural": ["大村组", "", ""],
        "implementing_unit": "南涧镇人民政府", "content": "硬化村组道路", "scale": "2.5公里，宽4.5米",
        "starts_on": (today + datetime.timedelta(days=60)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=240)).isoformat(),
        "total": "120.5", "source_central": "100", "source_county": "20.5",
        "target_kind": ["output", "benefit", "satisfaction"],
        "target_indicator": ["新建硬化道路长度", "受益脱贫人口", "受益群众满意度"],
        "target_value": ["≥2.5公里", "≥120人", "≥90%"],
    }  # fmt: skip
    data.update(changes)
    return data


def test_p14_every_project_role_opens_the_list_and_a_project(shipped_data):
    # given a village proposal at 村申报 and the users of every project role
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    # when each opens the list and the project (the sector at 村申报 sees its sector's project in its county)
    for role, user in users.items():
        client = _client(user)
        listed = client.get("/projects/")
        assert listed.status_code == 200, role
        assert project.code in listed.content.decode(), role
        detail = client.get(f"/projects/{project.pk}/")
        # then each sees the project's facts, in 万元
        assert detail.status_code == 200, role
        assert "120.5" in detail.content.decode() and "大村组" in detail.content.decode(), role
    # and the proposal form opens for those who propose, not for the prefecture
    for role in ("village", "township", "sector", "county"):
        assert _client(users[role]).get("/projects/new/").status_code == 200, role
    assert _client(users["prefecture"]).get("/projects/new/").status_code == 403


@pytest.mark.parametrize("role", ["department", "admin"])
def test_p14_roles_without_the_library_are_refused(shipped_data, role):
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    other = make_user(Role(role)) if role != "department" else make_user(Role.DEPARTMENT)
    client = _client(other)
    for path in ("/projects/", "/projects/new/", "/projects/summary/", "/projects/batches/"):
        assert client.get(path).status_code == 403, path
    assert client.get(f"/projects/{project.pk}/").status_code in (403, 404)


def test_p14_another_countys_users_do_not_find_the_project(shipped_data):
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    for other in (make_user(Role.COUNTY, OTHER_COUNTY), sector_user(county=OTHER_COUNTY)):
        client = _client(other)
        assert client.get(f"/projects/{project.pk}/").status_code == 404
        assert client.get(f"/projects/{project.pk}/adjust/").status_code == 404
        assert project.code not in client.get("/projects/").content.decode()


def test_p14_form_proposal_missing_items_names_every_one_and_stores_nothing(shipped_data):
    # given a village cadre
    users = project_users()
    client = _client(users["village"])
    # when the form comes with only a name and a bad date
    response = client.post(
        "/projects/new/",
        {"name": "村道", "year": "2026", "place_village": ["", "", ""], "place_natural": ["", "", ""],
         "starts_on": "明天", "target_kind": ["output"], "target_indicator": [""], "target_value": [""]},
    )  # fmt: skip
    # then every missing item is named beside its field, what was typed is kept, and nothing is stored
    assert response.status_code == 422
    body = response.content.decode()
    for key in ("category", "places", "implementing_unit", "content", "scale", "starts_on", "ends_on", "total",
                "sources", "targets"):  # fmt: skip
        assert f'data-error="{key}"' in body, key
    assert "计划开工日期应为日期" in body
    assert 'value="村道"' in body
    assert Project.objects.count() == 0
    assert not AuditEvent.objects.filter(action="project.propose").exists()


def test_p14_form_proposal_with_bad_amounts_names_the_source(shipped_data):
    users = project_users()
    response = _client(users["village"]).post(
        "/projects/new/", _form(total="120.5", source_central="-1", source_county="20.123")
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-error="sources.central"' in body and "不能为负数" in body
    assert Project.objects.count() == 0


def test_p14_form_proposal_stores_one_project_with_its_audit_row(shipped_data):
    users = project_users()
    response = _client(users["village"]).post("/projects/new/", _form())
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert project.status == "proposed" and project.total_fen == 120_500_000
    assert set(project.fundings.values_list("source", "amount_fen")) == {
        ("central", 100_000_000),
        ("county", 20_500_000),
    }
    assert project.places.get().natural_village.name == "大村组"
    event = AuditEvent.objects.get(action="project.propose")
    assert event.target_id == str(project.pk)


def test_p14_a_village_cadre_cannot_place_a_project_in_another_village(shipped_data):
    users = project_users()
    response = _client(users["village"]).post(
        "/projects/new/", _form(place_village=[OTHER_COUNTY_VILLAGE, "", ""], place_natural=["", "", ""])
    )
    assert response.status_code == 422
    assert 'data-error="places.0"' in response.content.decode()
    assert Project.objects.count() == 0


def test_p14_the_move_form_does_a_step(shipped_data):
    # given a township's own project at 乡审核
    users = project_users()
    project = services.project_propose(
        actor=users["township"], data=project_input(implementing_unit="南涧镇人民政府")
    )
    assert project.status == "township_review"
    client = _client(users["township"])
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-move="department_review"' in page
    # when the township passes it without an opinion, it is refused with the reason on the page
    refused = client.post(f"/projects/{project.pk}/move/", {"to": "department_review"}, follow=True)
    assert "请填写审核意见" in refused.content.decode()
    project.refresh_from_db()
    assert project.status == "township_review"
    # then with an opinion it moves, with its step and audit row
    client.post(f"/projects/{project.pk}/move/", {"to": "department_review", "opinion": "同意上报"})
    project.refresh_from_db()
    assert project.status == "department_review"
    assert project.steps.filter(step="township_review", outcome="department_review").exists()
    assert AuditEvent.objects.filter(action="project.move", target_id=str(project.pk)).exists()


def test_p14_county_review_with_minutes_through_the_form(shipped_data):
    users = project_users()
    project = services.project_propose(actor=users["sector"], data=project_input(places=[(VILLAGE, "")]))
    services.project_move(actor=users["sector"], project=project, to="county_review", opinion="同意")
    client = _client(users["county"])
    client.post(
        f"/projects/{project.pk}/move/",
        {"to": "prefecture_decision", "opinion": "同意", "files": minutes_pdf()},
    )
    project.refresh_from_db()
    assert project.status == "prefecture_decision"
    attachment = project.attachments.get()
    assert client.get(f"/projects/attachments/{attachment.pk}/").status_code == 200
    assert (
        _client(make_user(Role.COUNTY, OTHER_COUNTY))
        .get(f"/projects/attachments/{attachment.pk}/")
        .status_code
        == 404
    )


def test_p14_county_sector_sees_only_its_sectors_projects_in_its_county(shipped_data):
    # given a road project (交通) and a water project (水利) in 南涧, and a road project in 大理市
    users = project_users()
    road = services.project_propose(actor=users["county"], data=project_input(places=[(VILLAGE, "")]))
    water = services.project_propose(
        actor=users["county"],
        data=project_input(name="西山村饮水工程", category="construction_water", places=[(VILLAGE, "")]),
    )
    elsewhere = services.project_propose(
        actor=make_user(Role.COUNTY, OTHER_COUNTY),
        data=project_input(name="大理镇道路", places=[(OTHER_COUNTY_VILLAGE, "")]),
    )
    # when the 交通 department of 南涧 opens the library
    client = _client(users["sector"])
    listed = client.get("/projects/").content.decode()
    # then it sees its road project only
    assert road.code in listed and water.code not in listed and elsewhere.code not in listed
    assert client.get(f"/projects/{water.pk}/").status_code == 404
    assert client.get(f"/projects/{elsewhere.pk}/").status_code == 404


def test_p14_county_sector_sees_the_household_count_not_the_names(shipped_data):
    users = project_users()
    household = make_household(village_code=VILLAGE, head_name="李四")
    project = services.project_propose(
        actor=users["county"],
        data=project_input(places=[(VILLAGE, "")], to_households=True, household_ids=[household.pk]),
    )
    sector_page = _client(users["sector"]).get(f"/projects/{project.pk}/").content.decode()
    county_page = _client(users["county"]).get(f"/projects/{project.pk}/").content.decode()
    assert "1 户" in sector_page and "李四" not in sector_page
    assert "李四" in county_page
    # and the household's page shows the project through its panel
    panel = _client(users["village"]).get(f"/projects/households/{household.pk}/panel/")
    assert panel.status_code == 200 and project.name in panel.content.decode()
    assert _client(users["sector"]).get(f"/projects/households/{household.pk}/panel/").status_code == 404


def test_p14_list_filters_mine_and_overdue(shipped_data, clock_at):
    users = project_users()
    project = services.project_propose(actor=users["township"], data=project_input())
    client = _client(users["township"])
    assert project.code in client.get("/projects/?mine=1").content.decode()
    assert project.code not in _client(users["county"]).get("/projects/?mine=1").content.decode()
    assert project.code not in client.get("/projects/?overdue=1").content.decode()
    assert project.step_due is not None
    clock_at(project.step_due + datetime.timedelta(days=1))
    overdue = client.get("/projects/?overdue=1").content.decode()
    assert project.code in overdue and "data-overdue" in overdue
    assert project.code in client.get("/projects/?status=township_review&level=township").content.decode()
    assert project.code not in client.get("/projects/?status=library").content.decode()


def test_p14_prefecture_decides_a_countys_list_as_one_batch(shipped_data):
    users = project_users()
    projects = []
    for name in ("甲村道路", "乙村道路"):
        project = services.project_propose(
            actor=users["sector"], data=project_input(name=name, places=[(VILLAGE, "")])
        )
        services.project_move(actor=users["sector"], project=project, to="county_review", opinion="同意")
        services.project_move(
            actor=users["county"],
            project=project,
            to="prefecture_decision",
            opinion="同意",
            files=[minutes_pdf()],
        )
        projects.append(project)
    client = _client(users["prefecture"])
    page = client.get(f"/projects/batches/?county={COUNTY}").content.decode()
    assert all(p.code in page for p in projects)
    # without minutes: refused, nothing decided
    client.post(
        "/projects/batches/", {"county": COUNTY, "projects": [p.pk for p in projects], "opinion": "同意"}
    )
    assert not PrefectureBatch.objects.exists()
    response = client.post(
        "/projects/batches/",
        {
            "county": COUNTY,
            "projects": [p.pk for p in projects],
            "opinion": "同意入库",
            "minutes": minutes_pdf(),
        },
    )
    assert response.status_code == 302
    batch = PrefectureBatch.objects.get()
    assert set(Project.objects.values_list("status", flat=True)) == {"reserved"}
    assert AuditEvent.objects.filter(action="project.batch_decide", target_id=str(batch.pk)).exists()
    past = client.get(f"/projects/batches/?county={COUNTY}").content.decode()
    assert "同意入库" in past
    # the county sees the batch; it may not decide
    assert _client(users["county"]).get("/projects/batches/").status_code == 200
    assert _client(users["village"]).get("/projects/batches/").status_code == 403


def test_p14_summary_counts_and_money_of_the_library(shipped_data, clock_at):
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    page = _client(users["county"]).get(f"/projects/summary/?year={project.year}")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="library-count">1<' in body and "120.5" in body
    prefecture = _client(users["prefecture"])
    assert prefecture.get(f"/projects/summary/?county={COUNTY}&year={project.year}").status_code == 200
    assert prefecture.get("/projects/summary/?county=110101").status_code == 404


def test_p14_adjustment_form_makes_a_new_version(shipped_data, clock_at):
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    client = _client(users["village"])
    page = client.get(f"/projects/{project.pk}/adjust/")
    assert page.status_code == 200 and 'value="120.5"' in page.content.decode()
    # without a reason: refused, nothing stored
    refused = client.post(f"/projects/{project.pk}/adjust/", _form(total="130", source_central="109.5"))
    assert refused.status_code == 422 and 'data-error="adjustment_reason"' in refused.content.decode()
    assert Project.objects.count() == 1
    response = client.post(
        f"/projects/{project.pk}/adjust/",
        _form(total="130", source_central="109.5", adjustment_reason="路线延长0.3公里"),
    )
    new = Project.objects.get(version=2)
    assert response.status_code == 302 and new.total_fen == 130_000_000 and new.previous == project
    assert AuditEvent.objects.filter(action="project.adjust", target_id=str(new.pk)).exists()


def test_p14_a_returned_project_is_revised_on_its_prefilled_form(shipped_data, clock_at):
    # given 西山村's proposal sent back at 乡审核
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    announce_proposal(project, users["village"])
    project = services.project_move(actor=users["village"], project=project, to="township_review")
    project = services.project_move(
        actor=users["township"], project=project, to="returned", opinion="概算偏高"
    )
    village, township = _client(users["village"]), _client(users["township"])
    # the proposer is offered the change, the township that sent it back is not
    assert 'data-testid="revise-link"' in village.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="revise-link"' not in township.get(f"/projects/{project.pk}/").content.decode()
    assert township.get(f"/projects/{project.pk}/revise/").status_code == 403
    page = village.get(f"/projects/{project.pk}/revise/")
    assert page.status_code == 200 and 'value="120.5"' in page.content.decode()
    # a total that its sources do not make: refused beside the form, nothing changed
    refused = village.post(f"/projects/{project.pk}/revise/", _form(total="90"))
    assert refused.status_code == 422
    project.refresh_from_db()
    assert project.total_fen == 120_500_000 and project.revised_on is None
    # then saved: the same project, changed, audited, still 退回修改 until it is re-submitted
    response = village.post(f"/projects/{project.pk}/revise/", _form(total="90", source_central="69.5"))
    project.refresh_from_db()
    assert response.status_code == 302 and project.total_fen == 90_000_000 and project.status == "returned"
    assert project.revised_on == clock.today()
    assert AuditEvent.objects.filter(action="project.revise", target_id=str(project.pk)).exists()


def test_p14_home_shows_project_tiles_also_to_the_county_sector(shipped_data, clock_at):
    # given a county-level road project at 部门审查 (the 交通 department's step), later overdue
    users = project_users()
    project = services.project_propose(actor=users["county"], data=project_input(places=[(VILLAGE, "")]))
    assert project.status == "department_review" and project.step_due is not None
    clock_at(project.step_due + datetime.timedelta(days=1))
    # when the department opens its home page
    home = _client(users["sector"]).get("/")
    # then its tiles count the project waiting for it and the overdue one, linking to the filtered lists
    body = home.content.decode()
    assert 'data-testid="tile-projects-mine" data-count="1"' in body
    assert 'data-testid="tile-projects-overdue" data-count="1"' in body
    assert "/projects/?mine=1" in body and "/projects/?overdue=1" in body
    # and the township, whose step it is not, has none waiting
    township = _client(users["township"]).get("/").content.decode()
    assert 'data-testid="tile-projects-mine" data-count="0"' in township


def test_p14_household_page_loads_its_project_panel(shipped_data):
    users = project_users()
    household = make_household(village_code=VILLAGE)
    page = _client(users["village"]).get(f"/households/{household.pk}/").content.decode()
    assert f"/projects/households/{household.pk}/panel/" in page


def test_p14_emergency_proposal_through_the_pages_and_its_prefecture_filing(shipped_data):
    # given the county's 乡村振兴局, the only role offered the emergency fields
    users = project_users()
    county = _client(users["county"])
    assert 'data-testid="emergency"' in county.get("/projects/new/").content.decode()
    assert 'data-testid="emergency"' not in _client(users["village"]).get("/projects/new/").content.decode()
    # when it proposes an emergency project without its reason: refused beside the field, nothing stored
    refused = county.post("/projects/new/", _form(emergency="on", emergency_kind="disaster"))
    assert refused.status_code == 422 and 'data-error="emergency_reason"' in refused.content.decode()
    assert Project.objects.count() == 0
    # then with its reason it enters at 县市领导小组审核
    county.post(
        "/projects/new/",
        _form(emergency="on", emergency_kind="disaster", emergency_reason="暴雨冲毁道路，须抢修"),
    )
    project = Project.objects.get()
    assert project.status == "county_review" and project.emergency
    # the county's review puts it into the library (州审定 becomes a filing) with its minutes
    page = county.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-move="reserved"' in page and 'data-move="prefecture_decision"' not in page
    county.post(
        f"/projects/{project.pk}/move/", {"to": "reserved", "opinion": "同意应急实施", "files": minutes_pdf()}
    )
    project.refresh_from_db()
    assert project.status == "reserved" and project.decided_on is not None
    # the prefecture files it only after the start (P14: 开工后备案): no filing form before
    prefecture = _client(users["prefecture"])
    assert 'data-testid="file-form"' not in prefecture.get(f"/projects/{project.pk}/").content.decode()
    county.post(f"/projects/{project.pk}/move/", {"to": "started"})
    project.refresh_from_db()
    assert project.status == "started"
    # and then from the project's page, once
    assert 'data-testid="file-form"' in prefecture.get(f"/projects/{project.pk}/").content.decode()
    prefecture.post(f"/projects/{project.pk}/file/", {"opinion": "同意备案"})
    project.refresh_from_db()
    assert project.prefecture_filed_on is not None
    assert AuditEvent.objects.filter(action="project.file", target_id=str(project.pk)).exists()
    again = prefecture.post(f"/projects/{project.pk}/file/", {"opinion": "同意备案"}, follow=True)
    assert "已于" in again.content.decode()


def test_p14_withdrawal_needs_a_reason_on_the_page(shipped_data, clock_at):
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    county = _client(users["county"])
    assert 'data-move="withdrawn"' in county.get(f"/projects/{project.pk}/").content.decode()
    refused = county.post(f"/projects/{project.pk}/move/", {"to": "withdrawn"}, follow=True)
    assert "请填写理由" in refused.content.decode()
    county.post(f"/projects/{project.pk}/move/", {"to": "withdrawn", "opinion": "村民自筹不到位，取消实施"})
    project.refresh_from_db()
    assert project.status == "withdrawn" and project.withdrawn_reason == "村民自筹不到位，取消实施"
    # a 出库 project offers no adjustment, and its adjustment page refuses
    assert (
        'data-testid="adjust-link"'
        not in _client(users["village"]).get(f"/projects/{project.pk}/").content.decode()
    )
    assert _client(users["village"]).get(f"/projects/{project.pk}/adjust/").status_code == 409
