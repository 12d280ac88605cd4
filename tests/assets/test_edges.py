"""Edges the review found (P15): an equal cash amount per person is 一分了之 too, an older asset handed over before
the plan's first year, the collective income's asset part kept current, and 实施 only once the resolution is public."""

from __future__ import annotations

import datetime

import pytest

from tests.assets.builders import (
    accepted_project,
    asset_input,
    asset_users,
    collective_owner,
    meeting,
    posting,
    registered,
    village_households,
)
from tests.conftest import VILLAGE
from zhenxing.assets import collective, distribution, services, upkeep
from zhenxing.assets.inputs import AssetInput, PayoutInput, PlanInput, PlanLineInput
from zhenxing.assets.models import CollectiveIncome, DistributionPlan
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput
from zhenxing.policy.rules.assets import households_paid_alike_per_person, reaches_share
from zhenxing.registry.models import Membership

pytestmark = pytest.mark.django_db


def test_p15_the_same_amount_per_person_reaches_every_household_whatever_their_totals() -> None:
    # two households of two people and one of one: 100 元 a head is 200, 200 and 100 a household
    payouts = [(1, 11, 100), (1, 12, 100), (2, 21, 100), (2, 22, 100), (3, 31, 100)]
    assert households_paid_alike_per_person(payouts) == 3
    assert reaches_share(3, village_households=3, share_percent=80)
    assert households_paid_alike_per_person([(1, 11, 100), (2, 21, 200), (3, 31, 300)]) == 1
    assert not reaches_share(0, village_households=0, share_percent=80)


def test_p15_cash_of_the_same_amount_to_every_villager_is_refused_as_yi_fen_liao_zhi() -> None:
    users = asset_users()
    households = village_households(5)  # each a head and a spouse
    members = Membership.objects.filter(household__in=households, left_on__isnull=True).order_by(
        "household_id"
    )
    heads = list(members.filter(relation="户主").values_list("person_id", flat=True))
    spouses = list(members.exclude(relation="户主").values_list("person_id", flat=True))
    # three households paid for both members (200 元), two for one (100 元): their totals differ (3 of 5 alike,
    # below 80 %), but every person gets 100 元
    people = heads + spouses[:3]
    plan = PlanInput(village_code=VILLAGE, year=clock.today().year, title="人均分红", income="5000", meeting=meeting(),
                     lines=(PlanLineInput("cash", "", "", tuple(PayoutInput(p, "100") for p in people)),))  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        distribution.plan_create(actor=users["village"], data=plan)
    assert "按人平均发放" in refused.value.message and "一分了之" in refused.value.message
    assert not DistributionPlan.objects.exists()


def test_p15_an_older_asset_handed_over_before_2021_gets_its_first_inspection_from_todays_rule() -> None:
    users = asset_users()
    road = services.asset_enter_legacy(
        actor=users["county"],
        data=AssetInput(name="老村道", asset_type_code="road", quantity="3", division_code=VILLAGE, value="20",
                        formed_on=datetime.date(2017, 5, 1), source_document="南涧县扶贫项目验收单〔2017〕9号"),
    )  # fmt: skip
    road = services.asset_confirm(actor=users["county"], asset=road,
                                  owner=collective_owner(on=datetime.date(2018, 5, 1)))  # fmt: skip
    road = services.asset_hand_over(actor=users["county"], asset=road, on=datetime.date(2018, 6, 1),
                                    receiver="西山村委会", care=None)  # fmt: skip
    assert road.inspection_due == datetime.date(2019, 6, 1)  # long overdue: on the county's data-quality list


def test_p15_the_collective_income_shows_the_asset_income_recorded_after_it() -> None:
    users = asset_users()
    year = clock.today().year
    (station,) = registered(
        users,
        accepted_project(users),
        asset_input(name="光伏电站", asset_type_code="photovoltaic", quantity="1", value="40"),
    )
    station = services.asset_confirm(actor=users["county"], asset=station, owner=collective_owner())
    row = collective.collective_income_record(actor=users["township"], village_code=VILLAGE, year=year,
                                              amount="90000", evidence="年度报表")  # fmt: skip
    assert row.asset_income_fen == 0
    upkeep.asset_income_record(
        actor=users["village"], asset=station, year=year, amount="30000", evidence="电费单"
    )
    assert CollectiveIncome.objects.get(pk=row.pk).asset_income_fen == 3_000_000


def test_p15_implementation_waits_for_the_resolution_to_be_public() -> None:
    users = asset_users()
    heads = list(
        Membership.objects.filter(household__in=village_households(3), relation="户主").values_list(
            "person_id", flat=True
        )
    )
    lines = (
        PlanLineInput(
            "labour", "道路养护", "", tuple(PayoutInput(p, str(300 + i)) for i, p in enumerate(heads))
        ),
    )
    plan = distribution.plan_create(
        actor=users["village"],
        data=PlanInput(village_code=VILLAGE, year=clock.today().year, title="劳务分配", income="5000",
                       meeting=meeting(), lines=lines),
    )  # fmt: skip
    for step in ("discussed", "reviewed", "resolved"):
        plan = distribution.plan_move(actor=users["village"], plan=plan, to=step, meeting=meeting())
    plan = distribution.plan_move(actor=users["township"], plan=plan, to="audited", opinion="同意")
    later = clock.today() + datetime.timedelta(days=3)
    plan = distribution.plan_move(
        actor=users["village"],
        plan=plan,
        to="published",
        posting=posting(posted_from=later, posted_until=later + datetime.timedelta(days=7)),
    )
    with pytest.raises(Conflict, match="决议公开开始后"):
        distribution.plan_move(actor=users["village"], plan=plan, to="implemented")
