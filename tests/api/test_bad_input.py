"""Issue 13: bad input gets a clear Chinese error in the documented shape, never a 500, and stores nothing.
Each case below was a reproduced 500 (or an accepted absurdity) before the fix."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client

from zhenxing.accounts import services as accounts
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.feeds.models import FeedBatch, FeedRecord
from zhenxing.registry.models import HouseholdYear

from ..conftest import COUNTY, VILLAGE
from ..factories import make_household, make_user

pytestmark = pytest.mark.django_db


def _errors(response: Any, status: int) -> list[dict[str, Any]]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["errors"] and body["errors"]
    for error in body["errors"]:
        assert set(error) == {"loc", "code", "message"}
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error
    return list(body["errors"])


def _county_client(county_user: User) -> Client:
    client = Client()
    client.force_login(county_user)
    return client


def _key(department: str) -> str:
    _, raw = accounts.api_key_create(actor=make_user(Role.ADMIN), department=department, name="推送")
    return raw


@pytest.mark.parametrize("wage", ["1e20", "9.3e16", '"1e400"', '"NaN"', "-1", "0.001"])
def test_year_amounts_out_of_range_are_422_not_500(county_user: User, wage: str) -> None:
    # given a household in the county user's scope
    household: Any = make_household(VILLAGE, year=None)
    # when an absurd amount is PUT
    response = _county_client(county_user).put(
        f"/api/v1/households/{household.pk}/years/2025",
        f'{{"wage": {wage}}}',
        content_type="application/json",
    )
    # then a Chinese 422 pointing at the field, and nothing stored
    errors = _errors(response, 422)
    assert errors[0]["loc"][-1] == "wage"
    assert not HouseholdYear.objects.filter(household=household).exists()


def test_year_outside_the_plan_is_422(county_user: User) -> None:
    household: Any = make_household(VILLAGE, year=None)
    response = _county_client(county_user).put(
        f"/api/v1/households/{household.pk}/years/1999", {"wage": 1}, content_type="application/json"
    )
    _errors(response, 422)


@pytest.mark.parametrize(
    "url", ["/api/v1/divisions/5329%00", "/api/v1/households?name=a%00b", "/api/v1/households?code=%01"]
)
def test_nul_in_api_path_or_query_is_400_in_the_error_shape(county_user: User, url: str) -> None:
    _errors(_county_client(county_user).get(url), 400)


@pytest.mark.parametrize(
    "url", ["/households/quality/?division=53%00", "/divisions/53%00/", "/households/?name=%00"]
)
def test_nul_in_page_url_is_a_chinese_400_page(county_user: User, url: str) -> None:
    response = _county_client(county_user).get(url)
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()


def test_unknown_api_route_and_wrong_method_answer_in_the_error_shape(county_user: User) -> None:
    client = _county_client(county_user)
    _errors(client.get("/api/v1/no-such-thing"), 404)
    response = client.delete(f"/api/v1/divisions/{COUNTY}")
    _errors(response, 405)


def test_deeply_nested_json_is_refused_not_a_recursion_error(county_user: User) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    raw = _key("health")
    feeds = Client().post(
        "/api/v1/feeds/health/batches", f'{{"records": {nested}}}', content_type="application/json",
        HTTP_X_API_KEY=raw,
    )  # fmt: skip
    _errors(feeds, 422)
    client = _county_client(county_user)
    token = client.get("/") and client.cookies["csrftoken"].value
    evaluate = client.post(
        "/api/v1/policy/evaluate", f'{{"year": {nested}}}', content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )  # fmt: skip
    _errors(evaluate, 422)
    visits = client.post(
        "/api/v1/cases/1/visits",
        f'{{"uuid": {nested}}}',
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert visits.status_code in (400, 422) and "errors" in visits.json()
    assert not FeedBatch.objects.exists()


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ('"NaN"', "NaN"),
        ("NaN", "NaN"),
        ('"Infinity"', "NaN"),
        ("Infinity", "NaN"),
        ("1e400", "金额应在"),
        ('"1e400"', "金额应在"),
        ("12345678901234567890123", "金额应在"),
        ('"abc"', "应为金额"),
        ("12.345", "两位小数"),
    ],
)
def test_one_bad_amount_quarantines_its_row_and_the_rest_is_taken(amount: str, expected: str) -> None:
    # given a batch of two records, the second with a bad amount
    raw = _key("emergency")
    good = '{"household_code": "X1", "disaster": "洪涝", "loss": 100, "date": "2025-07-01"}'
    bad = f'{{"household_code": "X2", "disaster": "洪涝", "loss": {amount}, "date": "2025-07-01"}}'
    # when it is pushed
    response = Client().post(
        "/api/v1/feeds/emergency/batches", f'{{"records": [{good}, {bad}]}}', content_type="application/json",
        HTTP_X_API_KEY=raw,
    )  # fmt: skip
    # then the batch is taken, the bad row quarantined with a Chinese reason
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows"], body["quarantined"]) == (2, 1)
    assert body["errors"][0]["row"] == 2
    assert expected in body["errors"][0]["message"]


@pytest.mark.parametrize("period", ["0001-01-01", "9999-12-31", "1899-01-01"])
def test_feed_dates_outside_the_plan_years_are_quarantined(period: str) -> None:
    raw = _key("medical_insurance")
    record = {"id_number": "11010519491231002X", "period": period, "out_of_pocket": 10, "insured": True}
    response = Client().post(
        "/api/v1/feeds/medical_insurance/batches", {"records": [record]}, content_type="application/json",
        HTTP_X_API_KEY=raw,
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["quarantined"] == 1
    assert "不在 2000 到 2100 年之间" in response.json()["errors"][0]["message"]
    assert not FeedRecord.objects.exists()


def test_feed_int_out_of_range_is_quarantined() -> None:
    raw = _key("human_resources")
    record = {"id_number": "11010519491231002X", "status": "就业", "months": 10**15, "date": "2025-01-01"}
    response = Client().post(
        "/api/v1/feeds/human_resources/batches", {"records": [record]}, content_type="application/json",
        HTTP_X_API_KEY=raw,
    )  # fmt: skip
    assert response.json()["quarantined"] == 1


# --- sizes ---------------------------------------------------------------------------------------------


def test_api_body_over_its_limit_is_413_before_parsing(county_user: User, settings: Any) -> None:
    settings.ZHENXING_API_MAX_BYTES = 10_000
    client = _county_client(county_user)
    response = client.post("/api/v1/policy/evaluate", "x" * 20_000, content_type="application/json")
    errors = _errors(response, 413)
    assert "MB" in errors[0]["message"]


def test_feed_push_may_be_large_but_not_beyond_its_own_limit(settings: Any) -> None:
    # a feed batch is allowed more than any other API call (200,000 records), but it has a limit too
    settings.ZHENXING_API_MAX_BYTES = 1_000
    settings.ZHENXING_FEED_MAX_BYTES = 50_000
    raw = _key("health")
    record = {"id_number": "11010519491231002X", "disease_class": "大病", "date": "2025-05-01"}
    body = json.dumps({"records": [record] * 100})  # about 8 KB: over the general API limit
    ok = Client().post(
        "/api/v1/feeds/health/batches", body, content_type="application/json", HTTP_X_API_KEY=raw
    )
    assert ok.status_code == 201
    too_big = json.dumps({"records": [record] * 1000})
    refused = Client().post(
        "/api/v1/feeds/health/batches", too_big, content_type="application/json", HTTP_X_API_KEY=raw
    )
    _errors(refused, 413)
    assert FeedBatch.objects.count() == 1


def test_default_limits_agree_with_the_promised_200000_records() -> None:
    # The widest record, as a department would send it, times the promised count, fits the feed limit.
    from django.conf import settings

    from zhenxing.feeds.services import MAX_ROWS

    record = {"id_number": "532926197503080123", "period": "2025-12-31", "total_cost": 123456.78,
              "reimbursed": 100000.12, "out_of_pocket": 23456.66, "insured": True}  # fmt: skip
    pretty = json.dumps(record, ensure_ascii=False, indent=2)
    assert MAX_ROWS == 200_000
    assert (len(pretty) + 4) * MAX_ROWS < settings.ZHENXING_FEED_MAX_BYTES
    assert settings.ZHENXING_FEED_MAX_BYTES <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_feed_upload_too_many_rows_is_refused_before_storing(department_user: User, monkeypatch: Any) -> None:
    monkeypatch.setattr("zhenxing.feeds.views.MAX_ROWS", 5)
    client = Client()
    client.force_login(department_user)
    rows = "\n".join(f"11010519491231002X,2025-05-0{i % 9 + 1},10,是" for i in range(6))
    csv_file = io.BytesIO(f"id_number,period,out_of_pocket,insured\n{rows}\n".encode())
    csv_file.name = "batch.csv"
    response = client.post("/feeds/", {"file": csv_file})
    assert response.status_code == 200
    assert "一个批次最多 5 条记录" in response.content.decode()
    assert not FeedBatch.objects.exists()


def test_feed_upload_over_the_byte_limit_is_refused_unread(department_user: User, settings: Any) -> None:
    settings.ZHENXING_FEED_MAX_BYTES = 1_000
    client = Client()
    client.force_login(department_user)
    csv_file = io.BytesIO(
        b"id_number,period,out_of_pocket,insured\n" + b"11010519491231002X,2025-05-01,10,1\n" * 100
    )
    csv_file.name = "batch.csv"
    response = client.post("/feeds/", {"file": csv_file})
    assert "超过上限" in response.content.decode()
    assert not FeedBatch.objects.exists()


def _bomb(*, uncompressed_mb: int) -> bytes:
    """A valid-looking .xlsx whose one sheet inflates to `uncompressed_mb` of XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b"<worksheet><sheetData>")
            block = b" " * (1024 * 1024)
            for _ in range(uncompressed_mb):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def test_xlsx_bomb_is_refused_by_its_directory_before_it_is_inflated(county_user: User) -> None:
    from zhenxing.common.errors import InvalidInput
    from zhenxing.transfer.services import import_stage

    data = _bomb(uncompressed_mb=1024)  # 1 GB of XML in about 1 MB
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(InvalidInput) as refused:
        import_stage(actor=county_user, file_name="bomb.xlsx", data=data)
    assert "解压后" in refused.value.message or "压缩比" in refused.value.message


