"""The 台账 import: every bad row reported exactly, bad files refused in Chinese, atomic, repeatable."""

from __future__ import annotations

import copy
import io
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.db import connection

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import InvalidInput
from zhenxing.registry.models import Household, HouseholdYear, Membership, Person
from zhenxing.transfer import services
from zhenxing.transfer.models import ImportBatch, ImportStatus, StagedRow
from zhenxing.transfer.uploads import seal_row

from ..conftest import OTHER_COUNTY_VILLAGE, VILLAGE
from ..factories import make_user
from .workbook_builder import member_rows, workbook, year_rows

pytestmark = pytest.mark.django_db


def _stage(user: Any, data: bytes, name: str = "台账.xlsx") -> ImportBatch:
    return services.import_stage(actor=user, file_name=name, data=data)


def _commit(user: Any, batch: ImportBatch) -> ImportBatch:
    services.import_confirm(actor=user, batch=batch)  # the job itself is enqueued on commit; run it here
    return services.import_commit(batch_id=batch.pk)


def _counts() -> tuple[int, int, int, int]:
    return (
        Household.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        HouseholdYear.objects.count(),
    )


PLANTED: list[tuple[str, str, Any, str]] = [
    # (column, what to put, value, fragment of the expected message)
    ("证件号码", "bad check character", "110105194912310021", "校验位"),
    ("证件号码", "too short", "1101051949", "18位"),
    ("性别", "sex against the ID", "flip", "性别"),
    ("出生日期", "date against the ID", "shift", "不一致"),
    ("出生日期", "date as text", "text", "日期格式"),
    ("与户主关系", "unknown relation", "朋友", "无效"),
    ("户类型", "unknown kind", "贫困户", "无效"),
    ("劳动技能", "empty required", "", "必填"),
    ("姓名", "empty name", "", "必填"),
    ("健康状况", "unknown health", "很好", "无效"),
    ("残疾类别", "out of range", 9, "1到7"),
    ("务工时间（月）", "13 months", 13, "0到12"),
    ("城乡居民基本医疗保险", "not yes/no", "有", "是"),
    ("行政村代码", "outside the scope", OTHER_COUNTY_VILLAGE, "管辖范围"),
    ("姓名", "NUL character", "张\x00三", "空字符"),
    ("证件号码", "duplicate in file", "dup", "重复"),
    ("务工所在地", "work place without months", "省外/0", "务工"),
    ("职工基本医疗保险", "both insurances", "是", "同时参加"),
    ("文化程度", "education and schooling both", "初中/七年级", "有且只有一项"),
    ("家庭住址", "household fields disagree", "另一个地址", "应一致"),
]


def _plant(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int], list[tuple[str, str]]]:
    """Break one different row for each planted problem; returns rows, their Excel row numbers, expectations.

    Each planted row is the child (third row) of its own household, so household-level checks stay clean."""
    rows = copy.deepcopy(rows)
    expected_rows, expectations = [], []
    for index, (column, _, value, fragment) in enumerate(PLANTED):
        target = rows[index * 3 + 2]
        if value == "flip":
            target["性别"] = "女" if target["性别"] == "男" else "男"
        elif value == "shift":
            target["出生日期"] = target["出生日期"].replace(day=target["出生日期"].day % 27 + 1)
        elif value == "text":
            target["出生日期"] = target["出生日期"].isoformat()
        elif value == "dup":
            for key in ("证件号码", "出生日期", "性别"):
                target[key] = rows[0][key]
            target["文化程度"], target["在校生状况"], target["劳动技能"] = "初中", "", "普通劳动力"
        elif value == "省外/0":
            target["务工所在地"], target["务工时间（月）"] = "省外", 0
        elif value == "初中/七年级":
            target["文化程度"], target["在校生状况"] = "初中", "七年级"
        else:
            target[column] = value
        expected_rows.append(index * 3 + 2 + 2)  # +1 header, +1 one-based
        expectations.append((column, fragment))
    return rows, expected_rows, expectations


