"""The asset register's forms through the pages (P15): registration from an accepted project (every problem at
once beside its row, never more than was paid), an older asset, 确权 (a 到户类 asset's household by its 户编号),
移交 with the signed record, 管护, 巡查 with photos (images only), 收益 and a 到户类 asset's change — real POSTs
with real files, the problems in Chinese on the page, the audit rows written."""

from __future__ import annotations

import datetime
import html as html_lib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.assets.builders import (
    accepted_project,
    asset_input,
    asset_users,
    collective_owner,
    handed_over,
    registered,
)
from tests.assets.test_register_pages import client_of, png
from tests.conftest import OTHER_COUNTY_VILLAGE, VILLAGE
from tests.factories import make_household
from zhenxing.assets import services
from zhenxing.assets.models import Asset, AssetAttachment
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock

pytestmark = pytest.mark.django_db


def _row(index: int, **values: str) -> dict[str, str]:
    return {f"asset-{index}-{name}": value for name, value in values.items()}


def _page(response: Any) -> str:
    return html_lib.unescape(response.content.decode())


def test_p15_registration_shows_every_problem_beside_its_row_and_keeps_the_input() -> None:
    # given an accepted project with 80 万元 paid
    users = asset_users()
    project = accepted_project(users)
    url = f"/assets/projects/{project.pk}/register/"
    # when the county sends a row without a type, a blank row, and a row with a bad value and an equity share
    # without its exit method
    post = {"rows": "3", **_row(0, name="大村组道路", quantity="2", division_code=VILLAGE, value="30", form="physical"),
            **_row(2, name="合作社股权", asset_type_code="equity_share", quantity="1", division_code=VILLAGE,
                   value="abc", form="equity")}  # fmt: skip
    response = client_of(users["county"]).post(url, post)
    # then nothing is stored and each problem stands beside its own row and field, in Chinese
    assert response.status_code == 422
    page = _page(response)
    assert 'data-error="assets.0.asset_type_code"' in page and "请从资产类型目录中选择" in page
    assert 'data-error="assets.2.value"' in page and 'data-error="assets.2.equity_exit_method"' in page
    assert "须写明退出方式" in page and 'data-error="assets.1.' not in page
    assert 'value="大村组道路"' in page and 'value="合作社股权"' in page
    assert not Asset.objects.exists()


def test_p15_registration_refuses_more_than_was_paid_then_registers_within_it() -> None:
    users = asset_users()
    project = accepted_project(users)
    url = f"/assets/projects/{project.pk}/register/"
    base = {"asset_type_code": "road", "quantity": "1", "division_code": VILLAGE, "form": "physical"}
    # when two rows together take 90 万元 of the 80 paid
    over = {
        "rows": "2",
        **_row(0, name="道路一", value="50", **base),
        **_row(1, name="道路二", value="40", **base),
    }
    response = client_of(users["county"]).post(url, over)
    assert (
        response.status_code == 422
        and "资产价值合计90万元，超过项目已支付且尚未形成资产的80万元" in _page(response)
    )
    assert not AuditEvent.objects.filter(action="asset.register").exists()
    # when they take 80 (rows 0 and 2; the blank row between them is ignored)
    within = {"rows": "3", **_row(0, name="道路一", value="50", natural_village="大村组", **base),
              **_row(2, name="道路二", value="30", **base)}  # fmt: skip
    response = client_of(users["county"]).post(url, within)
    # then both are registered with their fund shares, audited, and the project has nothing left to register
    assert response.status_code == 302 and response["Location"] == "/assets/"
    assets = list(Asset.objects.filter(project=project).order_by("code"))
    assert [a.name for a in assets] == ["道路一", "道路二"] and assets[0].natural_village is not None
    assert sum(s.amount_fen for a in assets for s in a.shares.all()) == 80_000_000
    assert AuditEvent.objects.filter(action="asset.register", actor=users["county"]).count() == 2
    listing = _page(client_of(users["county"]).get("/assets/"))
    assert f'data-project="{project.pk}"' not in listing and "道路二" in listing


