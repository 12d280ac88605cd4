"""The fund ledger's pages through the test client (P14): a finance clerk enters a document with its lines, splits
a line to a library project, pays and reverses; the county's 乡村振兴局 proposes a split that the bureau confirms or
sends back. Each refusal comes back on the form in Chinese beside its field with nothing stored; each write leaves
its audit row."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import COUNTY
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.funds.models import Allocation, AllocationLine, Payment, Split

from .builders import allocation, fund_users, library_project
from .ledger_world import ledger_world

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _document(**changes: str) -> dict[str, str]:
    today = clock.today()
    data = {
        "doc_number": "南财农〔2026〕7号", "title": "提前下达衔接资金", "issued_on": today.isoformat(),
        "level": "central", "budget_year": str(today.year), "advance": "1",
        "line-0-county": COUNTY, "line-0-source": "central", "line-0-amount": "150.5",
        "line-1-county": COUNTY, "line-1-source": "", "line-1-amount": "",  # a blank row: ignored
        "line-2-county": COUNTY, "line-2-source": "county", "line-2-amount": "20",
    }  # fmt: skip
    return {**data, **changes}


def test_p14_a_finance_clerk_enters_a_document_with_its_lines_and_sees_it() -> None:
    users = fund_users()
    client = _client(users["finance"])
    # the form offers its own county, pre-selected, on six rows
    form = client.get("/funds/allocations/new/").content.decode()
    assert form.count('name="line-5-amount"') == 1 and f'<option value="{COUNTY}" selected>' in form
    response = client.post("/funds/allocations/new/", _document(), follow=True)
    document = Allocation.objects.get(doc_number="南财农〔2026〕7号")
    assert response.redirect_chain[-1][0] == f"/funds/allocations/{document.pk}/"
    page = response.content.decode()
    assert "已录入资金下达文件：南财农〔2026〕7号（2 条指标）" in page and "170.50" in page
    assert document.advance and sorted(document.lines.values_list("source", "amount_fen")) == [
        ("central", 150_500_000), ("county", 20_000_000)
    ]  # fmt: skip
    event = AuditEvent.objects.get(action="fund.allocation_create")
    assert event.actor == users["finance"] and len(event.new_values["lines"]) == 2
    # and the list shows it with its total and county
    listing = client.get("/funds/").content.decode()
    assert "南财农〔2026〕7号" in listing and "170.50" in listing and "南涧" in listing
    assert "录入资金下达文件" in listing


@pytest.mark.parametrize(
    ("changes", "where", "message"),
    [
        ({"line-2-amount": "1.1234567"}, "lines.2.amount", "小数"),
        ({"line-2-source": "central"}, "lines.2.source", "只能有一条指标"),
        ({"doc_number": ""}, "doc_number", "请填写文号"),
        ({"issued_on": "2026-13-01"}, "issued_on", "不是有效日期"),
        ({"budget_year": "26"}, "budget_year", "预算年度"),
        ({"line-0-county": "532901"}, "lines.0.county", "不在您的管辖范围内"),
    ],
)
def test_p14_a_refused_document_comes_back_with_the_problem_beside_its_field(
    changes: dict[str, str], where: str, message: str
) -> None:
    users = fund_users()
    response = _client(users["finance"]).post("/funds/allocations/new/", _document(**changes))
    page = response.content.decode()
    assert response.status_code in (403, 422)
    if response.status_code == 422:
        assert f'data-error="{where}"' in page and message in page
        assert 'value="南财农〔2026〕7号"' in page or where == "doc_number"  # filled in again
    else:
        assert message in page
    assert (
        not Allocation.objects.exists() and not AuditEvent.objects.filter(action__startswith="fund.").exists()
    )


def test_p14_a_duplicate_doc_number_is_refused_beside_the_field() -> None:
    users = fund_users()
    allocation(users["finance"], doc_number="南财农〔2026〕7号")
    response = _client(users["finance"]).post("/funds/allocations/new/", _document())
    assert response.status_code == 422
    assert 'data-error="doc_number"' in response.content.decode() and "已录入" in response.content.decode()
    assert Allocation.objects.count() == 1


def test_p14_lines_are_added_to_a_document_and_a_duplicate_line_is_refused() -> None:
    users = fund_users()
    document = allocation(users["finance"])
    client = _client(users["finance"])
    url = f"/funds/allocations/{document.pk}/lines/"
    refused = client.post(url, {"line-1-county": COUNTY, "line-1-source": "central", "line-1-amount": "5"})
    assert refused.status_code == 422 and 'data-error="lines.1.source"' in refused.content.decode()
    assert "已有指标" in refused.content.decode() and document.lines.count() == 1
    done = client.post(
        url, {"line-0-county": COUNTY, "line-0-source": "province", "line-0-amount": "5"}, follow=True
    )
    assert "已增加 1 条资金指标" in done.content.decode() and document.lines.count() == 2
    assert AuditEvent.objects.filter(action="fund.line_add").count() == 1


def test_p14_the_bureau_splits_a_line_to_a_library_project_within_plan_and_balance() -> None:
    users = fund_users()
    project = library_project(users["county"])  # central 100 万元 planned
    line = allocation(users["finance"]).lines.get()  # 150 万元
    client = _client(users["finance"])
    page = client.get(f"/funds/lines/{line.pk}/").content.decode()
    assert project.name in page and "计划100.00万元，已分配0.00万元，尚可分配100.00万元" in page
    # above the project's plan: refused beside the amount, nothing stored
    refused = client.post(f"/funds/lines/{line.pk}/splits/", {"project": project.pk, "amount": "100.01"})
    assert refused.status_code == 422 and 'data-error="amount"' in refused.content.decode()
    assert "超过该项目的" in refused.content.decode() and "计划投资" in refused.content.decode()
    assert not Split.objects.exists()
    # no project chosen
    missing = client.post(f"/funds/lines/{line.pk}/splits/", {"project": "", "amount": "5"})
    assert missing.status_code == 422 and "请选择该县(市)项目库中的项目" in missing.content.decode()
    done = client.post(
        f"/funds/lines/{line.pk}/splits/", {"project": project.pk, "amount": "80"}, follow=True
    )
    split = Split.objects.get()
    assert done.redirect_chain[-1][0] == f"/funds/splits/{split.pk}/"
    assert "已分配给项目" in done.content.decode() and split.status == "active"
    assert AuditEvent.objects.filter(action="fund.split_create", target_id=str(split.pk)).exists()
    line_page = client.get(f"/funds/lines/{line.pk}/").content.decode()
    assert "70.00" in line_page  # the remaining balance


def test_p14_the_county_proposes_a_split_and_the_bureau_confirms_or_sends_it_back() -> None:
    users = fund_users()
    project = library_project(users["county"])
    line = allocation(users["finance"]).lines.get()
    county = _client(users["county"])
    page = county.get(f"/funds/lines/{line.pk}/").content.decode()
    assert "提出分配建议" in page
    county.post(f"/funds/lines/{line.pk}/splits/", {"project": project.pk, "amount": "30"})
    county.post(f"/funds/lines/{line.pk}/splits/", {"project": project.pk, "amount": "10"})
    first, second = Split.objects.order_by("pk")
    assert first.status == second.status == "proposed"
    assert AuditEvent.objects.filter(action="fund.split_propose").count() == 2
    # the county may not confirm its own proposal
    assert county.post(f"/funds/splits/{first.pk}/confirm/").status_code == 403
    finance = _client(users["finance"])
    waiting = finance.get("/funds/splits/").content.decode()
    assert "待财政确认的分配建议" in waiting and project.name in waiting
    finance.post(f"/funds/splits/{first.pk}/confirm/")
    # a refusal without a reason is refused on the page
    bare = finance.post(f"/funds/splits/{second.pk}/refuse/", {"reason": ""})
    assert bare.status_code == 422 and "请填写退回理由" in bare.content.decode()
    finance.post(f"/funds/splits/{second.pk}/refuse/", {"reason": "该项目本年度已安排其他资金"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "active" and second.status == "refused"
    assert second.refusal_reason == "该项目本年度已安排其他资金"
    shown = finance.get(f"/funds/splits/{second.pk}/").content.decode()
    assert "财政退回" in shown and "该项目本年度已安排其他资金" in shown
    # confirming twice: a conflict on the page, nothing changed
    again = finance.post(f"/funds/splits/{first.pk}/confirm/")
    assert again.status_code in (409, 422) and 'data-testid="general-error"' in again.content.decode()


def test_p14_payments_and_reversals_on_the_split_page() -> None:
    world = ledger_world()
    finance = _client(world["users"]["finance"])
    split = world["split"]
    today = clock.today().isoformat()
    url = f"/funds/splits/{split}/payments/"
    # above the unpaid balance (60 split, 10 paid): refused beside the amount, nothing stored
    above = finance.post(url, {"amount": "50.01", "paid_on": today, "payee": "鑫达公司", "voucher": "记-002"})
    assert above.status_code == 422 and 'data-error="amount"' in above.content.decode()
    assert (
        "超过该笔分配的未支付余额" in above.content.decode() and 'value="鑫达公司"' in above.content.decode()
    )
    empty = finance.post(url, {"amount": "1", "paid_on": "", "payee": "", "voucher": ""})
    assert empty.status_code == 422 and "请填写支付日期" in empty.content.decode()
    assert Payment.objects.count() == 1
    done = finance.post(
        url, {"amount": "20", "paid_on": today, "payee": "鑫达公司", "voucher": "记-002"}, follow=True
    )
    assert "已录入支付" in done.content.decode()
    paid = Payment.objects.get(voucher="记-002")
    assert AuditEvent.objects.filter(action="fund.pay", target_id=str(paid.pk)).exists()
    reverse = f"/funds/payments/{paid.pk}/reverse/"
    larger = finance.post(reverse, {"amount": "21", "reason": "金额录错", "voucher": "冲-001", "on": today})
    assert larger.status_code == 422 and "冲销金额超过原支付可冲销的金额" in larger.content.decode()
    no_reason = finance.post(reverse, {"amount": "5", "reason": "", "voucher": "冲-001", "on": today})
    assert no_reason.status_code == 422 and "请填写冲销原因" in no_reason.content.decode()
    assert Payment.objects.filter(amount_fen__lt=0).count() == 0
    finance.post(reverse, {"amount": "5", "reason": "收款单位账号错误", "voucher": "冲-001", "on": today})
    reversal = Payment.objects.get(amount_fen__lt=0)
    assert reversal.reverses == paid and reversal.amount_fen == -5_000_000
    assert AuditEvent.objects.filter(action="fund.reverse", target_id=str(reversal.pk)).exists()
    page = finance.get(f"/funds/splits/{split}/").content.decode()
    assert "冲销" in page and "收款单位账号错误" in page and f'href="#payment-{paid.pk}"' in page
    assert "25.00" in page  # paid net of the reversal: 10 + 20 - 5
    # a reversal cannot be reversed: no form on it, and the POST is a conflict
    assert f'data-testid="reverse-{reversal.pk}"' not in page
    assert finance.post(f"/funds/payments/{reversal.pk}/reverse/", {"amount": "1", "reason": "再冲",
                        "voucher": "冲-009", "on": today}).status_code == 409  # fmt: skip


def test_p14_a_projects_money_page_and_the_link_from_the_project_page() -> None:
    world = ledger_world()
    county = _client(world["users"]["county"])
    page = county.get(f"/funds/projects/{world['project']}/").content.decode()
    # 60 万元 in force, the county's 20 万元 proposal apart, 10 paid, 50 unpaid
    assert '<dd data-testid="split-total">60.00</dd>' in page
    assert (
        '<dd data-testid="proposed-total">20.00</dd>' in page
        and '<dd data-testid="paid-total">10.00</dd>' in page
    )
    assert 'data-label="未支付(万元)" class="money nowrap-text">50.00' in page
    assert "记-001" in page
    detail = county.get(f"/projects/{world['project']}/").content.decode()
    assert f'href="/funds/projects/{world["project"]}/"' in detail
    village = _client(world["users"]["village"])
    assert 'data-testid="funds-link"' not in village.get(f"/projects/{world['project']}/").content.decode()
    # the finance bureau reads the money but not the project's page: no link to it
    money = _client(world["users"]["finance"]).get(f"/funds/projects/{world['project']}/").content.decode()
    assert "项目详情" not in money


def test_p14_the_document_list_filters_by_budget_year_and_county() -> None:
    users = fund_users()
    allocation(users["prefecture_finance"], doc_number="云财农〔2025〕3号", budget_year=clock.today().year - 1,
               lines=((COUNTY, "central", "10"), ("532901", "central", "20")), level="province")  # fmt: skip
    allocation(users["finance"], doc_number="南财农〔2026〕1号")
    client = _client(users["prefecture"])
    last_year = client.get(f"/funds/?year={clock.today().year - 1}").content.decode()
    assert "云财农〔2025〕3号" in last_year and "南财农〔2026〕1号" not in last_year
    dali = client.get("/funds/?county=532901").content.decode()
    assert "云财农〔2025〕3号" in dali and "南财农〔2026〕1号" not in dali
    # 南涧's bureau sees the province's document with its own line only
    own = _client(users["finance"]).get("/funds/").content.decode()
    assert "云财农〔2025〕3号" in own and "10.00" in own and "30.00" not in own
    assert AllocationLine.objects.count() == 3


def test_p14_a_split_returned_at_withdrawal_shows_its_release_and_no_payment_form() -> None:
    from zhenxing.projects import services as projects

    users = fund_users()
    project = library_project(users["county"])
    line = allocation(users["finance"]).lines.get()
    finance = _client(users["finance"])
    finance.post(f"/funds/lines/{line.pk}/splits/", {"project": project.pk, "amount": "80"})
    split = Split.objects.get()
    projects.project_move(
        actor=users["county"], project=project, to="withdrawn", opinion="选址变更，不再实施"
    )
    page = finance.get(f"/funds/splits/{split.pk}/").content.decode()
    assert "出库退回" in page and 'data-testid="release"' in page and "选址变更" in page
    assert '<dd data-testid="unpaid">0.00 万元</dd>' in page and 'data-testid="payment-form"' not in page
    # the line has its money back, and the project's page still reads (any status)
    assert "150.00" in finance.get(f"/funds/lines/{line.pk}/").content.decode()
    assert finance.get(f"/funds/projects/{project.pk}/").status_code == 200
    # a payment on it now is refused on the page, nothing stored
    refused = finance.post(f"/funds/splits/{split.pk}/payments/", {"amount": "1", "paid_on": clock.today().isoformat(),
                           "payee": "鑫达公司", "voucher": "记-009"})  # fmt: skip
    assert refused.status_code == 422 and "不能再支付" in refused.content.decode()
    assert not Payment.objects.exists()