def test_workbook_with_20_planted_bad_rows_reports_exactly_those(tmp_path: Path) -> None:
    # given: 60 valid households, 20 of them with one broken member row each
    user = make_user(Role.TOWNSHIP, "532926101")
    rows, bad_rows, expectations = _plant(member_rows(VILLAGE, 60))
    data = workbook([row for row in rows if not isinstance(row["出生日期"], str)], [])
    text_dates = workbook(rows)  # noqa: F841 - the date-as-text row needs string cells
    mixed = _mixed_workbook(rows)
    # when
    batch = _stage(user, mixed)
    # then: every planted row, and only those, is reported, with sheet, row and column in Chinese
    assert batch.status == ImportStatus.INVALID
    reported = sorted({error["row"] for error in batch.errors})
    assert reported == sorted(bad_rows), batch.errors
    for row, (column, fragment) in zip(bad_rows, expectations, strict=True):
        messages = [e for e in batch.errors if e["row"] == row]
        assert any(fragment in e["message"] for e in messages), (row, column, messages)
        assert all(e["sheet"] == "家庭成员" for e in messages)
    assert not StagedRow.objects.exists()  # nothing staged from an invalid file
    assert Household.objects.count() == 0
    assert data  # a workbook without the text date still builds


def _mixed_workbook(rows: list[dict[str, Any]]) -> bytes:
    """Dates written as dates, except the planted one written as text."""
    import datetime

    from zhenxing.registry.layout import MEMBER_COLUMNS, MEMBER_SHEET

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet(MEMBER_SHEET)
    sheet.write_row(0, 0, [c.header for c in MEMBER_COLUMNS])
    for r, row in enumerate(rows, start=1):
        for c, column in enumerate(MEMBER_COLUMNS):
            value = row.get(column.header, "")
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), dates)
            elif value != "":
                sheet.write_string(r, c, value) if isinstance(value, str) else sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def test_valid_import_commits_and_reimport_changes_nothing() -> None:
    user = make_user(Role.TOWNSHIP, "532926101")
    members = member_rows(VILLAGE, 30)
    data = workbook(members, year_rows(members))
    # when: the first import
    first = _commit(user, _stage(user, data))
    # then
    assert first.status == ImportStatus.DONE
    assert _counts() == (30, 90, 90, 30)
    assert first.summary["households_added"] == 30
    assert first.summary["people_added"] == 90
    assert HouseholdYear.objects.first().business == 800_050  # type: ignore[union-attr]
    assert not StagedRow.objects.exists()  # staged rows purged
    assert AuditEvent.objects.filter(action="household.import").count() == 30
    # when: the same file again
    events_before = AuditEvent.objects.filter(action="household.import").count()
    second = _commit(user, _stage(user, data))
    # then: nothing changes
    assert _counts() == (30, 90, 90, 30)
    assert second.summary["households_unchanged"] == 30
    assert second.summary["people_unchanged"] == 90
    assert second.summary["households_added"] == 0
    assert second.summary["households_updated"] == 0
    assert AuditEvent.objects.filter(action="household.import").count() == events_before


def test_reimport_with_one_change_updates_only_that_household() -> None:
    user = make_user(Role.TOWNSHIP, "532926101")
    members = member_rows(VILLAGE, 10)
    _commit(user, _stage(user, workbook(members)))
    members[4]["务工时间（月）"] = 11
    result = _commit(user, _stage(user, workbook(members)))
    assert (result.summary["households_updated"], result.summary["households_unchanged"]) == (1, 9)
    assert result.summary["people_updated"] == 1