def test_p15_an_older_asset_is_entered_with_its_document() -> None:
    users = asset_users()
    client = client_of(users["transport"])
    # when the transport bureau leaves the document and the date out
    form = {"name": "老桥", "asset_type_code": "bridge", "quantity": "1", "division_code": VILLAGE, "value": "12",
            "form": "physical", "formed_on": "", "source_document": "", "legacy_source": "central"}  # fmt: skip
    response = client.post("/assets/new/", form)
    assert response.status_code == 422
    page = _page(response)
    assert 'data-error="formed_on"' in page and "请填写形成日期" in page
    assert 'data-error="source_document"' in page and "请填写形成依据" in page and 'value="老桥"' in page
    # and a type another sector supervises is refused
    response = client.post("/assets/new/", {**form, "asset_type_code": "livestock", "formed_on": "2015-06-01",
                                            "source_document": "南交〔2015〕3号"})  # fmt: skip
    assert response.status_code == 422 and "只能登记本行业主管的资产类型" in _page(response)
    # when complete
    response = client.post(
        "/assets/new/", {**form, "formed_on": "2015-06-01", "source_document": "南交〔2015〕3号"}
    )
    asset = Asset.objects.get(name="老桥")
    assert response.status_code == 302 and response["Location"] == f"/assets/{asset.pk}/"
    assert asset.source_document == "南交〔2015〕3号" and asset.shares.get().source == "central"
    assert AuditEvent.objects.filter(action="asset.enter", target_id=str(asset.pk)).exists()
    # a village outside the county is refused
    response = client.post("/assets/new/", {**form, "division_code": OTHER_COUNTY_VILLAGE, "formed_on": "2015-06-01",
                                            "source_document": "x"})  # fmt: skip
    assert response.status_code == 422 and "不在您管辖的县(市)内" in _page(response)


def test_p15_confirm_then_hand_over_with_the_signed_record_then_care() -> None:
    users = asset_users()
    project = accepted_project(users)
    (road,) = registered(users, project)
    client = client_of(users["transport"])
    today = clock.today()
    # 确权 without an owner: refused beside the field
    response = client.post(f"/assets/{road.pk}/confirm/", {"owner_kind": "collective", "owner_name": "",
                           "ownership_document": "确权书1号", "owned_on": today.isoformat()})  # fmt: skip
    assert response.status_code == 422 and 'data-error="owner_name"' in _page(response)
    assert "请填写所有权人" in _page(response)
    response = client.post(f"/assets/{road.pk}/confirm/", {"owner_kind": "collective", "owner_name": "西山村股份经济合作社",
                           "ownership_document": "确权书1号", "owned_on": today.isoformat()})  # fmt: skip
    assert response.status_code == 302
    road.refresh_from_db()
    assert road.status == "owned" and AuditEvent.objects.filter(action="asset.confirm").count() == 1
    # 移交 dated tomorrow: refused; then with the signed record
    form = {
        "handed_over_on": (today + datetime.timedelta(days=1)).isoformat(),
        "receiver": "西山村股份经济合作社",
    }
    response = client.post(f"/assets/{road.pk}/hand-over/", form)
    assert response.status_code == 422 and "移交日期不能晚于今天" in _page(response)
    response = client.post(f"/assets/{road.pk}/hand-over/", {**form, "handed_over_on": today.isoformat(),
                           "care_unit": "西山村委会", "care_person": "李管护", "files": [png("移交记录.png")]})  # fmt: skip
    assert response.status_code == 302
    road.refresh_from_db()
    assert road.status == "handed_over" and road.care_person == "李管护"
    record = AssetAttachment.objects.get(asset=road, purpose="handover")
    assert record.content_type == "image/png"
    assert AuditEvent.objects.filter(action="asset.hand_over", target_id=str(road.pk)).exists()
    page = _page(client.get(f"/assets/{road.pk}/"))
    assert f'href="/assets/files/{record.pk}/"' in page and "移交记录.png" in page
    # 管护 with a bad phone, then changed
    response = client.post(
        f"/assets/{road.pk}/care/", {"care_unit": "西山村委会", "care_person": "王", "care_phone": "12ab"}
    )
    assert response.status_code == 422 and "联系电话应为7到12位数字" in _page(response)
    response = client.post(f"/assets/{road.pk}/care/", {"care_unit": "西山村委会", "care_person": "王管护",
                                                        "care_phone": "13900000000", "care_rules": "每季巡查"})  # fmt: skip
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="asset.care").new_values["care_person"] == "王管护"


