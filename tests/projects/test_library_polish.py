"""P14 library pages after a browser check: an announcement's state read from its dates, the adjustment page
refusing what the detail page does not offer, 报乡镇审核 shown disabled with its reason, the emergency
project's 补公示 reminder, the prefecture's summary, the paged batches, and small display rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import COUNTY, VILLAGE
from tests.factories import make_household
from tests.projects.builders import (
    announce_proposal,
    minutes_pdf,
    project_input,
    project_users,
    to_library,
)
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.projects import notices, services
from zhenxing.projects.enums import NoticeKind, NoticeStatus
from zhenxing.projects.models import Project
from zhenxing.projects.notice_state import notice_state
from zhenxing.projects.templatetags.project_money import wan

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _emergency(users: dict[str, Any]) -> Project:
    """An emergency project of the county, approved into the library (州审定 a filing) and started, with no
    announcement at all."""
    data = project_input(
        name="西山村水毁道路应急修复", implementing_unit="南涧县交通运输局", emergency=True,
        emergency_kind="disaster", emergency_reason="7月暴雨冲毁道路，群众出行中断，须抢修",
    )  # fmt: skip
    project = services.project_propose(actor=users["county"], data=data)
    project = services.project_move(
        actor=users["county"], project=project, to="reserved", opinion="同意应急实施", files=[minutes_pdf()]
    )
    return services.project_move(actor=users["county"], project=project, to="started")


# --- 1. an announcement's state from its dates


def test_p14_a_posted_notice_past_its_end_reads_ended_on_the_project_page(shipped_data, clock_at):
    # given a proposal whose announcement was posted and has run out (stored status still 公示中)
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    announce_proposal(project, users["village"])
    notice = project.notice_entries.get().notice
    assert notice.status == NoticeStatus.POSTED
    # when the village opens the project
    body = _client(users["village"]).get(f"/projects/{project.pk}/").content.decode()
    # then its 公示公告 section says 公示期满, as the notices list does
    assert 'data-notice-state="ended"' in body and "公示期满" in body
    assert notice_state(notice, clock.today()) == NoticeStatus.ENDED
    assert notice_state(notice, notice.ends_on) == NoticeStatus.POSTED  # the last day still runs


# --- 2. the adjustment page answers what the detail page's link does


def test_p14_the_adjust_page_refuses_a_project_with_a_pending_adjustment(shipped_data, clock_at):
    # given a project in the library with an adjustment already in approval
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    services.project_adjust(
        actor=users["county"], project=project, data=project_input(total="130", sources={"central": "109.5", "county": "20.5"}),
        reason="路线延长0.3公里",
    )  # fmt: skip
    county = _client(users["county"])
    # when the county opens the old version: no link; and the adjustment page refuses in Chinese
    assert 'data-testid="adjust-link"' not in county.get(f"/projects/{project.pk}/").content.decode()
    page = county.get(f"/projects/{project.pk}/adjust/")
    assert page.status_code == 409 and "该项目已有一个调整在审批中" in page.content.decode()
    assert 'name="adjustment_reason"' not in page.content.decode()


def test_p14_the_adjust_page_refuses_a_village_on_a_county_project(shipped_data, clock_at):
    # given a county-level project in the library (an emergency one of the county's) that the village sees
    users = project_users()
    project = _emergency(users)
    village = _client(users["village"])
    assert village.get(f"/projects/{project.pk}/").status_code == 200
    # when the village (a proposer role) opens it: no link, and the page refuses
    assert 'data-testid="adjust-link"' not in village.get(f"/projects/{project.pk}/").content.decode()
    page = village.get(f"/projects/{project.pk}/adjust/")
    assert page.status_code == 403 and "项目调整由项目申报单位或县(市)提出" in page.content.decode()
    # while the county is offered both
    county = _client(users["county"])
    assert 'data-testid="adjust-link"' in county.get(f"/projects/{project.pk}/").content.decode()
    assert county.get(f"/projects/{project.pk}/adjust/").status_code == 200


# --- 3. 报乡镇审核 shown disabled with its reason while the announcement runs


def test_p14_send_to_township_is_disabled_while_the_announcement_runs(shipped_data, clock_at):
    # given a village proposal not yet announced
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    village = _client(users["village"])
    body = village.get(f"/projects/{project.pk}/").content.decode()
    assert "村级申报须先公示，公示期满后方可报乡镇审核" in body and "disabled" in body
    # when its announcement is posted with one objection not yet answered
    notice = notices.notice_create(
        actor=users["village"], kind=NoticeKind.PROPOSAL, projects=[project], title="", object_to="西山村委会"
    )
    notice = notices.notice_post(actor=users["village"], notice=notice)
    notices.objection_record(actor=users["village"], notice=notice, content="道路走向占用了我家的地")
    body = village.get(f"/projects/{project.pk}/").content.decode()
    # then the move reads when it may go, and the same words come from the guard
    expected = (
        f"公示期至 {notice.ends_on.isoformat()} 结束，且有 1 条异议未答复，公示期满、异议答复后可报乡镇审核"
    )
    assert expected in body
    refused = village.post(f"/projects/{project.pk}/move/", {"to": "township_review"}, follow=True)
    assert expected in refused.content.decode()
    project.refresh_from_db()
    assert project.status == "proposed"


def test_p14_send_to_township_is_enabled_once_the_announcement_closed(shipped_data, clock_at):
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    announce_proposal(project, users["village"], objection=True)
    body = _client(users["village"]).get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="move-blocked"' not in body and 'data-move="township_review"' in body


# --- 4. 待补公示


def test_p14_a_started_emergency_project_without_announcement_is_marked_for_late_notice(
    shipped_data, clock_at
):
    # given an emergency project started before any announcement
    users = project_users()
    project = _emergency(users)
    county = _client(users["county"])
    # then its page marks 待补公示 with a link to the plan notice form, and the county's list and tile find it
    body = county.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="late-notice-badge"' in body and "/projects/notices/new/?kind=plan" in body
    listed = county.get("/projects/?late_notice=1").content.decode()
    assert f'data-project="{project.pk}"' in listed
    from zhenxing.projects.todo import project_tiles

    tile = next(
        t for t in project_tiles(user=users["county"], today=clock.today()) if t.key == "projects-late-notice"
    )
    assert tile.value == 1 and "late_notice=1" in tile.url
    # when the county posts its plan notice (补公示), the mark goes
    notice = notices.notice_create(
        actor=users["county"], kind=NoticeKind.PLAN, projects=[project], title="", object_to="县乡村振兴局"
    )
    notices.notice_post(actor=users["county"], notice=notice)
    assert 'data-testid="late-notice-badge"' not in county.get(f"/projects/{project.pk}/").content.decode()
    assert f'data-project="{project.pk}"' not in county.get("/projects/?late_notice=1").content.decode()


# --- 6. small display rules


def test_p14_step_rows_do_not_repeat_the_state_and_building_reads_as_a_move(shipped_data, clock_at):
    # given a project in the library, announced and started, then 转入在建
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    notice = notices.notice_create(
        actor=users["county"], kind=NoticeKind.LIBRARY, projects=[project], title="", object_to="县乡村振兴局"
    )
    notices.notice_post(actor=users["county"], notice=notice)
    project = services.project_move(actor=users["county"], project=project, to="started")
    body = _client(users["county"]).get(f"/projects/{project.pk}/").content.decode()
    assert ">转入在建</button>" in body
    project = services.project_move(actor=users["county"], project=project, to="building")
    body = _client(users["county"]).get(f"/projects/{project.pk}/").content.decode()
    assert "开工 → 开工" not in body and "转入在建 → 在建" not in body
    assert AuditEvent.objects.filter(action="project.progress", target_id=str(project.pk)).count() == 2


def test_p14_money_shows_at_least_two_decimals_of_wan():
    assert wan(120_500_000) == "120.50"
    assert wan(1_200_000_000) == "1,200.00"
    assert wan(120_501_200) == "120.5012"
    assert wan(0) == "0.00" and wan(None) == ""


def test_p14_the_filter_hint_names_only_the_filters_shown(shipped_data):
    users = project_users()
    village = _client(users["village"]).get("/projects/").content.decode()
    assert "更多条件（年度、类别、层级、超期、待我办理）" in village
    prefecture = _client(users["prefecture"]).get("/projects/").content.decode()
    assert "更多条件（县市、年度、类别、层级、超期、待我办理、待补公示）" in prefecture


def test_p14_the_household_panel_marks_a_project_still_in_approval(shipped_data, clock_at):
    # given a 到户 proposal of 西山村 listing a household, not yet in the library
    users = project_users()
    household = make_household(village_code=VILLAGE, head_name="李四")
    project = services.project_propose(
        actor=users["village"],
        data=project_input(places=[(VILLAGE, "")], to_households=True, household_ids=[household.pk]),
    )
    # when the household's projects panel loads
    panel = _client(users["village"]).get(f"/projects/households/{household.pk}/panel/").content.decode()
    # then the project reads as in approval, not as approved
    assert f'data-project="{project.pk}"' in panel and "审批中：村申报" in panel


def test_p14_a_proposal_without_places_says_only_to_fill_them(shipped_data):
    users = project_users()
    response = _client(users["village"]).post(
        "/projects/new/",
        {"name": "西山村委会大村组道路硬化", "year": str(clock.today().year), "category": "construction_roads",
         "place_village": ["", "", ""], "place_natural": ["", "", ""]},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 422 and "请填写项目地点" in body
    assert "村级项目的地点须包含申报村" not in body
    assert Project.objects.count() == 0


# --- 5. the prefecture's summary and the batches


def test_p14_the_prefecture_summary_has_one_row_per_county(shipped_data, clock_at):
    # given one project of 南涧 in the library and one in approval
    users = project_users()
    in_library = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    services.project_propose(actor=users["village"], data=project_input(name="西山村委会饮水工程"))
    # when the prefecture opens the summary without choosing a county
    page = _client(users["prefecture"]).get(f"/projects/summary/?year={in_library.year}")
    body = page.content.decode()
    # then each county has a row linking to its own summary; 南涧 shows 1 in the library, 120.50 万元, 1 审批中
    assert page.status_code == 200 and 'data-testid="summary-counties"' in body
    assert body.count("<tr data-county=") >= 2
    row = body.split(f'<tr data-county="{COUNTY}">')[1].split("</tr>")[0]
    assert f"?county={COUNTY}&amp;year={in_library.year}" in row
    assert '<td data-label="在库项目">1</td>' in row and "120.50" in row
    assert '<td data-label="审批中">1</td>' in row and '<td data-label="储备">1</td>' in row


def test_p14_the_prefecture_summary_is_one_query(shipped_data, django_assert_max_num_queries):
    from zhenxing.divisions.models import Division
    from zhenxing.projects.listing import prefecture_summary

    users = project_users()
    ids = list(Division.objects.filter(level="county").values_list("pk", flat=True))
    # one aggregate query of the projects, after the user's scope (its assignments) is read
    with django_assert_max_num_queries(2):
        rows = prefecture_summary(user=users["prefecture"], county_ids=ids, year=clock.today().year)
    assert set(rows) == set(ids)


def test_p14_batches_are_paged_and_link_to_their_projects(shipped_data, clock_at):
    # given a project decided in a 州审定 batch
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    other = services.project_propose(actor=users["village"], data=project_input(name="西山村委会饮水工程"))
    prefecture = _client(users["prefecture"])
    body = prefecture.get("/projects/batches/").content.decode()
    link = f"/projects/?batch={project.batch_id}"
    assert link in body and "1 个项目" in body
    # when the link is followed: the batch's projects only
    listed = prefecture.get(link).content.decode()
    assert f'data-project="{project.pk}"' in listed and f'data-project="{other.pk}"' not in listed
    assert 'data-testid="batch-filter"' in listed
    # a page beyond the last gives the last page
    assert prefecture.get("/projects/batches/?page=99").status_code == 200
