"""Concurrent writes never overspend (P14: enforced by the service inside a locking transaction): threads, each
on its own PostgreSQL connection, released together by a barrier, split one line, pay one split, and pay a
project while it is taken out of the library — the stored rows always add up."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tests.conftest import COUNTY
from tests.race import race
from tests.race import refusals as _refusals
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput
from zhenxing.funds import selectors as ledger
from zhenxing.funds import services
from zhenxing.funds.enums import ReleaseKind
from zhenxing.funds.models import Allocation, AllocationLine, Payment, Release, Split
from zhenxing.projects import services as projects

from .builders import allocation, fund_users, library_project

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"
    ),
]

WAN = 1_000_000  # fen


def test_p14_concurrent_splits_of_one_line_never_exceed_it(shipped_data: None) -> None:
    # given a line of 100 万元 and five projects each planning 100 万元 of central funds
    users = fund_users()
    line = allocation(users["finance"], lines=((COUNTY, "central", "100"),)).lines.get()
    targets = [library_project(users["county"], name=f"西山村委会第{n}组道路硬化") for n in range(5)]
    # when the bureau splits 30 万元 to each at the same moment (150 万元 in all)
    outcomes = race(
        [
            lambda project=project: services.split_create(
                actor=users["finance"], line=line, project=project, amount="30"
            )
            for project in targets
        ]
    )
    # then three fit and two are refused for the line's balance; the stored splits stay within the line
    refusals = _refusals(outcomes)
    assert len(refusals) == 2, refusals
    assert all(isinstance(e, InvalidInput) and e.details[0].loc == ("amount",) for e in refusals), refusals
    assert sum(Split.objects.filter(line=line).values_list("amount_fen", flat=True)) == 90 * WAN
    assert ledger.line_balance(line).remaining_fen == 10 * WAN


def test_p14_concurrent_proposals_and_splits_of_one_line_never_exceed_it(shipped_data: None) -> None:
    # the county's proposals hold their amount as the bureau's splits do
    users = fund_users()
    line = allocation(users["finance"], lines=((COUNTY, "central", "100"),)).lines.get()
    targets = [library_project(users["county"], name=f"西山村委会第{n}组道路硬化") for n in range(6)]
    actors = [users["finance"], users["county"]] * 3
    outcomes = race(
        [
            lambda project=project, actor=actor: services.split_create(
                actor=actor, line=line, project=project, amount="40"
            )
            for project, actor in zip(targets, actors, strict=True)
        ]
    )
    assert len(_refusals(outcomes)) == 4
    assert ledger.line_balance(line).split_fen == 80 * WAN


def test_p14_concurrent_payments_on_one_split_never_exceed_it(shipped_data: None) -> None:
    # given a split of 50 万元
    users = fund_users()
    project = library_project(users["county"])
    line = allocation(users["finance"]).lines.get()
    split = services.split_create(actor=users["finance"], line=line, project=project, amount="50")
    # when five payments of 20 万元 are entered at the same moment
    outcomes = race(
        [
            lambda n=n: services.payment_create(
                actor=users["finance"],
                split=split,
                amount="20",
                paid_on=clock.today(),
                payee="施工单位",
                voucher=f"记-{n}",
            )
            for n in range(5)
        ]
    )
    # then two are paid and three refused for the unpaid balance
    refusals = _refusals(outcomes)
    assert len(refusals) == 3, refusals
    assert all(isinstance(e, InvalidInput) and e.details[0].loc == ("amount",) for e in refusals), refusals
    assert ledger.split_balance(split).paid_fen == 40 * WAN
    assert ledger.split_balance(split).unpaid_fen == 10 * WAN


def test_p14_concurrent_reversals_of_one_payment_never_take_back_more_than_it(shipped_data: None) -> None:
    users = fund_users()
    project = library_project(users["county"])
    line = allocation(users["finance"]).lines.get()
    split = services.split_create(actor=users["finance"], line=line, project=project, amount="50")
    payment = services.payment_create(
        actor=users["finance"],
        split=split,
        amount="30",
        paid_on=clock.today(),
        payee="施工单位",
        voucher="记-1",
    )
    outcomes = race(
        [
            lambda n=n: services.payment_reverse(
                actor=users["finance"],
                payment=payment,
                amount="20",
                reason="收款单位账号错误",
                voucher=f"冲-{n}",
                on=clock.today(),
            )
            for n in range(3)
        ]
    )
    assert len(_refusals(outcomes)) == 2
    assert ledger.payment_reversed_fen(payment) == 20 * WAN
    assert ledger.split_balance(split).paid_fen == 10 * WAN


def test_p14_one_doc_number_entered_twice_at_the_same_moment_is_stored_once(shipped_data: None) -> None:
    users = fund_users()
    outcomes = race(
        [lambda actor=actor: allocation(actor, doc_number="南财农〔2026〕77号") for actor in (users["finance"],
                                                                                          users["prefecture_finance"])]
    )  # fmt: skip
    refusals = _refusals(outcomes)
    assert len(refusals) == 1, refusals
    assert isinstance(refusals[0], InvalidInput) and refusals[0].details[0].loc == ("doc_number",)
    assert Allocation.objects.filter(doc_number="南财农〔2026〕77号").count() == 1
    assert AllocationLine.objects.count() == 1
    assert AuditEvent.objects.filter(action="fund.allocation_create").count() == 1


def _take_out(users: dict[str, Any], project: Any) -> str:
    """The county takes the project out of the library: 出库, or 终止 when something was paid meanwhile."""
    try:
        projects.project_move(
            actor=users["county"], project=project, to="withdrawn", opinion="选址变更，不再实施"
        )
        return "withdrawn"
    except Conflict:
        projects.project_move(
            actor=users["county"], project=project, to="terminated", opinion="已部分支付，终止实施"
        )
        return "terminated"


def test_p14_a_payment_racing_the_projects_withdrawal_is_either_paid_and_terminated_or_refused(
    shipped_data: None,
) -> None:
    # given a line of 200 万元 (four rounds, each on a new library project with a split of 50 万元)
    users = fund_users()
    line = allocation(users["finance"], lines=((COUNTY, "central", "200"),)).lines.get()
    paid_total = 0
    for round_ in range(4):
        project = library_project(users["county"], name=f"西山村委会第{round_}组道路硬化")
        split = services.split_create(actor=users["finance"], line=line, project=project, amount="50")
        # when a payment of 10 万元 and the project's 出库 arrive at the same moment
        paying, leaving = race(
            [
                lambda split=split: services.payment_create(
                    actor=users["finance"],
                    split=split,
                    amount="10",
                    paid_on=clock.today(),
                    payee="施工单位",
                    voucher="记-1",
                ),
                lambda project=project: _take_out(users, project),
            ]
        )
        assert leaving[1] is None, leaving[1]
        project.refresh_from_db()
        release = Release.objects.get(split=split)
        if paying[1] is None:
            # then either the payment landed first: the project is 终止 and the rest recovered
            assert leaving[0] == "terminated" and project.status == "terminated"
            assert release.kind == ReleaseKind.RECOVERED and release.amount_fen == 40 * WAN
            assert paying[0].created_at <= release.created_at  # never a payment after the release
        else:
            # or the project left first: 出库 returned the whole split and the payment was refused, nothing stored
            assert isinstance(paying[1], InvalidInput) and paying[1].details[0].loc == ("split",), paying[1]
            assert leaving[0] == "withdrawn" and project.status == "withdrawn"
            assert release.kind == ReleaseKind.RETURNED and release.amount_fen == 50 * WAN
            assert not Payment.objects.filter(split=split).exists()
        # and the balances add up either way
        balance = ledger.split_balance(split)
        assert balance.paid_fen + balance.released_fen == balance.amount_fen and balance.unpaid_fen == 0
        # 出库 returned its split to the line; a 终止 round keeps its 50 off the line (10 paid, 40 收回 by the
        # finance bureau, which does not go back on the line)
        paid_total += balance.amount_fen if release.kind == ReleaseKind.RECOVERED else 0
        assert ledger.line_balance(line).remaining_fen == 200 * WAN - paid_total
