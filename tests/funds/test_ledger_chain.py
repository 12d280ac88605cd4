"""The fund ledger end to end at the service level (P14): a document with lines, splits to library projects,
payments, a reversal, 出库 returning the unpaid split and 终止 recovering the unspent part — every write audited,
every balance a sum of the rows."""

from __future__ import annotations

import datetime

import pytest

from tests.conftest import COUNTY
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput
from zhenxing.funds import selectors as ledger
from zhenxing.funds import services
from zhenxing.funds.enums import ReleaseKind, SplitStatus
from zhenxing.funds.models import Payment, Release
from zhenxing.projects import services as projects

from .builders import allocation, fund_users, library_project

pytestmark = pytest.mark.django_db


def test_p14_a_line_split_paid_reversed_and_returned_at_withdrawal() -> None:
    # given a county document of 150 万元 central funds and a road project planning 100 万元 central
    users = fund_users()
    project = library_project(users["county"])
    document = allocation(users["finance"])
    line = document.lines.get()
    # when the finance bureau splits 80 万元 to it and pays 30 万元
    split = services.split_create(actor=users["finance"], line=line, project=project, amount="80")
    today = clock.today()
    payment = services.payment_create(
        actor=users["finance"],
        split=split,
        amount="30",
        paid_on=today,
        payee="南涧县鑫达建筑公司",
        voucher="记-001",
    )
    # then the balances are sums of the rows
    assert split.status == SplitStatus.ACTIVE
    assert ledger.line_balance(line).remaining_fen == 70 * 1_000_000
    assert ledger.split_balance(split).unpaid_fen == 50 * 1_000_000
    # when the payment is reversed in full with a reason
    reversal = services.payment_reverse(
        actor=users["finance"],
        payment=payment,
        amount="30",
        reason="收款单位账号错误",
        voucher="冲-001",
        on=today,
    )
    assert reversal.amount_fen == -30 * 1_000_000 and reversal.reverses_id == payment.pk
    assert Payment.objects.filter(pk=payment.pk, amount_fen=30 * 1_000_000).exists()  # never overwritten
    assert ledger.project_paid_fen(project) == 0
    # when the county takes the project out of the library (nothing paid: 出库)
    projects.project_move(
        actor=users["county"], project=project, to="withdrawn", opinion="选址变更，不再实施"
    )
    # then the unpaid split went back to its line, recorded and audited
    release = Release.objects.get(split=split)
    assert release.kind == ReleaseKind.RETURNED and release.amount_fen == 80 * 1_000_000
    assert ledger.line_balance(line).remaining_fen == 150 * 1_000_000
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"fund.allocation_create", "fund.split_create", "fund.pay", "fund.reverse", "fund.release",
            "project.withdraw"} <= actions  # fmt: skip


def test_p14_a_partly_paid_project_is_terminated_and_its_unspent_part_recovered() -> None:
    users = fund_users()
    project = library_project(users["county"])
    line = allocation(users["finance"]).lines.get()
    split = services.split_create(actor=users["finance"], line=line, project=project, amount="100")
    services.payment_create(
        actor=users["finance"],
        split=split,
        amount="40",
        paid_on=clock.today(),
        payee="施工单位",
        voucher="记-9",
    )
    # 出库 is refused once something was paid
    with pytest.raises(Conflict, match="终止"):
        projects.project_move(actor=users["county"], project=project, to="withdrawn", opinion="不再实施")
    projects.project_move(
        actor=users["county"], project=project, to="terminated", opinion="群众意见较大，终止实施"
    )
    project.refresh_from_db()
    assert project.status == "terminated"
    release = Release.objects.get(split=split)
    assert release.kind == ReleaseKind.RECOVERED and release.amount_fen == 60 * 1_000_000
    # and no more payment to a terminated project
    with pytest.raises(InvalidInput, match="终止"):
        services.payment_create(
            actor=users["finance"],
            split=split,
            amount="1",
            paid_on=clock.today(),
            payee="施工单位",
            voucher="记-10",
        )


