"""Every refusal of the fund ledger's services (P14 bad input): a split to a project not in the library, of another
county, above its plan or the line's balance; a payment above the split's balance, before the allocation's date,
in the future, to a 终止 project or on a split not in force; a duplicate (文号, county, source) or 文号; an amount
that is not 万元 to the fen; a reversal larger than the payment, of a reversal, without a reason — each refused
with its typed error, the field named and a Chinese message, and nothing stored (no ledger row, no audit row)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import COUNTY, OTHER_COUNTY, OTHER_COUNTY_VILLAGE
from tests.factories import make_user
from tests.projects.builders import project_input
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from zhenxing.funds import selectors as ledger
from zhenxing.funds import services
from zhenxing.funds.inputs import AllocationInput, LineInput
from zhenxing.funds.models import Allocation, AllocationLine, Payment, Release, Split
from zhenxing.projects import services as projects

from .builders import allocation, fund_users, library_project

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
MODELS = (Allocation, AllocationLine, Split, Payment, Release, AuditEvent)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def refused(
    kind: type[DomainError], call: Callable[[], Any], *, loc: tuple[str, ...] | None = None, says: str = ""
) -> DomainError:
    """`call` raises `kind` naming `loc` in Chinese (containing `says`), and stores nothing."""
    before = _counts()
    with pytest.raises(kind) as caught:
        call()
    error = caught.value
    assert CHINESE.search(error.message), error.message
    if loc is not None:
        assert isinstance(error, InvalidInput)
        assert error.details[0].loc == loc, error.details
        assert CHINESE.search(error.details[0].message)
    assert says in error.message
    assert _counts() == before
    return error


def _setup(**line: Any) -> tuple[dict[str, Any], Any, Any]:
    users = fund_users()
    project = library_project(users["county"])
    document = allocation(users["finance"], **line)
    return users, project, document.lines.get()


def _pay(users: dict[str, Any], split: Split, amount: object = "1", **changes: Any) -> Payment:
    values: dict[str, Any] = {"paid_on": clock.today(), "payee": "南涧县鑫达建筑公司", "voucher": "记-001"}
    values.update(changes)
    return services.payment_create(actor=users["finance"], split=split, amount=amount, **values)


def _active_split(amount: str = "50") -> tuple[dict[str, Any], Any, Any, Split]:
    users, project, line = _setup()
    split = services.split_create(actor=users["finance"], line=line, project=project, amount=amount)
    return users, project, line, split


# splits


def test_p14_a_split_to_a_project_not_yet_in_the_library_is_refused() -> None:
    users, _, line = _setup()
    proposed = projects.project_propose(actor=users["county"], data=project_input(name="西山村新申报道路"))
    refused(
        InvalidInput,
        lambda: services.split_create(actor=users["finance"], line=line, project=proposed, amount="10"),
        loc=("project",), says="不在项目库中",
    )  # fmt: skip


def test_p14_a_split_to_a_project_taken_out_of_the_library_is_refused() -> None:
    users, project, line = _setup()
    projects.project_move(
        actor=users["county"], project=project, to="withdrawn", opinion="选址变更，不再实施"
    )
    refused(
        InvalidInput,
        lambda: services.split_create(actor=users["finance"], line=line, project=project, amount="10"),
        loc=("project",), says="出库",
    )  # fmt: skip


def test_p14_a_split_to_a_project_of_another_county_is_refused() -> None:
    # given the prefecture's bureau (it covers both counties) and a library project of 大理市
    users, _, line = _setup()
    other_county = make_user(Role.COUNTY, OTHER_COUNTY, username="f_dali_xian")
    elsewhere = library_project(
        other_county, places=[(OTHER_COUNTY_VILLAGE, "")], implementing_unit="大理镇人民政府"
    )
    refused(
        InvalidInput,
        lambda: services.split_create(
            actor=users["prefecture_finance"], line=line, project=elsewhere, amount="10"
        ),
        loc=("project",), says="不属于",
    )  # fmt: skip


def test_p14_a_split_by_the_finance_bureau_of_another_county_is_refused() -> None:
    users, project, line = _setup()
    refused(
        PermissionDenied,
        lambda: services.split_create(actor=users["other_finance"], line=line, project=project, amount="10"),
        says="管辖",
    )  # fmt: skip


def test_p14_a_split_above_the_projects_planned_amount_for_the_source_is_refused() -> None:
    # the road plans 100 万元 central; the line has 150
    users, project, line = _setup()
    refused(
        InvalidInput,
        lambda: services.split_create(actor=users["finance"], line=line, project=project, amount="100.01"),
        loc=("amount",), says="计划投资",
    )  # fmt: skip


def test_p14_a_split_above_what_the_project_still_may_receive_is_refused() -> None:
    users, project, line = _setup()
    services.split_create(actor=users["finance"], line=line, project=project, amount="70")
    refused(
        InvalidInput,
        lambda: services.split_create(actor=users["finance"], line=line, project=project, amount="30.000001"),
        loc=("amount",), says="最多还可分配30万元",
    )  # fmt: skip


def test_p14_a_split_above_the_lines_remaining_balance_is_refused() -> None:
    users, project, line = _setup(lines=((COUNTY, "central", "50"),))
    refused(
        InvalidInput,
        lambda: services.split_create(actor=users["finance"], line=line, project=project, amount="60"),
        loc=("amount",), says="余额",
    )  # fmt: skip


def test_p14_a_split_of_a_source_the_project_does_not_plan_is_refused() -> None:
    # the road plans central and county funds only
    users, project, line = _setup(lines=((COUNTY, "province", "50"),))
    refused(
        InvalidInput,
        lambda: services.split_create(actor=users["finance"], line=line, project=project, amount="0.01"),
        loc=("amount",), says="计划0万元",
    )  # fmt: skip


@pytest.mark.parametrize("amount", ["-5", "0", "NaN", "1e400", "abc", "", "1.0000001", None, True])
def test_p14_a_split_amount_that_is_not_wan_yuan_to_the_fen_is_refused(amount: object) -> None:
    users, project, line = _setup()
    refused(
        InvalidInput,
        lambda: services.split_create(actor=users["finance"], line=line, project=project, amount=amount),
        loc=("amount",), says="分配金额",
    )  # fmt: skip


def test_p14_a_split_by_a_role_without_funds_capability_is_refused() -> None:
    users, project, line = _setup()
    refused(
        PermissionDenied,
        lambda: services.split_create(actor=users["prefecture"], line=line, project=project, amount="10"),
    )  # fmt: skip


# payments


def test_p14_a_payment_above_the_splits_unpaid_balance_is_refused() -> None:
    users, _, _, split = _active_split("50")
    _pay(users, split, "30")
    refused(
        InvalidInput, lambda: _pay(users, split, "20.01", voucher="记-002"), loc=("amount",), says="未支付"
    )


def test_p14_a_payment_before_the_allocations_date_is_refused() -> None:
    users, _, line, split = _active_split()
    day_before = line.allocation.issued_on - datetime.timedelta(days=1)
    refused(InvalidInput, lambda: _pay(users, split, paid_on=day_before), loc=("paid_on",), says="下达日期")


def test_p14_a_payment_dated_in_the_future_is_refused() -> None:
    users, _, _, split = _active_split()
    tomorrow = clock.today() + datetime.timedelta(days=1)
    refused(InvalidInput, lambda: _pay(users, split, paid_on=tomorrow), loc=("paid_on",), says="今天")


def test_p14_a_payment_to_a_terminated_project_is_refused() -> None:
    users, project, _, split = _active_split()
    _pay(users, split, "10")
    projects.project_move(
        actor=users["county"], project=project, to="terminated", opinion="群众意见较大，终止实施"
    )
    refused(InvalidInput, lambda: _pay(users, split, voucher="记-002"), loc=("split",), says="终止")


def test_p14_a_payment_to_a_project_taken_out_of_the_library_is_refused() -> None:
    users, project, _, split = _active_split()
    projects.project_move(
        actor=users["county"], project=project, to="withdrawn", opinion="选址变更，不再实施"
    )
    refused(InvalidInput, lambda: _pay(users, split), loc=("split",), says="出库")


def test_p14_a_payment_on_a_proposed_split_is_refused() -> None:
    users, project, line = _setup()
    proposal = services.split_create(actor=users["county"], line=line, project=project, amount="20")
    refused(Conflict, lambda: _pay(users, proposal), says="待")


def test_p14_a_payment_on_a_refused_split_is_refused() -> None:
    users, project, line = _setup()
    proposal = services.split_create(actor=users["county"], line=line, project=project, amount="20")
    services.split_refuse(actor=users["finance"], split=proposal, reason="项目前期工作未完成")
    refused(Conflict, lambda: _pay(users, proposal), says="退回")


@pytest.mark.parametrize("amount", ["-1", "0", "NaN", "1e400", "abc", "0.0000001", "Infinity"])
def test_p14_a_payment_amount_that_is_not_wan_yuan_to_the_fen_is_refused(amount: object) -> None:
    users, _, _, split = _active_split()
    refused(InvalidInput, lambda: _pay(users, split, amount), loc=("amount",), says="支付金额")


def test_p14_a_duplicate_voucher_on_one_split_is_refused() -> None:
    users, _, _, split = _active_split()
    _pay(users, split, "1", voucher="记-7")
    refused(InvalidInput, lambda: _pay(users, split, "2", voucher=" 记-7 "), loc=("voucher",), says="记-7")


@pytest.mark.parametrize(("field_name", "label"), [("payee", "收款单位"), ("voucher", "凭证号")])
def test_p14_a_payment_without_its_payee_or_voucher_is_refused(field_name: str, label: str) -> None:
    users, _, _, split = _active_split()
    refused(InvalidInput, lambda: _pay(users, split, **{field_name: "  "}), loc=(field_name,), says=label)


def test_p14_a_payment_by_the_finance_bureau_of_another_county_is_refused() -> None:
    users, _, _, split = _active_split()
    refused(
        PermissionDenied,
        lambda: services.payment_create(
            actor=users["other_finance"], split=split, amount="1", paid_on=clock.today(), payee="x", voucher="1"
        ),
    )  # fmt: skip


# reversals


def _paid(amount: str = "30") -> tuple[dict[str, Any], Payment]:
    users, _, _, split = _active_split()
    return users, _pay(users, split, amount)


def _reverse(users: dict[str, Any], payment: Payment, amount: object, **changes: Any) -> Payment:
    values: dict[str, Any] = {"reason": "收款单位账号错误", "voucher": "冲-001", "on": clock.today()}
    values.update(changes)
    return services.payment_reverse(actor=users["finance"], payment=payment, amount=amount, **values)


def test_p14_a_reversal_larger_than_the_payment_is_refused() -> None:
    users, payment = _paid("30")
    refused(InvalidInput, lambda: _reverse(users, payment, "30.01"), loc=("amount",), says="可冲销")


def test_p14_a_second_reversal_beyond_what_the_first_left_is_refused() -> None:
    users, payment = _paid("30")
    _reverse(users, payment, "20")
    refused(
        InvalidInput, lambda: _reverse(users, payment, "10.01", voucher="冲-002"), loc=("amount",), says="可冲销10万元"
    )  # fmt: skip


def test_p14_a_reversal_of_a_reversal_is_refused() -> None:
    users, payment = _paid("30")
    reversal = _reverse(users, payment, "5")
    refused(Conflict, lambda: _reverse(users, reversal, "1", voucher="冲-002"), says="冲销")


@pytest.mark.parametrize("reason", ["", "   ", "错"])
def test_p14_a_reversal_without_a_reason_is_refused(reason: str) -> None:
    users, payment = _paid("30")
    refused(InvalidInput, lambda: _reverse(users, payment, "5", reason=reason), loc=("reason",), says="原因")


@pytest.mark.parametrize("amount", ["-1", "0", "NaN", "abc", "1.0000001"])
def test_p14_a_reversal_amount_that_is_not_wan_yuan_to_the_fen_is_refused(amount: str) -> None:
    users, payment = _paid("30")
    refused(InvalidInput, lambda: _reverse(users, payment, amount), loc=("amount",), says="冲销金额")


def test_p14_a_reversal_dated_before_the_payment_is_refused() -> None:
    users, payment = _paid("30")
    earlier = payment.paid_on - datetime.timedelta(days=1)
    refused(InvalidInput, lambda: _reverse(users, payment, "1", on=earlier), loc=("on",), says="原支付日期")


def test_p14_a_reversal_after_the_project_was_terminated_is_refused() -> None:
    """P14: 终止 recovers the unspent part once (one release per split, a database constraint); money a later
    reversal gave back would sit on the terminated project's split, neither paid nor recovered, so the ledger
    refuses it and the balances keep adding up."""
    users, project, line, split = _active_split("50")
    payment = _pay(users, split, "10")
    projects.project_move(
        actor=users["county"], project=project, to="terminated", opinion="群众意见较大，终止实施"
    )
    refused(InvalidInput, lambda: _reverse(users, payment, "10"), loc=("payment",), says="终止")
    assert ledger.split_balance(split).unpaid_fen == 0
    # the 40 万元 收回 at 终止 went back to the finance bureau, not to the line: 150 - 50 split
    balance = ledger.line_balance(line)
    assert (balance.remaining_fen, balance.recovered_fen) == (100 * 1_000_000, 40 * 1_000_000)


# allocation documents


def _document(*lines: tuple[str, str, str], doc_number: str = "南财农〔2026〕9号") -> AllocationInput:
    return AllocationInput(
        doc_number=doc_number, issued_on=clock.today() - datetime.timedelta(days=3), level="central",
        budget_year=clock.today().year, lines=tuple(LineInput(*line) for line in lines),
    )  # fmt: skip


def test_p14_a_duplicate_county_and_source_inside_one_document_is_refused() -> None:
    users = fund_users()
    data = _document((COUNTY, "central", "10"), (COUNTY, "central", "20"))
    refused(
        InvalidInput,
        lambda: services.allocation_create(actor=users["finance"], data=data),
        loc=("lines", "1", "source"), says="只能有一条",
    )  # fmt: skip


def test_p14_a_duplicate_doc_number_county_and_source_added_later_is_refused() -> None:
    users = fund_users()
    document = allocation(users["finance"])
    refused(
        InvalidInput,
        lambda: services.allocation_lines_add(
            actor=users["finance"], allocation=document, lines=(LineInput(COUNTY, "central", "5"),)
        ),
        loc=("lines", "0", "source"), says="已有指标",
    )  # fmt: skip


def test_p14_a_document_whose_doc_number_exists_is_refused() -> None:
    users = fund_users()
    allocation(users["finance"], doc_number="南财农〔2026〕9号")
    data = _document((COUNTY, "county", "10"), doc_number=" 南财农〔2026〕9号 ")
    refused(
        InvalidInput,
        lambda: services.allocation_create(actor=users["finance"], data=data),
        loc=("doc_number",), says="已录入",
    )  # fmt: skip


def test_p14_lines_for_a_county_outside_a_county_bureaus_jurisdiction_are_refused() -> None:
    users = fund_users()
    data = _document((COUNTY, "central", "10"), (OTHER_COUNTY, "central", "10"))
    refused(
        PermissionDenied, lambda: services.allocation_create(actor=users["finance"], data=data), says="大理市"
    )  # fmt: skip


@pytest.mark.parametrize("amount", ["1.0000001", "-1", "0", "NaN", "1e400", "abc"])
def test_p14_a_line_amount_that_is_not_wan_yuan_to_the_fen_is_refused(amount: str) -> None:
    users = fund_users()
    data = _document((COUNTY, "central", "10"), (COUNTY, "county", amount))
    refused(
        InvalidInput,
        lambda: services.allocation_create(actor=users["finance"], data=data),
        loc=("lines", "1", "amount"), says="下达金额",
    )  # fmt: skip


def test_p14_a_line_of_an_unknown_source_or_a_code_outside_the_prefecture_is_refused() -> None:
    users = fund_users()
    data = _document(("532926", "lottery", "10"), ("110101", "central", "10"))
    error = refused(
        InvalidInput, lambda: services.allocation_create(actor=users["prefecture_finance"], data=data)
    )  # fmt: skip
    assert isinstance(error, InvalidInput)
    assert [d.loc for d in error.details] == [("lines", "0", "source"), ("lines", "1", "county")]


def test_p14_a_document_entered_by_a_role_without_funds_capability_is_refused() -> None:
    users = fund_users()
    data = _document((COUNTY, "central", "10"))
    refused(PermissionDenied, lambda: services.allocation_create(actor=users["county"], data=data))
