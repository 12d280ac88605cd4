"""P3, P17: the year's 低保金 and 特困供养金 are a part of the transfer income (not counted as income in a 低保
test), kept as HouseholdYear.assistance_benefit: never negative, never above the transfer income — a database
constraint, a Chinese error on the year form, in the service and in the 台账 import (an optional column)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import xlsxwriter
from django.db import IntegrityError, transaction
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import InvalidInput
from zhenxing.registry import services
from zhenxing.registry.layout import MEMBER_COLUMNS, MEMBER_SHEET, YEAR_COLUMNS, YEAR_SHEET
from zhenxing.registry.models import Household, HouseholdYear
from zhenxing.transfer import services as transfer
from zhenxing.transfer.models import ImportStatus

from ..conftest import VILLAGE
from ..factories import make_household, make_user
from ..transfer.workbook_builder import member_rows, workbook, year_rows

pytestmark = pytest.mark.django_db


def test_p17_the_database_refuses_a_benefit_above_the_transfer_income_or_below_zero() -> None:
    """P17: assistance_benefit <= transfer and >= 0, as a constraint on both engines."""
    household = make_household(VILLAGE, year=None)
    for transfer_fen, benefit in ((100_000, 100_001), (100_000, -1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            HouseholdYear.objects.create(
                household=household, year=2025, transfer=transfer_fen, assistance_benefit=benefit
            )
    stored = HouseholdYear.objects.create(
        household=household, year=2025, transfer=100_000, assistance_benefit=100_000
    )
    assert stored.assistance_benefit == stored.transfer


def test_p17_the_service_stores_a_benefit_within_the_transfer_and_refuses_more_in_chinese() -> None:
    household = make_household(VILLAGE, year=None)
    record = services.household_year_upsert(
        actor=None,
        household=household,
        year=2025,
        values={"transfer": 500_000, "assistance_benefit": 360_000},
    )
    assert record.assistance_benefit == 360_000
    event = AuditEvent.objects.filter(action="household_year.create", target_id=str(household.pk)).get()
    assert event.new_values["assistance_benefit"] == 360_000
    with pytest.raises(InvalidInput) as refused:
        services.household_year_upsert(
            actor=None, household=household, year=2025, values={"transfer": 300_000}
        )
    assert refused.value.details[0].loc == ("assistance_benefit",)
    assert refused.value.message == "低保金、特困供养金是转移性收入的一部分，不能超过转移性收入"
    record.refresh_from_db()
    assert (record.transfer, record.assistance_benefit) == (500_000, 360_000)


def test_p17_the_year_form_takes_the_benefit_in_yuan_and_the_household_page_shows_it(client: Client) -> None:
    user = make_user(Role.VILLAGE, VILLAGE)
    client.force_login(user)
    household = make_household(VILLAGE, year=None)
    url = f"/households/{household.pk}/years/2025/"
    base = {"water_supply_cut_days": "0", "water_quality_ok": "on", "water_access_ok": "on"}
    money = dict.fromkeys(HouseholdYear.MONEY_FIELDS, "0")
    refused = client.post(url, {**base, **money, "transfer": "3000", "assistance_benefit": "3600"})
    assert "不能超过转移性收入" in refused.content.decode()
    assert not HouseholdYear.objects.filter(household=household).exists()
    response = client.post(url, {**base, **money, "transfer": "5000", "assistance_benefit": "3600"})
    assert response.status_code == 302
    assert HouseholdYear.objects.get(household=household).assistance_benefit == 360_000
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert "其中低保金、特困供养金" in page and "3,600.00" in page


def _workbook_without_the_benefit_column(members: list[dict[str, Any]], years: list[dict[str, Any]]) -> bytes:
    """An older 台账 workbook: the year sheet has every column but 低保金特困供养金."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, columns, rows in (
        (MEMBER_SHEET, MEMBER_COLUMNS, members),
        (YEAR_SHEET, [c for c in YEAR_COLUMNS if not c.optional], years),
    ):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, [column.header for column in columns])
        for r, row in enumerate(rows, start=1):
            for c, column in enumerate(columns):
                value = row.get(column.header, "")
                if isinstance(value, datetime.date):
                    sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), dates)
                elif value != "":
                    sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def _import(user: Any, data: bytes) -> Any:
    batch = transfer.import_stage(actor=user, file_name="台账.xlsx", data=data)
    if batch.status == ImportStatus.INVALID:
        return batch
    transfer.import_confirm(actor=user, batch=batch)
    return transfer.import_commit(batch_id=batch.pk)


def test_p17_the_import_reads_the_optional_benefit_column_and_older_workbooks_still_import() -> None:
    user = make_user(Role.TOWNSHIP, "532926101")
    members = member_rows(VILLAGE, 3)
    years = year_rows(members)  # 转移性收入 1,200 yuan each
    # an older workbook without the column imports, the benefit 0
    done = _import(user, _workbook_without_the_benefit_column(members, years))
    assert done.status == ImportStatus.DONE, (done.status, done.errors)
    assert set(HouseholdYear.objects.values_list("assistance_benefit", flat=True)) == {0}
    # the column filled: stored in fen
    years[0]["低保金特困供养金"] = 900
    _import(user, workbook(members, years))
    first = Household.objects.get(code=years[0]["户编号"])
    assert HouseholdYear.objects.get(household=first).assistance_benefit == 90_000
    # an older workbook again keeps the stored benefit (it says nothing about it)
    _import(user, _workbook_without_the_benefit_column(members, year_rows(members)))
    assert HouseholdYear.objects.get(household=first).assistance_benefit == 90_000
    # a benefit above the transfer income is a row error, in Chinese, naming the column
    years[1]["低保金特困供养金"] = 1500
    refused = _import(user, workbook(members, years))
    problems = [p for p in refused.errors if p["column"] == "低保金特困供养金"]
    assert problems and "不能超过转移性收入" in problems[0]["message"]
