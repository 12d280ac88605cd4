"""Builders for asset tests: the users who keep the register, an accepted (验收) project of 西山村 with money paid
to it (central 60 万元 and county 20 万元 of its road's planned 100 + 20.5), and assets registered from it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from tests.conftest import COUNTY, OTHER_COUNTY, PREFECTURE, TOWNSHIP, VILLAGE
from tests.factories import make_user
from tests.funds.builders import allocation, library_project
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import Sector, User
from zhenxing.assets import services
from zhenxing.assets.inputs import AssetInput, CareInput, OwnerInput
from zhenxing.assets.models import Asset
from zhenxing.common import clock
from zhenxing.funds import services as funds
from zhenxing.projects.models import Project

PAID_CENTRAL_WAN = Decimal("60")
PAID_COUNTY_WAN = Decimal("20")


def asset_users() -> dict[str, User]:
    return {
        "village": make_user(Role.VILLAGE, VILLAGE, username="a_cun"),
        "township": make_user(Role.TOWNSHIP, TOWNSHIP, username="a_xiang"),
        "county": make_user(Role.COUNTY, COUNTY, username="a_xian"),
        "transport": make_user(
            Role.COUNTY_SECTOR, COUNTY, sector=Sector.objects.get(code="transport"), username="a_jiaotong"
        ),
        "agriculture": make_user(
            Role.COUNTY_SECTOR, COUNTY, sector=Sector.objects.get(code="agriculture"), username="a_nongye"
        ),
        "prefecture": make_user(Role.PREFECTURE, PREFECTURE, username="a_zhou"),
        "finance": make_user(Role.FINANCE, COUNTY, username="a_caizheng"),
        "other_county": make_user(Role.COUNTY, OTHER_COUNTY, username="a_dali"),
    }


def accepted_project(
    users: dict[str, User], *, doc_number: str = "南财农〔2026〕9号", **changes: Any
) -> Project:
    """西山村's road, accepted, with 80 万元 paid (central 60, county 20)."""
    project = library_project(users["county"], status="accepted", **changes)
    document = allocation(users["finance"], doc_number=doc_number,
                          lines=((COUNTY, "central", "100"), (COUNTY, "county", "30")))  # fmt: skip
    lines = {line.source: line for line in document.lines.all()}
    paid_on = clock.today() - datetime.timedelta(days=5)
    for source, amount in (("central", PAID_CENTRAL_WAN), ("county", PAID_COUNTY_WAN)):
        split = funds.split_create(
            actor=users["finance"], line=lines[source], project=project, amount=str(amount)
        )
        funds.payment_create(actor=users["finance"], split=split, amount=str(amount), paid_on=paid_on,
                             payee="南涧县交通建设公司", voucher=f"PZ-{source}")  # fmt: skip
    return project


def asset_input(**changes: Any) -> AssetInput:
    values: dict[str, Any] = {"name": "大村组硬化道路", "asset_type_code": "road", "quantity": "2.5",
                              "division_code": VILLAGE, "natural_village": "大村组", "value": "50"}  # fmt: skip
    values.update(changes)
    return AssetInput(**values)


def registered(users: dict[str, User], project: Project, *items: AssetInput) -> list[Asset]:
    return services.asset_register_from_project(actor=users["county"], project=project,
                                                items=items or (asset_input(),))  # fmt: skip


def collective_owner(**changes: Any) -> OwnerInput:
    values: dict[str, Any] = {"kind": "collective", "name": "西山村股份经济合作社", "document": "确权书〔2026〕1号",
                              "on": clock.today() - datetime.timedelta(days=3)}  # fmt: skip
    values.update(changes)
    return OwnerInput(**values)


def care(**changes: Any) -> CareInput:
    values: dict[str, Any] = {
        "unit": "西山村委会",
        "person": "李管护",
        "phone": "13800000000",
        "rules": "每月巡查",
    }
    values.update(changes)
    return CareInput(**values)


def handed_over(users: dict[str, User], asset: Asset, *, by: str = "county") -> Asset:
    owned = services.asset_confirm(actor=users[by], asset=asset, owner=collective_owner())
    return services.asset_hand_over(actor=users[by], asset=owned, on=clock.today() - datetime.timedelta(days=2),
                                    receiver="西山村股份经济合作社", care=care())  # fmt: skip


def village_households(count: int, *, village: str = VILLAGE) -> list[Any]:
    from tests.factories import make_household

    return [make_household(village, year=None) for _ in range(count)]


def heads_of(households: list[Any]) -> list[int]:
    from zhenxing.registry.models import Membership

    return list(
        Membership.objects.filter(household__in=households, relation="户主", left_on__isnull=True)
        .order_by("household_id")
        .values_list("person_id", flat=True)
    )


def meeting(**changes: Any) -> Any:
    from zhenxing.assets.inputs import MeetingInput

    values: dict[str, Any] = {"held_on": clock.today() - datetime.timedelta(days=1), "attendees": 9, "expected": 11,
                              "minutes": "讨论2026年光伏收益分配"}  # fmt: skip
    values.update(changes)
    return MeetingInput(**values)


def posting(**changes: Any) -> Any:
    from zhenxing.assets.inputs import PostingInput

    values: dict[str, Any] = {"place": "西山村务公开栏", "posted_from": clock.today(),
                              "posted_until": clock.today() + datetime.timedelta(days=7)}  # fmt: skip
    values.update(changes)
    return PostingInput(**values)
