"""Writes on the registry. Each records its audit event in its own transaction; sensitive fields reach the
log masked or hashed (audit/sensitive.py), never in plain text. ID numbers and phones are stored only
encrypted (identity.py, phones.py); a number another person holds is settled in conflicts.py."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, models, transaction

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.audit import services as audit
from zhenxing.common.crypto import decrypt_id_number
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.policy.rules.idnumber import IdNumberError
from zhenxing.registry import conflicts
from zhenxing.registry.enums import IdConflictSource, JoinReason, LeaveReason
from zhenxing.registry.identity import ProtectedId, protect_id_number, validated
from zhenxing.registry.models import Household, HouseholdYear, Membership, NaturalVillage, Person
from zhenxing.registry.phones import normalised_phone, phone_values, protect_phone, revealed_phone

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

HOUSEHOLD_FIELDS = ("code", "address", "kind", "is_relocated", "resettlement_site")
PERSON_FIELDS = (
    "name", "sex", "birth_date", "ethnicity", "political_status", "education", "schooling", "out_of_school",
    "education_exempt", "health", "disability_category", "disability_grade", "has_disability_certificate", "labour",
    "work_place", "work_months", "welfare_job_months", "resident_medical_insurance", "employee_medical_insurance",
    "pension_insurance", "dibao", "tekun",
)  # fmt: skip


def _require_writer(actor: User | None) -> None:
    # The scope itself was checked by the selector that fetched the object the caller passes in.
    if actor is not None and not has_capability(actor, Capability.EDIT_REGISTRY):
        raise PermissionDenied("您的角色不能修改农户台账")


def _value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def _diff(instance: Any, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    old, new, fields = {}, {}, []
    for field, value in changes.items():
        current = getattr(instance, field)
        if current != value:
            old[field], new[field] = _value(current), _value(value)
            fields.append(field)
    return old, new, fields


def natural_village_get_or_create(*, actor: User | None, village: Division, name: str) -> NaturalVillage:
    clean = name.strip()
    found = NaturalVillage.objects.filter(village=village, name=clean).first()
    if found is not None:
        return found
    with transaction.atomic():
        created = NaturalVillage.objects.create(village=village, name=clean)
        audit.record(
            actor=actor,
            action="natural_village.create",
            target=created,
            division=village,
            new={"name": clean},
        )
    return created


def household_create(
    *,
    actor: User | None,
    village: Division,
    kind: str,
    code: str | None = None,
    natural_village: NaturalVillage | None = None,
    address: str = "",
    contact_phone: str = "",
    is_relocated: bool = False,
    resettlement_site: str = "",
    moved_from: Division | None = None,
) -> Household:
    _require_writer(actor)
    if village.level != DivisionLevel.VILLAGE:
        raise InvalidInput([ErrorDetail(("village",), "not_a_village", "农户必须属于一个行政村（社区）")])
    phone = protect_phone(contact_phone, field="contact_phone")
    try:
        with transaction.atomic():
            household = Household.objects.create(
                village=village,
                kind=kind,
                code=code or None,
                natural_village=natural_village,
                address=address,
                **phone_values(phone, prefix="contact_phone"),
                is_relocated=is_relocated,
                resettlement_site=resettlement_site if is_relocated else "",
                moved_from=moved_from if is_relocated else None,
            )
            audit.record(
                actor=actor,
                action="household.create",
                target=household,
                division=village,
                new={"code": code, "kind": kind, "village": village.code, "contact_phone": phone.masked},
            )
    except IntegrityError as error:
        raise Conflict(f"户编号 {code} 已存在") from error
    return household


def household_update(*, actor: User | None, household: Household, **changes: Any) -> Household:
    """`contact_phone` is given as typed (or "" to remove it) and stored encrypted."""
    _require_writer(actor)
    unknown = set(changes) - set(HOUSEHOLD_FIELDS) - {"contact_phone"}
    if unknown:
        raise InvalidInput(
            [ErrorDetail((field,), "unknown_field", "不能修改此字段") for field in sorted(unknown)]
        )
    phone_text = changes.pop("contact_phone", None)
    with transaction.atomic():
        locked = Household.objects.select_for_update().get(pk=household.pk)
        old, new, fields = _diff(locked, changes)
        for field in fields:
            setattr(locked, field, changes[field])
        if phone_text is not None:
            fields += _phone_change(locked, "contact_phone", phone_text, old, new)
        if not fields:
            return locked
        locked.save(update_fields=[*fields, "updated_at"])
        audit.record(
            actor=actor, action="household.update", target=locked, division=locked.village, old=old, new=new
        )
    return locked


def _person_values(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(PERSON_FIELDS) - {"id_number", "phone"}
    if unknown:
        raise InvalidInput([ErrorDetail((field,), "unknown_field", "未知字段") for field in sorted(unknown)])
    return {key: value for key, value in data.items() if key not in ("id_number", "phone")}


def _protected_id(id_number: str | None) -> ProtectedId | None:
    if not id_number:
        return None
    try:
        parsed = validated(id_number)
    except IdNumberError as error:
        raise InvalidInput([ErrorDetail(("id_number",), error.code, error.message)]) from error
    return protect_id_number(parsed.number)


def _phone_change(
    instance: Person | Household, prefix: str, text: str, old: dict[str, Any], new: dict[str, Any]
) -> list[str]:
    """Set the sealed phone on `instance` when it differs from the stored one; the log gets masks only."""
    phone = protect_phone(text, field=prefix)
    stored = revealed_phone(getattr(instance, f"{prefix}_encrypted"))
    if stored == normalised_phone(text) and not getattr(instance, "phone_malformed", False):
        return []
    old[prefix], new[prefix] = getattr(instance, f"{prefix}_masked"), phone.masked
    values = phone_values(phone, prefix=prefix)
    for field, value in values.items():
        setattr(instance, field, value)
    return list(values)


def person_add_to_household(
    *,
    actor: User | None,
    household: Household,
    relation: str,
    joined_on: datetime.date,
    joined_reason: str = JoinReason.REGISTERED,
    **person_data: Any,
) -> Membership:
    _require_writer(actor)
    values = _person_values(person_data)
    protected = _protected_id(person_data.get("id_number"))
    phone = protect_phone(person_data.get("phone") or "")
    try:
        with transaction.atomic():
            claim = (
                conflicts.id_number_claim(actor=actor, person=None, protected=protected)
                if protected
                else None
            )
            person = Person.objects.create(**values, **(claim.values if claim else {}), **phone_values(phone))
            membership = Membership.objects.create(
                household=household,
                person=person,
                relation=relation,
                joined_on=joined_on,
                joined_reason=joined_reason,
            )
            audit.record(
                actor=actor,
                action="person.add",
                target=person,
                division=household.village,
                new={
                    "household": household.pk,
                    "relation": relation,
                    "name": person.name,
                    "id_number": protected.masked if protected else None,
                    "phone": phone.masked,
                },
            )
            if claim is not None and claim.holder is not None:
                assert protected is not None
                conflicts.id_conflict_open(
                    actor=actor, person=person, household=household, holder=claim.holder,
                    protected=protected, source=IdConflictSource.ADD, previous=None,
                )  # fmt: skip
    except IntegrityError as error:
        raise Conflict("该户已有户主，或该证件号码刚被他人登记，请核实后重试") from error
    return membership


def person_update(*, actor: User | None, person: Person, household: Household, **changes: Any) -> Person:
    """`household` is the visible household through which the caller reached the person (for the log's scope).
    `id_number` and `phone` come as typed; `phone=""` removes the phone. An ID number another person holds:
    conflicts.py (a plain refusal inside the user's scope, a disputed entry for the county outside it)."""
    _require_writer(actor)
    values = _person_values(changes)
    protected = _protected_id(changes.get("id_number"))
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        old, new, fields = _diff(locked, values)
        for field in fields:
            setattr(locked, field, values[field])
        if "phone" in changes:
            fields += _phone_change(locked, "phone", changes["phone"] or "", old, new)
        pending = conflicts.pending_conflict(locked) if locked.id_number_disputed else None
        current_index = pending.id_number_index if pending is not None else locked.id_number_index
        claim, before = None, _stored_id(locked)
        if protected is not None and protected.index != current_index:
            claim = conflicts.id_number_claim(actor=actor, person=locked, protected=protected)
            old["id_number"], new["id_number"] = locked.id_number_masked, protected.masked
            for field, value in claim.values.items():
                setattr(locked, field, value)
            fields.extend(claim.values)
        if not fields:
            return locked
        try:
            with transaction.atomic():
                locked.save(update_fields=[*fields, "updated_at"])
        except IntegrityError as error:  # taken between the claim and the save: rare, and says nothing
            raise Conflict("保存时该证件号码的登记情况发生了变化，请重试") from error
        audit.record(
            actor=actor, action="person.update", target=locked, division=household.village, old=old, new=new
        )
        if claim is not None and pending is not None:
            conflicts.id_conflict_supersede(actor=actor, conflict=pending)
        if claim is not None and claim.holder is not None:
            conflicts.id_conflict_open(
                actor=actor, person=locked, household=household, holder=claim.holder, protected=protected,  # type: ignore[arg-type]
                source=IdConflictSource.EDIT, previous=pending or before,
            )  # fmt: skip
    return locked


def _stored_id(person: Person) -> ProtectedId | None:
    """The person's settled number as stored (None when there is none)."""
    if person.id_number_encrypted is None or person.id_number_index is None:
        return None
    return ProtectedId(
        encrypted=bytes(person.id_number_encrypted),
        index=person.id_number_index,
        masked=person.id_number_masked,
    )


def membership_end(
    *, actor: User | None, membership: Membership, left_on: datetime.date, reason: LeaveReason
) -> Membership:
    _require_writer(actor)
    with transaction.atomic():
        locked = (
            Membership.objects.select_for_update().select_related("household__village").get(pk=membership.pk)
        )
        if locked.left_on is not None:
            raise Conflict("该成员已离开此户")
        if left_on < locked.joined_on:
            raise InvalidInput([ErrorDetail(("left_on",), "before_joining", "离开日期不能早于加入日期")])
        locked.left_on, locked.left_reason = left_on, reason
        locked.save(update_fields=["left_on", "left_reason"])
        audit.record(
            actor=actor,
            action="membership.end",
            target=locked,
            division=locked.household.village,
            new={"left_on": left_on.isoformat(), "left_reason": reason},
        )
    return locked


def household_year_upsert(
    *, actor: User | None, household: Household, year: int, values: dict[str, Any]
) -> HouseholdYear:
    """Create or change the year's record (P3 income and expenses, P6 flags). Money in fen, never negative."""
    _require_writer(actor)
    problems = [
        ErrorDetail((field,), "negative_money", "金额不能为负数")
        for field in HouseholdYear.MONEY_FIELDS
        if field in values and values[field] < 0
    ]
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        record, created = HouseholdYear.objects.select_for_update().get_or_create(
            household=household, year=year
        )
        benefit = values.get("assistance_benefit", record.assistance_benefit)
        if benefit > values.get("transfer", record.transfer):  # P17: a part of the transfer income
            raise InvalidInput(
                [
                    ErrorDetail(
                        ("assistance_benefit",),
                        "exceeds_transfer",
                        "低保金、特困供养金是转移性收入的一部分，不能超过转移性收入",
                    )
                ]
            )
        old, new, fields = _diff(record, values)
        if not fields and not created:
            return record
        for field in fields:
            setattr(record, field, values[field])
        record.save()
        audit.record(
            actor=actor,
            action="household_year.create" if created else "household_year.update",
            target=household,
            division=household.village,
            old=old or None,
            new={"year": year, **new},
        )
    return record


def person_reveal_id(*, actor: User, person: Person, household: Household, reason: str) -> str:
    """Show one ID number in full: needs the capability and a typed reason, and is audited (PIPL)."""
    if not has_capability(actor, Capability.REVEAL_ID_NUMBER):
        raise PermissionDenied("您的角色不能查看完整证件号码")
    if len(reason.strip()) < 2:
        raise InvalidInput([ErrorDetail(("reason",), "required", "请填写查看完整证件号码的理由")])
    if person.id_number_encrypted is None:
        raise InvalidInput([ErrorDetail(("id_number",), "absent", "此人未登记证件号码")])
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="person.reveal_id",
            target=person,
            division=household.village,
            new={"id_number": person.id_number_masked},
            reason=reason.strip(),
        )
    return decrypt_id_number(bytes(person.id_number_encrypted))


def _check_reveal(actor: User, reason: str, what: str) -> str:
    """A reveal needs the capability (the one for ID numbers covers phones too) and a typed reason."""
    if not has_capability(actor, Capability.REVEAL_ID_NUMBER):
        raise PermissionDenied(f"您的角色不能查看完整{what}")
    if len(reason.strip()) < 2:
        raise InvalidInput([ErrorDetail(("reason",), "required", f"请填写查看完整{what}的理由")])
    return reason.strip()


def person_reveal_phone(*, actor: User, person: Person, household: Household, reason: str) -> str:
    """Show one member's phone in full: capability, a typed reason, audited — as for ID numbers."""
    why = _check_reveal(actor, reason, "联系电话")
    if person.phone_encrypted is None:
        raise InvalidInput([ErrorDetail(("phone",), "absent", "此人未登记联系电话")])
    with transaction.atomic():
        audit.record(
            actor=actor, action="person.reveal_phone", target=person, division=household.village,
            new={"phone": person.phone_masked}, reason=why,
        )  # fmt: skip
    return revealed_phone(person.phone_encrypted)


def household_reveal_contact_phone(*, actor: User, household: Household, reason: str) -> str:
    why = _check_reveal(actor, reason, "联系电话")
    if household.contact_phone_encrypted is None:
        raise InvalidInput([ErrorDetail(("contact_phone",), "absent", "此户未登记联系电话")])
    with transaction.atomic():
        audit.record(
            actor=actor, action="household.reveal_phone", target=household, division=household.village,
            new={"contact_phone": household.contact_phone_masked}, reason=why,
        )  # fmt: skip
    return revealed_phone(household.contact_phone_encrypted)


def registry_export_record(*, actor: User, households: int, filters: list[str]) -> None:
    """A 台账 export takes personal data out of the system: who, how many households, which filters (the
    filter values are not kept: a name prefix is personal data)."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="registry.export",
            target=("registry.household", "*"),
            division=actor.jurisdiction,
            new={"households": households, "filters": filters},
        )
