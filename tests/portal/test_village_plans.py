"""The village's public page lists its income-distribution plans as posted (P15 两公开): the postings' place and
period, per line kind the number of beneficiaries and the total — never a name (assets.public)."""

from __future__ import annotations

import pytest
from tests.assets.builders import posting
from tests.assets.test_plan_pages import labour_plan, plan_users, published_plan, village_of_five
from tests.conftest import SAME_TOWNSHIP_VILLAGE, VILLAGE

from zhenxing.assets import distribution
from zhenxing.assets.public import public_postings_of_village

pytestmark = pytest.mark.django_db


def test_p15_public_postings_count_beneficiaries_per_line_kind_and_name_no_one() -> None:
    users = plan_users()
    heads = village_of_five()
    distribution.plan_create(actor=users["village"], data=labour_plan(heads, title="未公开的方案"))
    plan = published_plan(users, heads)
    distribution.plan_move(actor=users["village"], plan=plan, to="implemented")
    distribution.plan_move(
        actor=users["village"], plan=plan, to="closed", posting=posting(place="西山村文化广场")
    )

    shown = public_postings_of_village(VILLAGE)

    assert [p.title for p in shown] == ["2026年光伏电站收益分配"]  # a plan not yet posted is not public
    only = shown[0]
    assert only.total_fen == 400000 and only.paid_fen == 200000
    assert [(p.kind_label, p.place) for p in only.postings] == [("决议公开", "西山村务公开栏"),
                                                                  ("实施结果公开", "西山村文化广场")]  # fmt: skip
    assert [(line.kind_label.split("（")[0], line.beneficiaries, line.total_fen) for line in only.lines] == [
        ("劳动报酬", 5, 200000), ("公积公益金", 0, 200000)
    ]  # fmt: skip
    assert public_postings_of_village(SAME_TOWNSHIP_VILLAGE) == []


def test_p15_the_public_page_says_when_no_plan_is_posted(shipped_data: None) -> None:
    from django.test import Client

    html = Client().get(f"/v/{VILLAGE}/").content.decode()
    assert "收益分配公开" in html and "暂无收益分配公开" in html
