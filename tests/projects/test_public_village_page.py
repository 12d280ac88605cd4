"""P14 公告公示 on the public village page, read on a phone: a project under adjustment is one row (the version
in force, marked 调整审批中 with the adjusted total); running announcements and a short link list come before the
projects; the question form posts back to itself at #ask with its errors there, in our own Chinese; answered
questions and objections are shown (content and answer, never the asker's name or phone), newest first, at
most 20."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from tests.conftest import SAME_TOWNSHIP_VILLAGE, VILLAGE
from tests.factories import division
from tests.projects.builders import project_input, project_users, to_library
from zhenxing.common import clock
from zhenxing.policy.rules.projects import fen_to_wan
from zhenxing.portal.challenge import challenge_new
from zhenxing.projects import notices, public, services
from zhenxing.projects.enums import NoticeKind
from zhenxing.projects.models import Project, ProjectObjection

pytestmark = pytest.mark.django_db

FIRST = datetime.date(2026, 3, 1)
PAGE = f"/v/{VILLAGE}/"
OBJECT_TO = "西山村委会 0879-1234567"


def _announce(users: dict, project: Project) -> notices.ProjectNotice:
    draft = notices.notice_create(
        actor=users["village"], kind=NoticeKind.PROPOSAL, projects=[project], title="", object_to=OBJECT_TO
    )
    return notices.notice_post(actor=users["village"], notice=draft)


def _solved() -> dict[str, str]:
    question, token = challenge_new()
    a, b = (int(n) for n in re.findall(r"\d+", question))
    return {"token": token, "answer": str(a + b)}


def test_p14_a_project_under_adjustment_is_one_row_marked_with_the_adjusted_total(shipped_data, clock_at):
    # given a road in the library (version 1) and its adjustment (version 2), announced and under approval
    clock_at(FIRST)
    users = project_users()
    in_force = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    adjusted = services.project_adjust(
        actor=users["village"], project=in_force,
        data=project_input(total="130", sources={"central": "130"}), reason="路线延长0.3公里",
    )  # fmt: skip
    _announce(users, adjusted)
    # when anyone opens the village page
    page = Client().get(PAGE)
    html = page.content.decode()
    # then the project is one row: the version in force, marked 调整审批中 with the adjusted plan's total
    assert page.status_code == 200
    assert html.count('data-testid="village-project"') == 1 and html.count(in_force.name) >= 1
    row = html.split('data-testid="village-project"', 1)[1].split("</tr>", 1)[0]
    assert "调整审批中" in row and f"调整后拟为 {fen_to_wan(adjusted.total_fen)} 万元" in row
    assert str(fen_to_wan(in_force.total_fen)) in row and "储备" in row
    # and the question form offers it once, as the version in force
    assert f'value="p{in_force.pk}"' in html and f'value="p{adjusted.pk}"' not in html
    assert [r.project.pk for r in public.public_project_rows(VILLAGE)] == [in_force.pk]


def test_p14_a_first_version_under_approval_is_its_own_row(shipped_data, clock_at):
    clock_at(FIRST)
    users = project_users()
    proposal = services.project_propose(actor=users["village"], data=project_input())
    _announce(users, proposal)
    rows = public.public_project_rows(VILLAGE)
    assert [(r.project.pk, r.adjustment) for r in rows] == [(proposal.pk, None)]


def test_p14_running_announcements_and_links_come_before_the_projects(shipped_data, clock_at):
    # given a running announcement of a proposal
    clock_at(FIRST)
    users = project_users()
    notice = _announce(users, services.project_propose(actor=users["village"], data=project_input()))
    html = Client().get(PAGE).content.decode()
    # then the page reads: the link list (项目 / 公示 / 提问), the running announcements, then the projects
    links = html.index('data-testid="village-links"')
    running = html.index('data-testid="running-notices"')
    projects = html.index('data-testid="village-projects"')
    assert links < running < projects and html.index(notice.title) < projects
    nav = html[links:].split("</nav>", 1)[0]
    for anchor in ("#projects", "#notices", "#ask", "#answers"):
        assert f'href="{anchor}"' in nav and f'id="{anchor[1:]}"' in html


def test_p14_ask_form_posts_back_at_its_anchor_with_chinese_errors_at_the_form(shipped_data, clock_at):
    clock_at(FIRST)
    client = Client()
    form = client.get(PAGE).content.decode().split('data-testid="ask-form"', 1)[0].rsplit("<form", 1)[1]
    assert f'action="{PAGE}#ask"' in form
    # when the content is left empty, then the form comes back with our message beside the field
    refused = client.post(PAGE, {"kind": "question", "about": "", "content": "", **_solved()})
    html = refused.content.decode()
    assert refused.status_code == 400
    ask = html.split('data-testid="ask-form"', 1)[1]
    assert "请填写您的问题或异议" in ask and 'data-testid="ask-errors"' in ask
    assert "这个字段是必填项" not in html
    short = client.post(PAGE, {"kind": "question", "content": "好", **_solved()}).content.decode()
    assert "内容太短，请至少写4个字" in short
    unanswered = client.post(PAGE, {"kind": "question", "content": "道路什么时候修？", "token": "x"})
    assert "请填写验证题的答案" in unanswered.content.decode()
    assert not ProjectObjection.objects.exists()


def test_p14_p17_answered_questions_are_public_without_the_askers_name_or_phone(shipped_data, clock_at):
    # given a question left on the page with a name and a phone, answered; one still open; and another
    # village's answered question
    clock_at(FIRST)
    users = project_users()
    village = division(VILLAGE)
    asked = notices.objection_submit_public(
        village=village, content="大村组道路什么时候开工？", kind="question", contact_name="李四",
        contact_phone="13912345678", ip_address="10.0.0.1",
    )  # fmt: skip
    notices.objection_answer(actor=users["village"], objection=asked, answer="计划五月开工")
    notices.objection_submit_public(village=village, content="还没答复的问题", kind="question")
    elsewhere = notices.objection_submit_public(
        village=division(SAME_TOWNSHIP_VILLAGE), content="团山村的问题", kind="question"
    )
    notices.objection_answer(actor=users["township"], objection=elsewhere, answer="团山村的答复")
    # when anyone opens the page
    html = Client().get(PAGE).content.decode()
    answers = html.split('data-testid="public-answers"', 1)[1].split("</section>", 1)[0]
    # then the answered one is listed with its answer and dates, never the name or the phone (nor masked)
    assert "群众提问与答复" in html
    assert "大村组道路什么时候开工？" in answers and "计划五月开工" in answers and "2026-03-01" in answers
    assert "李四" not in html and "5678" not in html and "1391" not in html
    assert "还没答复的问题" not in html and "团山村的答复" not in html


def test_p14_answered_questions_newest_first_at_most_twenty(shipped_data, clock_at):
    clock_at(FIRST)
    users = project_users()
    village = division(VILLAGE)
    for n in range(public.ANSWERS_SHOWN + 2):
        clock.travel_to(FIRST + datetime.timedelta(days=n))
        asked = notices.objection_submit_public(village=village, content=f"第{n:02d}号问题", kind="question")
        notices.objection_answer(actor=users["village"], objection=asked, answer=f"第{n:02d}号答复")
    html = Client().get(PAGE).content.decode()
    answers = html.split('data-testid="public-answers"', 1)[1].split("</section>", 1)[0]
    shown = re.findall(r"第(\d\d)号问题", answers)
    assert shown == [f"{n:02d}" for n in range(public.ANSWERS_SHOWN + 1, 1, -1)]
    assert "只列出最近 20 条答复" in answers
