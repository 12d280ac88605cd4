"""P15: the asset register's workbook — the export of the user's scope in the register's layout (read back with
python-calamine it equals the database's rows; assets outside the scope are absent; audited), the blank import
template with its instructions, an exported register imported again adds nothing, and the workbook pages by
role (WORKBOOK_ROUTES). Both databases."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.assets.builders import accepted_project, asset_input, asset_users, handed_over, registered
from tests.conftest import OTHER_COUNTY_VILLAGE, OTHER_TOWNSHIP
from zhenxing.accounts.models import User
from zhenxing.assets import imports, services
from zhenxing.assets.models import Asset, AssetImport
from zhenxing.assets.workbook import IMPORT_COLUMNS, REGISTER_COLUMNS, asset_row
from zhenxing.audit.models import AuditEvent
from zhenxing.common.xlsx import Workbook

pytestmark = pytest.mark.django_db

WORKBOOK_ROUTES: dict[str, Callable[[dict[str, Any]], str]] = {
    "assets:register_xlsx": lambda ids: "/assets/export.xlsx",
    "assets:import_template": lambda ids: "/assets/import/template.xlsx",
    "assets:import": lambda ids: "/assets/import/",
    "assets:import_detail": lambda ids: f"/assets/import/{ids['asset_import']}/",
    "assets:import_confirm": lambda ids: f"/assets/import/{ids['asset_import']}/confirm/",
}


def _sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _register(content: bytes) -> dict[str, dict[str, Any]]:
    """The exported register's rows by 资产编号 (row 1 is the title, row 2 the header)."""
    rows = _sheets(content)["资产台账"]
    header = [str(cell) for cell in rows[1]]
    return {str(row[0]): dict(zip(header, row, strict=False)) for row in rows[2:]}


def _day(value: Any) -> Any:
    return value.date() if isinstance(value, datetime.datetime) else value


def _expected(asset: Asset) -> dict[str, Any]:
    """An asset's row as calamine reads it back: numbers as floats, dates as dates, empty cells as ""."""
    cells = asset_row(asset)
    expected = {}
    for column in REGISTER_COLUMNS:
        value = cells[column.key]
        if isinstance(value, Decimal):
            value = float(value)
        expected[column.header] = "" if value is None else value
    return expected


def _the_register() -> tuple[dict[str, User], dict[str, Asset]]:
    """西山村's road (handed over) and bus shelter from an accepted project, an older cold store of 小湾东镇, and an
    older asset of 大理市 (another county)."""
    users = asset_users()
    project = accepted_project(users)
    road, shelter = registered(users, project, asset_input(),
                               asset_input(name="候车亭", asset_type_code="activity_venue", quantity="1", value="30"))  # fmt: skip
    road = handed_over(users, road)
    store = services.asset_enter_legacy(
        actor=users["county"],
        data=asset_input(name="小湾东镇冷库", asset_type_code="cold_storage", quantity="1", division_code=OTHER_TOWNSHIP,
                         natural_village="", value="45.123456", formed_on=datetime.date(2018, 5, 1),
                         source_document="南农〔2018〕7号", legacy_source="integrated"),
    )  # fmt: skip
    other = services.asset_enter_legacy(
        actor=users["other_county"],
        data=asset_input(name="大理镇道路", division_code=OTHER_COUNTY_VILLAGE, natural_village="",
                         formed_on=datetime.date(2019, 1, 1), source_document="大扶〔2019〕1号"),
    )  # fmt: skip
    return users, {"road": road, "shelter": shelter, "store": store, "other": other}


