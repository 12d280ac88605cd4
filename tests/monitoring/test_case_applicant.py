"""A case opened from the portal (P8 群众自主申报) shows who applied: name, masked ID number and phone, the
audited reveal (P1 sensitive, PIPL), and whether the ID number is a registered person's (by its keyed hash)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.crypto import decrypt_id_number
from zhenxing.divisions.models import Division
from zhenxing.monitoring.models import Case
from zhenxing.portal import services as portal
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household

from ..conftest import OTHER_COUNTY_VILLAGE, PREFECTURE, VILLAGE
from ..factories import id_number_for, make_household, make_user
from .helpers import START, poor_household

pytestmark = pytest.mark.django_db

PHONE = "13800001234"


def _apply(id_number: str) -> Case:
    application = portal.application_submit(
        village=Division.objects.get(code=VILLAGE), name="杨建国", id_number=id_number, phone=PHONE,
        difficulties=["医疗"], description="老伴住院，花了很多钱", on_behalf=False, ip_address="10.0.0.9",
    )  # fmt: skip
    return application.case  # type: ignore[return-value]


def _head_id(household: Household) -> str:
    blob = household.memberships.get(relation="户主").person.id_number_encrypted
    assert blob is not None
    return decrypt_id_number(bytes(blob))


def test_the_case_page_shows_the_applicant_masked_and_matched_in_scope(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    # given a registered household head who applies on the portal
    clock_at(START)
    household = poor_household()
    number = _head_id(household)
    case = _apply(number)
    # when the village cadre opens the case
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    html = client.get(f"/cases/{case.pk}/").content.decode()
    # then the name, the masked ID and phone show, never the full ones, and the match links the household
    section = html[html.index('data-testid="applicants"') :]
    assert "杨建国" in section and number[-4:] in section and number not in html
    assert "138****1234" in section and PHONE not in html
    assert "已匹配登记人员" in section
    assert f"/households/{household.pk}/" in section
    assert "查看完整号码" in section


def test_an_unregistered_applicant_is_said_to_be_unmatched(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    case = _apply(id_number_for("532926", datetime.date(1980, 1, 2), 901))
    client.force_login(make_user(Role.TOWNSHIP, VILLAGE[:9]))
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "未匹配" in html[html.index('data-testid="applicant-match"') :]


def test_a_person_registered_outside_the_users_area_is_said_registered_not_shown(  # type: ignore[no-untyped-def]
    client: Client, clock_at
) -> None:
    # given an application by someone unregistered, who is later registered in another county
    clock_at(START)
    number = id_number_for("532901", datetime.date(1981, 5, 6), 902)
    case = _apply(number)
    elsewhere = make_household(OTHER_COUNTY_VILLAGE)
    assert isinstance(elsewhere, Household)
    registry.person_add_to_household(
        actor=None, household=elsewhere, relation="其他", joined_on=START, name="外县人", sex="男",
        birth_date=datetime.date(1981, 5, 6), id_number=number, labour="普通劳动力",
    )  # fmt: skip
    # when the village cadre opens the case
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    html = client.get(f"/cases/{case.pk}/").content.decode()
    match = html[html.index('data-testid="applicant-match"') :]
    match = match[: match.index("</dd>")]
    # then it says 已登记 without the person's name or a link to the household
    assert "已登记" in match and "外县人" not in html
    assert f"/households/{elsewhere.pk}/" not in html


def test_revealing_the_applicants_id_is_audited_with_its_reason(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    household = poor_household()
    number = _head_id(household)
    case = _apply(number)
    application = case.applications.get()
    cadre = make_user(Role.VILLAGE, VILLAGE)
    client.force_login(cadre)
    url = f"/cases/{case.pk}/applicant/reveal/"
    # without a reason nothing is shown and nothing is recorded
    refused = client.post(url, {"application": application.pk, "what": "id", "reason": ""})
    assert refused.status_code == 302 and number not in refused.content.decode()
    assert not AuditEvent.objects.filter(action="application.reveal_id").exists()
    # with a reason the full number shows once, uncached, and the reveal is audited
    shown = client.post(url, {"application": application.pk, "what": "id", "reason": "电话核实身份"})
    assert number in shown.content.decode() and shown["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="application.reveal_id")
    assert event.actor == cadre and event.reason == "电话核实身份" and number not in str(event.new_values)
    # the phone too
    phone = client.post(url, {"application": application.pk, "what": "phone", "reason": "联系申请人"})
    assert PHONE in phone.content.decode()
    assert AuditEvent.objects.filter(action="application.reveal_phone", actor=cadre).count() == 1


def test_a_role_without_the_reveal_capability_is_refused(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    case = _apply(id_number_for("532926", datetime.date(1980, 1, 2), 903))
    application = case.applications.get()
    client.force_login(make_user(Role.PREFECTURE, PREFECTURE))
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "杨建国" in page and "查看完整号码" not in page
    response = client.post(
        f"/cases/{case.pk}/applicant/reveal/", {"application": application.pk, "what": "id", "reason": "查看"}
    )
    assert response.status_code in (302, 403)
    assert not AuditEvent.objects.filter(action="application.reveal_id").exists()


def test_a_cadre_case_shows_no_applicant_section(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    from zhenxing.monitoring.identification import services

    clock_at(START)
    village = make_user(Role.VILLAGE, VILLAGE)
    case = services.case_open_for_household(actor=village, household=poor_household(), summary="走访发现")
    client.force_login(village)
    assert 'data-testid="applicants"' not in client.get(f"/cases/{case.pk}/").content.decode()
