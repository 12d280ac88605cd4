"""Phones are kept like ID numbers (issue 13 A): encrypted, masked on display, revealed with the capability
and a reason (audited), checked for the P1 format on every write, and never in the audit log in full."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from python_calamine import CalamineWorkbook

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.crypto import decrypt_phone, encrypt_phone, is_under_current_key
from zhenxing.common.errors import InvalidInput, PermissionDenied
from zhenxing.registry import services
from zhenxing.registry.layout import MEMBER_COLUMNS, MEMBER_SHEET
from zhenxing.registry.models import Household, Person
from zhenxing.transfer import services as transfer
from zhenxing.transfer.models import ImportStatus

from ..conftest import COUNTY, PREFECTURE, TOWNSHIP, VILLAGE
from ..factories import division, make_household, make_user
from ..transfer.workbook_builder import member_rows, workbook

pytestmark = pytest.mark.django_db


def _household(code: str = "PH-1") -> Household:
    household = make_household(VILLAGE, code=code)
    assert isinstance(household, Household)
    return household


def _head(household: Household) -> Person:
    return household.memberships.get(relation="户主").person


def _raw_row(table: str, pk: int) -> str:
    """Every column of the row as the database holds it, as one string."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed table names
        return repr(cursor.fetchone())


def test_a_phone_is_stored_encrypted_and_masked_only() -> None:
    # given
    household = _household()
    head = _head(household)
    user = make_user(Role.VILLAGE, VILLAGE)
    # when: typed with blanks and hyphens, as people do
    services.person_update(actor=user, person=head, household=household, phone="139-1234 5678")
    services.household_update(actor=user, household=household, contact_phone="0872 6012345")
    # then
    head.refresh_from_db()
    household.refresh_from_db()
    assert decrypt_phone(bytes(head.phone_encrypted)) == "13912345678"  # type: ignore[arg-type]
    assert (head.phone_masked, head.phone_malformed) == ("139****5678", False)
    assert decrypt_phone(bytes(household.contact_phone_encrypted)) == "08726012345"  # type: ignore[arg-type]
    assert household.contact_phone_masked == "087****2345"
    assert "13912345678" not in _raw_row("registry_person", head.pk)
    assert "08726012345" not in _raw_row("registry_household", household.pk)
    assert not hasattr(head, "phone") and not hasattr(household, "contact_phone")
    # and the audit log has the masks only
    person_event = AuditEvent.objects.filter(action="person.update").latest("id")
    assert person_event.new_values == {"phone": "139****5678"}
    household_event = AuditEvent.objects.filter(action="household.update").latest("id")
    assert household_event.new_values == {"contact_phone": "087****2345"}
    assert "13912345678" not in str(person_event.__dict__) and "08726012345" not in str(
        household_event.__dict__
    )


def test_the_same_number_again_changes_nothing_and_an_empty_one_removes_it() -> None:
    household = _household()
    head = _head(household)
    services.person_update(actor=None, person=head, household=household, phone="13912345678")
    events = AuditEvent.objects.count()
    services.person_update(actor=None, person=head, household=household, phone="139 1234 5678")
    assert AuditEvent.objects.count() == events
    services.person_update(actor=None, person=head, household=household, phone="")
    head.refresh_from_db()
    assert (head.phone_encrypted, head.phone_masked) == (None, "")
    assert AuditEvent.objects.filter(action="person.update").latest("id").new_values == {"phone": ""}


@pytest.mark.parametrize("bad", ["12345", "1391234567a", "139123456789", "电话13912345678"])
def test_every_writer_refuses_a_malformed_phone(bad: str) -> None:
    household = _household()
    head = _head(household)
    with pytest.raises(InvalidInput) as on_person:
        services.person_update(actor=None, person=head, household=household, phone=bad)
    assert (on_person.value.details[0].loc, on_person.value.details[0].code) == (("phone",), "phone_format")
    assert "11位数字" in on_person.value.message
    with pytest.raises(InvalidInput) as on_household:
        services.household_update(actor=None, household=household, contact_phone=bad)
    assert on_household.value.details[0].loc == ("contact_phone",)
    with pytest.raises(InvalidInput):
        services.household_create(actor=None, village=division(VILLAGE), kind="脱贫户", contact_phone=bad)
    with pytest.raises(InvalidInput):
        services.person_add_to_household(
            actor=None, household=household, relation="之子", joined_on=datetime.date(2020, 1, 1), name="杨小明",
            sex="男", birth_date=datetime.date(2010, 1, 1), health="健康", labour="无劳动力", schooling="九年级",
            phone=bad,
        )  # fmt: skip
    head.refresh_from_db()
    assert head.phone_encrypted is None


