"""The database holds what one row of the fund ledger can say (P14), whatever writes it: rows the services never
write, created raw through the ORM, are refused by the constraints on both databases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from zhenxing.common import clock
from zhenxing.funds import services
from zhenxing.funds.models import AllocationLine, Payment, Release, Split

from .builders import allocation, fund_users, library_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger() -> dict[str, Any]:
    """A line of 150 万元, a split of 50 to the road project, a payment of 10 on it."""
    users = fund_users()
    project = library_project(users["county"])
    line = allocation(users["finance"]).lines.get()
    split = services.split_create(actor=users["finance"], line=line, project=project, amount="50")
    payment = services.payment_create(
        actor=users["finance"], split=split, amount="10", paid_on=clock.today(), payee="施工单位", voucher="记-1"
    )  # fmt: skip
    return {"finance": users["finance"], "project": project, "line": line, "split": split, "payment": payment}


def _refused(create: Callable[[], object]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def _line(ledger: dict[str, Any], **changes: Any) -> AllocationLine:
    values = {"allocation": ledger["line"].allocation, "county": ledger["line"].county, "source": "county",
              "amount_fen": 1_000, "created_by": ledger["finance"]}  # fmt: skip
    values.update(changes)
    return AllocationLine.objects.create(**values)


def _payment(ledger: dict[str, Any], **changes: Any) -> Payment:
    values = {"split": ledger["split"], "county": ledger["split"].county, "source": ledger["split"].source,
              "budget_year": ledger["split"].budget_year, "amount_fen": 100,
              "paid_on": clock.today(), "payee": "施工单位", "voucher": "记-raw", "created_by": ledger["finance"]}  # fmt: skip
    values.update(changes)
    return Payment.objects.create(**values)


def _release(ledger: dict[str, Any], split: Split, **changes: Any) -> Release:
    values = {"split": split, "county": split.county, "source": split.source, "budget_year": split.budget_year,
              "kind": "returned", "amount_fen": 100,
              "released_on": clock.today(), "reason": "出库", "created_by": ledger["finance"]}  # fmt: skip
    values.update(changes)
    return Release.objects.create(**values)


def test_p14_the_raw_rows_below_are_accepted_when_well_formed(ledger: dict[str, Any]) -> None:
    # the baseline the refusals below differ from by one field
    with transaction.atomic():
        _line(ledger)
        _payment(ledger)
        _payment(ledger, amount_fen=-50, reverses=ledger["payment"], reason="账号错误", voucher="冲-raw")
        _release(ledger, ledger["split"])


@pytest.mark.parametrize("amount_fen", [0, -1, 10**15 + 1])
def test_p14_a_line_of_zero_negative_or_huge_amount_is_refused_by_the_database(
    ledger: dict[str, Any], amount_fen: int
) -> None:
    _refused(lambda: _line(ledger, amount_fen=amount_fen))


def test_p14_a_second_line_of_one_document_county_and_source_is_refused_by_the_database(
    ledger: dict[str, Any],
) -> None:
    _refused(lambda: _line(ledger, source="central"))


def test_p14_a_line_of_an_unknown_source_is_refused_by_the_database(ledger: dict[str, Any]) -> None:
    _refused(lambda: _line(ledger, source="lottery"))


def test_p14_a_positive_payment_pointing_at_another_is_refused_by_the_database(
    ledger: dict[str, Any],
) -> None:
    _refused(lambda: _payment(ledger, reverses=ledger["payment"]))


def test_p14_a_positive_payment_with_a_reversal_reason_is_refused_by_the_database(
    ledger: dict[str, Any],
) -> None:
    _refused(lambda: _payment(ledger, reason="账号错误"))


def test_p14_a_negative_payment_without_a_reason_is_refused_by_the_database(ledger: dict[str, Any]) -> None:
    _refused(lambda: _payment(ledger, amount_fen=-50, reverses=ledger["payment"], reason=""))


def test_p14_a_negative_payment_reversing_nothing_is_refused_by_the_database(ledger: dict[str, Any]) -> None:
    _refused(lambda: _payment(ledger, amount_fen=-50, reason="账号错误"))


def test_p14_a_zero_payment_is_refused_by_the_database(ledger: dict[str, Any]) -> None:
    _refused(lambda: _payment(ledger, amount_fen=0))


@pytest.mark.parametrize("field_name", ["payee", "voucher"])
def test_p14_a_payment_without_payee_or_voucher_is_refused_by_the_database(
    ledger: dict[str, Any], field_name: str
) -> None:
    _refused(lambda: _payment(ledger, **{field_name: ""}))


def test_p14_a_duplicate_voucher_on_one_split_is_refused_by_the_database(ledger: dict[str, Any]) -> None:
    _refused(lambda: _payment(ledger, voucher="记-1"))


def test_p14_a_second_release_for_one_split_is_refused_by_the_database(ledger: dict[str, Any]) -> None:
    with transaction.atomic():
        _release(ledger, ledger["split"])
    _refused(lambda: _release(ledger, ledger["split"], kind="recovered"))


@pytest.mark.parametrize(("kind", "amount_fen"), [("returned", 0), ("returned", -1), ("lost", 100)])
def test_p14_a_release_of_no_money_or_unknown_kind_is_refused_by_the_database(
    ledger: dict[str, Any], kind: str, amount_fen: int
) -> None:
    _refused(lambda: _release(ledger, ledger["split"], kind=kind, amount_fen=amount_fen))


@pytest.mark.parametrize(
    "changes",
    [
        {"amount_fen": 0},
        {"status": "paid"},
        {"source": "lottery"},
        {"status": "refused", "refusal_reason": ""},
    ],
)
def test_p14_a_split_of_no_money_unknown_state_or_source_or_unexplained_refusal_is_refused_by_the_database(
    ledger: dict[str, Any], changes: dict[str, Any]
) -> None:
    split: Split = ledger["split"]
    values = {"line": split.line, "project": split.project, "county": split.county, "source": split.source,
              "budget_year": split.budget_year, "amount_fen": 100, "status": "active", "proposed_by": ledger["finance"]}  # fmt: skip
    values.update(changes)
    _refused(lambda: Split.objects.create(**values))
