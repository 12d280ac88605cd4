"""P17 on the pages: a result on a provisional line says 暂用 wherever it is shown, and the sector rules of a
year without its rule say 未配置 (the evaluate page, the household page's verdict and its P11 sector panel)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from zhenxing.registry.models import Household

from ..conftest import VILLAGE
from ..factories import make_household
from .test_pages import _form

pytestmark = pytest.mark.django_db

IN_2026 = datetime.date(2026, 3, 2)
NOTE = "暂用2025年标准（2026年标准尚未公布）"
UNCONFIGURED = '<span class="badge grade-yellow">未配置</span>'


def test_p17_the_evaluate_page_marks_a_provisional_line_and_unconfigured_sector_rules(
    county: Client, clock_at: Callable[[datetime.date], None]
) -> None:
    # given a day in 2026 before the 2026 standard is published
    clock_at(IN_2026)
    # when 2026 income is evaluated on the page
    html = county.post("/policy/evaluate/", _form(year="2026")).content.decode()
    # then the result says 暂用 with the note, the regime, and 未配置 for the sector rules
    assert 'data-testid="verdict-provisional"' in html and NOTE in html
    assert "常态化防止返贫致贫" in html
    assert UNCONFIGURED + " 2026年度医保资助参保标准" in html
    assert UNCONFIGURED + " 2026年度一次性交通补助规则" in html


def test_p17_the_evaluate_page_on_2025_income_has_no_provisional_mark(
    county: Client, clock_at: Callable[[datetime.date], None]
) -> None:
    clock_at(IN_2026)
    html = county.post("/policy/evaluate/", _form(year="2025")).content.decode()
    assert 'data-testid="verdict-provisional"' not in html and "标准尚未公布" not in html
    assert "未配置2025年度" not in html
    assert "8,700.00" in html


def test_p17_the_household_page_and_its_sector_panel_say_provisional_and_not_configured(
    county: Client, clock_at: Callable[[datetime.date], None]
) -> None:
    # given a household whose latest year is 2026, on a day in 2026
    clock_at(IN_2026)
    household = make_household(VILLAGE, code="P17-page", year=2026)
    assert isinstance(household, Household)
    # when the household page and its P11 sector panel are opened
    page = county.get(f"/households/{household.pk}/").content.decode()
    panel = county.get(f"/cases/sector/{household.pk}/").content.decode()
    # then both say 暂用, and the panel's subsidies say 未配置
    assert 'data-testid="verdict-provisional"' in page and NOTE in page
    assert UNCONFIGURED + " 2026年度一次性交通补助规则" in page
    assert 'data-testid="sector-provisional">暂用</span>' in panel and NOTE in panel
    assert UNCONFIGURED + " 2026年度医保资助参保标准" in panel
    assert UNCONFIGURED + " 2026年度一次性交通补助规则" in panel
    assert "未配置 未配置" not in panel and "</span> 未配置" not in panel  # the badge, then no repeated word
    assert panel.count('data-label="一次性交通补助">' + UNCONFIGURED) == 2  # each member's cell, not "—"


def test_p17_the_evaluate_page_takes_a_decision_date_that_chooses_the_regime(county: Client) -> None:
    # the same 2025 income decided on the last day of the transition and on the first days of 2026
    before = county.post("/policy/evaluate/", _form(year="2025", decided_on="2025-12-31")).content.decode()
    after = county.post("/policy/evaluate/", _form(year="2025", decided_on="2026-01-05")).content.decode()
    assert "政策阶段：巩固拓展脱贫攻坚成果过渡期" in before and "决定日期 2025-12-31" in before
    assert "政策阶段：常态化防止返贫致贫" in after and "决定日期 2026-01-05" in after
    assert "8,700.00" in before and "8,700.00" in after  # the 2025 line either way
