"""P14 公告公示 and P17: a village's public page, reached without login by its short URL, shows the village's
projects and the project announcements that reach it, never a household's name (not even while a 到户 notice
runs) and never an identification notice; its question/objection form has the portal's challenge, a hidden
field and rate limits, and keeps the phone only encrypted and masked."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from tests.conftest import OTHER_COUNTY_VILLAGE, SAME_TOWNSHIP_VILLAGE, VILLAGE
from tests.factories import division, make_household, make_user
from tests.projects.builders import project_input, project_users
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.crypto import decrypt_phone
from zhenxing.monitoring.models import Notice
from zhenxing.portal.challenge import challenge_new
from zhenxing.projects import notices, services
from zhenxing.projects.enums import NoticeKind
from zhenxing.projects.models import Project, ProjectObjection

pytestmark = pytest.mark.django_db

FIRST = datetime.date(2026, 3, 1)
HEADS = ("段志强", "字春梅")
PAGE = f"/v/{VILLAGE}/"


def _to_households_project(users: dict) -> Project:
    households = [make_household(VILLAGE, head_name=name) for name in HEADS]
    return services.project_propose(
        actor=users["village"],
        data=project_input(
            name="西山村肉牛养殖到户补助", category="industry_breeding", to_households=True,
            household_ids=[h.pk for h in households], linkage_mechanisms=["production"], linked_tuopin_people=2,
            linked_monitoring_people=0,
        ),
    )  # fmt: skip


def _running_notice(users: dict, project: Project) -> notices.ProjectNotice:
    draft = notices.notice_create(
        actor=users["village"], kind=NoticeKind.PROPOSAL, projects=[project], title="",
        object_to="西山村委会 0879-1234567",
    )  # fmt: skip
    return notices.notice_post(actor=users["village"], notice=draft)


def _solved() -> dict[str, str]:
    question, token = challenge_new()
    a, b = (int(n) for n in re.findall(r"\d+", question))
    return {"token": token, "answer": str(a + b)}


def _ask(client: Client, **changes: str) -> object:
    data = {
        "kind": "question",
        "about": "",
        "content": "道路什么时候开工？",
        "contact_name": "",
        "contact_phone": "",
    }
    data.update(_solved())
    data.update(changes)
    return client.post(PAGE, data, REMOTE_ADDR="203.0.113.7")


def test_p14_p17_public_page_shows_projects_and_notices_and_no_household_name(shipped_data, clock_at):
    # given a 到户 project with named households whose proposal announcement runs now, another village's
    # project, and an identification notice of the same village (monitoring's)
    clock_at(FIRST)
    users = project_users()
    project = _to_households_project(users)
    notice = _running_notice(users, project)
    neighbour = services.project_propose(
        actor=make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE),
        data=project_input(name="团山村饮水工程", category="construction_water", places=[(SAME_TOWNSHIP_VILLAGE, "")]),
    )  # fmt: skip
    Notice.objects.create(
        village_id=VILLAGE,
        title="西山村防返贫监测对象识别公示",
        object_to="村委会 123456",
        created_by=users["village"],
    )
    # when anyone opens the short URL, not logged in
    client = Client()
    response = client.get(PAGE)
    html = response.content.decode()
    # then the village's project and its running announcement are there, with its stage and money
    assert response.status_code == 200
    assert project.name in html and "村申报" in html and "120.5" in html
    assert notice.title in html and "2026-03-10" in html
    # and never a household's name, another village's project, or an identification notice
    assert not any(head in html for head in HEADS)
    assert neighbour.name not in html and "识别公示" not in html
    # the announcement's own public page lists its project's facts, still without names
    shown = client.get(f"/v/{VILLAGE}/notices/{notice.pk}/")
    text = shown.content.decode()
    assert shown.status_code == 200 and project.name in text and "带动生产" in text
    assert not any(head in text for head in HEADS)
    # after the period it is a past announcement, still without names
    clock_at(datetime.date(2026, 3, 11))
    later = client.get(PAGE).content.decode()
    assert notice.title in later and "已期满" in later and not any(head in later for head in HEADS)


def test_p14_public_page_hides_drafts_and_other_villages_notices(shipped_data, clock_at):
    clock_at(FIRST)
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    draft = notices.notice_create(
        actor=users["village"], kind=NoticeKind.PROPOSAL, projects=[project], title="西山村草稿公示",
        object_to="西山村委会 0879-1234567",
    )  # fmt: skip
    client = Client()
    assert "西山村草稿公示" not in client.get(PAGE).content.decode()
    assert client.get(f"/v/{VILLAGE}/notices/{draft.pk}/").status_code == 404
    # a posted notice of this village is not shown under another village's address
    notices.notice_post(actor=users["village"], notice=draft)
    assert client.get(f"/v/{SAME_TOWNSHIP_VILLAGE}/notices/{draft.pk}/").status_code == 404
    assert "西山村草稿公示" not in client.get(f"/v/{SAME_TOWNSHIP_VILLAGE}/").content.decode()
    assert client.get(f"/v/{OTHER_COUNTY_VILLAGE}/").status_code == 200


@pytest.mark.parametrize("code", ["999999999999", "532926101", "abc", "532926101999"])
def test_p14_unknown_village_code_is_not_found(shipped_data, code):
    assert Client().get(f"/v/{code}/").status_code == 404


def test_p14_ask_form_stores_the_question_with_the_phone_encrypted(shipped_data, clock_at):
    clock_at(FIRST)
    users = project_users()
    notice = _running_notice(users, services.project_propose(actor=users["village"], data=project_input()))
    client = Client()
    # when someone objects to the running announcement, leaving a phone
    response = _ask(
        client,
        kind="objection",
        about=f"n{notice.pk}",
        content="道路占用了我家的地",
        contact_phone="13912345678",
    )
    # then it is stored for the village, the phone encrypted and masked only, with an audit row
    assert response.status_code == 302 and response["Location"] == PAGE
    stored = ProjectObjection.objects.get()
    assert (stored.village.code, stored.notice_id, stored.kind, stored.channel) == (
        VILLAGE, notice.pk, "objection", "web",
    )  # fmt: skip
    assert stored.contact_phone_masked != "13912345678" and "5678" in stored.contact_phone_masked
    assert decrypt_phone(bytes(stored.contact_phone_encrypted)) == "13912345678"
    assert stored.ip_hash and "203.0.113.7" not in stored.ip_hash
    event = AuditEvent.objects.get(action="project_objection.submit", target_id=str(stored.pk))
    assert event.actor_label == "public" and "13912345678" not in str(event.new_values)
    # and the village's cadre sees it on the notice, masked
    cadre = Client()
    cadre.force_login(users["village"])
    page = cadre.get(f"/projects/notices/{notice.pk}/").content.decode()
    assert "道路占用了我家的地" in page and "13912345678" not in page


def test_p14_ask_form_refuses_a_wrong_challenge_and_the_hidden_field(shipped_data, clock_at):
    clock_at(FIRST)
    client = Client()
    wrong = _ask(client, answer="99")
    assert wrong.status_code == 400 and "验证没有通过" in wrong.content.decode()
    robot = _ask(client, website="http://spam.example")
    assert robot.status_code == 404
    # a replayed form (its challenge already spent) is refused too
    data = _solved()
    first = _ask(client, **data)
    replay = _ask(client, **data)
    assert first.status_code == 302 and replay.status_code == 400
    assert ProjectObjection.objects.count() == 1


def test_p14_ask_form_rate_limit_per_address(shipped_data, clock_at):
    clock_at(FIRST)
    client = Client()
    for n in range(notices.PUBLIC_PER_IP):
        assert _ask(client, content=f"第{n}个问题，请答复").status_code == 302
    refused = _ask(client, content="再问一个问题")
    assert refused.status_code == 429 and "上限" in refused.content.decode()
    assert ProjectObjection.objects.count() == notices.PUBLIC_PER_IP
    # another address still may ask
    other = client.post(
        PAGE, {"kind": "question", "content": "另一台设备的问题", **_solved()}, REMOTE_ADDR="198.51.100.2"
    )
    assert other.status_code == 302


def test_p14_ask_form_rate_limit_per_village(shipped_data, clock_at):
    # given as many questions from different addresses as a village takes in a day
    village = division(VILLAGE)
    for n in range(notices.PUBLIC_PER_VILLAGE):
        notices.objection_submit_public(
            village=village, content=f"问题{n}号内容", kind="question", ip_address=f"10.0.0.{n}"
        )
    # when one more comes, then it is refused and nothing is stored
    with pytest.raises(notices.TooManySubmissions):
        notices.objection_submit_public(
            village=village, content="问题再来一个", kind="question", ip_address="10.0.1.1"
        )
    assert ProjectObjection.objects.count() == notices.PUBLIC_PER_VILLAGE
    # another village still takes questions
    notices.objection_submit_public(
        village=division(SAME_TOWNSHIP_VILLAGE),
        content="团山村的问题",
        kind="question",
        ip_address="10.0.1.1",
    )


def test_p14_a_question_about_the_village_reaches_the_cadre_who_answers_it(shipped_data, clock_at):
    """A question naming no announcement is listed on the cadre's announcements page and answered there."""
    clock_at(FIRST)
    users = project_users()
    assert _ask(Client(), content="村里今年有哪些项目？").status_code == 302
    asked = ProjectObjection.objects.get()
    cadre = Client()
    cadre.force_login(users["village"])
    assert "村里今年有哪些项目？" in cadre.get("/projects/notices/").content.decode()
    answered = cadre.post(
        f"/projects/objections/{asked.pk}/answer/", {"answer": "今年有道路硬化项目，正在申报"}
    )
    assert answered.status_code == 302 and answered["Location"] == "/projects/notices/"
    asked.refresh_from_db()
    assert asked.status == "answered" and asked.answered_by == users["village"]
    assert AuditEvent.objects.filter(action="project_objection.answer", target_id=str(asked.pk)).exists()
    # a cadre of another village does not find it
    other = Client()
    other.force_login(make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE))
    assert other.post(f"/projects/objections/{asked.pk}/answer/", {"answer": "无关"}).status_code == 404


def test_p14_an_unannounced_proposal_is_not_public_until_its_announcement_is_posted(shipped_data, clock_at):
    """A village proposal is made public by its announcement (P14): before it is posted (no notice, or only a
    draft) the public page does not list it; once posted it does."""
    clock_at(FIRST)
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input(name="西山村委会文化广场"))
    client = Client()
    assert project.name not in client.get(PAGE).content.decode()
    draft = notices.notice_create(
        actor=users["village"], kind=NoticeKind.PROPOSAL, projects=[project], title="",
        object_to="西山村委会 0879-1234567",
    )  # fmt: skip
    assert project.name not in client.get(PAGE).content.decode()
    notices.notice_post(actor=users["village"], notice=draft)
    assert project.name in client.get(PAGE).content.decode()
