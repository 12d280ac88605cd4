"""P17 on the pages, in words a reader can follow: the parameter list says which years have no monitoring line
(the current year's not yet published, and what the regime does meanwhile), a regime's form asks for its
起始年度, its 说明 starts without a bare rule code, the evaluate page marks the provisional line it used with
暂用 and names the objects as the regime of its date does, and the household page's panels use badges."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.policy import selectors
from zhenxing.policy.enums import ParameterKind
from zhenxing.registry.models import Household

from ..conftest import VILLAGE
from ..factories import make_household, make_user
from .test_pages import _form

pytestmark = pytest.mark.django_db

IN_2026 = datetime.date(2026, 3, 2)
PROVISIONAL = '<span class="badge grade-yellow" data-testid="parameter-provisional">暂用</span>'


def test_p17_the_parameter_list_says_the_current_years_standard_is_not_yet_published(
    county: Client, clock_at: Callable[[datetime.date], None]
) -> None:
    # given a day in 2026, with 2023 and 2025 lines shipped and no 2026 line
    clock_at(IN_2026)
    # when the parameter list is opened
    html = county.get("/policy/parameters/").content.decode()
    # then the footnote names the earlier years without a line, and says 2026's is not yet published and
    # what the regime in force does meanwhile (its gap setting: 2025's line marked 暂用)
    assert "2021、2022、2024年度监测范围尚未核实" in html
    assert "2026年度防止返贫监测范围（识别标准）尚未公布（P17）" in html
    assert "常态化防止返贫致贫" in html and "暂用2025年标准" in html
    # the 取值 column gets room and the entry date never breaks
    assert 'data-label="取值" class="value-cell"' in html
    assert '系统预置 <span class="nowrap-text">20' in html


def test_p17_a_regimes_form_asks_for_its_starting_year(client: Client) -> None:
    client.force_login(make_user(Role.ADMIN))
    regime = client.get("/policy/parameters/new/?kind=regime").content.decode()
    line = client.get("/policy/parameters/new/?kind=monitoring_line").content.decode()
    assert "起始年度" in regime and "自执行日期起适用" in regime and "不分年度的参数留空" not in regime
    assert "年度（不分年度的参数留空）" in line and "起始年度" not in line


def test_p17_a_regimes_note_shows_without_its_leading_rule_code(county: Client) -> None:
    regime = selectors.parameter_for(ParameterKind.REGIME, year=2026)
    assert regime.note.startswith("P17：")  # the shipped data is left alone
    html = county.get(f"/policy/parameters/{regime.pk}/").content.decode()
    assert f'data-testid="parameter-note">{regime.note.removeprefix("P17：")}<' in html


def test_p17_the_evaluate_page_marks_the_provisional_line_among_the_parameters_used(
    county: Client, clock_at: Callable[[datetime.date], None]
) -> None:
    # given a day in 2026 before its standard: 2026 income is judged on 2025's line, marked 暂用
    clock_at(IN_2026)
    provisional = county.post("/policy/evaluate/", _form(year="2026")).content.decode()
    own = county.post("/policy/evaluate/", _form(year="2025")).content.decode()
    used = provisional.split('data-testid="verdict-parameters"')[1].split("</ul>")[0]
    assert "防止返贫监测范围 2025年 " + PROVISIONAL in used
    assert PROVISIONAL not in own  # 2025 income on its own line: no mark


def test_p17_the_evaluate_form_names_the_objects_as_the_regime_of_its_date(
    county: Client, clock_at: Callable[[datetime.date], None]
) -> None:
    clock_at(IN_2026)
    assert "已是防止返贫致贫对象（未消除风险）" in county.get("/policy/evaluate/").content.decode()
    clock_at(datetime.date(2025, 6, 1))
    assert "已是监测对象（未消除风险）" in county.get("/policy/evaluate/").content.decode()
    # a posted 决定日期 chooses the regime whatever today is
    html = county.post("/policy/evaluate/", _form(year="2025", decided_on="2026-01-05")).content.decode()
    assert "已是防止返贫致贫对象（未消除风险）" in html


def test_p17_the_household_page_offers_to_enter_the_year_only_while_it_has_no_record(
    client: Client, clock_at: Callable[[datetime.date], None]
) -> None:
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    this_year = datetime.date.today().year
    without = make_household(VILLAGE, code="P17-without", year=this_year - 1)
    entered = make_household(VILLAGE, code="P17-entered", year=this_year)
    assert isinstance(without, Household) and isinstance(entered, Household)
    assert 'data-testid="enter-this-year"' in client.get(f"/households/{without.pk}/").content.decode()
    assert 'data-testid="enter-this-year"' not in client.get(f"/households/{entered.pk}/").content.decode()
