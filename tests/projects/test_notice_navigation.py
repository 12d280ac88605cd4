"""P14 公告公示 pages name what they show: a notice's page is named by its title in the breadcrumb (not its id);
the menu's two announcement entries read differently (监测公示 of monitoring: identification and elimination, 项目公示 of the library)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from tests.projects.builders import project_input, project_users
from zhenxing.projects import notices, services
from zhenxing.projects.enums import NoticeKind

pytestmark = pytest.mark.django_db


def test_p14_notice_page_breadcrumb_names_the_notice_and_the_menu_tells_the_two_apart(shipped_data, clock_at):
    clock_at(datetime.date(2026, 3, 1))
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    notice = notices.notice_create(
        actor=users["village"],
        kind=NoticeKind.PROPOSAL,
        projects=[project],
        title="",
        object_to="村委会 0879-1234567",
    )
    client = Client()
    client.force_login(users["village"])
    html = client.get(f"/projects/notices/{notice.pk}/").content.decode()
    crumb = html.split('data-testid="breadcrumb-title">', 1)[1].split("<", 1)[0]
    assert crumb.startswith("西山村委会村级项目申报公示") and str(notice.pk) != crumb
    # the menu (a village cadre sees both): 监测公示 (monitoring) and 项目公示 (the library), no bare 公示
    assert ">监测公示</a>" in html and ">项目公示</a>" in html and ">公示</a>" not in html
