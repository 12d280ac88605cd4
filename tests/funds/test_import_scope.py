"""P14: the fund ledger import is scoped to the importing bureau's counties — a row naming another county is
refused on its 县(市)代码 before anything of that county is looked up, so the refusal shows none of that county's
line, split or voucher amounts, and a row repeating another county's payment is refused rather than counted as
"already there". Nothing is stored while such a row is in the file. Both databases."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.conftest import COUNTY, OTHER_COUNTY, OTHER_COUNTY_VILLAGE
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.funds import imports, services
from zhenxing.funds.models import Allocation

from .builders import allocation, fund_users, library_project
from .test_import import counts, errors_of, ledger_file, row

pytestmark = pytest.mark.django_db
DOC = "大财农〔2026〕9号"
NO_SPLIT = {"项目编号": "", "分配金额": "", "支付日期": "", "收款单位": "", "凭证号": "", "支付金额": ""}


def _shared_document(users: dict[str, Any]) -> Allocation:
    """The prefecture's document: 南涧 (532926) 50 万元, 大理市 (532901) 77.77 万元."""
    return allocation(
        users["prefecture_finance"], doc_number=DOC, level="province",
        lines=((COUNTY, "central", "50"), (OTHER_COUNTY, "central", "77.77")),
    )  # fmt: skip


def _messages(result: imports.ImportResult) -> str:
    return "；".join(problem.message for problem in result.errors)


def test_p14_an_import_row_of_another_county_shows_none_of_its_amounts_and_stores_nothing() -> None:
    # given the prefecture's document with a line of 南涧 and one of 大理市
    users = fund_users()
    _shared_document(users)
    before = counts()
    # when 南涧's finance bureau imports its own line (unchanged) and a row naming 大理市's line with 1 万元
    own = row(None, 文号=DOC, 下达层级="省级", 下达金额=50, **NO_SPLIT)
    foreign = row(None, 文号=DOC, 下达层级="省级", 县代码=OTHER_COUNTY, 下达金额=1, **NO_SPLIT)
    result = imports.ledger_import(
        actor=users["finance"], file_name="台账.xlsx", data=ledger_file([own, foreign])
    )
    # then the foreign row is refused on its county code, out of the bureau's jurisdiction, and no message
    # shows 大理市's amount or name; nothing is stored, no import audited
    assert not result.stored
    found = errors_of(result)
    assert list(found) == [(result.errors[0].row, "县(市)代码")], found
    assert f"县(市)代码“{OTHER_COUNTY}”不在您的管辖范围内" in _messages(result)
    assert "77.77" not in _messages(result) and "大理" not in _messages(result)
    assert counts() == before
    assert not AuditEvent.objects.filter(action="fund.import").exists()


def test_p14_an_import_row_repeating_another_countys_payment_is_refused_not_unchanged() -> None:
    # given a payment of 大理市 on its line of the prefecture's document
    users = fund_users()
    document = _shared_document(users)
    dali_county = make_user(Role.COUNTY, OTHER_COUNTY, username="f_dali_xian")
    dali_road = library_project(
        dali_county, places=[(OTHER_COUNTY_VILLAGE, "")], implementing_unit="大理镇人民政府"
    )
    line = document.lines.get(county__code=OTHER_COUNTY)
    split = services.split_create(actor=users["other_finance"], line=line, project=dali_road, amount="40")
    services.payment_create(
        actor=users["other_finance"], split=split, amount="12.5", paid_on=clock.today(),
        payee="大理某建筑公司", voucher="大-001",
    )  # fmt: skip
    before = counts()
    # when 南涧's finance bureau imports a row that repeats it exactly
    repeated = row(
        dali_road, 文号=DOC, 下达层级="省级", 县代码=OTHER_COUNTY, 下达金额="77.77", 分配金额=40,
        支付日期=clock.today() - datetime.timedelta(days=1), 收款单位="大理某建筑公司", 凭证号="大-001",
        支付金额="12.5",
    )  # fmt: skip
    result = imports.ledger_import(
        actor=users["finance"], file_name="台账.xlsx", data=ledger_file([repeated])
    )
    # then it is refused on its county code (not counted as already there), showing nothing of 大理市's money
    assert not result.stored and result.unchanged == 0
    assert [problem.column for problem in result.errors] == ["县(市)代码"]
    assert "不在您的管辖范围内" in _messages(result)
    assert "12.5" not in _messages(result) and "40" not in _messages(result)
    assert counts() == before


def test_p14_the_prefecture_bureau_imports_rows_of_every_county_under_it() -> None:
    # given the same document; when the prefecture's bureau imports both counties' lines again
    users = fund_users()
    _shared_document(users)
    rows = [
        row(None, 文号=DOC, 下达层级="省级", 下达金额=50, **NO_SPLIT),
        row(None, 文号=DOC, 下达层级="省级", 县代码=OTHER_COUNTY, 下达金额="77.77", **NO_SPLIT),
    ]
    result = imports.ledger_import(
        actor=users["prefecture_finance"], file_name="台账.xlsx", data=ledger_file(rows)
    )
    # then both are in its jurisdiction: found, unchanged
    assert result.stored, result.errors
    assert result.unchanged == 2 and not result.added