def test_staged_rows_hold_no_plaintext_id() -> None:
    user = make_user(Role.TOWNSHIP, "532926101")
    members = member_rows(VILLAGE, 3)
    batch = _stage(user, workbook(members))
    text = str(services.staged_payloads(batch))  # unsealed: even inside the seal, only cipher, index and mask
    assert batch.status == ImportStatus.VALIDATED
    for row in members:
        assert row["证件号码"] not in text


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "空的"),
        (b"name,id\n1,2\n", "不是 .xlsx"),
        (b"PK\x03\x04broken", "损坏"),
    ],
)
def test_bad_files_are_refused_in_chinese(data: bytes, fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        _stage(make_user(Role.TOWNSHIP, "532926101"), data)


def _book(write: Any) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    write(book)
    book.close()
    return buffer.getvalue()


def test_wrong_headers_formulas_merged_cells_empty_and_size(settings: Any) -> None:
    user = make_user(Role.TOWNSHIP, "532926101")
    headers = workbook([])
    with pytest.raises(InvalidInput, match="没有数据行"):
        _stage(user, headers)
    wrong = _book(lambda b: b.add_worksheet("家庭成员").write_row(0, 0, ["户编号", "姓名", "身份证"]))
    with pytest.raises(InvalidInput, match="缺少列"):
        _stage(user, wrong)
    other_sheet = _book(lambda b: b.add_worksheet("Sheet1").write(0, 0, "x"))
    with pytest.raises(InvalidInput, match="找不到工作表"):
        _stage(user, other_sheet)
    formula = _book(lambda b: b.add_worksheet("家庭成员").write_formula(0, 0, "=1+1"))
    with pytest.raises(InvalidInput, match="公式"):
        _stage(user, formula)
    merged = _book(lambda b: b.add_worksheet("家庭成员").merge_range(0, 0, 0, 3, "合并"))
    with pytest.raises(InvalidInput, match="合并单元格"):
        _stage(user, merged)
    settings.ZHENXING_IMPORT_MAX_BYTES = 1000
    with pytest.raises(InvalidInput, match="超过上限"):
        _stage(user, workbook(member_rows(VILLAGE, 20)))


def test_a_failing_commit_leaves_the_database_as_it_was() -> None:
    user = make_user(Role.TOWNSHIP, "532926101")
    members = member_rows(VILLAGE, 5)
    batch = _stage(user, workbook(members, year_rows(members)))
    # a year row whose household vanished from the staged rows makes the commit fail half-way
    broken = StagedRow.objects.get(batch=batch, sheet="member", row_number=2)
    broken.sealed = seal_row({"bad": True}, batch_id=batch.pk, row_id=broken.pk)
    broken.save(update_fields=["sealed"])
    services.import_confirm(actor=user, batch=batch)
    result = services.import_commit(batch_id=batch.pk)
    assert result.status == ImportStatus.FAILED
    assert "数据未改动" in result.failure
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs against its own SQLite file in subprocesses")
def test_a_killed_commit_leaves_the_database_as_it_was_and_reads_go_on_meanwhile(
    tmp_path: Path, fresh_site: tuple[list[str], dict[str, str]]
) -> None:
    zhenxing, env = fresh_site
    tests_dir = Path(__file__).resolve().parents[2]
    stage = f"""
import sys; sys.path.insert(0, {str(tests_dir)!r})
from tests.factories import make_user
from tests.transfer.workbook_builder import member_rows, workbook
from zhenxing.accounts.enums import Role
from zhenxing.transfer import services
user = make_user(Role.TOWNSHIP, "532926101", username="importer")
batch = services.import_stage(actor=user, file_name="big.xlsx", data=workbook(member_rows("{VILLAGE}", 20000)))
services.import_confirm(actor=user, batch=batch)
print(batch.pk)
"""
    staged = subprocess.run(
        [*zhenxing, "shell", "--no-imports", "-c", stage], env=env, check=True, capture_output=True, text=True
    )
    batch_id = int(staged.stdout.strip().splitlines()[-1])
    commit = subprocess.Popen(
        [
            *zhenxing,
            "shell",
            "--no-imports",
            "-c",
            f"from zhenxing.transfer.services import import_commit; import_commit(batch_id={batch_id})",
        ],
        env=env,
    )
    from django.core.cache.backends.filebased import FileBasedCache

    progress_cache = FileBasedCache(str(tmp_path / "cache"), {})
    deadline = time.monotonic() + 120
    seen = None
    while time.monotonic() < deadline and commit.poll() is None:
        seen = progress_cache.get(f"import-progress-{batch_id}")
        if seen and 0 < seen["done"] < seen["total"]:
            break
        time.sleep(0.01)
    assert commit.poll() is None, "the commit finished before it could be killed"
    # meanwhile the site stays readable for other users (WAL): another process reads at once
    read = "from zhenxing.registry.models import Household; from zhenxing.divisions.models import Division; print(Household.objects.count(), Division.objects.count())"
    started = time.monotonic()
    reader = subprocess.run(
        [*zhenxing, "shell", "--no-imports", "-c", read],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    )
    read_seconds = time.monotonic() - started
    still_running = commit.poll() is None
    os.kill(commit.pid, signal.SIGKILL)
    commit.wait()
    count = "from zhenxing.registry.models import Household, Person; print(Household.objects.count(), Person.objects.count())"
    after = subprocess.run(
        [*zhenxing, "shell", "--no-imports", "-c", count], env=env, check=True, capture_output=True, text=True
    )
    assert seen is not None
    assert after.stdout.strip().splitlines()[-1].split() == ["0", "0"]
    assert reader.stdout.strip().splitlines()[-1].split() == ["0", "1284"]
    assert still_running, "the read should have overlapped the import"
    assert read_seconds < 15
