"""Concurrent writes to the register (P15), each thread on its own PostgreSQL connection, released together by a
barrier: two registrations never together take more than was paid, an asset has one disposal under way, and the
project moves to 资产移交 exactly once when its last two assets are handed over at the same moment."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from tests.assets.builders import (
    accepted_project,
    asset_input,
    asset_users,
    care,
    collective_owner,
    handed_over,
    registered,
)
from tests.race import race
from tests.race import refusals as _refusals
from zhenxing.assets import disposals, services
from zhenxing.assets.inputs import DisposalInput
from zhenxing.assets.models import Asset, AssetFundShare, Disposal
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput
from zhenxing.projects.models import Project

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"
    ),
]


def test_p15_two_registrations_at_once_never_exceed_what_was_paid(shipped_data: None) -> None:
    # given a project with 80 万元 paid
    users = asset_users()
    project = accepted_project(users)
    # when two officers register 50 万元 each at the same moment (100 万元 in all)
    outcomes = race(
        [
            lambda actor=actor, name=name: services.asset_register_from_project(
                actor=users[actor], project=project, items=(asset_input(name=name, value="50"),)
            )
            for actor, name in (("county", "大村组硬化道路"), ("transport", "小村组硬化道路"))
        ]
    )
    # then exactly one succeeds and the other is refused for what was paid
    refusals = _refusals(outcomes)
    assert len(refusals) == 1, refusals
    assert isinstance(refusals[0], InvalidInput) and "超过项目已支付" in refusals[0].message
    assert Asset.objects.filter(project=project).count() == 1
    taken = sum(AssetFundShare.objects.filter(asset__project=project).values_list("amount_fen", flat=True))
    assert taken == 50_000_000
    assert AuditEvent.objects.filter(action="asset.register").count() == 1


def test_p15_two_disposal_applications_at_once_leave_one_under_way(shipped_data: None) -> None:
    users = asset_users()
    (road,) = registered(users, accepted_project(users))
    road = handed_over(users, road)
    data = DisposalInput(kind="scrap", reason="道路改线废弃", valuation="2", valuation_basis="评估报告")
    outcomes = race(
        [
            lambda actor=actor: disposals.disposal_apply(actor=users[actor], asset=road, data=data)
            for actor in ("village", "township")
        ]
    )
    refusals = _refusals(outcomes)
    assert len(refusals) == 1, refusals
    assert isinstance(refusals[0], Conflict) and "已有处置申请在审批中" in refusals[0].message
    assert Disposal.objects.filter(asset=road).count() == 1
    assert AuditEvent.objects.filter(action="asset.disposal_apply").count() == 1


def test_p15_handing_over_the_last_two_assets_at_once_moves_the_project_exactly_once(
    shipped_data: None,
) -> None:
    # given a project whose two assets are confirmed and wait for hand-over
    users = asset_users()
    project = accepted_project(users)
    assets = registered(users, project, asset_input(value="40"), asset_input(name="候车亭", value="40"))
    owned = [services.asset_confirm(actor=users["county"], asset=a, owner=collective_owner()) for a in assets]
    on = clock.today() - datetime.timedelta(days=1)
    # when the county and the transport bureau hand them over at the same moment
    outcomes = race(
        [
            lambda actor=actor, asset=asset: services.asset_hand_over(
                actor=users[actor], asset=asset, on=on, receiver="西山村股份经济合作社", care=care()
            )
            for actor, asset in zip(("county", "transport"), owned, strict=True)
        ]
    )
    # then both are handed over and the project is 资产移交, moved once
    assert not _refusals(outcomes), _refusals(outcomes)
    assert set(Asset.objects.filter(project=project).values_list("status", flat=True)) == {"handed_over"}
    assert Project.objects.get(pk=project.pk).status == "handed_over"
    assert AuditEvent.objects.filter(action="project.assets_handed_over").count() == 1
