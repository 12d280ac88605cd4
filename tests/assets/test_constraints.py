"""The database holds the register's rules (P15) against direct ORM writes that skip the services, on SQLite and
PostgreSQL alike: each write below raises IntegrityError and changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from tests.assets.builders import (
    accepted_project,
    asset_users,
    handed_over,
    heads_of,
    meeting,
    registered,
    village_households,
)
from tests.conftest import VILLAGE
from zhenxing.assets import collective, disposals, distribution
from zhenxing.assets.inputs import DisposalInput, PayoutInput, PlanInput, PlanLineInput
from zhenxing.assets.models import (
    Asset,
    AssetFundShare,
    CollectiveIncome,
    Disposal,
    Inspection,
    PlanMeeting,
    PlanPayout,
    PlanPosting,
)
from zhenxing.common import clock

pytestmark = pytest.mark.django_db

MAX_FEN = 10**14
OWNED = {
    "status": "owned",
    "owner_kind": "collective",
    "owner_name": "西山村股份经济合作社",
    "owned_on": clock.today(),
}
HANDED = {**OWNED, "status": "handed_over", "handed_over_on": clock.today(), "receiver": "西山村"}


def _refused(write: Callable[[], Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.fixture
def asset(db: None) -> Asset:
    users = asset_users()
    (road,) = registered(users, accepted_project(users))
    return road


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"form": "equity", "equity_exit_method": ""}, "equity without its exit method"),
        ({"mortgaged": True, "mortgage_basis": ""}, "a mortgage without its legal basis"),
        ({"status": "owned", "owner_kind": "", "owner_name": ""}, "owned without owner"),
        ({**OWNED, "owner_name": ""}, "owned without owner name"),
        ({**OWNED, "owner_kind": "household", "owner_household": None}, "household owner not named"),
        ({**HANDED, "handed_over_on": None}, "handed over without its date"),
        ({**HANDED, "receiver": ""}, "handed over without its receiver"),
        (
            {**HANDED, "status": "ended", "ended_on": clock.today(), "ended_reason": ""},
            "ended without reason",
        ),
        ({**HANDED, "status": "disposed", "ended_on": None, "ended_reason": "报废"}, "disposed without day"),
        ({"value_fen": 0}, "value zero"),
        ({"value_fen": -1}, "value negative"),
        ({"value_fen": MAX_FEN + 1}, "value above 10^12 元"),
        ({"quantity": 0}, "quantity zero"),
        ({"quantity": -1}, "quantity negative"),
        ({"status": "lent_out"}, "unknown status"),
        ({"category": "private"}, "unknown category"),
        ({"project": None, "source_document": ""}, "neither project nor document"),
    ],
)
def test_p15_asset_rows_keep_their_rules(asset: Asset, changes: dict[str, Any], constraint: str) -> None:
    before = Asset.objects.filter(pk=asset.pk).values().get()
    _refused(lambda: Asset.objects.filter(pk=asset.pk).update(**changes))
    assert Asset.objects.filter(pk=asset.pk).values().get() == before, constraint


def test_p15_the_same_writes_pass_when_complete(asset: Asset) -> None:
    # the constraints refuse what is missing, not the states themselves
    Asset.objects.filter(pk=asset.pk).update(**HANDED, form="equity", equity_exit_method="五年后按原值退出",
                                             mortgaged=True, mortgage_basis="民法典第三百九十五条")  # fmt: skip
    Asset.objects.filter(pk=asset.pk).update(
        status="ended", ended_on=clock.today(), ended_reason="到户牲畜出售"
    )


def test_p15_fund_shares_are_positive_and_one_per_source(asset: Asset) -> None:
    share = asset.shares.first()
    assert share is not None
    _refused(lambda: AssetFundShare.objects.filter(pk=share.pk).update(amount_fen=0))
    _refused(lambda: AssetFundShare.objects.create(asset=asset, source=share.source, amount_fen=1))
    _refused(lambda: AssetFundShare.objects.create(asset=asset, source="lottery", amount_fen=1))


def test_p15_an_inspection_finding_a_problem_is_described(asset: Asset) -> None:
    user = asset.created_by
    _refused(lambda: Inspection.objects.create(asset=asset, inspected_on=clock.today(), outcome="damaged",
                                               notes="", inspector=user))  # fmt: skip
    _refused(lambda: Inspection.objects.create(asset=asset, inspected_on=clock.today(), outcome="shiny",
                                               inspector=user))  # fmt: skip


def test_p15_one_open_disposal_per_asset() -> None:
    users = asset_users()
    (road,) = registered(users, accepted_project(users))
    road = handed_over(users, road)
    data = DisposalInput(kind="scrap", reason="道路改线废弃", valuation="2", valuation_basis="评估报告")
    disposal = disposals.disposal_apply(actor=users["village"], asset=road, data=data)

    def second(status: str) -> None:
        copy = Disposal.objects.get(pk=disposal.pk)
        copy.pk, copy.status = None, status
        copy.save()

    for status in ("applied", "township_ok", "sector_ok"):
        _refused(lambda status=status: second(status))
    second("refused")  # a closed one beside the open one is history
    assert Disposal.objects.filter(asset=road).count() == 2
    _refused(lambda: Disposal.objects.filter(pk=disposal.pk).update(kind="mortgage", legal_basis=""))
    _refused(lambda: Disposal.objects.filter(pk=disposal.pk).update(valuation_fen=-1))
    _refused(lambda: Disposal.objects.filter(pk=disposal.pk).update(proceeds_fen=100, proceeds_use=""))


def _plan(users: dict[str, Any]) -> Any:
    heads = heads_of(village_households(3))
    payouts = tuple(PayoutInput(person, str(300 + 50 * i)) for i, person in enumerate(heads))
    return distribution.plan_create(
        actor=users["village"],
        data=PlanInput(village_code=VILLAGE, year=clock.today().year, title="光伏收益分配", income="20000",
                       lines=(PlanLineInput("labour", "道路维护", "", payouts),), meeting=meeting()),
    )  # fmt: skip


def test_p15_payout_lines_meetings_and_postings_keep_their_rules() -> None:
    users = asset_users()
    plan = _plan(users)
    payout = PlanPayout.objects.filter(line__plan=plan).first()
    assert payout is not None

    def same_person_again() -> None:
        copy = PlanPayout.objects.get(pk=payout.pk)
        copy.pk = None
        copy.save()

    _refused(same_person_again)
    _refused(lambda: PlanPayout.objects.filter(pk=payout.pk).update(amount_fen=0))
    proposal = PlanMeeting.objects.get(plan=plan)
    _refused(lambda: PlanMeeting.objects.filter(pk=proposal.pk).update(attendees=F("expected") + 1))
    _refused(lambda: PlanMeeting.objects.filter(pk=proposal.pk).update(expected=0, attendees=0))
    _refused(lambda: PlanMeeting.objects.filter(pk=proposal.pk).update(attendees=-1))
    today = clock.today()
    _refused(lambda: PlanPosting.objects.create(plan=plan, kind="resolution", place="公开栏", posted_from=today,
                                                posted_until=today - datetime.timedelta(days=1),
                                                recorded_by=users["village"]))  # fmt: skip
    PlanPosting.objects.create(plan=plan, kind="resolution", place="公开栏", posted_from=today, posted_until=today,
                               recorded_by=users["village"])  # fmt: skip
    _refused(lambda: PlanPosting.objects.create(plan=plan, kind="resolution", place="村口", posted_from=today,
                                                posted_until=today, recorded_by=users["village"]))  # fmt: skip
    _refused(lambda: type(plan).objects.filter(pk=plan.pk).update(income_fen=0))
    _refused(lambda: type(plan).objects.filter(pk=plan.pk).update(status="mayor_ok"))


def test_p11_collective_income_tier_and_amount_in_range() -> None:
    users = asset_users()
    row = collective.collective_income_record(actor=users["township"], village_code=VILLAGE,
                                              year=clock.today().year, amount="30000", evidence="村级账簿")  # fmt: skip
    assert row.tier == 1
    for changes in (
        {"tier": 4},
        {"tier": -1},
        {"amount_fen": -1},
        {"amount_fen": MAX_FEN + 1},
        {"year": 1999},
    ):
        _refused(lambda changes=changes: CollectiveIncome.objects.filter(pk=row.pk).update(**changes))

    def second_row_for_the_year() -> None:
        copy = CollectiveIncome.objects.get(pk=row.pk)
        copy.pk = None
        copy.save()

    _refused(second_row_for_the_year)
    row.refresh_from_db()
    assert (row.tier, row.amount_fen) == (1, 3_000_000)
