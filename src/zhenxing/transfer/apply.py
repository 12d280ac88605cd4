"""Committing a validated import in one transaction: households by 户编号, people by the ID blind index,
memberships and year records, one audit event per household that changed. New rows are streamed and
changed rows written back by the registry's bulk writer (registry/bulk.py: COPY on PostgreSQL); each new row
is a tuple in its model's field order (registry.bulk.columns).

A person is matched only inside the importer's scope. An ID number held by someone outside it is imported as
a new, disputed person and reported to the counties (registry/conflicts.py): the import's outcome and
summary are then the same as for a number nobody held, so an import cannot probe the prefecture's register.
Phones arrive sealed from validation and are compared by decrypting, never stored in plain text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

from zhenxing.accounts.models import User
from zhenxing.audit import services as audit
from zhenxing.audit.sensitive import protect
from zhenxing.common.bulk import as_json
from zhenxing.divisions.models import Division
from zhenxing.registry import bulk, conflicts
from zhenxing.registry.enums import IdConflictSource, IdConflictStatus, JoinReason, LeaveReason, SyncStatus
from zhenxing.registry.identity import ProtectedId
from zhenxing.registry.models import Household, HouseholdYear, IdConflict, Membership, NaturalVillage, Person
from zhenxing.registry.phones import revealed_phone
from zhenxing.registry.selectors import household_list_for_user

PERSON_FIELDS = (
    "name", "sex", "birth_date", "ethnicity", "political_status", "education", "schooling", "out_of_school", "health",
    "disability_category", "disability_grade", "labour", "work_place", "work_months", "welfare_job_months",
    "resident_medical_insurance", "employee_medical_insurance", "pension_insurance", "dibao", "tekun",
)  # fmt: skip
PHONE_FIELDS = ("phone_encrypted", "phone_masked", "phone_malformed")
CONTACT_PHONE_FIELDS = ("contact_phone_encrypted", "contact_phone_masked")
YEAR_FIELDS = (
    "wage", "business", "property", "transfer", "assistance_benefit", "business_cost", "insurance_payouts", "medical_expense",
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
    """The rows whose `field_name` is one of `keys`. PostgreSQL: one query with the keys as one array
    parameter (= ANY), where `__in` makes Django quote each of 100,000 keys; SQLite: IN, a chunk at a time."""
    if not keys:
        return []
    manager = model.objects  # type: ignore[attr-defined]
    if connection.vendor == "postgresql":
        field = model._meta.get_field(field_name)
        # the column and its type from the model (the array typed as the column, so that its index is used);
        # the keys are one bound parameter
        where = f'"{field.column}" = ANY(%s::{field.db_type(connection)}[])'  # type: ignore[union-attr]
        return list(manager.filter(**extra).extra(where=[where], params=[list(keys)]))  # noqa: S610
    found: list[M] = []
    for part in _chunks(keys):
        found.extend(manager.filter(**{f"{field_name}__in": part}, **extra))
    return found


def _cipher(staged: bytes | None) -> bytes | None:
    return staged or None


def _phone_differs(stored: Any, staged: bytes | None) -> bool:
    """Ciphertexts differ even for one number (a fresh nonce each time): compare what they hold."""
    return revealed_phone(stored) != revealed_phone(_cipher(staged))


class OutOfScope(Exception):
    """A household code validation let through names a household outside the importer's scope."""