def _export(client: Client, user: User, **params: str) -> dict[str, dict[str, Any]]:
    client.force_login(user)
    response = client.get("/assets/export.xlsx", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return _register(response.content)


def test_p15_export_reads_back_as_the_database_rows_of_the_county(client: Client):
    # given the register of two counties
    users, data = _the_register()
    # when the county exports its register
    rows = _export(client, users["county"])
    # then every asset of the county is there, cell for cell as the database has it, and no other county's
    mine = Asset.objects.filter(county__code="532926").order_by("code")
    assert sorted(rows) == [asset.code for asset in mine]
    for asset in mine:
        expected = _expected(asset)
        got = {header: _day(value) for header, value in rows[asset.code].items()}
        assert got == expected, asset.code
    assert data["other"].code not in rows
    # spot checks of the layout
    store = rows[data["store"].code]
    assert (
        store["资产价值（万元）"] == pytest.approx(45.123456)
        and store["资金来源构成"] == "统筹整合涉农资金：45.123456"
    )
    assert store["行政村(区划代码)"] == OTHER_TOWNSHIP and store["乡镇"] == "小湾东镇"
    road = rows[data["road"].code]
    assert (
        road["状态"] == "已移交（管护中）" and road["管护责任单位"] == "西山村委会" and road["来源项目编号"]
    )
    # and the export is audited with its row count
    event = AuditEvent.objects.get(action="asset.export")
    assert event.new_values == {"report": "register", "rows": 3}


def test_p15_export_follows_the_scope_of_each_role_and_the_filters(client: Client):
    users, data = _the_register()
    road, shelter, store = (data[k].code for k in ("road", "shelter", "store"))
    assert sorted(_export(client, users["township"])) == sorted([road, shelter])
    assert sorted(_export(client, users["village"])) == sorted([road, shelter])
    assert sorted(_export(client, users["transport"])) == [road]
    assert sorted(_export(client, users["agriculture"])) == [store]
    assert sorted(_export(client, users["prefecture"])) == sorted([road, shelter, store, data["other"].code])
    # the list's filters
    assert sorted(_export(client, users["county"], category="operating")) == [store]
    assert sorted(_export(client, users["county"], status="handed_over")) == [road]
    assert len(_export(client, users["county"], status="nonsense")) == 3
    event = AuditEvent.objects.filter(action="asset.export").order_by("-pk").first()
    assert event is not None and event.new_values["rows"] == 3
    # a role without the register gets a refusal
    client.force_login(users["finance"])
    assert client.get("/assets/export.xlsx").status_code == 403


def test_p15_export_of_thousands_of_rows_streams_in_chunks(
    client: Client, django_assert_max_num_queries: Any
):
    # given 1,500 older assets of the county
    users, data = _the_register()
    template = data["store"]
    Asset.objects.bulk_create(
        [
            Asset(code=f"ZC5329262018{n:05d}", name=f"冷库{n}", asset_type=template.asset_type,
                  category=template.category, sector=template.sector, quantity=1, unit=template.unit,
                  county=template.county, division=template.division, source_document="南农〔2018〕7号",
                  formed_on=template.formed_on, value_fen=100_00, status="registered",
                  created_by=users["county"])
            for n in range(100, 1600)
        ]
    )  # fmt: skip
    client.force_login(users["county"])
    # when it is exported, a bounded number of queries reads them (chunks of 500, their shares with each)
    with django_assert_max_num_queries(30):
        response = client.get("/assets/export.xlsx")
    assert len(_register(response.content)) == 1503


def test_p15_an_exported_register_imported_again_adds_nothing(client: Client):
    users, _ = _the_register()
    client.force_login(users["county"])
    content = client.get("/assets/export.xlsx").content
    batch = imports.asset_import_stage(actor=users["county"], file_name="导出.xlsx", data=content)
    assert batch.status == "staged" and batch.errors == []
    assert batch.summary["unchanged_rows"] == 3 and batch.summary["to_add"] == 0


def test_p15_import_template_has_the_import_columns_and_the_instructions(client: Client):
    users = asset_users()
    client.force_login(users["county"])
    response = client.get("/assets/import/template.xlsx")
    assert response.status_code == 200
    sheets = _sheets(response.content)
    assert [str(cell) for cell in sheets["资产台账"][0]] == [column.header for column in IMPORT_COLUMNS]
    guide = "\n".join(" ".join(str(cell) for cell in row) for row in sheets["填写说明"])
    for text in (
        "资产类型目录",
        "村组道路 road 公益性",
        "到户牲畜",
        "中央财政衔接资金",
        "经营性",
        "股权退出方式",
    ):
        assert text in guide
    # a sector department's template lists its own types only
    client.force_login(users["transport"])
    guide = "\n".join(
        " ".join(map(str, row))
        for row in _sheets(client.get("/assets/import/template.xlsx").content)["填写说明"]
    )
    assert "村组道路" in guide and "到户牲畜" not in guide
    # the filled-in template imports
    book = Workbook()
    sheet = book.add_sheet("资产台账")
    sheet.row(0, 0, [column.header for column in IMPORT_COLUMNS])
    values = {"资产名称": "团山桥", "资产类型": "桥梁", "数量": 1, "行政村(区划代码)": "532926101204",
              "形成依据": "南交〔2017〕2号", "形成日期": datetime.date(2017, 8, 1), "资产价值（万元）": 12}  # fmt: skip
    sheet.row(1, 0, [values.get(column.header) for column in IMPORT_COLUMNS])
    batch = imports.asset_import_stage(actor=users["transport"], file_name="模板.xlsx", data=book.finish())
    assert batch.status == "staged" and batch.summary["to_add"] == 1


# --- the pages by role ---


def _batch_ids() -> tuple[dict[str, User], dict[str, Any]]:
    users = asset_users()
    book = Workbook()
    sheet = book.add_sheet("资产台账")
    sheet.row(
        0, 0, ["资产名称", "资产类型", "数量", "行政村(区划代码)", "形成依据", "形成日期", "资产价值（万元）"]
    )
    sheet.row(1, 0, ["团山桥", "bridge", 1, "532926101204", "南交〔2017〕2号", datetime.date(2017, 8, 1), 12])
    batch = imports.asset_import_stage(actor=users["county"], file_name="桥.xlsx", data=book.finish())
    return users, {"asset_import": batch.pk}


def test_p15_workbook_routes_by_role(client: Client):
    users, ids = _batch_ids()
    gets = [name for name in WORKBOOK_ROUTES if name != "assets:import_confirm"]
    expected: dict[str, dict[str, int]] = {
        # role → route → status (GET)
        "county": dict.fromkeys(gets, 200),
        "transport": {**dict.fromkeys(gets, 200), "assets:import_detail": 404},  # not the sector's batch
        "other_county": {**dict.fromkeys(gets, 200), "assets:import_detail": 404},
        "village": {**dict.fromkeys(gets, 403), "assets:register_xlsx": 200},
        "township": {**dict.fromkeys(gets, 403), "assets:register_xlsx": 200},
        "prefecture": {**dict.fromkeys(gets, 403), "assets:register_xlsx": 200},
        "finance": dict.fromkeys(gets, 403),
    }
    for role, by_route in expected.items():
        client.force_login(users[role])
        for name, status in by_route.items():
            assert client.get(WORKBOOK_ROUTES[name](ids)).status_code == status, (role, name)
    # confirming: outside the scope 404, without the capability 403, not the uploader 403, the uploader 302
    confirm = WORKBOOK_ROUTES["assets:import_confirm"](ids)
    for role, status in (("other_county", 404), ("transport", 404), ("village", 403), ("finance", 403)):
        client.force_login(users[role])
        assert client.post(confirm).status_code == status, role
    client.force_login(users["county"])
    assert client.get(confirm).status_code == 405
    assert client.post(confirm).status_code == 302
    assert AssetImport.objects.get(pk=ids["asset_import"]).status == "committed"
    assert Asset.objects.filter(name="团山桥").count() == 1
