"""Everything that touches ID numbers and phone numbers, done once: generation, an import, edits, reveals,
an export. Returns every plaintext ID and phone number involved, so a raw dump can be searched for them."""

from __future__ import annotations

import datetime
from typing import Any

from zhenxing.accounts.enums import Role
from zhenxing.common.crypto import decrypt_id_number, decrypt_phone
from zhenxing.registry import services
from zhenxing.registry.models import Household, Person
from zhenxing.synth.generator import Settings
from zhenxing.synth.services import synthetic_registry_generate
from zhenxing.transfer import services as transfer

from ..factories import id_number_for, make_user
from ..transfer.workbook_builder import member_rows, workbook, year_rows


def exercise_registry() -> list[str]:
    synthetic_registry_generate(settings=Settings(scale=0.0005, seed=7, year=2025))
    user = make_user(Role.TOWNSHIP, "532926101", username="dump_importer")
    rows = _with_phones(member_rows("532926101202", 20, code_prefix="DUMP"), "1590", "1581")
    batch = transfer.import_stage(actor=user, file_name="dump.xlsx", data=workbook(rows, year_rows(rows)))
    transfer.import_confirm(actor=user, batch=batch)
    transfer.import_commit(batch_id=batch.pk)
    # a second upload that stays staged (never confirmed): staging must hold no plaintext either
    staged = _with_phones(member_rows("532926101202", 5, seed=9, code_prefix="STG"), "1570", "1571")
    transfer.import_stage(actor=user, file_name="staged.xlsx", data=workbook(staged))
    person = Person.objects.filter(id_number_index__isnull=False).order_by("pk").first()
    assert person is not None
    household = person.memberships.first().household  # type: ignore[union-attr]
    new_number = id_number_for("532926", person.birth_date, 777 if person.sex == "男" else 778)
    services.person_update(
        actor=user, person=person, household=household, id_number=new_number, phone="139 1234 5678"
    )
    services.person_reveal_id(
        actor=user, person=Person.objects.get(pk=person.pk), household=household, reason="核对"
    )
    services.person_reveal_phone(
        actor=user, person=Person.objects.get(pk=person.pk), household=household, reason="电话回访"
    )
    services.household_update(actor=user, household=household, contact_phone="0872-6012345")
    services.household_reveal_contact_phone(
        actor=user, household=Household.objects.get(pk=household.pk), reason="回访"
    )
    from zhenxing.registry.export import export_workbook

    export_workbook(Household.objects.filter(pk=household.pk))
    services.household_year_upsert(actor=user, household=household, year=2025, values={"wage": 123_456})
    from zhenxing.feeds.services import feed_batch_ingest

    # a department feed: matched, unmatched and quarantined rows alike must keep no plaintext ID
    feed_rows = [
        {"id_number": row["证件号码"], "disease_class": "大病", "date": "2025-05-01"} for row in rows[:10]
    ]
    feed_rows += [
        {"id_number": "11010519491231002X", "disease_class": "大病", "date": "2025-05-01"},
        {"id_number": "110105194912310021", "disease_class": "x"},
    ]
    feed_batch_ingest(department="health", rows=feed_rows, source="api")
    # a portal application (in the registry, and someone who is not) opens cases; notices list them
    from zhenxing.divisions.models import Division
    from zhenxing.portal.services import application_submit

    outsider = "110105194912310038"
    for number, ip in ((rows[1]["证件号码"], "10.9.0.1"), (outsider, "10.9.0.2")):
        application_submit(
            village=Division.objects.get(code="532926101202"), name="申请人", id_number=number, phone="13911112222",
            difficulties=["医疗"], description="住院花费大", on_behalf=False, ip_address=ip,
        )  # fmt: skip
    numbers = [
        decrypt_id_number(bytes(p.id_number_encrypted))
        for p in Person.objects.exclude(id_number_encrypted=None)
    ]
    numbers += [row["证件号码"] for row in rows]
    phones = [decrypt_phone(bytes(p.phone_encrypted)) for p in Person.objects.exclude(phone_encrypted=None)]
    phones += [
        decrypt_phone(bytes(h.contact_phone_encrypted))
        for h in Household.objects.exclude(contact_phone_encrypted=None)
    ]
    phones += [row[column] for row in (*rows, *staged) for column in ("联系电话", "户联系电话")]
    assert len(phones) > 50 and "13912345678" in phones and "08726012345" in phones
    return sorted(
        {*numbers, *phones, new_number, "11010519491231002X", "110105194912310021", outsider, "13911112222"}
    )  # the portal keeps the phone encrypted too


def _with_phones(
    rows: list[dict[str, Any]], person_prefix: str, household_prefix: str
) -> list[dict[str, Any]]:
    """Every member and every household a phone number of its own (11 digits)."""
    households: dict[str, int] = {}
    for number, row in enumerate(rows):
        row["联系电话"] = f"{person_prefix}{number:07d}"
        row["户联系电话"] = f"{household_prefix}{households.setdefault(row['户编号'], len(households)):07d}"
    return rows


def leaks(blob: bytes, numbers: list[str]) -> list[str]:
    found = []
    for number in numbers:
        for form in (
            number.encode(),
            number.encode("utf-16-le"),
            number[:17].encode() + b"\\",
            number[:17].encode(),
        ):
            if form in blob:
                found.append(number)
                break
    return found


_ = datetime
