"""Committing a validated import in one transaction with bulk statements: households by 户编号, people by
the ID blind index, memberships and year records; one audit event per household that changed."""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

from zhenxing.audit.models import AuditEvent
from zhenxing.audit.sensitive import protect
from zhenxing.divisions.models import Division
from zhenxing.registry.enums import JoinReason, LeaveReason
from zhenxing.registry.models import Household, HouseholdYear, Membership, NaturalVillage, Person

PERSON_FIELDS = (
    "name", "sex", "birth_date", "ethnicity", "political_status", "education", "schooling", "out_of_school", "health",
    "disability_category", "disability_grade", "labour", "work_place", "work_months", "welfare_job_months",
    "resident_medical_insurance", "employee_medical_insurance", "pension_insurance", "dibao", "tekun", "phone",
)  # fmt: skip
YEAR_FIELDS = (
    "wage", "business", "property", "transfer", "business_cost", "insurance_payouts", "medical_expense",
    "education_expense", "rehabilitation_expense", "accident_expense", "disaster_expense", "housing_grade",
    "water_supply_cut_days", "water_quality_ok", "water_access_ok", "disaster", "accident", "industry_failure",
)  # fmt: skip
CHUNK = 2000
M = TypeVar("M", bound=models.Model)
Progress = Callable[[str, int, int], None]


@dataclass
class Summary:
    households_added: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    people_added: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    years_added: int = 0
    years_updated: int = 0
    touched: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))

    def as_dict(self) -> dict[str, int]:
        return {key: value for key, value in self.__dict__.items() if isinstance(value, int)}


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _fetch(model: type[M], field_name: str, keys: Sequence[Any], **extra: Any) -> list[M]:
    found: list[M] = []
    for part in _chunks(keys):
        found.extend(model.objects.filter(**{f"{field_name}__in": part}, **extra))  # type: ignore[attr-defined]
    return found


