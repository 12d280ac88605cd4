"""P14: importing an existing fund ledger workbook — each row checked by the services themselves, every problem
listed with its row, column and a Chinese message, nothing stored while any row is refused (rows counted before
and after); a good workbook stored whole and audited; the same workbook (or an exported ledger) imported again
adds nothing. Both databases."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.conftest import COUNTY, OTHER_COUNTY
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import InvalidInput, PermissionDenied
from zhenxing.common.xlsx import Workbook
from zhenxing.funds import imports, services
from zhenxing.funds.models import Allocation, AllocationLine, Payment, Release, Split
from zhenxing.funds.workbook import TEMPLATE_COLUMNS
from zhenxing.funds.workbook_rows import parse_row, read_ledger
from zhenxing.projects import services as projects

from .builders import fund_users, library_project
from .test_workbook import build_ledger

pytestmark = pytest.mark.django_db
DOC = "南财农〔2026〕3号"
# keyword names for the headers that are no Python names
ALIASES = {
    "下达金额": "下达金额（万元）",
    "分配金额": "分配金额（万元）",
    "支付金额": "支付金额（万元）",
    "县代码": "县(市)代码",
}


def ledger_file(rows: list[dict[str, Any]], *, headers: list[str] | None = None) -> bytes:
    """A workbook as a county keeps it: a title row, the header, the rows (values by header)."""
    names = headers or [column.header for column in TEMPLATE_COLUMNS]
    book = Workbook()
    sheet = book.add_sheet("台账")
    sheet.cell(0, 0, "南涧县2026年衔接资金台账")
    sheet.row(1, 0, names)
    for number, row in enumerate(rows, start=2):
        sheet.row(number, 0, [row.get(name) for name in names])
    return book.finish()


def row(project: Any, **changes: Any) -> dict[str, Any]:
    today = clock.today()
    values = {
        "文号": DOC, "下达日期": today - datetime.timedelta(days=20), "下达层级": "中央", "预算年度": today.year,
        "提前下达": "否", "县(市)代码": COUNTY, "资金来源": "中央财政衔接资金", "下达金额（万元）": 150,
        "项目编号": project.code if project is not None else "", "分配金额（万元）": 80, "支付日期": today,
        "收款单位": "南涧县鑫达建筑公司", "凭证号": "记-001", "支付金额（万元）": 30.5,
    }  # fmt: skip
    values.update({ALIASES.get(key, key): value for key, value in changes.items()})
    return values


def counts() -> tuple[int, ...]:
    return (Allocation.objects.count(), AllocationLine.objects.count(), Split.objects.count(),
            Payment.objects.count(), Release.objects.count(), AuditEvent.objects.count())  # fmt: skip


def errors_of(result: imports.ImportResult) -> dict[tuple[int, str], str]:
    found: dict[tuple[int, str], str] = {}
    for problem in result.errors:
        key = (problem.row, problem.column)
        found[key] = f"{found[key]}；{problem.message}" if key in found else problem.message
    return found


def test_p14_a_ledger_workbook_is_stored_whole_and_a_second_import_adds_nothing() -> None:
    # given a library project and a workbook of two payments on one split of one line
    users = fund_users()
    road = library_project(users["county"])
    content = ledger_file([row(road), row(road, 凭证号="记-002", 支付金额="20")])
    # when the finance bureau imports it
    result = imports.ledger_import(actor=users["finance"], file_name="台账.xlsx", data=content)
    # then everything is stored through the services, and the import audited with its counts
    assert result.stored, result.errors
    assert dict(result.added) == {"资金下达文件": 1, "资金指标": 1, "资金分配": 1, "资金支付": 2}
    split = Split.objects.get()
    assert split.amount_fen == 80_000_000 and split.project == road and split.status == "active"
    assert sorted(Payment.objects.values_list("amount_fen", flat=True)) == [20_000_000, 30_500_000]
    assert {"fund.allocation_create", "fund.split_create", "fund.pay"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    event = AuditEvent.objects.get(action="fund.import")
    assert event.new_values["rows"] == 2 and event.new_values["added"]["资金支付"] == 2
    # when the same workbook is imported again: safe to repeat, nothing added
    before = counts()
    again = imports.ledger_import(actor=users["finance"], file_name="台账.xlsx", data=content)
    assert again.stored and not again.added and again.unchanged == 2
    assert counts()[:5] == before[:5]


def test_p14_an_exported_ledger_imports_again_unchanged() -> None:
    # given a ledger with a split, two payments and a reversal, exported by the county's finance bureau
    users = fund_users()
    built = build_ledger(users)
    client = Client()
    client.force_login(users["finance"])
    exported = client.get(f"/funds/allocations/{built['allocation'].pk}/ledger.xlsx").content
    before = counts()
    # when it is imported: every row is already there (the document, its lines, the split, the payments and
    # the reversal), so nothing is added
    result = imports.ledger_import(actor=users["finance"], file_name="导出.xlsx", data=exported)
    assert result.stored, result.errors
    assert not result.added and result.unchanged == result.rows
    assert counts()[:5] == before[:5]


Case = Callable[[dict[str, Any]], list[dict[str, Any]]]


def _setup() -> dict[str, Any]:
    users = fund_users()
    road = library_project(users["county"])
    gone = library_project(users["county"], name="西山村委会小村组道路硬化")
    projects.project_move(actor=users["county"], project=gone, to="withdrawn", opinion="选址变更，不再实施")
    # a project paid in part, then 终止 (its split on a document of its own)
    ended = library_project(users["county"], name="西山村委会新村组道路硬化")
    today = clock.today()
    ended_row = row(ended, 文号="南财农〔2026〕8号", 凭证号="记-801", 支付金额=10)
    first = imports.ledger_import(actor=users["finance"], file_name="a.xlsx", data=ledger_file([ended_row]))
    assert first.stored, first.errors
    projects.project_move(
        actor=users["county"], project=ended, to="terminated", opinion="群众意见较大，终止实施"
    )
    return {
        "users": users,
        "road": road,
        "gone": gone,
        "ended": ended,
        "ended_row": ended_row,
        "today": today,
    }


# each: the rows of a workbook whose LAST row is refused, and the column its problem names
REFUSALS: dict[str, tuple[Case, str, str]] = {
    "project not in the library": (lambda c: [row(None, 项目编号="53292620269999")], "项目编号", "没有编号"),
    "project 出库": (lambda c: [row(c["gone"])], "项目编号", "出库"),
    "above the project's plan": (lambda c: [row(c["road"], 分配金额=120, 支付金额=None, 支付日期=None,
                                               收款单位=None, 凭证号=None)], "分配金额（万元）", "计划"),
    "above the line's balance": (lambda c: [row(c["road"], 下达金额=50, 分配金额=60)], "分配金额（万元）", "余额"),
    "payment above the split's balance": (lambda c: [row(c["road"], 支付金额=80.01)], "支付金额（万元）", "未支付"),
    "payment before the allocation's date": (
        lambda c: [row(c["road"], 支付日期=c["today"] - datetime.timedelta(days=21))], "支付日期", "下达日期"),
    "payment to a 终止 project": (lambda c: [{**c["ended_row"], "凭证号": "记-802", "支付金额（万元）": 1}], "项目编号", "终止"),
    "duplicate (文号, county, source)": (lambda c: [row(c["road"]), row(c["road"], 下达金额=160, 凭证号="记-002")],
                                        "下达金额（万元）", "只能有一条"),
    "more than six decimals": (lambda c: [row(c["road"], 下达金额="150.0000001")], "下达金额（万元）", "6位小数"),
    "a payment's amount with seven decimals as a number": (
        lambda c: [row(c["road"], 支付金额=1.0000001)], "支付金额（万元）", "6位小数"),
    "reversal larger than the payment": (
        lambda c: [row(c["road"]), row(c["road"], 凭证号="冲-001", 支付金额=-31, 冲销的凭证号="记-001",
                                       冲销原因="多付收回")], "支付金额（万元）", "冲销"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_p14_each_bad_row_is_refused_naming_its_column_and_nothing_is_stored(case: str) -> None:
    context = _setup()
    build, column, words = REFUSALS[case]
    rows = build(context)
    headers = [c.header for c in TEMPLATE_COLUMNS]
    before = counts()
    result = imports.ledger_import(actor=context["users"]["finance"], file_name="x.xlsx",
                                   data=ledger_file(rows, headers=headers))  # fmt: skip
    found = errors_of(result)
    last = len(rows) + 2  # the title row, the header row, then the rows (Excel counts from 1)
    assert (last, column) in found, (case, found)
    assert words in found[(last, column)], (case, found)
    assert counts() == before  # nothing stored, not even the rows that passed, nor an audit row


def test_p14_every_row_is_checked_and_every_problem_listed_at_once() -> None:
    context = _setup()
    road = context["road"]
    rows = [
        row(road),
        row(road, 下达日期="去年三月", 凭证号="记-002"),
        row(road, 资金来源="外国援助", 凭证号="记-003"),
        row(road, 凭证号="记-004", 支付金额=100),
        row(road, 县代码="南涧", 凭证号="记-005"),
        row(road, 收款单位="", 凭证号="记-006"),
    ]
    before = counts()
    result = imports.ledger_import(
        actor=context["users"]["finance"], file_name="x.xlsx", data=ledger_file(rows)
    )
    found = errors_of(result)
    assert set(found) >= {(4, "下达日期"), (5, "资金来源"), (6, "支付金额（万元）"), (7, "县(市)代码"),
                                      (8, "收款单位")}, found  # fmt: skip
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for message in found.values())
    assert (3, "文号") not in found  # the good row has no problem of its own
    assert counts() == before


def test_p14_only_a_finance_bureau_imports_and_only_its_counties() -> None:
    context = _setup()
    users: dict[str, User] = context["users"]
    content = ledger_file([row(context["road"])])
    with pytest.raises(PermissionDenied):
        imports.ledger_import(actor=users["county"], file_name="x.xlsx", data=content)
    before = counts()
    result = imports.ledger_import(actor=users["other_finance"], file_name="x.xlsx", data=content)
    assert (3, "县(市)代码") in errors_of(result) and counts() == before
    other = ledger_file([row(None, 项目编号="", 分配金额=None, 支付日期=None, 收款单位=None, 凭证号=None,
                             支付金额=None, 县代码=OTHER_COUNTY)])  # fmt: skip
    assert imports.ledger_import(actor=users["prefecture_finance"], file_name="x.xlsx", data=other).stored


def test_p14_a_file_that_is_no_workbook_or_too_big_is_refused_whole() -> None:
    users = fund_users()
    with pytest.raises(InvalidInput, match=r"\.xlsx"):
        imports.ledger_import(actor=users["finance"], file_name="x.xlsx", data=b"%PDF-1.4 not a workbook")
    headers = ["文号", "项目名称"]
    with pytest.raises(InvalidInput, match="下达金额"):
        imports.ledger_import(
            actor=users["finance"], file_name="x.xlsx", data=ledger_file([{}], headers=headers)
        )
    too_many = [row(None, 项目编号="", 凭证号=f"记-{n}") for n in range(imports.MAX_ROWS + 1)]
    with pytest.raises(InvalidInput, match="分批"):
        imports.ledger_import(actor=users["finance"], file_name="x.xlsx", data=ledger_file(too_many))


def test_p14_the_import_page_lists_the_errors_and_the_template_downloads() -> None:
    context = _setup()
    client = Client()
    client.force_login(context["users"]["finance"])
    template = client.get("/funds/import/template.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")
    # the template reads as a ledger: every column known, its two example rows read without a problem
    sheet = read_ledger(template.content, max_bytes=10**7, max_rows=10)
    problems: list[tuple[str, str]] = []
    parsed = [
        parse_row(n, cells, lambda key, message: problems.append((key, message))) for n, cells in sheet.rows
    ]
    assert len(parsed) == 2 and not problems and parsed[0].payment_amount == "30.5"
    page = client.get("/funds/import/")
    assert page.status_code == 200 and "导入资金台账" in page.content.decode()
    bad = ledger_file([row(context["road"], 分配金额=120)])
    answer = client.post("/funds/import/", {"file": _upload(bad)})
    assert (
        answer.status_code == 200
        and "校验未通过" in answer.content.decode()
        and "分配金额" in answer.content.decode()
    )
    good = client.post("/funds/import/", {"file": _upload(ledger_file([row(context["road"])]))})
    assert "导入完成" in good.content.decode()
    assert Payment.objects.filter(voucher="记-001").exists()
    county = Client()
    county.force_login(context["users"]["county"])
    assert county.get("/funds/import/").status_code == 403
    assert county.get("/funds/import/template.xlsx").status_code == 403
    assert services is not None


def _upload(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("台账.xlsx", content, content_type="application/octet-stream")


def test_p14_a_refused_row_leaves_nothing_that_a_later_row_could_find() -> None:
    # given a first row whose document is new but whose project is unknown, and a good second row of that 文号
    context = _setup()
    rows = [row(None, 项目编号="53292620269999"), row(context["road"], 凭证号="记-002")]
    before = counts()
    result = imports.ledger_import(
        actor=context["users"]["finance"], file_name="x.xlsx", data=ledger_file(rows)
    )
    # then only the first row is refused: the second made the document again in its own savepoint (the first's
    # was rolled back with its row), and still nothing is stored because one row was refused
    assert set(errors_of(result)) == {(3, "项目编号")}, errors_of(result)
    assert counts() == before
