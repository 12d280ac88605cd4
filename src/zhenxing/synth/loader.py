"""Bulk loading of generated rows: COPY on PostgreSQL, executemany on SQLite — never row by row through the ORM."""

from __future__ import annotations

from django.db import connection

from zhenxing.common.bulk import insert_rows, reset_sequence
from zhenxing.synth.generator import Batch, StartIds

COLUMNS: dict[str, tuple[str, ...]] = {
    "registry_naturalvillage": ("id", "village_id", "name"),
    "registry_household": (
        "id", "code", "sync_status", "village_code", "natural_village_id", "address", "kind", "is_relocated",
        "resettlement_site", "moved_from_code", "contact_phone_encrypted", "contact_phone_masked", "created_at",
        "updated_at",
    ),
    "registry_person": (
        "id", "name", "sex", "birth_date", "id_type", "id_number_encrypted", "id_number_index", "id_number_masked",
        "id_number_disputed", "ethnicity", "political_status", "education", "schooling", "out_of_school", "education_exempt", "health",
        "disability_category", "disability_grade", "has_disability_certificate", "labour", "work_place", "work_months",
        "welfare_job_months", "resident_medical_insurance", "employee_medical_insurance", "pension_insurance", "dibao",
        "tekun", "phone_encrypted", "phone_masked", "phone_malformed", "created_at", "updated_at",
    ),
    "registry_membership": ("id", "household_id", "person_id", "relation", "joined_on", "joined_reason", "left_on", "left_reason"),
    "registry_householdyear": (
        "id", "household_id", "year", "wage", "business", "property", "transfer", "business_cost", "insurance_payouts",
        "medical_expense", "education_expense", "rehabilitation_expense", "accident_expense", "disaster_expense",
        "housing_grade", "water_supply_cut_days", "water_quality_ok", "water_access_ok", "disaster", "accident",
        "industry_failure", "updated_at",
    ),
}  # fmt: skip


def start_ids() -> StartIds:
    with connection.cursor() as cursor:

        def after(table: str) -> int:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - fixed table names
            return int(cursor.fetchone()[0])

        return StartIds(
            natural_village=after("registry_naturalvillage"),
            household=after("registry_household"),
            person=after("registry_person"),
            membership=after("registry_membership"),
            year=after("registry_householdyear"),
        )


def write_batch(batch: Batch) -> None:
    insert_rows("registry_naturalvillage", COLUMNS["registry_naturalvillage"], batch.natural_villages)
    insert_rows("registry_household", COLUMNS["registry_household"], batch.households)
    insert_rows("registry_person", COLUMNS["registry_person"], batch.persons)
    insert_rows("registry_membership", COLUMNS["registry_membership"], batch.memberships)
    insert_rows("registry_householdyear", COLUMNS["registry_householdyear"], batch.years)


def reset_sequences() -> None:
    for table in COLUMNS:
        reset_sequence(table)
