"""P15: importing the asset register counties already keep — a real .xlsx staged (every row checked, each problem
with its row and column in Chinese, nothing stored while any row is wrong), confirmed by the uploader and applied
in one transaction (all rows or none), the same file twice stored once, a file above 3,000 rows or not an .xlsx
refused whole. Both databases."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.assets.builders import asset_users
from tests.conftest import OTHER_COUNTY_VILLAGE, TOWNSHIP, VILLAGE
from zhenxing.assets import imports
from zhenxing.assets.models import Asset, AssetImport, AssetImportRow, AssetType
from zhenxing.assets.workbook import IMPORT_COLUMNS
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.common.xlsx import Workbook
from zhenxing.registry.models import NaturalVillage

pytestmark = pytest.mark.django_db
HEADERS = [column.header for column in IMPORT_COLUMNS]


def _book(
    rows: list[dict[str, Any]], *, title: str = "南涧彝族自治县扶贫项目资产台账（2019—2023年）"
) -> bytes:
    """A register the way a county keeps it: a title row, the header, one row per asset, an extra column."""
    book = Workbook()
    sheet = book.add_sheet("资产台账")
    sheet.cell(0, 0, title)
    headers = [*HEADERS, "备注"]
    sheet.row(1, 0, headers)
    for index, row in enumerate(rows, start=2):
        sheet.row(index, 0, [row.get(header) for header in headers])
    return book.finish()


def _row(**changes: Any) -> dict[str, Any]:
    """西山村's road, built in 2019 with central money, before this system."""
    row: dict[str, Any] = {
        "资产名称": "大村组硬化道路", "资产类型": "村组道路", "数量": 2.5, "行政村(区划代码)": VILLAGE,
        "自然村": "大村组", "具体位置": "大村组至公路口", "形成依据": "南扶开〔2019〕12号", "形成日期": datetime.date(2019, 6, 30),
        "资产价值（万元）": 120.5, "资金来源构成": "中央财政衔接资金", "备注": "老台账",
    }  # fmt: skip
    row.update(changes)
    return row


def _owned_and_handed_over(**changes: Any) -> dict[str, Any]:
    return _row(
        **{"资产名称": "西山村光伏电站", "资产类型": "photovoltaic", "数量": 1, "自然村": None,
           "形成依据": "南发改〔2020〕3号", "形成日期": datetime.date(2020, 9, 1), "资产价值（万元）": 80,
           "所有权人类型": "村集体经济组织", "所有权人": "西山村股份经济合作社", "确权文书": "确权书〔2021〕5号",
           "确权日期": datetime.date(2021, 3, 1), "移交日期": datetime.date(2021, 4, 1), "接收方": "西山村股份经济合作社",
           "管护责任单位": "西山村委会", "管护责任人": "李管护", **changes}
    )  # fmt: skip


def _errors(batch: AssetImport) -> dict[tuple[int, str], str]:
    found: dict[tuple[int, str], str] = {}
    for error in batch.errors:
        key = (error["row"], error["column"])
        found[key] = f"{found[key]}；{error['message']}" if key in found else error["message"]
    return found


def test_p15_good_rows_are_staged_then_confirmed_into_the_register_with_their_audit():
    # given a county officer and a register of two older assets (one already confirmed and handed over)
    users = asset_users()
    content = _book([_row(), _owned_and_handed_over()])
    # when it is uploaded
    batch = imports.asset_import_stage(actor=users["county"], file_name="资产台账.xlsx", data=content)
    # then both rows are staged and nothing is in the register yet
    assert batch.status == "staged" and batch.errors == []
    assert batch.summary["to_add"] == 2 and batch.rows == 2
    assert AssetImportRow.objects.filter(batch=batch).count() == 2
    assert not Asset.objects.exists()
    # when the uploader confirms
    done = imports.asset_import_confirm(actor=users["county"], batch=batch)
    # then both assets are in the register, the second confirmed and handed over with its care
    assert done.status == "committed" and done.summary["added"] == 2
    road = Asset.objects.get(name="大村组硬化道路")
    assert road.status == "registered" and road.value_fen == 120_500_000 and road.division.code == VILLAGE
    assert road.natural_village is not None and road.natural_village.name == "大村组"
    assert road.source_document == "南扶开〔2019〕12号" and road.formed_on == datetime.date(2019, 6, 30)
    assert [(s.source, s.amount_fen) for s in road.shares.all()] == [("central", 120_500_000)]
    station = Asset.objects.get(name="西山村光伏电站")
    assert station.status == "handed_over" and station.owner_name == "西山村股份经济合作社"
    assert station.owned_on == datetime.date(2021, 3, 1) and station.handed_over_on == datetime.date(
        2021, 4, 1
    )
    assert station.care_unit == "西山村委会" and station.care_person == "李管护"
    # and the staged rows are gone, each step audited, the import itself with its counts
    assert not AssetImportRow.objects.filter(batch=batch).exists()
    assert AuditEvent.objects.filter(action="asset.enter").count() == 2
    assert AuditEvent.objects.filter(action="asset.confirm").count() == 1
    assert AuditEvent.objects.filter(action="asset.hand_over").count() == 1
    event = AuditEvent.objects.get(action="asset.import", new_values__status="committed")
    assert (
        event.new_values["added"] == 2
        and event.new_values["unchanged_rows"] == 0
        and event.new_values["status"] == "committed"
    )


