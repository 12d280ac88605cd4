"""No ID-existence oracle (issue 13 B): entering an ID number that someone outside the user's scope holds
answers exactly as entering a number nobody holds — on the person form, in the full-ID search and in the
import — and the conflict goes to the counties of both sides, who resolve it. Inside the scope the clear
message stays."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.crypto import decrypt_id_number, id_number_index
from zhenxing.common.errors import Conflict, PermissionDenied
from zhenxing.registry import conflicts, services
from zhenxing.registry.enums import IdConflictOutcome, IdConflictSource, IdConflictStatus
from zhenxing.registry.models import Household, IdConflict, Person
from zhenxing.transfer import services as transfer
from zhenxing.transfer.models import ImportStatus

from ..conftest import COUNTY, OTHER_COUNTY, OTHER_COUNTY_VILLAGE, PREFECTURE, SAME_TOWNSHIP_VILLAGE, VILLAGE
from ..factories import id_number_for, make_household, make_user
from ..transfer.workbook_builder import member_rows, workbook

pytestmark = pytest.mark.django_db


def _household(village: str, code: str) -> Household:
    household = make_household(village, code=code)
    assert isinstance(household, Household)
    return household


def _number(person: Person) -> str:
    return decrypt_id_number(bytes(person.id_number_encrypted))  # type: ignore[arg-type]


def _spouse(household: Household) -> Person:
    return household.memberships.get(relation="配偶").person


def _edit(client: Client, household: Household, person: Person, new_id: str) -> Any:
    url = f"/households/{household.pk}/persons/{person.pk}/edit/"
    form = client.get(url).context["form"]
    data = {
        k: v for k, v in form.initial.items() if v is not None and v is not False and k != "health_states"
    }
    data.update(
        {"birth_date": person.birth_date.isoformat(), "health_states": ["健康"], "new_id_number": new_id}
    )
    return client.post(url, data, follow=True)


@pytest.fixture
def setting() -> dict[str, Any]:
    mine = _household(VILLAGE, "MINE-1")
    also_mine = _household(VILLAGE, "MINE-2")
    neighbour = _household(SAME_TOWNSHIP_VILLAGE, "NEAR-1")
    far = _household(OTHER_COUNTY_VILLAGE, "FAR-1")
    return {"mine": mine, "also_mine": also_mine, "neighbour": neighbour, "far": far}


def test_a_number_held_outside_the_scope_answers_like_a_free_number(
    client: Client, setting: dict[str, Any]
) -> None:
    # given: a village cadre, a free number and a number held in another county (same birth date and sex)
    cadre = make_user(Role.VILLAGE, VILLAGE)
    client.force_login(cadre)
    first, second = _spouse(setting["mine"]), _spouse(setting["also_mine"])
    far_spouse = _spouse(setting["far"])
    free = id_number_for("532928", first.birth_date, 402)
    held = _number(far_spouse)
    # when
    free_answer = _edit(client, setting["mine"], first, free)
    held_answer = _edit(client, setting["also_mine"], second, held)
    # then: the same page, the same message
    assert free_answer.status_code == held_answer.status_code == 200
    assert [u for u, _ in free_answer.redirect_chain] == [f"/households/{setting['mine'].pk}/"]
    assert [u for u, _ in held_answer.redirect_chain] == [f"/households/{setting['also_mine'].pk}/"]
    assert [str(m) for m in free_answer.context["messages"]] == [f"{first.name} 的信息已保存"]
    assert [str(m) for m in held_answer.context["messages"]] == [f"{second.name} 的信息已保存"]
    assert "另一人" not in held_answer.content.decode()
    # and the same afterwards: the new number shows masked, and the full-ID search finds it
    second.refresh_from_db()
    assert second.id_number_masked == held[:6] + "********" + held[-4:]
    assert second.id_number_disputed and second.id_number_index is None
    for number, household in ((free, setting["mine"]), (held, setting["also_mine"])):
        found = client.post("/households/lookup/", {"id_number": number})
        assert found["Location"] == f"/households/{household.pk}/"
    # the other county's person is untouched
    far_spouse.refresh_from_db()
    assert far_spouse.id_number_index == id_number_index(held) and not far_spouse.id_number_disputed
    # and the household's history shows the same kind of event for both
    history = client.get(f"/households/{setting['also_mine'].pk}/history/").content.decode()
    assert "person.update" in history and "id_conflict" not in history
    # the conflict waits for the counties of both sides
    conflict = IdConflict.objects.get()
    assert (conflict.status, conflict.source, conflict.person, conflict.holder) == (
        IdConflictStatus.PENDING, IdConflictSource.EDIT, second, far_spouse,
    )  # fmt: skip
    assert (conflict.county.code, conflict.holder_county.code) == (COUNTY, OTHER_COUNTY)  # type: ignore[union-attr]
    event = AuditEvent.objects.get(action="id_conflict.open")
    assert event.division.code == COUNTY  # type: ignore[union-attr]
    assert held not in str(event.new_values)


def test_inside_the_scope_the_clear_message_stays(client: Client, setting: dict[str, Any]) -> None:
    client.force_login(make_user(Role.TOWNSHIP, VILLAGE[:9]))
    neighbour_spouse = _spouse(setting["neighbour"])
    answer = _edit(client, setting["mine"], _spouse(setting["mine"]), _number(neighbour_spouse))
    assert "该证件号码已登记在另一人名下" in answer.content.decode()
    assert neighbour_spouse.name in answer.content.decode()
    assert not IdConflict.objects.exists()


def test_full_id_search_answers_alike_for_out_of_scope_and_unknown_numbers(
    client: Client, setting: dict[str, Any]
) -> None:
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    held = _number(_spouse(setting["far"]))
    unknown = id_number_for("532929", datetime.date(1978, 6, 1), 998)
    answers = []
    for number in (held, unknown):
        response = client.post("/households/lookup/", {"id_number": number}, follow=True)
        answers.append(
            (response.redirect_chain, [str(m) for m in response.context["messages"]], response.status_code)
        )
    assert answers[0] == answers[1]


def test_the_counties_see_and_resolve_the_conflict(client: Client, setting: dict[str, Any]) -> None:
    # given: a cadre entered a number held in the other county
    cadre = make_user(Role.VILLAGE, VILLAGE)
    person, far_spouse = _spouse(setting["also_mine"]), _spouse(setting["far"])
    old_masked, held = person.id_number_masked, _number(far_spouse)
    services.person_update(actor=cadre, person=person, household=setting["also_mine"], id_number=held)
    conflict = IdConflict.objects.get()
    # then: both counties and the prefecture list it; the village, the township and departments do not
    for role, code, sees in (
        (Role.COUNTY, COUNTY, True), (Role.COUNTY, OTHER_COUNTY, True), (Role.PREFECTURE, PREFECTURE, True),
        (Role.COUNTY, "532923", False), (Role.VILLAGE, VILLAGE, None), (Role.TOWNSHIP, VILLAGE[:9], None),
    ):  # fmt: skip
        client.force_login(make_user(role, code))
        response = client.get("/households/id-conflicts/")
        if sees is None:
            assert response.status_code == 404, (role, code)
        else:
            assert [c.pk for c in response.context["conflicts"]] == ([conflict.pk] if sees else []), (
                role,
                code,
            )
    # the prefecture may look but not resolve
    client.force_login(make_user(Role.PREFECTURE, PREFECTURE))
    data = {"outcome": "withdrawn", "resolution": "核实为录入错误"}
    assert client.post(f"/households/id-conflicts/{conflict.pk}/resolve/", data).status_code == 403
    # confirming while the holder still holds the number is refused
    county = make_user(Role.COUNTY, COUNTY)
    with pytest.raises(Conflict):
        conflicts.id_conflict_resolve(
            actor=county, conflict=conflict, outcome=IdConflictOutcome.CONFIRMED, resolution="核实属实"
        )
    # withdrawing puts the previous number back
    client.force_login(county)
    assert client.post(f"/households/id-conflicts/{conflict.pk}/resolve/", data).status_code == 302
    person.refresh_from_db()
    conflict.refresh_from_db()
    assert (person.id_number_masked, person.id_number_disputed) == (old_masked, False)
    assert person.id_number_index is not None
    assert (conflict.status, conflict.outcome, conflict.resolved_by) == ("resolved", "withdrawn", county)
    assert AuditEvent.objects.filter(action="id_conflict.resolve", reason="核实为录入错误").exists()
    resolved = client.get("/households/id-conflicts/", {"status": "resolved"}).content.decode()
    assert "号码有误" in resolved and "核实为录入错误" in resolved
    assert "证件号码冲突" in client.get("/households/").content.decode()  # linked from the search page


def test_confirming_once_the_holder_was_corrected(setting: dict[str, Any]) -> None:
    person, far_spouse = _spouse(setting["also_mine"]), _spouse(setting["far"])
    held = _number(far_spouse)
    services.person_update(
        actor=make_user(Role.VILLAGE, VILLAGE), person=person, household=setting["also_mine"], id_number=held
    )
    # the other county corrects its own record
    services.person_update(
        actor=make_user(Role.COUNTY, OTHER_COUNTY), person=far_spouse, household=setting["far"],
        id_number=id_number_for("532929", far_spouse.birth_date, 612),
    )  # fmt: skip
    conflict = IdConflict.objects.get()
    conflicts.id_conflict_resolve(
        actor=make_user(Role.COUNTY, OTHER_COUNTY), conflict=conflict, outcome=IdConflictOutcome.CONFIRMED,
        resolution="原登记人号码有误，已更正",
    )  # fmt: skip
    person.refresh_from_db()
    assert person.id_number_index == id_number_index(held) and not person.id_number_disputed
    with pytest.raises(PermissionDenied):
        conflicts.id_conflict_resolve(
            actor=make_user(Role.VILLAGE, VILLAGE), conflict=conflict, outcome=IdConflictOutcome.WITHDRAWN,
            resolution="无权处理",
        )  # fmt: skip


def test_typing_another_number_supersedes_the_conflict_and_typing_it_again_changes_nothing(
    setting: dict[str, Any],
) -> None:
    cadre = make_user(Role.VILLAGE, VILLAGE)
    person, household = _spouse(setting["also_mine"]), setting["also_mine"]
    held = _number(_spouse(setting["far"]))
    services.person_update(actor=cadre, person=person, household=household, id_number=held)
    events = AuditEvent.objects.count()
    services.person_update(actor=cadre, person=person, household=household, id_number=held)
    assert AuditEvent.objects.count() == events  # the same number again: nothing to do, as for a settled one
    free = id_number_for("532928", person.birth_date, 404)
    services.person_update(actor=cadre, person=person, household=household, id_number=free)
    person.refresh_from_db()
    assert person.id_number_index == id_number_index(free) and not person.id_number_disputed
    assert IdConflict.objects.get().outcome == IdConflictOutcome.SUPERSEDED


def test_import_of_a_number_held_outside_the_scope_answers_like_a_free_number(
    setting: dict[str, Any],
) -> None:
    # given: a village cadre's file of two households; one member carries a number held in the other county
    cadre = make_user(Role.VILLAGE, VILLAGE)
    far_spouse = _spouse(setting["far"])
    rows = member_rows(VILLAGE, 2, code_prefix="IMP")
    target = next(r for r in rows if r["与户主关系"] == "配偶")
    target["证件号码"], target["出生日期"], target["性别"] = (
        _number(far_spouse),
        far_spouse.birth_date,
        far_spouse.sex,
    )
    # when
    batch = transfer.import_stage(actor=cadre, file_name="t.xlsx", data=workbook(rows))
    assert batch.status == ImportStatus.VALIDATED, batch.errors
    transfer.import_confirm(actor=cadre, batch=batch)
    done = transfer.import_commit(batch_id=batch.pk)
    # then: as if the number were free — six new people — and the other county's person stays where it was
    assert (done.status, done.summary["people_added"], done.summary["people_updated"]) == ("done", 6, 0)
    far_spouse.refresh_from_db()
    assert far_spouse.memberships.get(left_on__isnull=True).household == setting["far"]
    assert far_spouse.name == "李秀英"
    imported = Person.objects.get(name=target["姓名"])
    assert imported.id_number_disputed and imported.id_number_index is None
    conflict = IdConflict.objects.get()
    assert (conflict.source, conflict.person, conflict.holder) == (
        IdConflictSource.IMPORT,
        imported,
        far_spouse,
    )


def test_import_cannot_take_over_a_household_code_used_outside_the_scope(setting: dict[str, Any]) -> None:
    cadre = make_user(Role.VILLAGE, VILLAGE)
    rows = member_rows(VILLAGE, 1, code_prefix="X")
    for row in rows:
        row["户编号"] = "FAR-1"
    batch = transfer.import_stage(actor=cadre, file_name="t.xlsx", data=workbook(rows))
    assert batch.status == ImportStatus.INVALID
    assert any("管辖范围以外" in e["message"] for e in batch.errors)
    assert Household.objects.get(code="FAR-1").village_id == OTHER_COUNTY_VILLAGE