def test_p14_a_county_proposal_holds_its_amount_until_the_finance_bureau_confirms() -> None:
    users = fund_users()
    project = library_project(users["county"])
    line = allocation(users["finance"]).lines.get()
    proposal = services.split_create(actor=users["county"], line=line, project=project, amount="90")
    assert proposal.status == SplitStatus.PROPOSED
    with pytest.raises(InvalidInput) as refused:
        services.split_create(actor=users["finance"], line=line, project=project, amount="20")
    assert refused.value.details[0].loc == ("amount",)  # above the plan: 90 held of 100
    with pytest.raises(Conflict):
        services.payment_create(
            actor=users["finance"],
            split=proposal,
            amount="1",
            paid_on=clock.today(),
            payee="x单位",
            voucher="1",
        )
    confirmed = services.split_confirm(actor=users["finance"], split=proposal)
    assert confirmed.status == SplitStatus.ACTIVE and confirmed.decided_by == users["finance"]
    assert AuditEvent.objects.filter(action="fund.split_confirm", target_id=str(proposal.pk)).exists()


def test_p14_a_payment_before_the_allocation_date_is_refused() -> None:
    users = fund_users()
    project = library_project(users["county"])
    issued = clock.today() - datetime.timedelta(days=5)
    line = allocation(users["finance"], issued_on=issued).lines.get()
    split = services.split_create(actor=users["finance"], line=line, project=project, amount="10")
    with pytest.raises(InvalidInput) as refused:
        services.payment_create(
            actor=users["finance"], split=split, amount="1", paid_on=issued - datetime.timedelta(days=1),
            payee="施工单位", voucher="记-1",
        )  # fmt: skip
    assert refused.value.details[0].loc == ("paid_on",)
    assert not Payment.objects.exists()
    assert line.county.code == COUNTY


def test_p14_progress_is_paid_over_allocated_by_county_and_source() -> None:
    from zhenxing.funds.progress import ledger_sums, project_sums

    users = fund_users()
    project = library_project(users["county"])
    document = allocation(users["finance"], lines=((COUNTY, "central", "150"), (COUNTY, "county", "50")))
    central = document.lines.get(source="central")
    split = services.split_create(actor=users["finance"], line=central, project=project, amount="100")
    services.payment_create(
        actor=users["finance"],
        split=split,
        amount="60",
        paid_on=clock.today(),
        payee="施工单位",
        voucher="记-1",
    )
    sums = ledger_sums(by=("county", "source"), budget_year=clock.today().year)
    county_id = central.county_id
    assert sums[(county_id, "central")].allocated_fen == 150_000_000
    assert sums[(county_id, "central")].paid_fen == 60_000_000
    assert str(sums[(county_id, "central")].progress) == "40.00"
    assert sums[(county_id, "county")].progress == 0
    assert project_sums(codes=[project.code])[project.code].progress == 60


def test_p14_a_document_with_several_problems_names_them_all_at_once() -> None:
    """A clerk fixing a form learns every problem in one round: the future date and the seventh decimal
    together, nothing stored."""
    import datetime as dt

    from zhenxing.funds.inputs import AllocationInput, LineInput
    from zhenxing.funds.models import Allocation

    users = fund_users()
    with pytest.raises(InvalidInput) as refused:
        services.allocation_create(
            actor=users["finance"],
            data=AllocationInput(
                doc_number="南财农〔2026〕9号", issued_on=clock.today() + dt.timedelta(days=3), level="county",
                budget_year=clock.today().year, lines=(LineInput(COUNTY, "county", "10.1234567"),),
            ),
        )  # fmt: skip
    assert {detail.loc for detail in refused.value.details} == {("issued_on",), ("lines", "0", "amount")}
    assert not Allocation.objects.exists()
