"""Writes on the registry. Each records its audit event in its own transaction; sensitive fields reach the
log masked or hashed (audit/sensitive.py), never in plain text."""

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
from zhenxing.registry.enums import JoinReason, LeaveReason
from zhenxing.registry.identity import protect_id_number, validated
from zhenxing.registry.models import Household, HouseholdYear, Membership, NaturalVillage, Person

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

HOUSEHOLD_FIELDS = ("code", "address", "kind", "contact_phone", "is_relocated", "resettlement_site")
PERSON_FIELDS = (
    "name", "sex", "birth_date", "ethnicity", "political_status", "education", "schooling", "out_of_school",
    "education_exempt", "health", "disability_category", "disability_grade", "has_disability_certificate", "labour",
    "work_place", "work_months", "welfare_job_months", "resident_medical_insurance", "employee_medical_insurance",
    "pension_insurance", "dibao", "tekun", "phone",
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
    try:
        with transaction.atomic():
            household = Household.objects.create(
                village=village,
                kind=kind,
                code=code or None,
                natural_village=natural_village,
                address=address,
                contact_phone=contact_phone,
                is_relocated=is_relocated,
                resettlement_site=resettlement_site if is_relocated else "",
                moved_from=moved_from if is_relocated else None,
            )
            audit.record(
                actor=actor,
                action="household.create",
                target=household,
                division=village,
                new={"code": code, "kind": kind, "village": village.code, "contact_phone": contact_phone},
            )
    except IntegrityError as error:
        raise Conflict(f"户编号 {code} 已存在") from error
    return household


def household_update(*, actor: User | None, household: Household, **changes: Any) -> Household:
    _require_writer(actor)
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise InvalidInput(
            [ErrorDetail((field,), "unknown_field", "不能修改此字段") for field in sorted(unknown)]
        )
    with transaction.atomic():
        locked = Household.objects.select_for_update().get(pk=household.pk)
        old, new, fields = _diff(locked, changes)
        if not fields:
            return locked
        for field in fields:
            setattr(locked, field, changes[field])
        locked.save(update_fields=[*fields, "updated_at"])
        audit.record(
            actor=actor, action="household.update", target=locked, division=locked.village, old=old, new=new
        )
    return locked


def _person_values(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(PERSON_FIELDS) - {"id_number"}
    if unknown:
        raise InvalidInput([ErrorDetail((field,), "unknown_field", "未知字段") for field in sorted(unknown)])
    return {key: value for key, value in data.items() if key != "id_number"}


def _id_fields(id_number: str | None) -> dict[str, Any]:
    if not id_number:
        return {}
    try:
        parsed = validated(id_number)
    except IdNumberError as error:
        raise InvalidInput([ErrorDetail(("id_number",), error.code, error.message)]) from error
    protected = protect_id_number(parsed.number)
    return {
        "id_number_encrypted": protected.encrypted,
        "id_number_index": protected.index,
        "id_number_masked": protected.masked,
    }


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
    identity = _id_fields(person_data.get("id_number"))
    try:
        with transaction.atomic():
            person = Person.objects.create(**values, **identity)
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
                    "id_number": identity.get("id_number_masked"),
                },
            )
    except IntegrityError as error:
        raise Conflict("该证件号码已登记，或该户已有户主") from error
    return membership


def person_update(*, actor: User | None, person: Person, household: Household, **changes: Any) -> Person:
    """`household` is the visible household through which the caller reached the person (for the log's scope)."""
    _require_writer(actor)
    values = _person_values(changes)
    identity = _id_fields(changes.get("id_number")) if changes.get("id_number") else {}
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        old, new, fields = _diff(locked, values)
        if identity and identity["id_number_index"] != locked.id_number_index:
            old["id_number"], new["id_number"] = locked.id_number_masked, identity["id_number_masked"]
            for field, value in identity.items():
                setattr(locked, field, value)
            fields.extend(identity)
        if not fields:
            return locked
        for field in values:
            setattr(locked, field, values[field])
        try:
            locked.save(update_fields=[*fields, "updated_at"])
        except IntegrityError as error:
            raise Conflict("该证件号码已登记在另一人名下") from error
        audit.record(
            actor=actor, action="person.update", target=locked, division=household.village, old=old, new=new
        )
    return locked


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
