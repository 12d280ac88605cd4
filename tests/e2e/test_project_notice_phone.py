"""On a phone (375 px), under the site's Content-Security-Policy: the village cadre announces a 到户 proposal from
the pages and posts it; its printed page names the households while it runs and carries the QR code of the
village's public page; anyone opens that page without logging in, sees the project and the announcement and no
household name (P17) with the running announcement on the first screen, and leaves a question through the
challenge, a wrong answer said at the form (P14 公告公示)."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role
from zhenxing.projects import services
from zhenxing.projects.models import ProjectNotice, ProjectObjection

from ..conftest import VILLAGE
from ..factories import make_household, make_user
from ..projects.builders import project_input
from .phone import shot
from .test_registry_flow import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADS = ("段志强", "字春梅")


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_p14_announcement_on_the_phone_and_the_public_village_page(
    live_server: object, page: Page, clock_at
) -> None:  # type: ignore[no-untyped-def]
    base = str(live_server)
    clock_at(datetime.date(2026, 3, 1))
    cadre = make_user(Role.VILLAGE, VILLAGE, username="xishan", display_name="王村干")
    households = [make_household(VILLAGE, head_name=name) for name in HEADS]
    project = services.project_propose(
        actor=cadre,
        data=project_input(
            name="西山村肉牛养殖到户补助", category="industry_breeding", to_households=True,
            household_ids=[h.pk for h in households], linkage_mechanisms=["production"], linked_tuopin_people=2,
            linked_monitoring_people=0,
        ),
    )  # fmt: skip

    # the cadre announces the proposal from the pages and posts it
    _login(page, base, "xishan")
    page.goto(f"{base}/projects/notices/")
    page.get_by_test_id("notice-new").click()
    expect(page.get_by_test_id("eligible-projects")).to_contain_text(project.name)
    _fits(page)
    page.get_by_label("异议受理单位及电话").fill("西山村委会 0879-1234567")
    page.get_by_role("button", name="生成公示草稿").click()
    expect(page.locator(".messages")).to_contain_text("已生成公示草稿")
    page.get_by_test_id("notice-post").get_by_role("button").click()
    expect(page.get_by_test_id("notice-period")).to_contain_text("2026-03-01 至 2026-03-10")
    _fits(page)
    shot(page, "project-notice-375")
    notice = ProjectNotice.objects.get()

    # its printed page names the households while it runs, with the QR code and the short URL under it
    page.get_by_test_id("notice-print").click()
    for head in HEADS:
        expect(page.get_by_test_id("households")).to_contain_text(head)
    expect(page.get_by_test_id("notice-qr").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("notice-qr")).to_contain_text(f"/v/{VILLAGE}/")
    _fits(page)
    shot(page, "project-notice-print-375")

    # anyone opens the public page, not logged in
    page.context.clear_cookies()
    page.goto(f"{base}/v/{VILLAGE}/")
    expect(page.get_by_test_id("village-projects")).to_contain_text(project.name)
    expect(page.get_by_test_id("running-notices")).to_contain_text(notice.title)
    # on the first screen: the link list and the running announcement, before the projects
    expect(page.get_by_test_id("village-links")).to_be_in_viewport()
    expect(page.get_by_test_id("running-notices").get_by_role("link", name=notice.title)).to_be_in_viewport()
    body = page.locator("body").inner_text()
    assert not any(head in body for head in HEADS)
    _fits(page)
    shot(page, "village-page-375")
    page.get_by_test_id("running-notices").get_by_role("link", name=notice.title).click()
    expect(page.get_by_test_id("public-notice-project")).to_contain_text("带动生产")
    assert not any(head in page.locator("body").inner_text() for head in HEADS)
    _fits(page)
    page.get_by_role("link", name="在这里留言").click()

    # and leaves a question through the challenge: a wrong answer first, said at the form, on screen
    form = page.get_by_test_id("ask-form")
    form.get_by_label("内容").fill("养殖补助什么时候发放？")
    form.get_by_label(re.compile("^验证")).fill("999")
    form.get_by_role("button", name="提交").click()
    expect(page).to_have_url(re.compile("#ask$"))
    expect(form.locator(".error").first).to_contain_text("验证没有通过")
    expect(form.get_by_label(re.compile("^验证"))).to_be_in_viewport()
    expect(form.get_by_label("内容")).to_have_value("养殖补助什么时候发放？")
    _fits(page)
    shot(page, "village-ask-error-375")
    question = form.locator("label[for=id_answer]").inner_text()
    a, b = (int(n) for n in re.findall(r"\d+", question))
    form.get_by_label(re.compile("^验证")).fill(str(a + b))
    form.get_by_role("button", name="提交").click()
    expect(page.locator(".messages")).to_contain_text("已收到您的留言")
    _fits(page)
    stored = ProjectObjection.objects.get()
    assert (stored.channel, stored.kind, stored.village.code) == ("web", "question", VILLAGE)