def test_p15_every_bad_row_is_named_with_its_row_and_column_and_nothing_is_stored():
    # given a register with one good row and one wrong row per kind of mistake
    users = asset_users()
    future = clock.today() + datetime.timedelta(days=3)
    rows = [
        _row(),  # row 3: good
        _row(**{"资产名称": "未知", "资产类型": "飞船"}),  # 4
        _row(**{"资产名称": "错村", "行政村(区划代码)": OTHER_COUNTY_VILLAGE}),  # 5
        _row(**{"资产名称": "负值", "资产价值（万元）": -5}),  # 6
        _row(**{"资产名称": "未来", "形成日期": future}),  # 7
        _row(**{"资产名称": "入股", "资产类型": "equity_share", "资产形态": "股权"}),  # 8
        _row(**{"资产名称": "文字", "数量": "两台"}),  # 9
        _row(**{"资产名称": None}),  # 10
    ]
    # when it is uploaded
    batch = imports.asset_import_stage(actor=users["county"], file_name="台账.xlsx", data=_book(rows))
    # then each problem names its Excel row (the header is row 2) and its column
    errors = _errors(batch)
    assert "不认识的资产类型“飞船”" in errors[(4, "资产类型")]
    assert "不是本县(市)的区划代码" in errors[(5, "行政村(区划代码)")]
    assert "不能为负数" in errors[(6, "资产价值（万元）")]
    assert "不能晚于今天" in errors[(7, "形成日期")]
    assert "退出方式" in errors[(8, "股权退出方式")]
    assert "数量应为数字" in errors[(9, "数量")]
    assert "请填写资产名称" in errors[(10, "资产名称")]
    assert not any(row == 3 for row, _ in errors)
    # and the batch failed: nothing staged, nothing in the register, no 自然村 created
    assert batch.status == "failed" and batch.summary["error_rows"] == 7
    assert not AssetImportRow.objects.exists() and not Asset.objects.exists()
    with pytest.raises(Conflict):
        imports.asset_import_confirm(actor=users["county"], batch=batch)
    assert not Asset.objects.exists()


def test_p15_a_sector_department_imports_only_its_own_types():
    users = asset_users()
    content = _book([_row(), _row(**{"资产名称": "到户牛", "资产类型": "livestock", "数量": 3})])
    batch = imports.asset_import_stage(actor=users["transport"], file_name="交通.xlsx", data=content)
    assert batch.status == "failed"
    assert "只能导入本行业主管的资产类型" in _errors(batch)[(4, "资产类型")]
    # a village cannot import at all
    with pytest.raises(PermissionDenied):
        imports.asset_import_stage(actor=users["village"], file_name="x.xlsx", data=content)


def test_p15_owner_household_and_handover_without_ownership_are_refused_by_row():
    users = asset_users()
    rows = [
        _owned_and_handed_over(**{"所有权人类型": "农户"}),
        _row(**{"资产名称": "未确权即移交", "移交日期": datetime.date(2021, 4, 1), "接收方": "西山村委会"}),
    ]
    batch = imports.asset_import_stage(actor=users["county"], file_name="x.xlsx", data=_book(rows))
    errors = _errors(batch)
    assert "在系统中确权" in errors[(3, "所有权人类型")]
    assert "移交前须先确权" in errors[(4, "所有权人类型")]


def test_p15_the_same_file_twice_imports_once():
    users = asset_users()
    content = _book([_row(), _owned_and_handed_over()])
    first = imports.asset_import_stage(actor=users["county"], file_name="台账.xlsx", data=content)
    imports.asset_import_confirm(actor=users["county"], batch=first)
    # when the same file is uploaded again
    again = imports.asset_import_stage(actor=users["county"], file_name="台账.xlsx", data=content)
    # then every row is 已在台账 and confirming adds nothing
    assert again.status == "staged" and again.summary["to_add"] == 0 and again.summary["unchanged_rows"] == 2
    done = imports.asset_import_confirm(actor=users["county"], batch=again)
    assert done.summary["added"] == 0 and Asset.objects.count() == 2
    # and a batch staged twice before either is confirmed still stores its assets once
    third = _book([_row(**{"资产名称": "桥", "资产类型": "bridge", "数量": 1})])
    one = imports.asset_import_stage(actor=users["county"], file_name="a.xlsx", data=third)
    two = imports.asset_import_stage(actor=users["county"], file_name="a.xlsx", data=third)
    imports.asset_import_confirm(actor=users["county"], batch=one)
    done = imports.asset_import_confirm(actor=users["county"], batch=two)
    assert done.summary["added"] == 0 and done.summary["unchanged_rows"] == 1
    assert Asset.objects.filter(name="桥").count() == 1
    # and a confirmed batch cannot be confirmed again
    with pytest.raises(Conflict):
        imports.asset_import_confirm(actor=users["county"], batch=done)


