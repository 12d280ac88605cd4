"""The portal (P8 群众自主申报): validated, rate-limited, encrypted, landed in the village inbox; the status page
by code and ID tail. The notice PDF: Chinese text, no ID number. The roster workbook."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from zhenxing.audit.models import AuditEvent
from zhenxing.common.crypto import decrypt_id_number
from zhenxing.common.errors import InvalidInput
from zhenxing.divisions.models import Division
from zhenxing.monitoring.enums import CaseSource
from zhenxing.monitoring.identification.reports import COLUMNS, roster_workbook
from zhenxing.monitoring.notices.pdf import notice_pdf
from zhenxing.portal import services
from zhenxing.portal.challenge import challenge_new, challenge_passed
from zhenxing.portal.services import TooManyApplications, application_find
from zhenxing.registry.models import Household

from ..conftest import VILLAGE
from .helpers import START, people, poor_household, posted_notice, to_review

pytestmark = pytest.mark.django_db


def _head_id(household: Household) -> str:
    return decrypt_id_number(household.memberships.get(relation="户主").person.id_number_encrypted)


def _apply(id_number: str, ip: str = "10.0.0.1", **changes: object) -> object:
    values: dict[str, object] = {
        "village": Division.objects.get(code=VILLAGE), "name": "杨建国", "id_number": id_number, "phone": "13800001234",
        "difficulties": ["医疗"], "description": "老伴住院，花了很多钱", "on_behalf": False, "ip_address": ip,
    }  # fmt: skip
    return services.application_submit(**{**values, **changes})  # type: ignore[arg-type]


def test_an_application_opens_a_case_in_the_village_inbox_with_the_id_kept_encrypted(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    household = poor_household()
    number = _head_id(household)
    application = _apply(number)
    case = application.case  # type: ignore[attr-defined]
    assert (
        case.source == CaseSource.SELF_APPLICATION
        and case.household == household
        and case.status == "application"
    )
    assert bytes(application.id_number_encrypted) != number.encode()  # type: ignore[attr-defined]
    assert application.id_number_masked.endswith(number[-4:]) and number not in application.id_number_masked  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(action="application.create")
    assert number not in str(event.new_values) and event.actor_label == "portal"
    # the status page finds it by code and ID tail only
    code = application.tracking_code  # type: ignore[attr-defined]
    assert application_find(tracking_code=code, id_last4=number[-4:], ip_address="10.0.0.1") == application
    wrong_tail = "0000" if number[-4:] != "0000" else "1111"
    assert application_find(tracking_code=code, id_last4=wrong_tail, ip_address="10.0.0.1") is None


def test_bad_input_is_refused_in_chinese_and_the_limits_hold(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    number = _head_id(poor_household())
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(InvalidInput) as error:
        _apply(wrong, phone="12", difficulties=[])
    codes = {detail.code for detail in error.value.errors()}
    assert {"invalid_check_character", "invalid_phone", "required"} <= codes
    _apply(number)
    _apply(number, ip="10.0.0.2")
    with pytest.raises(TooManyApplications):  # a third from the same ID the same day
        _apply(number, ip="10.0.0.3")


def test_the_challenge_is_signed_and_checked() -> None:
    question, token = challenge_new()
    a, b = (int(part) for part in question.replace("= ?", "").split("+"))
    assert challenge_passed(token, str(a + b))
    assert not challenge_passed(token, str(a + b + 1))
    assert not challenge_passed(token + "x", str(a + b))


def test_the_portal_page_takes_an_application_and_shows_progress(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    household = poor_household()
    number = _head_id(household)
    page = client.get("/apply/")
    assert page.status_code == 200
    question = page.context["question"]
    a, b = (int(part) for part in question.replace("= ?", "").split("+"))
    response = client.post("/apply/", {
        "village": VILLAGE, "name": "杨建国", "id_number": number, "phone": "13800001234", "difficulties": ["医疗", "生活"],
        "description": "住院花费大", "answer": str(a + b), "token": page.context["form"]["token"].value(), "website": "",
    })  # fmt: skip
    assert response.status_code == 302
    code = client.get("/apply/done/").context["code"]
    status = client.post("/apply/status/", {"code": code, "tail": number[-4:]})
    assert "村里收到申请" in status.content.decode() and number not in status.content.decode()
    assert client.get("/apply/divisions/", {"parent": VILLAGE[:9]}).json()["children"]


def test_the_notice_pdf_has_chinese_text_and_no_full_id_number(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    households = [poor_household("N-1"), poor_household("N-2")]
    cases = [to_review(user, household) for household in households]
    notice = posted_notice(user, cases)  # a batch notice: two households
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(notice_pdf(notice))).pages)
    assert "防止返贫监测对象" in text and "公示" in text and "西山村委会" in text
    for household in households:
        number = _head_id(household)
        assert number not in text
        assert "*" not in text  # not even masked (P17; see test_notice_privacy.py)


def test_the_roster_workbook_has_the_national_columns_and_masked_ids(clock_at) -> None:  # type: ignore[no-untyped-def]
    from zhenxing.monitoring.models import Case

    clock_at(START)
    household = poor_household()
    Case.objects.create(
        household=household, village_id=VILLAGE, source="cadre", status="confirmed", opened_at=__import__("django.utils.timezone", fromlist=["now"]).now(),
        step_started_on=START, due=START, identified_on=START, monitoring_type="脱贫不稳定户", risk_types=["因病"],
    )  # fmt: skip
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(roster_workbook(Case.objects.all())))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert tuple(sheet[0]) == COLUMNS
    row = dict(zip(COLUMNS, sheet[1], strict=True))
    assert (
        row["县"] == "南涧彝族自治县" and row["监测对象类型"] == "脱贫不稳定户" and row["风险类型1"] == "因病"
    )
    assert "*" in str(row["证件号码"]) and _head_id(household) not in str(sheet)
