"""The demo's asset register (P15) in 南涧's 西山村, made through the asset services by the demo users so that every
entry has its audit event and step records, as they would have entered it:

- the accepted 入户路 project (synth/demo_projects.py), paid by the demo ledger (synth/fund_demo.py), is left
  without assets: the county's 乡村振兴局 (demo_county) registers from it;
- three older assets entered with their documents by demo_county, 确权 to the village collective and 移交:
  the drinking-water works, handed over more than a year ago and not inspected since (巡查逾期: due for inspection);
  the walnut processing plant, found 闲置 at its last inspection, with a 转让 application by the village
  (demo_village) waiting for the township (demo_township); the photovoltaic station, inspected, with its income of
  the last two years entered by the township;
- a 收益分配方案 of last year's income at 决议公开: proposed, discussed, reviewed and resolved by the village,
  audited by the township, the resolution posted; its labour line pays five heads of 西山村's households.

Past entries are made with the process clock moved back, as in synth/fund_demo.py. Idempotent: once the water
works exist it does nothing; one transaction, all or nothing."""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction

from zhenxing.accounts.models import User
from zhenxing.assets import distribution, services, upkeep
from zhenxing.assets.disposals import disposal_apply
from zhenxing.assets.inputs import (
    AssetInput,
    CareInput,
    DisposalInput,
    MeetingInput,
    OwnerInput,
    PayoutInput,
    PlanInput,
    PlanLineInput,
    PostingInput,
)
from zhenxing.assets.models import Asset
from zhenxing.common import clock
from zhenxing.registry.models import Membership

VILLAGE = "532926101202"  # 西山村
COLLECTIVE = "西山村股份经济合作社"
WATER = "西山村集中供水工程"
PLANT = "西山村核桃初加工厂"
SOLAR = "西山村村级光伏电站"
USERS = ("demo_county", "demo_township", "demo_village")


@dataclass(frozen=True)
class DemoAssetsResult:
    assets: int
    plans: int
    disposals: int
    seconds: float


@contextmanager
def _at(today: datetime.date, back: int) -> Iterator[datetime.date]:
    with clock.travel(today - datetime.timedelta(days=back)):
        yield clock.today()


def demo_assets_ensure(*, today: datetime.date | None = None) -> DemoAssetsResult | None:
    """None when it exists already, or when the demo users or 西山村's households are missing."""
    day = today or clock.today()
    if Asset.objects.filter(name=WATER, division__code=VILLAGE).exists():
        return None
    users = {u.username: u for u in User.objects.filter(username__in=USERS)}
    heads = list(
        Membership.objects.filter(household__village__code=VILLAGE, relation="户主", left_on__isnull=True)
        .order_by("household_id")
        .values_list("person_id", flat=True)[:5]
    )
    if len(users) < len(USERS) or len(heads) < 5:
        return None
    started = time.perf_counter()
    with transaction.atomic():
        _build(day, users, heads)
    return DemoAssetsResult(assets=3, plans=1, disposals=1, seconds=time.perf_counter() - started)


def _asset(
    day: datetime.date, county: User, *, back: int, name: str, kind: str, value: str, document: str
) -> Asset:
    with _at(day, back) as on:
        asset = services.asset_enter_legacy(
            actor=county,
            data=AssetInput(name=name, asset_type_code=kind, quantity="1", division_code=VILLAGE, value=value,
                            formed_on=on - datetime.timedelta(days=30), source_document=document,
                            legacy_source="central"),
        )  # fmt: skip
        asset = services.asset_confirm(
            actor=county, asset=asset,
            owner=OwnerInput(kind="collective", name=COLLECTIVE, document=f"{name}确权登记书", on=on),
        )  # fmt: skip
        return services.asset_hand_over(
            actor=county, asset=asset, on=on, receiver=COLLECTIVE,
            care=CareInput(unit="西山村民委员会", person="字文华", phone="13908721234", rules="每月巡查一次，汛期加密"),
        )  # fmt: skip


def _build(day: datetime.date, users: dict[str, User], heads: list[int]) -> None:
    county, township, village = users["demo_county"], users["demo_township"], users["demo_village"]
    # due for inspection: handed over 400 days ago, never inspected (the first one fell due a month ago)
    _asset(day, county, back=400, name=WATER, kind="water_supply", value="62", document="南乡振〔2021〕15号")
    # idle: inspected a month ago and found 闲置; the village applies to sell it, waiting for the township
    plant = _asset(
        day, county, back=500, name=PLANT, kind="processing", value="85", document="南乡振〔2021〕22号"
    )
    with _at(day, 30) as on:
        upkeep.inspection_record(actor=township, asset=plant, on=on, outcome="idle",
                                   notes="核桃收购量不足，加工设备停用半年以上")  # fmt: skip
    with _at(day, 6) as on:
        disposal_apply(
            actor=village, asset=Asset.objects.get(pk=plant.pk), on=on,
            data=DisposalInput(kind="transfer", reason="加工厂长期闲置，拟公开转让给本地合作社经营，收入用于巩固拓展脱贫攻坚成果",
                               valuation="40", valuation_basis="南涧县价格认证中心评估报告"),
        )  # fmt: skip
    # operating with income: inspected, its income of the last two years entered by the township
    solar = _asset(
        day, county, back=800, name=SOLAR, kind="photovoltaic", value="120", document="南发改〔2020〕31号"
    )
    with _at(day, 60) as on:
        upkeep.inspection_record(actor=township, asset=solar, on=on, outcome="good")
    for year, amount in ((day.year - 2, "68000"), (day.year - 1, "72500")):
        with _at(day, 40):
            upkeep.asset_income_record(
                actor=township, asset=Asset.objects.get(pk=solar.pk), year=year, amount=amount,
                evidence=f"{year}年光伏发电上网结算单",
            )  # fmt: skip
    # a plan of last year's income at 决议公开
    with _at(day, 50) as on:
        plan = distribution.plan_create(
            actor=village,
            data=PlanInput(
                village_code=VILLAGE, year=day.year - 1, title=f"西山村{day.year - 1}年光伏电站收益分配方案",
                income="72500",
                lines=(
                    PlanLineInput("labour", "参与光伏电站公益性岗位管护，按出勤计酬", "",
                                  tuple(PayoutInput(p, str(2400 + 300 * i)) for i, p in enumerate(heads))),
                    PlanLineInput("public_fund", "", "40000"),
                    PlanLineInput("upkeep", "", "17500"),
                ),
                meeting=MeetingInput(on, 5, 5, "村党组织提议：光伏收益用于公益岗位报酬和村内公益事业"),
            ),
        )  # fmt: skip
    for back, to, meeting in (
        (44, "discussed", MeetingInput(day, 7, 7, "村两委会议商议通过")),
        (38, "reviewed", MeetingInput(day, 26, 31, "党员大会审议通过")),
        (30, "resolved", MeetingInput(day, 41, 48, "村民代表会议表决通过")),
    ):
        with _at(day, back) as on:
            plan = distribution.plan_move(
                actor=village, plan=plan, to=to,
                meeting=MeetingInput(on, meeting.attendees, meeting.expected, meeting.minutes),
            )  # fmt: skip
    with _at(day, 20):
        plan = distribution.plan_move(actor=township, plan=plan, to="audited", opinion="方案符合规定，同意")
    with _at(day, 12) as on:
        distribution.plan_move(
            actor=village, plan=plan, to="published",
            posting=PostingInput("西山村村务公开栏", on, on + datetime.timedelta(days=7)),
        )  # fmt: skip