def test_household_page_shows_masks_and_reveal_needs_capability_and_reason(client: Client) -> None:
    household = _household()
    head = _head(household)
    services.person_update(actor=None, person=head, household=household, phone="13912345678")
    services.household_update(actor=None, household=household, contact_phone="13800001111")
    # the page: masks only
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    html = client.get(f"/households/{household.pk}/").content.decode()
    assert "139****5678" in html and "138****1111" in html
    assert "13912345678" not in html and "13800001111" not in html
    # a reveal without a reason shows nothing
    url = f"/households/{household.pk}/persons/{head.pk}/reveal-phone/"
    assert client.post(url, {"reason": ""}).status_code == 302
    assert not AuditEvent.objects.filter(action="person.reveal_phone").exists()
    # with one: the number, not cached, audited with the mask and the reason
    response = client.post(url, {"reason": "电话回访"})
    assert response.status_code == 200 and "13912345678" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="person.reveal_phone")
    assert (event.reason, event.new_values) == ("电话回访", {"phone": "139****5678"})
    contact = client.post(f"/households/{household.pk}/reveal-phone/", {"reason": "回访"})
    assert "13800001111" in contact.content.decode()
    assert AuditEvent.objects.get(action="household.reveal_phone").new_values == {
        "contact_phone": "138****1111"
    }
    # the prefecture sees the page but may not reveal
    with pytest.raises(PermissionDenied):
        services.person_reveal_phone(
            actor=make_user(Role.PREFECTURE, PREFECTURE), person=head, household=household, reason="核对"
        )


def _form_data(client: Client, url: str) -> dict[str, Any]:
    form = client.get(url).context["form"]
    data = {
        k: v for k, v in form.initial.items() if v is not None and v is not False and k != "health_states"
    }
    data.update({"birth_date": "1975-03-08", "health_states": ["健康"], "resident_medical_insurance": "on"})
    return data


def test_person_form_changes_the_phone_only_by_typing_a_new_one(client: Client) -> None:
    household = _household()
    head = _head(household)
    services.person_update(actor=None, person=head, household=household, phone="13912345678")
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    url = f"/households/{household.pk}/persons/{head.pk}/edit/"
    page = client.get(url).content.decode()
    assert "139****5678" in page and "13912345678" not in page  # the mask as a hint, never the number
    data = _form_data(client, url)
    # left empty: unchanged
    assert client.post(url, data).status_code == 302
    head.refresh_from_db()
    assert decrypt_phone(bytes(head.phone_encrypted)) == "13912345678"  # type: ignore[arg-type]
    # a malformed one: the P1 error on the field
    bad = client.post(url, {**data, "new_phone": "12345"})
    assert bad.status_code == 200 and "11位数字" in bad.content.decode()
    # a new one
    assert client.post(url, {**data, "new_phone": "13700002222"}).status_code == 302
    head.refresh_from_db()
    assert head.phone_masked == "137****2222"
    # removed
    assert client.post(url, {**data, "clear_phone": "on"}).status_code == 302
    head.refresh_from_db()
    assert head.phone_encrypted is None


def test_a_malformed_number_from_before_is_counted_and_must_be_corrected_on_the_next_edit(
    client: Client,
) -> None:
    # given: a number stored before the check on write (migration 0003 flags it)
    household = _household()
    head = _head(household)
    Person.objects.filter(pk=head.pk).update(
        phone_encrypted=encrypt_phone("12345"), phone_masked="*****", phone_malformed=True
    )
    client.force_login(make_user(Role.COUNTY, COUNTY))
    # then: the standing report and the household page count it
    counts = {code: n for code, _, _, n in client.get("/households/quality/").context["counts"]}
    assert counts["phone_format"] == 1
    listing = client.get("/households/quality/", {"check": "phone_format"}).context["listing"]
    assert [h.pk for h in listing] == [household.pk]
    assert "联系电话不是11位数字" in client.get(f"/households/{household.pk}/").content.decode()
    # and an edit that leaves it is refused until it is corrected
    url = f"/households/{household.pk}/persons/{head.pk}/edit/"
    data = _form_data(client, url)
    assert "请更正或删除" in client.post(url, data).content.decode()
    fixed = client.post(url, {**data, "new_phone": "13912345678"})
    assert fixed.status_code == 302, fixed.context["form"].errors
    head.refresh_from_db()
    assert head.phone_malformed is False
    assert {code: n for code, _, _, n in client.get("/households/quality/").context["counts"]}[
        "phone_format"
    ] == 0