def apply_import(
    *,
    members: list[dict[str, Any]],
    years: list[dict[str, Any]],
    actor_id: int,
    actor_label: str,
    progress: Progress,
) -> Summary:
    summary = Summary()
    today = timezone.localdate()
    total = len(members) + len(years)
    by_household: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for member in members:
        by_household[member["household_code"]].append(member)
    villages = {d.code: d for d in Division.objects.filter(code__in={m["village_code"] for m in members})}

    # natural villages named in the file
    wanted_nv = {(m["village_code"], m["natural_village"]) for m in members if m["natural_village"]}
    natural: dict[tuple[str, str], NaturalVillage] = {
        (nv.village.code, nv.name): nv
        for nv in NaturalVillage.objects.filter(
            village__in=villages.values(), name__in={name for _, name in wanted_nv}
        ).select_related("village")
    }
    missing_nv = [
        NaturalVillage(village=villages[code], name=name)
        for code, name in sorted(wanted_nv)
        if (code, name) not in natural
    ]
    for nv in NaturalVillage.objects.bulk_create(missing_nv):
        natural[(nv.village.code, nv.name)] = nv

    # households, by 户编号
    existing = {h.code: h for h in _fetch(Household, "code", list(by_household))}
    new_households, changed_households = [], []
    for code, rows in by_household.items():
        first = rows[0]
        wanted = {
            "village": villages[first["village_code"]],
            "natural_village": natural.get((first["village_code"], first["natural_village"])),
            "kind": first["kind"],
            "address": first["address"],
            "contact_phone": first["contact_phone"],
        }
        household = existing.get(code)
        if household is None:
            new_households.append(Household(code=code, **wanted))
            continue
        diff = [name for name, value in wanted.items() if getattr(household, name) != value]
        if diff:
            for name in diff:
                setattr(household, name, wanted[name])
            changed_households.append(household)
            summary.touched[household.pk].add("household")
    for household in Household.objects.bulk_create(new_households):
        existing[household.code] = household
        summary.touched[household.pk].add("new")
    Household.objects.bulk_update(
        changed_households, ["village", "natural_village", "kind", "address", "contact_phone"]
    )
    summary.households_added = len(new_households)
    progress("农户", len(by_household), total)

    # people, by the ID blind index
    people = {
        p.id_number_index: p for p in _fetch(Person, "id_number_index", [m["id_index"] for m in members])
    }
    new_people, changed_people = [], []
    for member in members:
        values = {name: member[name] for name in PERSON_FIELDS}
        person = people.get(member["id_index"])
        if person is None:
            new_people.append(
                Person(
                    **values,
                    id_number_encrypted=base64.b64decode(member["id_cipher"]),
                    id_number_index=member["id_index"],
                    id_number_masked=member["id_masked"],
                )
            )
            continue
        diff = [name for name, value in values.items() if getattr(person, name) != value]
        if diff:
            for name in diff:
                setattr(person, name, values[name])
            changed_people.append(person)
            summary.touched[existing[member["household_code"]].pk].add("person")
        else:
            summary.people_unchanged += 1
    for person in Person.objects.bulk_create(new_people, batch_size=CHUNK):
        people[person.id_number_index] = person
    Person.objects.bulk_update(changed_people, list(PERSON_FIELDS), batch_size=CHUNK)
    summary.people_added, summary.people_updated = len(new_people), len(changed_people)
    progress("人员", len(by_household) + len(members) // 2, total)

    # memberships: joined today, moved between households, relation changed
    current = {
        m.person_id: m
        for m in _fetch(Membership, "person_id", [p.pk for p in people.values()], left_on__isnull=True)
    }
    ended, relation_changed, joined = [], [], []
    for member in members:
        person = people[member["id_index"]]
        household = existing[member["household_code"]]
        membership = current.get(person.pk)
        if membership is None or membership.household_id != household.pk:
            if membership is not None:
                membership.left_on, membership.left_reason = today, LeaveReason.MOVE_OUT
                ended.append(membership)
                summary.touched[membership.household_id].add("member_left")
            reason = JoinReason.MOVE_IN if membership is not None else JoinReason.REGISTERED
            joined.append(
                Membership(
                    household=household,
                    person=person,
                    relation=member["relation"],
                    joined_on=today,
                    joined_reason=reason,
                )
            )
            summary.touched[household.pk].add("member_joined")
        elif membership.relation != member["relation"]:
            membership.relation = member["relation"]
            relation_changed.append(membership)
            summary.touched[household.pk].add("member_relation")
    Membership.objects.bulk_update(ended, ["left_on", "left_reason"], batch_size=CHUNK)
    Membership.objects.bulk_update(relation_changed, ["relation"], batch_size=CHUNK)
    Membership.objects.bulk_create(joined, batch_size=CHUNK)
    progress("家庭成员", len(by_household) + len(members), total)

    # year records
    household_ids = {existing[row["household_code"]].pk for row in years}
    records = {
        (r.household_id, r.year): r for r in _fetch(HouseholdYear, "household_id", list(household_ids))
    }
    new_years, changed_years = [], []
    for row in years:
        household = existing[row["household_code"]]
        values = {name: row[name] for name in YEAR_FIELDS}
        record = records.get((household.pk, row["year"]))
        if record is None:
            new_years.append(HouseholdYear(household=household, year=row["year"], **values))
            summary.touched[household.pk].add("year")
            continue
        diff = [name for name, value in values.items() if getattr(record, name) != value]
        if diff:
            for name in diff:
                setattr(record, name, values[name])
            changed_years.append(record)
            summary.touched[household.pk].add("year")
    HouseholdYear.objects.bulk_create(new_years, batch_size=CHUNK)
    HouseholdYear.objects.bulk_update(changed_years, list(YEAR_FIELDS), batch_size=CHUNK)
    summary.years_added, summary.years_updated = len(new_years), len(changed_years)

    # one audit event per household that changed (bulk: the guard in AuditEvent.save() is for updates)
    touched_ids = {pk for pk, kinds in summary.touched.items() if kinds}
    summary.households_updated = len(touched_ids) - summary.households_added
    summary.households_unchanged = len(by_household) - len(touched_ids)
    village_of = {h.pk: h.village for h in existing.values()}
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor_id=actor_id,
                actor_label=actor_label,
                action="household.import",
                target_type="registry.household",
                target_id=str(pk),
                division=village_of.get(pk),
                new_values=protect({"changes": sorted(summary.touched[pk])}),
            )
            for pk in sorted(touched_ids)
        ],
        batch_size=CHUNK,
    )
    progress("完成", total, total)
    return summary