def apply_import(
    *,
    members: list[dict[str, Any]],
    years: list[dict[str, Any]],
    actor_id: int,
    actor_label: str,
    progress: Progress,
) -> Summary:
    summary = Summary()
    now = timezone.now()
    today = timezone.localdate()
    total = len(members) + len(years)
    by_household: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for member in members:
        by_household[member["household_code"]].append(member)
    villages = {d.code: d for d in Division.objects.filter(code__in={m["village_code"] for m in members})}

    # natural villages named in the file (few: the ORM is fine here)
    wanted_nv = {(m["village_code"], m["natural_village"]) for m in members if m["natural_village"]}
    natural: dict[tuple[str, str], int] = {
        (nv.village.code, nv.name): nv.pk
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
        natural[(nv.village.code, nv.name)] = nv.pk

    # households, by 户编号
    existing = {h.code: h for h in _fetch(Household, "code", list(by_household))}
    importer = User.objects.get(pk=actor_id)
    in_scope = set(
        household_list_for_user(user=importer)
        .filter(pk__in=[h.pk for h in existing.values()])
        .values_list("pk", flat=True)
    )
    if any(h.pk not in in_scope for h in existing.values()):
        raise OutOfScope("户编号属于管辖范围以外的农户")  # validation refuses it; never move such a household
    household_id: dict[str, int] = {code: h.pk for code, h in existing.items() if code}
    village_of: dict[int, str] = {h.pk: str(h.village_id) for h in existing.values()}
    new_codes, changed_households = [], []
    for code, rows in by_household.items():
        first = rows[0]
        wanted = {
            "village_id": first["village_code"],
            "natural_village_id": natural.get((first["village_code"], first["natural_village"])),
            "kind": first["kind"],
            "address": first["address"],
        }
        household = existing.get(code)
        if household is None:
            new_codes.append(code)
            continue
        diff = [name for name, value in wanted.items() if getattr(household, name) != value]
        if _phone_differs(household.contact_phone_encrypted, first["contact_phone_cipher"]):
            wanted["contact_phone_encrypted"] = _cipher(first["contact_phone_cipher"])
            wanted["contact_phone_masked"] = first["contact_phone_masked"]
            diff += list(CONTACT_PHONE_FIELDS)
        if diff:
            for name in diff:
                setattr(household, name, wanted[name])
            changed_households.append(household)
            summary.touched[household.pk].add("household")
    new_rows = []
    for pk, code in zip(bulk.allocate(Household, len(new_codes)), new_codes, strict=True):
        first = by_household[code][0]
        household_id[code], village_of[pk] = pk, first["village_code"]
        summary.touched[pk].add("new")
        new_rows.append(
            (pk, code, SyncStatus.LOCAL, first["village_code"], natural.get((first["village_code"], first["natural_village"])),
             first["address"], first["kind"], False, "", None, _cipher(first["contact_phone_cipher"]),
             first["contact_phone_masked"], now, now)
        )  # fmt: skip
    bulk.insert(Household, new_rows)
    bulk.update(
        Household,
        changed_households,
        ["village", "natural_village", "kind", "address", *CONTACT_PHONE_FIELDS],
    )
    summary.households_added = len(new_codes)
    progress("农户", len(by_household), total)

    # people, by the ID blind index — only those the importer can see where they are now
    people: dict[str, int] = {}
    member_by_index = {m["id_index"]: m for m in members}
    indexes = list(member_by_index)
    holders = {str(p.id_number_index): p for p in _fetch(Person, "id_number_index", indexes)}
    # people entered with one of these numbers while someone else held it (registry/conflicts.py)
    disputed = {
        c.id_number_index: c.person
        for c in _fetch(IdConflict, "id_number_index", indexes, status=IdConflictStatus.PENDING)
        if c.person.id_number_disputed
    }
    visible = conflicts.people_visible_now(
        user=importer, person_ids={p.pk for p in (*holders.values(), *disputed.values())}
    )
    matched = {index: p for index, p in holders.items() if p.pk in visible}
    matched.update({index: p for index, p in disputed.items() if p.pk in visible and index not in matched})
    routed = {index: holders[index] for index in holders if index not in matched}
    changed_people = []
    for index, person in matched.items():
        people[index] = person.pk
        member = member_by_index[index]
        values = {name: member[name] for name in PERSON_FIELDS}
        diff = [name for name, value in values.items() if getattr(person, name) != value]
        for name in diff:
            setattr(person, name, values[name])
        if _phone_differs(person.phone_encrypted, member["phone_cipher"]) or person.phone_malformed:
            person.phone_encrypted = _cipher(member["phone_cipher"])
            person.phone_masked, person.phone_malformed = member["phone_masked"], False
            diff.append("phone")
        if diff:
            changed_people.append(person)
            summary.touched[household_id[member["household_code"]]].add("person")
        else:
            summary.people_unchanged += 1
    fresh = [m for m in members if m["id_index"] not in people]
    person_rows = []
    for pk, m in zip(bulk.allocate(Person, len(fresh)), fresh, strict=True):
        people[m["id_index"]] = pk
        is_routed = m["id_index"] in routed
        person_rows.append(
            (pk, m["name"], m["sex"], m["birth_date"], "resident_id", m["id_cipher"],
             None if is_routed else m["id_index"], m["id_masked"], is_routed, m["ethnicity"], m["political_status"],
             m["education"], m["schooling"], m["out_of_school"], False, m["health"], m["disability_category"],
             m["disability_grade"], False, m["labour"], m["work_place"], m["work_months"] or 0,
             m["welfare_job_months"] or 0, m["resident_medical_insurance"], m["employee_medical_insurance"],
             m["pension_insurance"], m["dibao"], m["tekun"], _cipher(m["phone_cipher"]), m["phone_masked"], False,
             now, now)
        )  # fmt: skip
    bulk.insert(Person, person_rows)
    bulk.update(Person, changed_people, [*PERSON_FIELDS, *PHONE_FIELDS])
    summary.people_added, summary.people_updated = len(fresh), len(changed_people)
    progress("人员", len(by_household) + len(members) // 2, total)

    # memberships: joined today, moved between households, relation changed
    # a person added just now has no membership yet: only those matched may have one
    current = {
        m.person_id: m
        for m in _fetch(Membership, "person_id", [p.pk for p in matched.values()], left_on__isnull=True)
    }
    ended, relation_changed, joined = [], [], []
    for member in members:
        person_id = people[member["id_index"]]
        target = household_id[member["household_code"]]
        membership = current.get(person_id)
        if membership is None or membership.household_id != target:
            if membership is not None:
                membership.left_on, membership.left_reason = today, LeaveReason.MOVE_OUT
                ended.append(membership)
                summary.touched[membership.household_id].add("member_left")
            reason = JoinReason.MOVE_IN if membership is not None else JoinReason.REGISTERED
            joined.append((target, person_id, member["relation"], today, reason, None, ""))
            summary.touched[target].add("member_joined")
        elif membership.relation != member["relation"]:
            membership.relation = member["relation"]
            relation_changed.append(membership)
            summary.touched[target].add("member_relation")
    bulk.update(Membership, ended, ["left_on", "left_reason"])
    bulk.update(Membership, relation_changed, ["relation"])
    ids = bulk.allocate(Membership, len(joined))
    bulk.insert(Membership, [(pk, *row) for pk, row in zip(ids, joined, strict=True)])
    _open_conflicts(importer, routed, member_by_index, people, household_id)
    progress("家庭成员", len(by_household) + len(members), total)

    # year records
    records = {
        (r.household_id, r.year): r
        for r in _fetch(
            HouseholdYear, "household_id", list({household_id[y["household_code"]] for y in years})
        )
    }
    new_years, changed_years = [], []
    for row in years:
        target = household_id[row["household_code"]]
        record = records.get((target, row["year"]))
        values = {name: row[name] for name in YEAR_FIELDS if name in row}
        if "assistance_benefit" not in values:
            # a workbook without the 低保金特困供养金 column (P17) says nothing about it: a stored value stays,
            # within the new transfer income
            kept = record.assistance_benefit if record is not None else 0
            values["assistance_benefit"] = min(kept, values["transfer"])
        if record is None:
            new_years.append((target, row["year"], *(values[name] for name in YEAR_FIELDS), now))
            summary.touched[target].add("year")
            continue
        diff = [name for name, value in values.items() if getattr(record, name) != value]
        if diff:
            for name in diff:
                setattr(record, name, values[name])
            changed_years.append(record)
            summary.touched[target].add("year")
    ids = bulk.allocate(HouseholdYear, len(new_years))
    bulk.insert(HouseholdYear, [(pk, *row) for pk, row in zip(ids, new_years, strict=True)])
    bulk.update(HouseholdYear, changed_years, list(YEAR_FIELDS))
    summary.years_added, summary.years_updated = len(new_years), len(changed_years)

    # one audit event per household that changed
    touched_ids = sorted(pk for pk, kinds in summary.touched.items() if kinds)
    summary.households_updated = len(touched_ids) - summary.households_added
    summary.households_unchanged = len(by_household) - len(touched_ids)
    division_ids = dict(Division.objects.filter(code__in=set(village_of.values())).values_list("code", "id"))
    audit.record_many(
        [
            (now, actor_id, actor_label, "household.import", "registry.household", str(pk),
             division_ids.get(village_of.get(pk, "")), None, as_json(protect({"changes": sorted(summary.touched[pk])})), "", None)
            for pk in touched_ids
        ],
    )  # fmt: skip
    progress("完成", total, total)
    return summary


def _open_conflicts(
    importer: User,
    routed: dict[str, Person],
    member_by_index: dict[str, dict[str, Any]],
    people: dict[str, int],
    household_id: dict[str, int],
) -> None:
    """One IdConflict per number held outside the importer's scope (few: the ORM is fine here)."""
    if not routed:
        return
    persons = Person.objects.in_bulk([people[index] for index in routed])
    households = Household.objects.in_bulk(
        [household_id[member_by_index[i]["household_code"]] for i in routed]
    )
    for index, holder in routed.items():
        member = member_by_index[index]
        conflicts.id_conflict_open(
            actor=importer, person=persons[people[index]], household=households[household_id[member["household_code"]]],
            holder=holder, protected=ProtectedId(member["id_cipher"], index, member["id_masked"]),
            source=IdConflictSource.IMPORT, previous=None,
        )  # fmt: skip
