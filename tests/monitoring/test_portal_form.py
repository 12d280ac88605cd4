"""The portal's form shown again after an error keeps what the applicant picked, and its sentences read as
Chinese does (one full stop, never two)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from zhenxing.monitoring.enums import CaseStatus
from zhenxing.monitoring.models import Case
from zhenxing.portal.progress import case_progress

from ..conftest import COUNTY, TOWNSHIP, VILLAGE

pytestmark = pytest.mark.django_db


def _selected(html: str, select_id: str) -> str | None:
    select = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, select_id
    chosen = re.search(r'<option value="(\d*)" selected>', select.group(1))
    return chosen.group(1) if chosen else None


def test_a_form_shown_again_with_an_error_keeps_the_chosen_county_township_and_village(
    client: Client,
) -> None:
    # given an applicant who picked 南涧 / 南涧镇 / 西山村 and got the phone number wrong
    page = client.get("/apply/")
    a, b = (int(part) for part in page.context["question"].replace("= ?", "").split("+"))
    response = client.post("/apply/", {
        "village": VILLAGE, "name": "张三", "id_number": "532926199001011238", "phone": "12", "difficulties": ["医疗"],
        "description": "看病", "answer": str(a + b), "token": page.context["form"]["token"].value(), "website": "",
    })  # fmt: skip
    # when the form comes back with the error
    html = response.content.decode()
    assert response.status_code == 200 and "联系电话" in html
    # then the three pickers still hold the place, enabled
    assert _selected(html, "county") == COUNTY
    assert _selected(html, "township") == TOWNSHIP
    assert _selected(html, "id_village") == VILLAGE
    assert '<select id="id_village" name="village" disabled>' not in html


def test_a_rejection_reason_with_its_own_full_stop_is_not_given_a_second_one() -> None:
    # given a case rejected with a reason the cadre ended with a full stop
    case = Case.objects.create(
        opened_at=timezone.now(),
        step_started_on=timezone.localdate(),
        due=timezone.localdate(),
        village_id=VILLAGE,
        source="self",
        status=CaseStatus.REJECTED,
        rejection_reason="家庭收入高于监测范围。",
    )
    # when the applicant reads the progress
    _, sentence = case_progress(case, on_behalf=False)
    # then the sentence has one full stop after the reason
    assert "理由：家庭收入高于监测范围。如有疑问" in sentence and "。。" not in sentence
