"""P15 disposal only by approval: the chain below and above the asset_care parameter's threshold (exactly at it
stays with the sector department), refusal with a reason at each step, nobody approves their own application,
the wrong township / sector / county is refused, one open application per asset, 核销 only after a 损毁/灭失
inspection, a mortgage only with its legal basis, no 到户类 asset, no second life for a disposed asset, and
proceeds only for an approved transfer, auction or scrapping of a collective's asset — each write audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.assets.builders import (
    accepted_project,
    asset_input,
    asset_users,
    collective_owner,
    handed_over,
    registered,
)
from tests.conftest import COUNTY, OTHER_COUNTY, OTHER_TOWNSHIP, VILLAGE
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import Sector, User
from zhenxing.assets import disposals, services, upkeep
from zhenxing.assets.care import asset_care_on
from zhenxing.assets.inputs import DisposalInput
from zhenxing.assets.models import Asset, Disposal
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def _assets(users: dict[str, User], count: int = 1, **changes: Any) -> list[Asset]:
    """Roads of 西山村 (transport sector), handed over to the village collective."""
    project = accepted_project(users)
    items = [asset_input(name=f"道路{i}", value="10", **changes) for i in range(count)]
    return [handed_over(users, asset) for asset in registered(users, project, *items)]


def _data(**changes: Any) -> DisposalInput:
    values: dict[str, Any] = {"kind": "scrap", "reason": "道路改线，原路段废弃", "valuation": "2",
                              "valuation_basis": "评估报告〔2026〕3号"}  # fmt: skip
    values.update(changes)
    return DisposalInput(**values)


def _apply(users: dict[str, User], asset: Asset, by: str = "village", **changes: Any) -> Disposal:
    return disposals.disposal_apply(actor=users[by], asset=asset, data=_data(**changes))


def _move(users: dict[str, User], disposal: Disposal, by: str, to: str, opinion: str = "同意") -> Disposal:
    return disposals.disposal_move(actor=users[by], disposal=disposal, to=to, opinion=opinion)


def _threshold_wan() -> int:
    values, _ = asset_care_on(clock.today())
    return values["government_above_wan"]


def test_p15_valuation_exactly_at_the_threshold_stays_with_the_sector_department() -> None:
    # given an application valued exactly at the parameter's threshold
    users = asset_users()
    (road,) = _assets(users)
    above = _threshold_wan()
    disposal = _apply(users, road, valuation=str(above))
    disposal = _move(users, disposal, "township", "township_ok")
    # when the sector department tries to pass it up, it is refused: it is within its authority
    with pytest.raises(Conflict):
        _move(users, disposal, "transport", "sector_ok")
    # then it approves it itself
    disposal = _move(users, disposal, "transport", "approved", "同意报废")
    assert disposal.status == "approved" and not disposal.needs_government
    assert disposal.decided_on == clock.today()
    step = disposal.steps.get(step="township_ok")
    assert step.decision["government_above_wan"] == above
    assert step.decision["valuation_fen"] == above * 1_000_000
    road.refresh_from_db()
    assert road.status == "disposed"
    assert AuditEvent.objects.filter(action="asset.disposal_approve", target_id=str(disposal.pk)).count() == 1
    assert AuditEvent.objects.filter(action="asset.disposed", target_id=str(road.pk)).count() == 1


def test_p15_valuation_a_fen_above_the_threshold_goes_to_the_county_government() -> None:
    users = asset_users()
    (road,) = _assets(users)
    above = _threshold_wan()
    disposal = _apply(users, road, kind="transfer", valuation=f"{above}.000001")
    assert disposal.valuation_fen == above * 1_000_000 + 1
    disposal = _move(users, disposal, "township", "township_ok")
    # the sector department may not approve it alone
    with pytest.raises(Conflict):
        _move(users, disposal, "transport", "approved")
    disposal = _move(users, disposal, "transport", "sector_ok", "同意，报县人民政府")
    assert disposal.status == "sector_ok" and disposal.needs_government
    disposal = _move(users, disposal, "county", "approved", "县政府常务会议同意")
    assert disposal.status == "approved"
    assert [s.step for s in disposal.steps.all()] == ["applied", "township_ok", "sector_ok"]
    assert [s.actor_role for s in disposal.steps.all()] == ["township", "county_sector", "county"]
    road.refresh_from_db()
    assert road.status == "disposed"
    assert AuditEvent.objects.filter(action="asset.disposal_review", target_id=str(disposal.pk)).count() == 2
    assert AuditEvent.objects.filter(action="asset.disposal_approve", target_id=str(disposal.pk)).count() == 1


@pytest.mark.parametrize("refused_at", ["township", "transport", "county"])
def test_p15_each_step_refuses_only_with_a_reason(refused_at: str) -> None:
    users = asset_users()
    (road,) = _assets(users)
    disposal = _apply(users, road, valuation=str(_threshold_wan() + 1))
    if refused_at in ("transport", "county"):
        disposal = _move(users, disposal, "township", "township_ok")
    if refused_at == "county":
        disposal = _move(users, disposal, "transport", "sector_ok")
    # a refusal without a reason is invalid
    with pytest.raises(InvalidInput) as missing:
        _move(users, disposal, refused_at, "refused", "")
    assert missing.value.details[0].loc == ("reason",)
    # with its reason it is refused, recorded and audited; the asset stays held
    disposal = _move(users, disposal, refused_at, "refused", "评估依据不足，请重新评估")
    assert disposal.status == "refused"
    assert disposal.steps.last().findings == "评估依据不足，请重新评估"
    event = AuditEvent.objects.get(action="asset.disposal_refuse", target_id=str(disposal.pk))
    assert event.reason == "评估依据不足，请重新评估"
    road.refresh_from_db()
    assert road.status == "handed_over"
    # a refused application is closed: the owner may apply again
    assert _apply(users, road).status == "applied"


def test_p15_an_approval_needs_an_opinion() -> None:
    users = asset_users()
    (road,) = _assets(users)
    disposal = _apply(users, road)
    with pytest.raises(InvalidInput) as missing:
        _move(users, disposal, "township", "township_ok", " ")
    assert missing.value.details[0].loc == ("opinion",)


def test_p15_the_applicant_cannot_approve_their_own_application() -> None:
    # given the township applies for an asset of its village
    users = asset_users()
    (road,) = _assets(users)
    disposal = _apply(users, road, by="township")
    with pytest.raises(PermissionDenied, match="申请人不能审批"):
        _move(users, disposal, "township", "township_ok")
    with pytest.raises(PermissionDenied, match="申请人不能审批"):
        _move(users, disposal, "township", "refused", "不同意处置")
    # another officer of the same township may
    colleague = make_user(Role.TOWNSHIP, users["township"].jurisdiction.code, username="a_xiang2")
    disposal = disposals.disposal_move(actor=colleague, disposal=disposal, to="township_ok", opinion="同意")
    assert disposal.status == "township_ok"


def test_p15_the_county_that_applied_cannot_approve_at_the_government_step() -> None:
    users = asset_users()
    (road,) = _assets(users)
    disposal = _apply(users, road, by="county", valuation=str(_threshold_wan() + 10))
    disposal = _move(users, disposal, "township", "township_ok")
    disposal = _move(users, disposal, "transport", "sector_ok")
    with pytest.raises(PermissionDenied, match="申请人不能审批"):
        _move(users, disposal, "county", "approved")
    colleague = make_user(Role.COUNTY, COUNTY, username="a_xian2")
    disposal = disposals.disposal_move(actor=colleague, disposal=disposal, to="approved", opinion="同意")
    assert disposal.status == "approved"


def test_p15_the_wrong_township_sector_or_county_is_refused_and_the_wrong_role_too() -> None:
    users = asset_users()
    (road,) = _assets(users)
    disposal = _apply(users, road, valuation=str(_threshold_wan() + 1))
    other_township = make_user(Role.TOWNSHIP, OTHER_TOWNSHIP, username="a_xiaowan")
    with pytest.raises(PermissionDenied):
        disposals.disposal_move(actor=other_township, disposal=disposal, to="township_ok", opinion="同意")
    with pytest.raises(PermissionDenied):
        disposals.disposal_move(actor=other_township, disposal=disposal, to="refused", opinion="不同意")
    # the sector department cannot skip the township's step
    with pytest.raises(PermissionDenied):
        _move(users, disposal, "transport", "township_ok")
    disposal = _move(users, disposal, "township", "township_ok")
    # the agriculture bureau does not supervise roads; 大理's transport bureau is another county's
    other_county_transport = make_user(
        Role.COUNTY_SECTOR, OTHER_COUNTY, sector=Sector.objects.get(code="transport"), username="a_dali_jt"
    )
    for wrong in (users["agriculture"], other_county_transport):
        with pytest.raises(PermissionDenied):
            disposals.disposal_move(actor=wrong, disposal=disposal, to="sector_ok", opinion="同意")
        with pytest.raises(PermissionDenied):
            disposals.disposal_move(actor=wrong, disposal=disposal, to="refused", opinion="不同意")
    disposal = _move(users, disposal, "transport", "sector_ok")
    for who in ("other_county", "village", "prefecture"):
        with pytest.raises(PermissionDenied):
            _move(users, disposal, who, "approved")
    assert Disposal.objects.get(pk=disposal.pk).status == "sector_ok"
    assert disposal.steps.count() == 2


def test_p15_only_the_owners_territory_may_apply() -> None:
    users = asset_users()
    (road,) = _assets(users)
    other_township = make_user(Role.TOWNSHIP, OTHER_TOWNSHIP, username="a_xiaowan")
    for actor in (other_township, users["other_county"], users["transport"], users["prefecture"]):
        with pytest.raises(PermissionDenied):
            disposals.disposal_apply(actor=actor, asset=road, data=_data())
    assert not Disposal.objects.exists()


def test_p15_one_open_application_per_asset() -> None:
    users = asset_users()
    (road,) = _assets(users)
    first = _apply(users, road)
    with pytest.raises(Conflict, match="已有处置申请"):
        _apply(users, road, kind="transfer")
    _move(users, first, "township", "township_ok")
    with pytest.raises(Conflict, match="已有处置申请"):
        _apply(users, road, by="county", kind="auction")
    assert Disposal.objects.filter(asset=road).count() == 1
    assert AuditEvent.objects.filter(action="asset.disposal_apply").count() == 1


def test_p15_write_off_only_after_a_damage_inspection_and_then_the_asset_is_written_off() -> None:
    users = asset_users()
    (road,) = _assets(users)
    with pytest.raises(Conflict, match="损毁或灭失"):
        _apply(users, road, kind="write_off", valuation="0")
    # an inspection finds it damaged (损毁)
    upkeep.inspection_record(actor=users["village"], asset=road, on=clock.today(), outcome="damaged",
                               notes="山洪冲毁路基")  # fmt: skip
    disposal = _apply(users, road, kind="write_off", valuation="0", reason="山洪冲毁，无修复价值")
    disposal = _move(users, disposal, "township", "township_ok")
    disposal = _move(users, disposal, "transport", "approved", "同意核销")
    road.refresh_from_db()
    assert road.status == "written_off" and road.ended_on == clock.today()
    assert AuditEvent.objects.filter(
        action="asset.disposed", target_id=str(road.pk), new_values__status="written_off"
    ).exists()


def test_p15_a_mortgage_needs_its_legal_basis_and_marks_the_asset_mortgaged() -> None:
    users = asset_users()
    (road,) = _assets(users)
    with pytest.raises(InvalidInput) as missing:
        _apply(users, road, kind="mortgage", legal_basis="")
    assert ("legal_basis",) in [d.loc for d in missing.value.details]
    basis = "《中华人民共和国民法典》第三百九十五条；村民代表会议决议"
    disposal = _apply(users, road, kind="mortgage", valuation="5", legal_basis=basis)
    disposal = _move(users, disposal, "township", "township_ok")
    disposal = _move(users, disposal, "transport", "approved", "同意抵押")
    road.refresh_from_db()
    assert road.mortgaged and road.mortgage_basis == basis
    assert road.status == "handed_over"  # still held and cared for
    assert AuditEvent.objects.filter(action="asset.mortgage", target_id=str(road.pk)).count() == 1
    # already mortgaged: no second mortgage
    with pytest.raises(Conflict, match="已抵押"):
        _apply(users, road, kind="mortgage", legal_basis=basis)


def test_p15_a_household_asset_is_not_disposed_here() -> None:
    users = asset_users()
    project = accepted_project(users)
    (cattle,) = registered(users, project, asset_input(name="到户能繁母牛", asset_type_code="livestock", quantity="10",
                                                       value="5"))  # fmt: skip
    with pytest.raises(Conflict, match="到户类"):
        _apply(users, cattle)
    assert not Disposal.objects.exists()


def test_p15_a_disposed_asset_refuses_a_new_application() -> None:
    users = asset_users()
    (road,) = _assets(users)
    disposal = _apply(users, road)
    _move(users, disposal, "township", "township_ok")
    _move(users, disposal, "transport", "approved")
    for kind in ("scrap", "transfer", "mortgage"):
        with pytest.raises(Conflict, match="不能申请处置"):
            _apply(users, road, kind=kind, legal_basis="民法典")


def _approved(users: dict[str, User], asset: Asset, kind: str, **changes: Any) -> Disposal:
    disposal = _apply(users, asset, kind=kind, **changes)
    _move(users, disposal, "township", "township_ok")
    return _move(users, disposal, "transport", "approved")


@pytest.mark.parametrize("kind", ["transfer", "auction", "scrap"])
def test_p15_proceeds_of_an_approved_collective_disposal_are_recorded_with_their_use(kind: str) -> None:
    users = asset_users()
    (road,) = _assets(users)
    disposal = _approved(users, road, kind)
    recorded = disposals.disposal_record_proceeds(
        actor=users["village"],
        disposal=disposal,
        amount="12345.67",
        use="revitalization",
        note="用于村内道路养护",
    )
    assert recorded.proceeds_fen == 1_234_567 and recorded.proceeds_use == "revitalization"
    event = AuditEvent.objects.get(action="asset.disposal_proceeds", target_id=str(disposal.pk))
    assert event.new_values == {"proceeds_fen": 1_234_567, "proceeds_use": "revitalization"}
    # the use must be one of the two
    with pytest.raises(InvalidInput):
        disposals.disposal_record_proceeds(actor=users["village"], disposal=disposal, amount="1", use="cash")
    # the sector department keeps no collective's books
    with pytest.raises(PermissionDenied):
        disposals.disposal_record_proceeds(
            actor=users["transport"], disposal=disposal, amount="1", use="consolidation"
        )


def test_p15_no_proceeds_for_an_open_refused_mortgage_write_off_or_non_collective_disposal() -> None:
    users = asset_users()
    roads = _assets(users, count=5)
    open_one = _apply(users, roads[0], kind="transfer")
    refused = _apply(users, roads[1], kind="transfer")
    refused = _move(users, refused, "township", "refused", "不宜转让")
    mortgage = _approved(users, roads[2], "mortgage", legal_basis="民法典第三百九十五条")
    upkeep.inspection_record(actor=users["village"], asset=roads[3], on=clock.today(), outcome="lost",
                               notes="滑坡灭失")  # fmt: skip
    written_off = _approved(users, roads[3], "write_off", valuation="0")
    for disposal in (open_one, refused, mortgage, written_off):
        with pytest.raises(Conflict, match="只有已批准"):
            disposals.disposal_record_proceeds(actor=users["village"], disposal=disposal, amount="100",
                                               use="consolidation")  # fmt: skip
    # an asset owned by a unit, not the village collective
    unit_owned = _unit_owned(users)
    transfer = _approved(users, unit_owned, "transfer")
    with pytest.raises(Conflict, match="村集体"):
        disposals.disposal_record_proceeds(
            actor=users["village"], disposal=transfer, amount="100", use="consolidation"
        )
    assert not AuditEvent.objects.filter(action="asset.disposal_proceeds").exists()
    assert not Disposal.objects.filter(proceeds_fen__isnull=False).exists()


def _unit_owned(users: dict[str, User]) -> Asset:
    project = accepted_project(users, doc_number="南财农〔2026〕10号")
    (bridge,) = registered(users, project, asset_input(name="村口便桥", value="5"))
    owner = collective_owner(kind="unit", name="南涧县交通运输局")
    owned = services.asset_confirm(actor=users["county"], asset=bridge, owner=owner)
    return services.asset_hand_over(actor=users["county"], asset=owned, on=clock.today(), receiver="南涧县交通运输局",
                                    care=None)  # fmt: skip


def test_p15_the_valuation_is_exact_in_wan_and_never_negative() -> None:
    users = asset_users()
    (road,) = _assets(users)
    with pytest.raises(InvalidInput) as bad:
        _apply(users, road, valuation="-1")
    assert ("valuation",) in [d.loc for d in bad.value.details]
    disposal = _apply(users, road, valuation="0.123456")
    assert Decimal(disposal.valuation_fen) / 1_000_000 == Decimal("0.123456")


def test_p15_the_sector_step_record_cites_the_asset_care_parameter_it_compared_against() -> None:
    users = asset_users()
    (road,) = _assets(users)
    disposal = _apply(users, road)
    disposal = _move(users, disposal, "township", "township_ok")
    disposal = _move(users, disposal, "transport", "approved")
    _, citation = asset_care_on(clock.today())
    assert disposal.steps.get(step="township_ok").decision["asset_care"] == citation


def test_p15_an_asset_stands_in_a_township_or_village_so_its_disposal_has_a_township_to_review_it() -> None:
    users = asset_users()
    project = accepted_project(users)
    with pytest.raises(InvalidInput) as refused:
        registered(
            users, project, asset_input(name="县级冷库", division_code=COUNTY, natural_village="", value="5")
        )
    assert "乡镇或行政村" in refused.value.message
    (store,) = registered(users, project, asset_input(name="县级冷库", division_code=VILLAGE[:9], natural_village="",
                                                      value="5"))  # fmt: skip
    disposal = disposals.disposal_apply(actor=users["county"], asset=handed_over(users, store), data=_data())
    moved = disposals.disposal_move(
        actor=users["township"], disposal=disposal, to="township_ok", opinion="同意"
    )
    assert moved.status == "township_ok"