def test_p15_a_failure_in_the_middle_of_the_confirm_leaves_the_register_as_it_was():
    # given a staged file of three rows, the second of a type retired from the catalogue after the preview
    users = asset_users()
    rows = [
        _row(),
        _row(**{"资产名称": "冷库", "资产类型": "cold_storage", "数量": 1, "自然村": "新村组"}),
        _owned_and_handed_over(),
    ]
    batch = imports.asset_import_stage(actor=users["county"], file_name="台账.xlsx", data=_book(rows))
    assert batch.status == "staged"
    AssetType.objects.filter(code="cold_storage").update(active=False)
    naturals = NaturalVillage.objects.count()
    # when the uploader confirms
    with pytest.raises(Conflict) as refused:
        imports.asset_import_confirm(actor=users["county"], batch=batch)
    # then the refusal names the row and the column, and nothing was stored — not even the first row
    assert "第4行（资产类型）" in refused.value.message and "资产台账未改动" in refused.value.message
    assert not Asset.objects.exists() and NaturalVillage.objects.count() == naturals
    assert not AuditEvent.objects.filter(action="asset.enter").exists()
    assert not AuditEvent.objects.filter(action="asset.import", new_values__status="committed").exists()
    batch.refresh_from_db()
    assert batch.status == "staged" and AssetImportRow.objects.filter(batch=batch).count() == 3


def test_p15_a_file_of_3001_rows_is_refused_whole():
    users = asset_users()
    rows = [_row(**{"资产名称": f"道路{n}"}) for n in range(3001)]
    with pytest.raises(InvalidInput) as refused:
        imports.asset_import_stage(actor=users["county"], file_name="大.xlsx", data=_book(rows))
    assert "3001" in refused.value.message and "3000" in refused.value.message
    assert not AssetImport.objects.exists()


def test_p15_only_the_uploader_confirms():
    users = asset_users()
    batch = imports.asset_import_stage(actor=users["county"], file_name="x.xlsx", data=_book([_row()]))
    other = asset_users_county_colleague()
    with pytest.raises(PermissionDenied):
        imports.asset_import_confirm(actor=other, batch=batch)
    assert not Asset.objects.exists()


def asset_users_county_colleague() -> Any:
    from tests.factories import make_user
    from zhenxing.accounts.enums import Role

    return make_user(Role.COUNTY, TOWNSHIP[:6], username="a_xian_2")


# --- the pages ---


def test_p15_pages_upload_preview_confirm(client: Client):
    users = asset_users()
    client.force_login(users["county"])
    assert client.get("/assets/import/").status_code == 200
    upload = SimpleUploadedFile("资产台账.xlsx", _book([_row()]))
    response = client.post("/assets/import/", {"file": upload})
    batch = AssetImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assets/import/{batch.pk}/"
    page = client.get(f"/assets/import/{batch.pk}/").content.decode()
    assert 'data-testid="confirm"' in page and "资产台账.xlsx" in page
    response = client.post(f"/assets/import/{batch.pk}/confirm/", follow=True)
    assert "已导入 1 项资产" in response.content.decode()
    assert Asset.objects.count() == 1


def test_p15_page_shows_each_error_with_row_and_column(client: Client):
    users = asset_users()
    client.force_login(users["county"])
    upload = SimpleUploadedFile("错.xlsx", _book([_row(**{"资产类型": "飞船"})]))
    response = client.post("/assets/import/", {"file": upload}, follow=True)
    page = response.content.decode()
    assert "第3行" in page and "资产类型" in page and "不认识的资产类型“飞船”" in page
    assert 'data-testid="confirm"' not in page


def test_p15_a_file_that_is_not_xlsx_is_refused_in_chinese(client: Client):
    users = asset_users()
    client.force_login(users["county"])
    upload = SimpleUploadedFile("台账.csv", "资产名称,资产价值（万元）\n道路,1\n".encode())
    response = client.post("/assets/import/", {"file": upload})
    assert response.status_code == 422
    assert "不是 .xlsx 文件" in response.content.decode()
    assert not AssetImport.objects.exists()
