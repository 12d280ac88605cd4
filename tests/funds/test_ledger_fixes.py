"""The ledger pages after the browser check (P14): a payment reversed in full says so and offers no reversal; a
refusal without a reason comes back beside its field; 已分配 counts the splits in force and 待确认 the proposals
apart on every page (a proposal is never 未支付); the split form leaves out projects whose plan is held in full;
the year filter offers only the years of documents the user sees; a project's money page links its library page.
Each test fails on the pages before the fix."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import OTHER_COUNTY
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.funds import services
from zhenxing.funds.models import Split

from .builders import allocation, fund_users
from .ledger_world import ledger_world

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _section(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</section>", start)]


def test_p14_a_payment_reversed_in_full_says_so_and_offers_no_reversal() -> None:
    # given the world's 10 万元 payment reversed in full (two reversals) and a second payment reversed in part
    world = ledger_world()
    objects, finance_user = world["objects"], world["users"]["finance"]
    today = clock.today()
    for amount, voucher in (("6", "冲-001"), ("4", "冲-002")):
        services.payment_reverse(actor=finance_user, payment=objects["payment"], amount=amount,
                                 reason="收款单位账号错误", voucher=voucher, on=today)  # fmt: skip
    second = services.payment_create(actor=finance_user, split=objects["split"], amount="8", paid_on=today,
                                     payee="鑫达公司", voucher="记-002")  # fmt: skip
    services.payment_reverse(
        actor=finance_user, payment=second, amount="3", reason="多付", voucher="冲-003", on=today
    )
    # when the split's page is read
    page = _client(finance_user).get(f"/funds/splits/{world['split']}/").content.decode()
    # then the first says 已全额冲销 with no reversal form, the second what it has left
    first_row = page[page.index(f'data-payment="{world["payment"]}"') :]
    first_row = first_row[: first_row.index("</tr>")]
    assert "已全额冲销" in first_row and "尚可冲销" not in first_row
    assert "尚可冲销 0.00" not in page
    assert f'data-testid="reverse-{world["payment"]}"' not in page
    assert "已部分冲销，尚可冲销 5.00 万元" in page and f'data-testid="reverse-{second.pk}"' in page


def test_p14_a_refusal_without_a_reason_comes_back_beside_the_reason_field() -> None:
    # given the county's proposal on the split page of the finance bureau
    world = ledger_world()
    finance = _client(world["users"]["finance"])
    url = f"/funds/splits/{world['proposed']}/refuse/"
    # when it is sent back with a one-character reason (the transition's guard asks for two)
    response = finance.post(url, {"reason": "否"})
    page = response.content.decode()
    # then the problem is beside the textarea (highlighted), the typed text is kept, the page is the split page
    assert response.status_code == 422
    decide = _section(page, "decide")
    assert 'data-error="reason">请填写退回理由' in decide and 'aria-invalid="true"' in decide
    assert '<textarea id="refuse-reason" name="reason" rows="2" aria-invalid="true"' in decide
    assert ">否</textarea>" in decide
    assert 'data-testid="general-error"' not in page and 'data-testid="payments"' in page
    # and nothing was written
    assert Split.objects.get(pk=world["proposed"]).status == "proposed"
    assert not AuditEvent.objects.filter(action="fund.split_refuse").exists()
    # with a reason it goes through
    finance.post(url, {"reason": "该项目本年度已安排其他资金"})
    assert Split.objects.get(pk=world["proposed"]).status == "refused"
    assert AuditEvent.objects.filter(action="fund.split_refuse", target_id=str(world["proposed"])).exists()


def test_p14_split_and_proposed_are_apart_on_every_ledger_page_and_a_proposal_is_never_unpaid() -> None:
    # given 60 万元 in force (10 paid) and a 20 万元 proposal on a 150 万元 line
    world = ledger_world()
    county = _client(world["users"]["county"])
    proposed = world["proposed"]
    # the line's page: 已分配 60, 待确认 20, 余额 70 after both; the proposal's row is 待确认, not 未支付 20
    line = county.get(f"/funds/lines/{world['line']}/").content.decode()
    assert "含待确认" not in line
    assert '<dd data-testid="split">60.00</dd>' in line and '<dd data-testid="proposed">20.00</dd>' in line
    assert '<dd data-testid="remaining">70.00</dd>' in line
    row = line[line.index(f'data-split="{proposed}"') :]
    assert 'data-testid="unpaid"><span class="muted">待确认</span>' in row[: row.index("</tr>")]
    # the document's page: the same two figures per line
    document = county.get(f"/funds/allocations/{world['allocation']}/").content.decode()
    assert "含待确认" not in document
    assert 'data-testid="split">60.00<' in document and 'data-testid="proposed">20.00<' in document
    # the project's page: the split list agrees with the by-source table (未支付 50 = the split in force)
    money = county.get(f"/funds/projects/{world['project']}/").content.decode()
    splits = _section(money, "splits")
    row = splits[splits.index(f'data-split="{proposed}"') :]
    assert "待确认" in row[: row.index("</tr>")] and "20.00</td>\n</tr>" not in row
    assert 'data-testid="unpaid">50.00<' in splits
    # the proposal's own page: not 未支付 20 万元
    detail = county.get(f"/funds/splits/{proposed}/").content.decode()
    assert '<dd data-testid="unpaid">20.00 万元</dd>' not in detail and "待财政确认" in detail


def test_p14_the_split_form_leaves_out_projects_whose_plan_is_held_in_full() -> None:
    # given the world's road project: central 100 planned, 60 in force and 20 proposed
    world = ledger_world()
    finance = _client(world["users"]["finance"])
    url = f"/funds/lines/{world['line']}/"
    page = finance.get(url).content.decode()
    # then it is offered with what it still may receive
    assert "计划100.00万元，已分配60.00万元，待确认20.00万元，尚可分配20.00万元" in page
    # when the last 20 万元 are split to it
    services.split_create(actor=world["users"]["finance"], line=world["objects"]["line"],
                          project=world["objects"]["project"], amount="20")  # fmt: skip
    page = finance.get(url).content.decode()
    # then it is no longer offered and the form says why
    assert f'<option value="{world["project"]}"' not in page and 'name="project"' not in page
    assert 'data-testid="no-room"' in page and "都已分配满" in page


def test_p14_the_year_filter_offers_only_the_budget_years_of_documents_the_user_sees() -> None:
    # given documents of this year and two years ago in 南涧, and one of 2021 of another county only
    users = fund_users()
    year = clock.today().year
    allocation(users["finance"], doc_number="南财农〔A〕1号", budget_year=year)
    allocation(users["finance"], doc_number="南财农〔A〕2号", budget_year=year - 2)
    allocation(users["other_finance"], doc_number="大财农〔A〕3号", budget_year=2021,
               lines=((OTHER_COUNTY, "central", "10"),))  # fmt: skip
    # when 南涧's bureau opens the list
    page = _client(users["finance"]).get("/funds/").content.decode()
    select = page[page.index('id="f-year"') :]
    select = select[: select.index("</select>")]
    # then the years offered are exactly those of its documents, newest first
    assert re.findall(r'<option value="(\d{4})"', select) == [str(year), str(year - 2)]


def test_p14_a_projects_money_page_links_the_project_code_to_its_library_page() -> None:
    world = ledger_world()
    url = f"/funds/projects/{world['project']}/"
    # the county (view_projects) follows the code in the breadcrumb to the project's page
    county = _client(world["users"]["county"]).get(url).content.decode()
    assert f'<a href="/projects/{world["project"]}/" data-testid="project-link">' in _crumbs(county)
    # the finance bureau (no view_projects) reads the code without a link
    finance = _client(world["users"]["finance"]).get(url).content.decode()
    assert "/projects/" not in _crumbs(finance) and world["objects"]["project"].code in _crumbs(finance)


def _crumbs(page: str) -> str:
    crumbs = page[page.index('class="breadcrumbs"') :]
    return crumbs[: crumbs.index("</p>")]
