"""Registry services: encrypted IDs, blind-index search, audited writes and reveals, the year's members."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.crypto import decrypt_id_number, encrypt_phone
from zhenxing.common.errors import InvalidInput, PermissionDenied
from zhenxing.registry import selectors, services
from zhenxing.registry.enums import LeaveReason
from zhenxing.registry.models import Household, Membership, Person

from ..conftest import COUNTY, OTHER_COUNTY_VILLAGE, OTHER_TOWNSHIP, PREFECTURE, TOWNSHIP, VILLAGE
from ..factories import division, id_number_for, make_household, make_user

pytestmark = pytest.mark.django_db


def _household() -> Household:
    household = make_household(VILLAGE, code="HH-1")
    assert isinstance(household, Household)
    return household


def test_p2_id_number_is_encrypted_indexed_and_masked() -> None:
    household = _household()
    head = household.memberships.get(relation="户主").person
    number = id_number_for("532926", datetime.date(1975, 3, 8), 11 + 2 * 1)
    stored = Person.objects.get(pk=head.pk)
    assert stored.id_number_masked.startswith("532926")
    assert "********" in stored.id_number_masked
    assert number.encode() not in bytes(stored.id_number_encrypted)
    assert (
        decrypt_id_number(bytes(stored.id_number_encrypted))
        == stored.id_number_masked[:6] + number[6:14] + stored.id_number_masked[-4:]
    )


def test_invalid_id_number_is_refused_and_nothing_is_written() -> None:
    household = _household()
    before = Person.objects.count()
    with pytest.raises(InvalidInput) as error:
        services.person_add_to_household(
            actor=None, household=household, relation="之子", joined_on=datetime.date(2020, 1, 1), name="杨小明", sex="男",
            birth_date=datetime.date(2005, 1, 1), id_number="110105194912310021", health="健康", labour="普通劳动力", education="高中",
        )  # fmt: skip
    assert error.value.details[0].code == "invalid_check_character"
    assert Person.objects.count() == before


def test_one_current_head_and_one_current_household_are_database_constraints() -> None:
    household = _household()
    other = make_household(TOWNSHIP + "204", code="HH-2")
    head = household.memberships.get(relation="户主").person
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            household=other, person=head, relation="之子", joined_on=datetime.date(2020, 1, 1)
        )  # type: ignore[misc]


def test_search_by_name_and_by_full_id_through_the_blind_index() -> None:
    household = _household()
    user = make_user(Role.VILLAGE, VILLAGE)
    by_name = selectors.household_search(user=user, query=selectors.HouseholdSearch(name="杨建"))
    assert [h.pk for h in by_name] == [household.pk]
    head = household.memberships.get(relation="户主").person
    number = decrypt_id_number(bytes(head.id_number_encrypted))
    by_id = selectors.household_search(user=user, query=selectors.HouseholdSearch(id_number=number))
    assert [h.pk for h in by_id] == [household.pk]
    outsider = make_user(Role.TOWNSHIP, OTHER_TOWNSHIP)
    assert selectors.household_search(user=outsider, query=selectors.HouseholdSearch(id_number=number)) == []


def test_relocated_household_is_visible_from_both_places() -> None:
    household = services.household_create(
        actor=None, village=division(VILLAGE), kind="脱贫户", code="R-1", is_relocated=True,
        resettlement_site="南涧县城安置区", moved_from=division(OTHER_COUNTY_VILLAGE),
    )  # fmt: skip
    assert (
        selectors.household_get_for_user(user=make_user(Role.COUNTY, "532901"), pk=household.pk) == household
    )
    assert selectors.household_get_for_user(user=make_user(Role.COUNTY, COUNTY), pk=household.pk) == household


def test_year_members_are_those_on_31_december() -> None:
    household = _household()
    spouse = household.memberships.get(relation="配偶")
    services.membership_end(
        actor=None, membership=spouse, left_on=datetime.date(2026, 3, 1), reason=LeaveReason.MARRIAGE
    )
    assert selectors.members_on(household, datetime.date(2025, 12, 31)).count() == 2
    assert selectors.members_on(household, datetime.date(2026, 12, 31)).count() == 1
    assert AuditEvent.objects.filter(action="membership.end").exists()


def test_income_edit_is_audited_without_plain_income() -> None:
    household = _household()
    user = make_user(Role.VILLAGE, VILLAGE)
    services.household_year_upsert(actor=user, household=household, year=2025, values={"wage": 2_000_000})
    event = AuditEvent.objects.filter(action="household_year.update").latest("id")
    assert event.actor == user
    assert event.new_values["wage"].startswith("hmac:")
    assert "2000000" not in str(event.new_values)
    assert "1500000" not in str(event.old_values)


def test_reveal_needs_capability_and_reason_and_is_audited() -> None:
    household = _household()
    head = household.memberships.get(relation="户主").person
    prefecture = make_user(Role.PREFECTURE, PREFECTURE)
    with pytest.raises(PermissionDenied):
        services.person_reveal_id(actor=prefecture, person=head, household=household, reason="核对")
    cadre = make_user(Role.VILLAGE, VILLAGE)
    with pytest.raises(InvalidInput):
        services.person_reveal_id(actor=cadre, person=head, household=household, reason=" ")
    number = services.person_reveal_id(
        actor=cadre, person=head, household=household, reason="办理医保资助核对"
    )
    assert len(number) == 18
    event = AuditEvent.objects.get(action="person.reveal_id")
    assert (event.actor, event.reason) == (cadre, "办理医保资助核对")
    assert number not in str(event.new_values)


def test_household_page_shows_masked_ids_verdict_and_history(client: Client) -> None:
    household = _household()
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    html = client.get(f"/households/{household.pk}/").content.decode()
    assert "532926********" in html
    assert "政策评估（2025年）" in html
    head = household.memberships.get(relation="户主").person
    assert decrypt_id_number(bytes(head.id_number_encrypted)) not in html
    history = client.get(f"/households/{household.pk}/history/").content.decode()
    assert "household.create" in history


def test_id_lookup_travels_by_post_only(client: Client) -> None:
    household = _household()
    head = household.memberships.get(relation="户主").person
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    assert client.get("/households/lookup/").status_code == 405
    response = client.post(
        "/households/lookup/", {"id_number": decrypt_id_number(bytes(head.id_number_encrypted))}
    )
    assert response["Location"] == f"/households/{household.pk}/"


def test_data_quality_report_counts_and_drills_down(client: Client) -> None:
    household = _household()
    # a number stored before phones were checked on write (registry/migrations/0003 flags it)
    Person.objects.filter(memberships__household=household, memberships__relation="配偶").update(
        employee_medical_insurance=True, phone_encrypted=encrypt_phone("12345"), phone_masked="*****",
        phone_malformed=True,
    )  # fmt: skip
    client.force_login(make_user(Role.COUNTY, COUNTY))
    response = client.get("/households/quality/")
    counts = {code: count for code, _, _, count in response.context["counts"]}
    assert counts["insurance_both"] == 1
    assert counts["phone_format"] == 1
    assert counts["head_count"] == 0
    listing = client.get("/households/quality/", {"check": "insurance_both"}).context["listing"]
    assert [h.pk for h in listing] == [household.pk]


def test_api_lists_and_updates_within_scope(client: Client) -> None:
    household = _household()
    client.force_login(make_user(Role.TOWNSHIP, TOWNSHIP))
    rows = client.get("/api/v1/households", {"name": "杨"}).json()
    assert [row["id"] for row in rows] == [household.pk]
    assert rows[0]["head_name"] == "杨建国"
    detail = client.get(f"/api/v1/households/{household.pk}").json()
    assert detail["members"][0]["id_number_masked"].startswith("532926")
    assert detail["years"][0]["wage"] == 15000
    put = client.put(
        f"/api/v1/households/{household.pk}/years/2025", {"wage": 16000.5}, content_type="application/json"
    )
    assert put.status_code == 200
    assert household.years.get(year=2025).wage == 1_600_050
    bad = client.put(
        f"/api/v1/households/{household.pk}/years/2025", {"wage": -1}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert connection.vendor in {"sqlite", "postgresql"}


def test_person_edit_form_validates_p1_and_audits(client: Client) -> None:
    household = _household()
    head = household.memberships.get(relation="户主").person
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    url = f"/households/{household.pk}/persons/{head.pk}/edit/"
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "health_states"}
    data.update(
        {
            "birth_date": "1975-03-08",
            "health_states": ["长期慢性病"],
            "resident_medical_insurance": "on",
            "employee_medical_insurance": "on",
        }
    )
    bad = client.post(url, data)
    assert "不能同时参加" in bad.content.decode()
    data.pop("employee_medical_insurance")
    assert client.post(url, data).status_code == 302
    head.refresh_from_db()
    assert head.health == "长期慢性病"
    event = AuditEvent.objects.filter(action="person.update").latest("id")
    assert event.new_values["health"].startswith("hmac:")