def test_xlsx_bomb_as_a_feed_upload_is_refused(department_user: User) -> None:
    client = Client()
    client.force_login(department_user)
    upload = io.BytesIO(_bomb(uncompressed_mb=64))
    upload.name = "batch.xlsx"
    response = client.post("/feeds/", {"file": upload})
    assert "压缩比异常" in response.content.decode()
    assert not FeedBatch.objects.exists()


def test_a_normal_workbook_passes_the_archive_checks() -> None:
    from zhenxing.common.archives import open_checked_zip
    from zhenxing.transfer.workbooks import template_workbook

    archive = open_checked_zip(template_workbook())
    assert "xl/workbook.xml" in archive.namelist()


def test_nul_in_a_page_form_is_a_chinese_400_and_changes_nothing(village_user: User) -> None:
    # Before: PostgreSQL refused the NUL deep inside the service (500). Every page form is guarded.
    from zhenxing.monitoring.models import Case

    household: Any = make_household(VILLAGE)
    client = Client()
    client.force_login(village_user)
    response = client.post(f"/cases/new/{household.pk}/", {"summary": "因病\x00致贫"})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    assert not Case.objects.exists()
    # tabs and line breaks are ordinary text
    ok = client.post(f"/cases/new/{household.pk}/", {"summary": "因病\r\n\t致贫"})
    assert ok.status_code == 302
    assert Case.objects.count() == 1


