"""P14 公告公示, told apart: a notice's default title names what it announces (its project, or the first one and
how many), the list shows each notice's period next to its title and puts drafts first, then the newest
posting; a new county library notice pre-ticks only the projects not yet announced in one."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from tests.projects.builders import project_input, project_users, to_library
from zhenxing.projects import notices, services
from zhenxing.projects.enums import NoticeKind
from zhenxing.projects.models import Project, ProjectNotice

pytestmark = pytest.mark.django_db

FIRST = datetime.date(2026, 3, 1)
OBJECT_TO = "西山村委会 0879-1234567"
COUNTY_OFFICE = "县乡村振兴局 0879-6020000"


def _proposal(users: dict, name: str) -> Project:
    return services.project_propose(actor=users["village"], data=project_input(name=name))


def _draft(users: dict, projects: list[Project], title: str = "") -> ProjectNotice:
    return notices.notice_create(
        actor=users["village"], kind=NoticeKind.PROPOSAL, projects=projects, title=title, object_to=OBJECT_TO
    )


def _signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_p14_default_title_names_the_project_or_the_first_and_how_many(shipped_data, clock_at):
    # given three proposals of 西山村委会
    clock_at(FIRST)
    users = project_users()
    road = _proposal(users, "西山村委会大村组道路硬化")
    water = _proposal(users, "小村组人饮工程")
    square = _proposal(users, "文化广场")
    # when one notice lists one of them and another lists several, titles left empty
    one = _draft(users, [road])
    several = _draft(users, [water, square])
    # then the first carries its project's name (the board's name not repeated), the second the first name
    # and the count
    assert one.title == "西山村委会村级项目申报公示：大村组道路硬化"
    assert several.title == "西山村委会村级项目申报公示：小村组人饮工程等2个项目"
    # a title typed by the cadre is kept as typed
    assert _draft(users, [road], title="西山村2026年第一批项目公示").title == "西山村2026年第一批项目公示"


def test_p14_default_title_fits_the_column_with_a_long_project_name(shipped_data, clock_at):
    clock_at(FIRST)
    users = project_users()
    long_name = "大村组" + "道路硬化及排水沟" * 24
    projects = [_proposal(users, long_name[:200]), _proposal(users, "文化广场")]
    title = _draft(users, projects).title
    assert len(title) <= notices.TITLE_MAX and title.endswith("…等2个项目")
    assert title.startswith("西山村委会村级项目申报公示：大村组道路硬化")


def test_p14_notice_list_shows_the_period_by_the_title_drafts_first_then_newest_posting(
    shipped_data, clock_at
):
    # given a notice posted on the 1st, one posted on the 5th, and a draft
    clock_at(FIRST)
    users = project_users()
    early = notices.notice_post(
        actor=users["village"], notice=_draft(users, [_proposal(users, "大村组道路")])
    )
    clock_at(datetime.date(2026, 3, 5))
    late = notices.notice_post(actor=users["village"], notice=_draft(users, [_proposal(users, "小村组饮水")]))
    draft = _draft(users, [_proposal(users, "文化广场")])
    # when the cadre opens the list
    page = _signed_in(users["village"]).get("/projects/notices/")
    # then the draft comes first, then the newest posting, each title with its period beside it
    assert [n.pk for n in page.context["notices"]] == [draft.pk, late.pk, early.pk]
    html = page.content.decode()
    assert "公示期 2026-03-05 至 2026-03-14" in html and "公示期 2026-03-01 至 2026-03-10" in html
    assert "草稿，尚未张贴" in html
    assert html.index(late.title) < html.index("2026-03-05 至 2026-03-14") < html.index(early.title)


def test_p14_library_notice_preticks_only_projects_not_yet_on_a_posted_library_notice(shipped_data, clock_at):
    # given two in-library projects, one of them already on a posted 县级项目库公告 (and one on a draft only)
    clock_at(FIRST)
    users = project_users()
    announced = to_library(_proposal(users, "大村组道路硬化"), users)
    fresh = to_library(_proposal(users, "小村组人饮工程"), users)
    posted = notices.notice_create(
        actor=users["county"],
        kind=NoticeKind.LIBRARY,
        projects=[announced],
        title="",
        object_to=COUNTY_OFFICE,
    )
    notices.notice_post(actor=users["county"], notice=posted)
    notices.notice_create(
        actor=users["county"], kind=NoticeKind.LIBRARY, projects=[fresh], title="", object_to=COUNTY_OFFICE
    )
    county = _signed_in(users["county"])
    # when the county opens a new library notice
    page = county.get("/projects/notices/new/", {"kind": "library"})
    # then both are offered, only the one not yet announced is ticked, and the other is marked 已公告
    assert {p.pk for p in page.context["eligible"]} == {announced.pk, fresh.pk}
    assert page.context["chosen_ids"] == {fresh.pk} and page.context["announced"] == {announced.pk}
    html = page.content.decode()
    label = html.split(f'value="{announced.pk}"', 1)[1].split("</label>", 1)[0]
    assert "已公告" in label and " checked" not in label.split(">", 1)[0]
    assert f'value="{fresh.pk}" checked' in html
    # and the announced one may still be ticked: it is listed again
    county.post(
        "/projects/notices/new/",
        {
            "kind": "library",
            "year": FIRST.year,
            "projects": [announced.pk, fresh.pk],
            "object_to": COUNTY_OFFICE,
        },
    )
    newest = ProjectNotice.objects.filter(kind="library").latest("pk")
    assert set(newest.entries.values_list("project_id", flat=True)) == {announced.pk, fresh.pk}
    assert newest.title.endswith("等2个项目")
