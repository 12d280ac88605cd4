"""P14 公告公示 of the money: the public village page shows, for each project, the money it received (splits in
force, net of what 出库/终止 released) and what was paid (net of reversals), in 万元 — sums only, never a payee,
voucher or any personal data; a project without splits shows 0."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from tests.conftest import VILLAGE
from zhenxing.common import clock
from zhenxing.funds import services
from zhenxing.projects import services as projects

from .builders import allocation, fund_users, library_project

pytestmark = pytest.mark.django_db

PAGE = f"/v/{VILLAGE}/"


def _row(html: str, name: str) -> str:
    rows = html.split('data-testid="village-project"')[1:]
    return next(row.split("</tr>", 1)[0] for row in rows if name in row)


def test_p14_the_village_page_shows_each_projects_money_received_and_paid(
    shipped_data: None, clock_at: Any
) -> None:
    # given a road given 80 + 20.5 万元 from two sources, paid 30.25, of which 10 reversed; an unfunded project
    clock_at(datetime.date(2026, 7, 15))
    users = fund_users()
    road = library_project(users["county"])
    walnut = library_project(users["county"], industry=True)
    document = allocation(users["finance"], lines=(("532926", "central", "150"), ("532926", "county", "30")))
    central = document.lines.get(source="central")
    county = document.lines.get(source="county")
    split = services.split_create(actor=users["finance"], line=central, project=road, amount="80")
    services.split_create(actor=users["finance"], line=county, project=road, amount="20.5")
    payment = services.payment_create(
        actor=users["finance"], split=split, amount="30.25", paid_on=clock.today(), payee="南涧县鑫达建筑公司",
        voucher="记-101",
    )  # fmt: skip
    services.payment_reverse(
        actor=users["finance"],
        payment=payment,
        amount="10",
        reason="多付",
        voucher="冲-101",
        on=clock.today(),
    )
    # when anyone opens the village page
    response = Client().get(PAGE)
    html = response.content.decode()
    # then the road shows 100.50 received and 20.25 paid, the walnut project 0.00 and 0.00, in 万元 with two
    # decimals like the funds' pages (the `wan` filter), and the planned total likewise (120.5 → 120.50)
    assert response.status_code == 200
    road_row = _row(html, road.name)
    assert '<td data-label="已到位资金（万元）" data-testid="received">100.50</td>' in road_row
    assert '<td data-label="已支付（万元）" data-testid="paid">20.25</td>' in road_row
    walnut_row = _row(html, walnut.name)
    assert 'data-testid="received">0.00</td>' in walnut_row and 'data-testid="paid">0.00</td>' in walnut_row
    assert '<td data-label="计划投资（万元）">120.50' in road_row
    # and nothing of the ledger's records themselves: no payee, no voucher
    assert "鑫达" not in html and "记-101" not in html


def test_p14_money_released_at_withdrawal_or_termination_is_no_longer_received(
    shipped_data: None, clock_at: Any
) -> None:
    # given the road split 80 (nothing paid) and the walnut project split 80, paid 30
    clock_at(datetime.date(2026, 7, 15))
    users = fund_users()
    road = library_project(users["county"])
    walnut = library_project(users["county"], industry=True)
    line = allocation(users["finance"], lines=(("532926", "central", "200"),)).lines.get()
    services.split_create(actor=users["finance"], line=line, project=road, amount="80")
    split = services.split_create(actor=users["finance"], line=line, project=walnut, amount="80")
    services.payment_create(
        actor=users["finance"], split=split, amount="30", paid_on=clock.today(), payee="西山村核桃合作社",
        voucher="记-201",
    )  # fmt: skip
    # when the road leaves the library (出库: returned) and the walnut project is 终止 (the unspent 50 recovered)
    projects.project_move(actor=users["county"], project=road, to="withdrawn", opinion="选址变更，不再实施")
    projects.project_move(
        actor=users["county"], project=walnut, to="terminated", opinion="合作社解散，项目终止"
    )
    html = Client().get(PAGE).content.decode()
    # then both stay listed, the road with 0.00 received, the walnut project with what was paid of it
    road_row, walnut_row = _row(html, road.name), _row(html, walnut.name)
    assert 'data-testid="received">0.00</td>' in road_row and 'data-testid="paid">0.00</td>' in road_row
    assert 'data-testid="received">30.00</td>' in walnut_row and 'data-testid="paid">30.00</td>' in walnut_row
