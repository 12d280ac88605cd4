"""四议两公开 through all eight steps with payouts, the 一分了之 refusal (P15), and a disposal up the chain."""

from __future__ import annotations

import pytest

from tests.assets.builders import (
    accepted_project,
    asset_input,
    asset_users,
    handed_over,
    heads_of,
    meeting,
    posting,
    registered,
    village_households,
)
from tests.conftest import VILLAGE
from zhenxing.assets import disposals, distribution
from zhenxing.assets.inputs import DisposalInput, PayoutInput, PlanInput, PlanLineInput
from zhenxing.assets.models import PlanPayout
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import InvalidInput

pytestmark = pytest.mark.django_db


def _plan(heads: list[int], *, kind: str = "labour", equal: bool = False) -> PlanInput:
    payouts = tuple(
        PayoutInput(person, "500" if equal else str(300 + 50 * i)) for i, person in enumerate(heads)
    )
    return PlanInput(
        village_code=VILLAGE, year=clock.today().year, title="2026年光伏电站收益分配", income="20000",
        lines=(PlanLineInput(kind, "参与村内道路维护", "", payouts),
               PlanLineInput("public_fund", "", "2000")),
        meeting=meeting(),
    )  # fmt: skip


def test_p15_plan_moves_through_eight_steps_and_pays_every_beneficiary() -> None:
    users = asset_users()
    heads = heads_of(village_households(5))
    plan = distribution.plan_create(actor=users["village"], data=_plan(heads))
    v, t = users["village"], users["township"]
    plan = distribution.plan_move(actor=v, plan=plan, to="discussed", meeting=meeting())
    plan = distribution.plan_move(actor=v, plan=plan, to="reviewed", meeting=meeting())
    plan = distribution.plan_move(
        actor=v, plan=plan, to="resolved", meeting=meeting(attendees=30, expected=40)
    )
    plan = distribution.plan_move(actor=t, plan=plan, to="audited", opinion="同意")
    plan = distribution.plan_move(actor=v, plan=plan, to="published", posting=posting())
    plan = distribution.plan_move(actor=v, plan=plan, to="implemented")
    plan = distribution.plan_move(actor=v, plan=plan, to="closed", posting=posting())
    assert plan.status == "closed"
    assert PlanPayout.objects.filter(line__plan=plan, paid_on__isnull=True).count() == 0
    assert plan.steps.count() == 7 and plan.meetings.count() == 4 and plan.postings.count() == 2
    assert AuditEvent.objects.filter(action="asset.plan_implement", new_values__payouts_paid=5).exists()


def test_p15_equal_unconditional_cash_to_most_households_is_refused_as_yi_fen_liao_zhi() -> None:
    users = asset_users()
    heads = heads_of(village_households(5))
    with pytest.raises(InvalidInput) as refused:
        distribution.plan_create(actor=users["village"], data=_plan(heads, kind="cash", equal=True))
    assert "一分了之" in refused.value.message
    # the same equal amounts for work are allowed
    distribution.plan_create(actor=users["village"], data=_plan(heads, kind="labour", equal=True))


def test_p15_disposal_goes_up_the_chain_and_takes_the_asset_off() -> None:
    users = asset_users()
    project = accepted_project(users)
    (road,) = registered(users, project, asset_input(value="80"))
    road = handed_over(users, road)
    data = DisposalInput(
        kind="scrap", reason="道路改线，原路段废弃", valuation="2", valuation_basis="评估报告〔2026〕3号"
    )
    disposal = disposals.disposal_apply(actor=users["village"], asset=road, data=data)
    disposal = disposals.disposal_move(
        actor=users["township"], disposal=disposal, to="township_ok", opinion="同意"
    )
    disposal = disposals.disposal_move(
        actor=users["transport"], disposal=disposal, to="approved", opinion="同意报废"
    )
    road.refresh_from_db()
    assert road.status == "disposed" and road.ended_reason.startswith("报废")
    assert AuditEvent.objects.filter(action="asset.disposed").count() == 1