def test_import_upload_over_the_limit_is_refused_from_its_size(county_user: User, settings: Any) -> None:
    from zhenxing.transfer.models import ImportBatch
    from zhenxing.transfer.workbooks import template_workbook

    settings.ZHENXING_IMPORT_MAX_BYTES = 1_000
    client = Client()
    client.force_login(county_user)
    upload = io.BytesIO(template_workbook())
    upload.name = "台账.xlsx"
    response = client.post("/imports/", {"file": upload})
    assert response.status_code == 200
    assert "超过上限" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_nul_in_json_text_is_a_422_naming_the_field_not_a_database_error(county_user: User) -> None:
    # given a signed-in county officer; when a visit's findings carry a NUL (PostgreSQL refuses it in text)
    client = _county_client(county_user)
    token = client.get("/") and client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/cases/1/visits",
        {"uuid": "123e4567-e89b-12d3-a456-426614174000", "visited_at": "2026-03-01T09:30:00+08:00",
         "place": "西山村", "findings": "家中\x00无人"},
        content_type="application/json", HTTP_X_CSRFTOKEN=token,
    )  # fmt: skip
    # then it is refused before any service runs, in the error shape, naming the field in Chinese
    errors = _errors(response, 422)
    assert any(e["loc"][-1] == "findings" and "控制字符" in e["message"] for e in errors)
