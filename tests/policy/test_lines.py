"""P4: the year's monitoring line, asked in one place; a year without one is a clear error everywhere."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.policy.lines import LineNotConfigured, line_for
from zhenxing.screening.models import ScreeningRun
from zhenxing.screening.services import screening_run

from ..conftest import COUNTY
from ..factories import make_user

pytestmark = pytest.mark.django_db


def test_p4_the_line_of_a_year_in_yuan_and_fen() -> None:
    line = line_for(year=2025)
    assert (line.yuan, line.fen, line.parameter.year) == (Decimal(8700), 870_000, 2025)


def test_p4_a_year_without_a_line_is_one_typed_error_at_year() -> None:
    with pytest.raises(LineNotConfigured) as raised:
        line_for(year=2024)
    assert [detail.as_dict() for detail in raised.value.errors()] == [
        {"loc": ["year"], "code": "line_not_configured", "message": "未配置2024年度监测范围"}
    ]


def test_p4_a_round_for_a_year_without_a_line_is_refused_and_records_no_run() -> None:
    with pytest.raises(LineNotConfigured, match="未配置2024年度监测范围"):
        screening_run(year=2024)
    assert not ScreeningRun.objects.exists()


def test_p4_the_what_if_page_without_a_line_asks_for_the_current_one(client: Client) -> None:
    client.force_login(make_user(Role.COUNTY, COUNTY))
    html = client.get("/leads/what-if/", {"year": 2024, "line_b": "9500"}).content.decode()
    assert "未配置2024年度监测范围，请填写现行监测范围" in html
