"""Every refusal of the asset services (P15) with its Chinese message — and nothing stored: no row of the register,
its shares, files, inspections, incomes, disposals, plans, natural villages or collective incomes, no status
changed and no audit event."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.assets.builders import (
    accepted_project,
    asset_input,
    asset_users,
    care,
    collective_owner,
    handed_over,
    heads_of,
    meeting,
    posting,
    registered,
    village_households,
)
from tests.conftest import (
    OTHER_COUNTY_VILLAGE,
    OTHER_TOWNSHIP,
    SAME_TOWNSHIP_VILLAGE,
    TOWNSHIP,
    VILLAGE,
)
from tests.factories import make_household, make_user
from tests.funds.builders import library_project
from zhenxing.accounts.enums import Role
from zhenxing.assets import collective, disposals, distribution, services, upkeep
from zhenxing.assets.care import asset_care_on
from zhenxing.assets.inputs import DisposalInput, PayoutInput, PlanInput, PlanLineInput
from zhenxing.assets.models import (
    Asset,
    AssetAttachment,
    AssetFundShare,
    AssetIncome,
    CollectiveIncome,
    Disposal,
    DisposalStep,
    DistributionPlan,
    Inspection,
    PlanLine,
    PlanMeeting,
    PlanPayout,
    PlanPosting,
    PlanStep,
)
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from zhenxing.funds import services as funds
from zhenxing.funds.models import Payment
from zhenxing.projects.models import Project
from zhenxing.registry.models import NaturalVillage

pytestmark = pytest.mark.django_db

STORED = (Asset, AssetFundShare, AssetAttachment, Inspection, AssetIncome, Disposal, DisposalStep, DistributionPlan,
          PlanLine, PlanPayout, PlanMeeting, PlanPosting, PlanStep, CollectiveIncome, NaturalVillage, AuditEvent)  # fmt: skip


def _state() -> dict[str, Any]:
    counts: dict[str, Any] = {model.__name__: model.objects.count() for model in STORED}
    counts["asset_statuses"] = sorted(Asset.objects.values_list("pk", "status", "owned_on", "handed_over_on"))
    counts["project_statuses"] = sorted(Project.objects.values_list("pk", "status"))
    counts["plan_statuses"] = sorted(DistributionPlan.objects.values_list("pk", "status"))
    return counts


@contextmanager
def refused(error: type[DomainError], message: str) -> Iterator[None]:
    """The block raises `error` whose message holds `message`, and the database is as it was."""
    before = _state()
    with pytest.raises(error) as caught:
        yield
    assert message in caught.value.message, caught.value.message
    assert _state() == before


def _day(days_ago: int) -> datetime.date:
    return clock.today() - datetime.timedelta(days=days_ago)


# registering from a project


def test_p15_registering_from_a_project_not_accepted_is_a_conflict() -> None:
    users = asset_users()
    project = library_project(users["county"], status="completed")
    with refused(Conflict, "项目当前为“竣工”，验收后才能登记资产"):
        registered(users, project)


@pytest.mark.parametrize("who", ["village", "township", "finance", "prefecture"])
def test_p15_registering_needs_manage_assets(who: str) -> None:
    users = asset_users()
    project = accepted_project(users)
    with refused(PermissionDenied, "只有县乡村振兴局或县行业主管部门可以登记资产"):
        services.asset_register_from_project(actor=users[who], project=project, items=(asset_input(),))


@pytest.mark.parametrize("who", ["other_county", "agriculture"])
def test_p15_registering_from_a_project_out_of_scope_or_of_another_sector_is_refused(who: str) -> None:
    # the road is the transport sector's project of 南涧; 大理市 and 南涧's agriculture bureau do not hold it
    users = asset_users()
    project = accepted_project(users)
    with refused(PermissionDenied, "该项目不在您的管辖范围内"):
        services.asset_register_from_project(actor=users[who], project=project, items=(asset_input(),))


def test_p15_a_project_out_of_scope_is_refused_as_such_whatever_its_status() -> None:
    # the refusal does not tell someone outside the project what state it is in
    users = asset_users()
    project = library_project(users["county"], status="completed")
    with refused(PermissionDenied, "该项目不在您的管辖范围内"):
        services.asset_register_from_project(
            actor=users["other_county"], project=project, items=(asset_input(),)
        )


def test_p15_the_sector_department_of_the_project_may_register() -> None:
    users = asset_users()
    project = accepted_project(users)
    (asset,) = services.asset_register_from_project(actor=users["transport"], project=project,
                                                    items=(asset_input(),))  # fmt: skip
    assert AuditEvent.objects.filter(action="asset.register", target_id=str(asset.pk)).exists()


def test_p15_two_assets_whose_sum_exceeds_what_was_paid_are_refused_together() -> None:
    users = asset_users()
    project = accepted_project(users)  # 80 万元 paid
    with refused(InvalidInput, "资产价值合计81万元，超过项目已支付且尚未形成资产的80万元"):
        registered(users, project, asset_input(value="50"), asset_input(name="候车亭", value="31"))


def test_p15_an_asset_equal_to_the_remainder_is_accepted_and_one_fen_more_is_not() -> None:
    users = asset_users()
    project = accepted_project(users)
    registered(users, project, asset_input(value="50"))
    with refused(InvalidInput, "超过项目已支付且尚未形成资产的30万元"):
        registered(users, project, asset_input(name="候车亭", value="30.000001"))
    (station,) = registered(users, project, asset_input(name="候车亭", value="30"))
    assert station.value_fen == 30_000_000
    assert (
        sum(AssetFundShare.objects.filter(asset__project=project).values_list("amount_fen", flat=True))
        == 80_000_000
    )


def test_p15_a_registration_after_a_payment_reversal_sees_less() -> None:
    users = asset_users()
    project = accepted_project(users)
    registered(users, project, asset_input(value="50"))
    payment = Payment.objects.get(split__project=project, voucher="PZ-central")
    funds.payment_reverse(actor=users["finance"], payment=payment, amount="10", reason="多付冲回",
                          voucher="CX-1", on=clock.today())  # fmt: skip
    # 80 paid − 10 reversed − 50 taken = 20 万元 left
    with refused(InvalidInput, "超过项目已支付且尚未形成资产的20万元"):
        registered(users, project, asset_input(name="候车亭", value="25"))
    (station,) = registered(users, project, asset_input(name="候车亭", value="20"))
    assert station.value_fen == 20_000_000


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quantity": "0"}, "数量应大于0"),
        ({"quantity": "-1"}, "数量应大于0"),
        ({"quantity": "两公里"}, "数量应为数字"),
        ({"quantity": "1.234"}, "数量最多两位小数"),
        ({"value": "0"}, "资产价值应大于0"),
        ({"value": "-5"}, "不能为负数"),
        ({"value": "五十"}, "资产价值"),
        ({"asset_type_code": "spaceship"}, "不认识的资产类型“spaceship”"),
        ({"division_code": OTHER_COUNTY_VILLAGE}, f"“{OTHER_COUNTY_VILLAGE}”不是本县(市)的区划代码"),
        ({"division_code": "110101001001"}, "不是本县(市)的区划代码"),
        ({"division_code": TOWNSHIP}, "自然村只能填在行政村下"),
        ({"name": " "}, "请填写资产名称"),
        ({"form": "equity", "asset_type_code": "equity_share"}, "入股形成的股权须写明退出方式"),
        ({"form": "cash"}, "资产形态应为实物资产或股权"),
    ],
)
def test_p15_a_bad_item_is_refused_with_its_field_and_nothing_stored(
    changes: dict[str, Any], message: str
) -> None:
    users = asset_users()
    project = accepted_project(users)
    with refused(InvalidInput, message):
        registered(users, project, asset_input(natural_village="新建组", **changes))


def test_p15_every_problem_of_the_form_is_named_at_once() -> None:
    users = asset_users()
    project = accepted_project(users)
    with pytest.raises(InvalidInput) as caught:
        registered(users, project, asset_input(quantity="0"), asset_input(value="0", natural_village="新组"))
    assert {detail.loc for detail in caught.value.details} == {
        ("assets", "0", "quantity"),
        ("assets", "1", "value"),
    }
    assert not NaturalVillage.objects.filter(name="新组").exists()


def test_p15_a_refused_legacy_entry_creates_no_natural_village() -> None:
    users = asset_users()
    data = asset_input(natural_village="新建组", quantity="0", source_document="南发改〔2015〕3号",
                       formed_on=_day(3000))  # fmt: skip
    with refused(InvalidInput, "数量应大于0"):
        services.asset_enter_legacy(actor=users["county"], data=data)


def test_p15_a_legacy_entry_outside_the_actors_county_is_refused() -> None:
    users = asset_users()
    data = asset_input(division_code=OTHER_COUNTY_VILLAGE, natural_village="", source_document="文件",
                       formed_on=_day(3000))  # fmt: skip
    with refused(InvalidInput, "不在您管辖的县(市)内"):
        services.asset_enter_legacy(actor=users["county"], data=data)


# 确权 and 移交


def test_p15_a_household_asset_cannot_be_confirmed_to_the_collective() -> None:
    users = asset_users()
    (cattle,) = registered(users, accepted_project(users),
                           asset_input(name="能繁母牛", asset_type_code="livestock", quantity="10", value="10"))  # fmt: skip
    with refused(InvalidInput, "到户类资产的所有权人应为受益农户"):
        services.asset_confirm(actor=users["county"], asset=cattle, owner=collective_owner())


def test_p15_a_household_owner_outside_the_assets_village_is_refused() -> None:
    users = asset_users()
    (cattle,) = registered(users, accepted_project(users),
                           asset_input(name="能繁母牛", asset_type_code="livestock", quantity="1", value="1"))  # fmt: skip
    elsewhere = make_household(SAME_TOWNSHIP_VILLAGE, year=None)
    owner = collective_owner(kind="household", name="杨建国", household=elsewhere)
    with refused(InvalidInput, "受益农户不在资产所在的村"):
        services.asset_confirm(actor=users["county"], asset=cattle, owner=owner)
    with refused(InvalidInput, "请填写受益农户的户编号"):
        services.asset_confirm(actor=users["county"], asset=cattle, owner=collective_owner(kind="household"))


@pytest.mark.parametrize("who", ["village", "township", "agriculture", "other_county", "finance"])
def test_p15_confirm_by_a_role_or_sector_that_does_not_manage_the_asset_is_refused(who: str) -> None:
    users = asset_users()
    (road,) = registered(users, accepted_project(users))
    with refused(PermissionDenied, ""):
        services.asset_confirm(actor=users[who], asset=road, owner=collective_owner())


def test_p15_hand_over_before_ownership_or_in_the_future_is_refused() -> None:
    users = asset_users()
    (road,) = registered(users, accepted_project(users))
    road = services.asset_confirm(actor=users["county"], asset=road, owner=collective_owner(on=_day(3)))
    with refused(InvalidInput, "移交日期不能早于确权日期"):
        services.asset_hand_over(
            actor=users["county"], asset=road, on=_day(4), receiver="西山村", care=care()
        )
    with refused(InvalidInput, "移交日期不能晚于今天"):
        services.asset_hand_over(
            actor=users["county"], asset=road, on=_day(-1), receiver="西山村", care=care()
        )
    with refused(InvalidInput, "请填写接收方"):
        services.asset_hand_over(actor=users["county"], asset=road, on=_day(1), receiver=" ", care=care())
    with refused(InvalidInput, "联系电话应为7到12位数字"):
        services.asset_hand_over(actor=users["county"], asset=road, on=_day(1), receiver="西山村",
                                 care=care(phone="12ab"))  # fmt: skip
    with refused(PermissionDenied, "须由"):
        services.asset_hand_over(
            actor=users["village"], asset=road, on=_day(1), receiver="西山村", care=care()
        )


def test_p15_hand_over_before_confirmation_is_a_conflict() -> None:
    users = asset_users()
    (road,) = registered(users, accepted_project(users))
    with refused(Conflict, "资产当前为“已登记”，不能转为“已移交"):
        services.asset_hand_over(
            actor=users["county"], asset=road, on=_day(1), receiver="西山村", care=care()
        )


# 管护 inspections


def _photo(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_p15_inspection_refusals() -> None:
    users = asset_users()
    (road,) = registered(users, accepted_project(users))
    other_village = make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE, username="a_tuanshan")
    with refused(Conflict, "资产移交后才能录入管护巡查"):
        upkeep.inspection_record(actor=users["village"], asset=road, on=_day(1), outcome="good")
    road = handed_over(users, road)  # handed over two days ago
    with refused(PermissionDenied, "只有资产所在的村、乡镇或县可以录入巡查"):
        upkeep.inspection_record(actor=other_village, asset=road, on=_day(1), outcome="good")
    with refused(PermissionDenied, "只有村、乡镇、县可以录入管护巡查"):
        upkeep.inspection_record(actor=users["transport"], asset=road, on=_day(1), outcome="good")
    with refused(InvalidInput, "巡查日期不能早于移交日期"):
        upkeep.inspection_record(actor=users["village"], asset=road, on=_day(3), outcome="good")
    with refused(InvalidInput, "巡查日期不能晚于今天"):
        upkeep.inspection_record(actor=users["village"], asset=road, on=_day(-1), outcome="good")
    with refused(InvalidInput, "巡查发现“损毁”，请写明情况"):
        upkeep.inspection_record(actor=users["village"], asset=road, on=_day(1), outcome="damaged", notes=" ")
    with refused(InvalidInput, "巡查结果应为完好、损毁、灭失、闲置或低效"):
        upkeep.inspection_record(actor=users["village"], asset=road, on=_day(1), outcome="fine")
    for name, content in (("photo.png", SVG), ("photo.jpg", PDF), ("photo.svg", SVG)):
        with refused(InvalidInput, "不是可接受的格式（只接受JPEG、PNG、WebP）"):
            upkeep.inspection_record(actor=users["village"], asset=road, on=_day(1), outcome="good",
                                       photos=[_photo(name, content)])  # fmt: skip


# income


def test_p15_income_only_for_an_operating_asset_and_not_before_it_was_formed() -> None:
    users = asset_users()
    project = accepted_project(users)
    road, station = registered(users, project, asset_input(value="40"),
                               asset_input(name="光伏电站", asset_type_code="photovoltaic", quantity="1",
                                           value="40"))  # fmt: skip
    year = clock.today().year
    with refused(Conflict, "只有经营性资产登记收益"):
        upkeep.asset_income_record(
            actor=users["village"], asset=road, year=year, amount="100", evidence="合同"
        )
    with refused(InvalidInput, f"资产{station.formed_on.year}年形成，不能录入此前年度的收益"):
        upkeep.asset_income_record(actor=users["village"], asset=station, year=station.formed_on.year - 1,
                                     amount="100", evidence="合同")  # fmt: skip
    with refused(InvalidInput, "年度应在2000至"):
        upkeep.asset_income_record(actor=users["village"], asset=station, year=year + 1, amount="100",
                                     evidence="合同")  # fmt: skip
    with refused(PermissionDenied, "只有资产所在的村、乡镇或县可以录入收益"):
        upkeep.asset_income_record(actor=make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE), asset=station,
                                     year=year, amount="100", evidence="合同")  # fmt: skip
    with refused(InvalidInput, "请填写收益依据"):
        upkeep.asset_income_record(
            actor=users["village"], asset=station, year=year, amount="100", evidence=""
        )


# 到户类 changes


def test_p15_household_asset_end_by_another_village_or_for_a_public_asset_is_refused() -> None:
    users = asset_users()
    cattle, road = registered(users, accepted_project(users),
                              asset_input(name="能繁母牛", asset_type_code="livestock", quantity="1", value="1"),
                              asset_input(value="50"))  # fmt: skip
    household = make_household(VILLAGE, year=None)
    owner = collective_owner(kind="household", name="杨建国", household=household)
    cattle = services.asset_confirm(actor=users["county"], asset=cattle, owner=owner)
    cattle = services.asset_hand_over(actor=users["county"], asset=cattle, on=clock.today(), receiver="杨建国",
                                      care=None)  # fmt: skip
    other_village = make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE, username="a_tuanshan")
    with refused(PermissionDenied, "只有资产所在的村、乡镇或县可以记录到户类资产的变动"):
        upkeep.asset_household_end(actor=other_village, asset=cattle, reason="母牛病死")
    with refused(InvalidInput, "请填写原因"):
        upkeep.asset_household_end(actor=users["village"], asset=cattle, reason=" ")
    road = services.asset_confirm(actor=users["county"], asset=road, owner=collective_owner())
    road = services.asset_hand_over(actor=users["county"], asset=road, on=clock.today(), receiver="西山村委会",
                                    care=None)  # fmt: skip
    with refused(Conflict, "公益性和经营性资产不能由村直接变更，须按处置程序报批"):
        upkeep.asset_household_end(actor=users["village"], asset=road, reason="道路废弃")
    with refused(PermissionDenied, "只有村、乡镇、县可以记录到户类资产变动"):
        upkeep.asset_household_end(actor=users["agriculture"], asset=cattle, reason="母牛病死")


# collective income


def test_p15_collective_income_only_by_the_villages_township() -> None:
    users = asset_users()
    year = clock.today().year
    with refused(PermissionDenied, "村级集体经济收入由乡镇录入"):
        collective.collective_income_record(actor=users["village"], village_code=VILLAGE, year=year,
                                            amount="30000", evidence="村级账簿")  # fmt: skip
    with refused(PermissionDenied, "村级集体经济收入由乡镇录入"):
        collective.collective_income_record(actor=users["county"], village_code=VILLAGE, year=year,
                                            amount="30000", evidence="村级账簿")  # fmt: skip
    other_township = make_user(Role.TOWNSHIP, OTHER_TOWNSHIP, username="a_xiaowan")
    with refused(PermissionDenied, "不在您的管辖范围内"):
        collective.collective_income_record(actor=other_township, village_code=VILLAGE, year=year,
                                            amount="30000", evidence="村级账簿")  # fmt: skip
    with refused(InvalidInput, "不是大理州的村级区划代码"):
        collective.collective_income_record(actor=users["township"], village_code=TOWNSHIP, year=year,
                                            amount="30000", evidence="村级账簿")  # fmt: skip
    with refused(InvalidInput, "不能为负数"):
        collective.collective_income_record(actor=users["township"], village_code=VILLAGE, year=year,
                                            amount="-1", evidence="村级账簿")  # fmt: skip


# 四议两公开


def _plan_input(heads: list[int], *, village: str = VILLAGE) -> PlanInput:
    payouts = tuple(PayoutInput(person, str(300 + 50 * i)) for i, person in enumerate(heads))
    return PlanInput(
        village_code=village, year=clock.today().year, title="光伏收益分配", income="20000",
        lines=(PlanLineInput("labour", "参与村内道路维护", "", payouts),), meeting=meeting(),
    )  # fmt: skip


def test_p15_a_plan_is_proposed_only_by_its_own_village() -> None:
    users = asset_users()
    heads = heads_of(village_households(3))
    with refused(PermissionDenied, "收益分配方案由本村提出"):
        distribution.plan_create(actor=users["township"], data=_plan_input(heads))
    other_village = make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE, username="a_tuanshan")
    with refused(PermissionDenied, "收益分配方案由本村提出"):
        distribution.plan_create(actor=other_village, data=_plan_input(heads))
    with refused(PermissionDenied, "只有村、乡镇、县可以录入收益分配方案"):
        distribution.plan_create(actor=users["transport"], data=_plan_input(heads))
    # a person of another village is no beneficiary here
    strangers = heads_of([make_household(SAME_TOWNSHIP_VILLAGE, year=None)])
    with refused(InvalidInput, "领取人不是本村农户的现有成员"):
        distribution.plan_create(actor=users["village"], data=_plan_input(strangers))
    with refused(InvalidInput, "实到人数不足应到人数的三分之二"):
        data = dataclasses.replace(_plan_input(heads), meeting=meeting(attendees=6, expected=10))
        distribution.plan_create(actor=users["village"], data=data)


def test_p15_every_step_of_si_yi_out_of_order_is_a_conflict_and_by_the_wrong_role_refused() -> None:
    users = asset_users()
    heads = heads_of(village_households(3))
    v, t = users["village"], users["township"]
    other_village = make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE, username="a_tuanshan")
    other_township = make_user(Role.TOWNSHIP, OTHER_TOWNSHIP, username="a_xiaowan")
    plan = distribution.plan_create(actor=v, data=_plan_input(heads))
    # (target, who may, what it needs) in the order of 四议两公开
    steps: list[tuple[str, Any, dict[str, Any]]] = [
        ("discussed", v, {"meeting": meeting()}),
        ("reviewed", v, {"meeting": meeting()}),
        ("resolved", v, {"meeting": meeting()}),
        ("audited", t, {"opinion": "同意"}),
        ("published", v, {"posting": posting()}),
        ("implemented", v, {}),
        ("closed", v, {"posting": posting()}),
    ]
    for index, (target, actor, extra) in enumerate(steps):
        # every later step, taken now, is out of order
        for later, later_actor, later_extra in steps[index + 1 :]:
            with refused(Conflict, "不能转为"):
                distribution.plan_move(actor=later_actor, plan=plan, to=later, **later_extra)
        # the right step by the wrong role, or by the right role of another place
        wrong = t if actor is v else v
        with refused(PermissionDenied, "须由"):
            distribution.plan_move(actor=wrong, plan=plan, to=target, **extra)
        stranger = other_village if actor is v else other_township
        with refused(PermissionDenied, "只有本村"):
            distribution.plan_move(actor=stranger, plan=plan, to=target, **extra)
        plan = distribution.plan_move(actor=actor, plan=plan, to=target, **extra)
    assert plan.status == "closed"
    with refused(Conflict, "不能转为"):
        distribution.plan_move(actor=v, plan=plan, to="discussed", meeting=meeting())


def test_p15_a_meeting_step_without_its_meeting_is_refused() -> None:
    users = asset_users()
    plan = distribution.plan_create(actor=users["village"], data=_plan_input(heads_of(village_households(3))))
    with refused(InvalidInput, "请填写村两委会议"):
        distribution.plan_move(actor=users["village"], plan=plan, to="discussed")
    with refused(InvalidInput, "实到人数应大于0且不超过应到人数"):
        distribution.plan_move(actor=users["village"], plan=plan, to="discussed",
                               meeting=meeting(attendees=12, expected=11))  # fmt: skip


def test_p15_an_unknown_owner_kind_or_a_household_on_another_kind_is_refused() -> None:
    users = asset_users()
    (road,) = registered(users, accepted_project(users))
    with refused(InvalidInput, "所有权人类型应为村集体经济组织、农户或县、乡镇单位"):
        services.asset_confirm(actor=users["county"], asset=road, owner=collective_owner(kind="church"))
    household = make_household(VILLAGE, year=None)
    with refused(InvalidInput, "只有农户所有的资产填写受益农户"):
        services.asset_confirm(actor=users["county"], asset=road, owner=collective_owner(household=household))


def test_p15_a_cash_handout_split_over_two_lines_is_still_yi_fen_liao_zhi() -> None:
    # 10 households: cash 500 to five of them on one line and to the other five on another (50% each, 100% in all)
    users = asset_users()
    heads = heads_of(village_households(10))
    halves = (heads[:5], heads[5:])
    lines = tuple(
        PlanLineInput("cash", "", "", tuple(PayoutInput(p, "500") for p in half)) for half in halves
    )
    data = PlanInput(village_code=VILLAGE, year=clock.today().year, title="光伏收益分配", income="20000",
                     lines=lines, meeting=meeting())  # fmt: skip
    with refused(InvalidInput, "方案中的现金、实物分配合计向本村10户中的10户平均发放，达到80%以上"):
        distribution.plan_create(actor=users["village"], data=data)
    # the same split paid for work is allowed
    labour = tuple(PlanLineInput("labour", "道路维护", "", line.payouts) for line in lines)
    distribution.plan_create(actor=users["village"], data=dataclasses.replace(data, lines=labour))


# records that go with the moves (fixed in the rules' files)


def test_p15_the_disposal_step_record_cites_the_asset_care_parameter_it_compared_against() -> None:
    # the step clock wrote an empty citation over the one the threshold guard recorded (P13)
    users = asset_users()
    (road,) = registered(users, accepted_project(users))
    road = handed_over(users, road)
    data = DisposalInput(kind="scrap", reason="道路改线废弃", valuation="2", valuation_basis="评估报告")
    disposal = disposals.disposal_apply(actor=users["village"], asset=road, data=data)
    disposal = disposals.disposal_move(
        actor=users["township"], disposal=disposal, to="township_ok", opinion="同意"
    )
    disposal = disposals.disposal_move(
        actor=users["transport"], disposal=disposal, to="approved", opinion="同意"
    )
    _, citation = asset_care_on(clock.today())
    decision = disposal.steps.get(step="township_ok").decision
    assert decision["asset_care"] == citation and decision["government_above_wan"] == 50


def test_p15_a_revised_plans_audit_keeps_the_old_and_new_totals() -> None:
    users = asset_users()
    heads = heads_of(village_households(3))
    v, t = users["village"], users["township"]
    plan = distribution.plan_create(actor=v, data=_plan_input(heads))  # 300 + 350 + 400 元
    for target in ("discussed", "reviewed", "resolved"):
        plan = distribution.plan_move(actor=v, plan=plan, to=target, meeting=meeting())
    plan = distribution.plan_move(actor=t, plan=plan, to="returned", opinion="请补充救助对象")
    line = PlanLineInput("relief", "低收入人口救助", "", (PayoutInput(heads[0], "600"),))
    with refused(PermissionDenied, "只有本村"):
        distribution.plan_revise(actor=make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE), plan=plan, lines=(line,),
                                 reason="补充")  # fmt: skip
    distribution.plan_revise(actor=v, plan=plan, lines=(line,), reason="补充救助对象")
    event = AuditEvent.objects.get(action="asset.plan_lines")
    assert event.new_values["old_total_fen"] == 105000 and event.new_values["total_fen"] == 60000