def test_p15_inspection_takes_images_only_and_needs_notes_for_a_problem() -> None:
    users = asset_users()
    project = accepted_project(users)
    (road,) = registered(users, project)
    road = handed_over(users, road)
    client = client_of(users["village"])
    today = clock.today().isoformat()
    text = SimpleUploadedFile("说明.txt", b"not an image at all", content_type="image/png")
    response = client.post(
        f"/assets/{road.pk}/inspect/", {"inspected_on": today, "outcome": "good", "photos": [text]}
    )
    assert response.status_code == 422 and 'data-error="photos"' in _page(response)
    response = client.post(
        f"/assets/{road.pk}/inspect/", {"inspected_on": today, "outcome": "damaged", "notes": ""}
    )
    assert response.status_code == 422 and "巡查发现“损毁”，请写明情况" in _page(response)
    response = client.post(f"/assets/{road.pk}/inspect/", {"inspected_on": today, "outcome": "damaged",
                           "notes": "路面塌陷两处", "photos": [png("一.png"), png("二.png")]})  # fmt: skip
    assert response.status_code == 302
    road.refresh_from_db()
    assert road.condition == "damaged"
    inspection = road.inspections.get()
    assert inspection.photos.count() == 2
    event = AuditEvent.objects.get(action="asset.inspect")
    assert event.new_values["photos"] == 2 and event.actor == users["village"]
    page = _page(client.get(f"/assets/{road.pk}/"))
    assert "路面塌陷两处" in page and page.count('<img src="/assets/files/') == 2


def test_p15_income_for_an_operating_asset_and_the_change_of_a_household_asset() -> None:
    users = asset_users()
    project = accepted_project(users)
    household = make_household(VILLAGE, code="5329261012020099")
    base = {"division_code": VILLAGE, "natural_village": ""}
    base_owner = collective_owner()
    cold, cattle, road = registered(
        users, project,
        asset_input(name="冷库", asset_type_code="cold_storage", quantity="1", value="20", **base),
        asset_input(name="能繁母牛", asset_type_code="livestock", quantity="2", value="1", **base),
        asset_input(name="道路", value="10"),
    )  # fmt: skip
    services.asset_confirm(actor=users["county"], asset=cold, owner=base_owner)
    county, village = client_of(users["county"]), client_of(users["village"])
    # 收益 of the cold store, in 元
    response = village.post(
        f"/assets/{cold.pk}/income/", {"year": "20x6", "amount": "1000", "evidence": "租赁合同"}
    )
    assert response.status_code == 422 and "请填写四位数的年度" in _page(response)
    year = str(clock.today().year)
    response = village.post(
        f"/assets/{cold.pk}/income/", {"year": year, "amount": "12500.5", "evidence": "租赁合同"}
    )
    assert response.status_code == 302 and cold.incomes.get().amount_fen == 1_250_050
    assert AuditEvent.objects.filter(action="asset.income", target_id=str(cold.pk)).exists()
    assert "12,500.50" in _page(village.get(f"/assets/{cold.pk}/"))
    # a road has no income: the form is not shown, and a POST is a conflict
    assert 'data-testid="income-form"' not in _page(village.get(f"/assets/{road.pk}/"))
    response = village.post(f"/assets/{road.pk}/income/", {"year": year, "amount": "1", "evidence": "x"})
    assert response.status_code == 409 and "只有经营性资产登记收益" in _page(response)
    # 确权 of the cattle to a household by its 户编号 in the asset's village
    form = {"owner_kind": "household", "owner_name": "杨建国", "ownership_document": "到户确权表",
            "owned_on": clock.today().isoformat(), "owner_household": "5329010000000001"}  # fmt: skip
    response = county.post(f"/assets/{cattle.pk}/confirm/", form)
    assert response.status_code == 422 and "资产所在地没有户编号为“5329010000000001”的农户" in _page(response)
    response = county.post(f"/assets/{cattle.pk}/confirm/", {**form, "owner_household": household.code})
    assert response.status_code == 302
    cattle.refresh_from_db()
    assert cattle.owner_household_id == household.pk
    assert 'data-testid="household-end-form"' not in _page(village.get(f"/assets/{cattle.pk}/"))
    cattle = services.asset_hand_over(actor=users["county"], asset=cattle, on=clock.today(), receiver="杨建国",
                                      care=None)  # fmt: skip
    assert 'data-testid="household-end-form"' in _page(village.get(f"/assets/{cattle.pk}/"))
    # the village records the cattle sold: a reason is required
    response = village.post(f"/assets/{cattle.pk}/household-end/", {"reason": ""})
    assert response.status_code == 422 and "请填写原因" in _page(response)
    response = village.post(f"/assets/{cattle.pk}/household-end/", {"reason": "农户出售母牛两头"})
    assert response.status_code == 302
    cattle.refresh_from_db()
    assert cattle.status == "ended" and cattle.ended_reason == "农户出售母牛两头"
    assert AuditEvent.objects.filter(action="asset.household_end", target_id=str(cattle.pk)).exists()
    assert 'data-testid="household-end-form"' not in _page(village.get(f"/assets/{cattle.pk}/"))