def test_import_stages_and_stores_phones_encrypted_and_checks_the_household_phone() -> None:
    user = make_user(Role.TOWNSHIP, TOWNSHIP)
    rows = member_rows(VILLAGE, 2, code_prefix="IPH")
    for number, row in enumerate(rows):
        row["联系电话"], row["户联系电话"] = f"1590000{number:04d}", f"0872-60{row['户编号'][-1]}0000"
    batch = transfer.import_stage(actor=user, file_name="phones.xlsx", data=workbook(rows))
    assert batch.status == ImportStatus.VALIDATED, batch.errors
    staged = str(transfer.staged_payloads(batch))
    assert (
        "15900000000" not in staged and "0872600" not in staged.replace("-", "") and "087****0000" in staged
    )
    transfer.import_confirm(actor=user, batch=batch)
    transfer.import_commit(batch_id=batch.pk)
    person = Person.objects.get(name=rows[0]["姓名"])
    assert decrypt_phone(bytes(person.phone_encrypted)) == "15900000000"  # type: ignore[arg-type]
    household = Household.objects.get(code="IPH0000000")
    assert decrypt_phone(bytes(household.contact_phone_encrypted)) == "08726000000"  # type: ignore[arg-type]
    # the same file again changes nothing (ciphertexts differ, numbers do not)
    again = transfer.import_stage(actor=user, file_name="phones.xlsx", data=workbook(rows))
    transfer.import_confirm(actor=user, batch=again)
    done = transfer.import_commit(batch_id=again.pk)
    assert (done.summary["people_unchanged"], done.summary["households_unchanged"]) == (6, 2)
    # a malformed household phone is a row error in Chinese
    rows[0]["户联系电话"] = "8888"
    bad = transfer.import_stage(actor=user, file_name="bad.xlsx", data=workbook(rows))
    assert bad.status == ImportStatus.INVALID
    assert {(e["column"], "11位数字" in e["message"]) for e in bad.errors} >= {("户联系电话", True)}


def test_the_export_shows_masked_phones(client: Client) -> None:
    household = _household()
    services.person_update(actor=None, person=_head(household), household=household, phone="13912345678")
    services.household_update(actor=None, household=household, contact_phone="13800001111")
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    content = client.get("/households/export.xlsx").content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(MEMBER_SHEET).to_python()
    header = [c.header for c in MEMBER_COLUMNS]
    head = next(r for r in rows[1:] if r[header.index("与户主关系")] == "户主")
    assert (head[header.index("联系电话")], head[header.index("户联系电话")]) == (
        "139****5678",
        "138****1111",
    )
    assert b"13912345678" not in content and b"13800001111" not in content


def test_api_shows_masked_phones(client: Client) -> None:
    household = _household()
    services.person_update(actor=None, person=_head(household), household=household, phone="13912345678")
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    detail = client.get(f"/api/v1/households/{household.pk}").json()
    assert detail["members"][0]["phone_masked"] == "139****5678"
    assert "13912345678" not in str(detail)


def test_rotation_re_encrypts_phones(settings: Any) -> None:
    import os

    household = _household()
    services.person_update(actor=None, person=_head(household), household=household, phone="13912345678")
    services.household_update(actor=None, household=household, contact_phone="13800001111")
    settings.ZHENXING_PREVIOUS_DATA_KEYS = [settings.ZHENXING_DATA_KEY]
    settings.ZHENXING_DATA_KEY = os.urandom(32)
    call_command("rotate_data_key")
    head, household = _head(household), Household.objects.get(pk=household.pk)
    assert is_under_current_key(bytes(head.phone_encrypted))  # type: ignore[arg-type]
    assert is_under_current_key(bytes(household.contact_phone_encrypted))  # type: ignore[arg-type]
    settings.ZHENXING_PREVIOUS_DATA_KEYS = []  # the old key is gone: the numbers still open
    assert decrypt_phone(bytes(head.phone_encrypted)) == "13912345678"  # type: ignore[arg-type]
    assert decrypt_phone(bytes(household.contact_phone_encrypted)) == "13800001111"  # type: ignore[arg-type]
