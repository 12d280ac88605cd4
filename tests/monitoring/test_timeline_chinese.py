"""The case timeline and the 责任追溯 export: Chinese parameter names, time order, Beijing time."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook

from zhenxing.common import clock
from zhenxing.common.xlsx import single_sheet
from zhenxing.monitoring.tracing.selectors import household_trace
from zhenxing.monitoring.tracing.services import trace_workbook

from .helpers import confirmed, people, poor_household

pytestmark = pytest.mark.django_db


def test_case_timeline_names_parameters_in_chinese_and_runs_in_time_order(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    # given: a case confirmed by the county, with a visit, a notice and its measures
    user = people()
    household = poor_household()
    case = confirmed(user, household)
    client.force_login(user["county"])
    # when
    html = client.get(f"/cases/{case.pk}/").content.decode()
    timeline = html[
        html.index('data-testid="timeline"') : html.index("</ol>", html.index('data-testid="timeline"'))
    ]
    # then: parameters by name, year and version, no internal kind codes
    assert re.search(r"监测范围 \d{4}年 第\d+版", timeline), timeline
    assert "monitoring_line" not in timeline and " v1" not in timeline
    # and every event in time order, whatever its kind
    moments = [datetime.datetime.fromisoformat(m) for m in re.findall(r'<time datetime="([^"]+)"', timeline)]
    assert len(moments) >= 8 and moments == sorted(moments)
    for kind in ("发起（", "走访（", "公示（至", "帮扶措施："):
        assert kind in timeline, kind


def test_trace_cites_parameters_in_chinese(clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    household = poor_household()
    confirmed(user, household)
    entries = household_trace(household)
    confirmation = next(e for e in entries if "确定纳入" in e.what)
    assert re.search(r"监测范围 \d{4}年 第\d+版", confirmation.versions)
    assert "monitoring_line" not in confirmation.versions
    assert [e.at for e in entries] == sorted(e.at for e in entries)


def test_trace_export_says_beijing_time_not_utc(clock_at) -> None:  # type: ignore[no-untyped-def]
    # given
    user = people()
    household = poor_household()
    confirmed(user, household)
    entries = household_trace(household)
    # when
    rows = CalamineWorkbook.from_filelike(io.BytesIO(trace_workbook(household, entries))).get_sheet_by_index(
        0
    )
    data = rows.to_python()
    # then: the header names Beijing time and shows it (8 hours ahead of UTC), and so does every row
    now = clock.now()
    header = str(data[0][0])
    assert "北京时间" in header and "UTC" not in header
    assert f"{timezone.localtime(now):%Y-%m-%d %H}" in header
    assert f"{now.astimezone(datetime.UTC):%Y-%m-%d %H}:" not in header
    assert [row[0] for row in data[2:]] == [
        f"{timezone.localtime(e.at):%Y-%m-%d}"
        if e.date_only
        else f"{timezone.localtime(e.at):%Y-%m-%d %H:%M}"
        for e in entries
    ]


def test_excel_cells_hold_beijing_time_for_aware_times() -> None:
    # given: 2025-09-01 00:30 UTC, which is 08:30 in Beijing
    moment = datetime.datetime(2025, 9, 1, 0, 30, tzinfo=datetime.UTC)
    # when
    content = single_sheet("时间", ["时间"], [[moment]])
    cell = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()[1][0]
    # then
    assert cell == datetime.datetime(2025, 9, 1, 8, 30)
