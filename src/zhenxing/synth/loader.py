"""Bulk loading of generated rows: COPY on PostgreSQL, executemany on SQLite — never row by row through the ORM."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from zhenxing.synth.generator import Batch, StartIds

COLUMNS: dict[str, tuple[str, ...]] = {
    "registry_naturalvillage": ("id", "village_id", "name"),
    "registry_household": (
        "id", "code", "sync_status", "village_id", "natural_village_id", "address", "kind", "is_relocated",
        "resettlement_site", "moved_from_id", "contact_phone", "created_at", "updated_at",
    ),
    "registry_person": (
        "id", "name", "sex", "birth_date", "id_type", "id_number_encrypted", "id_number_index", "id_number_masked",
        "ethnicity", "political_status", "education", "schooling", "out_of_school", "education_exempt", "health",
        "disability_category", "disability_grade", "has_disability_certificate", "labour", "work_place", "work_months",
        "welfare_job_months", "resident_medical_insurance", "employee_medical_insurance", "pension_insurance", "dibao",
        "tekun", "phone", "created_at", "updated_at",
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


def _write(table: str, rows: Sequence[tuple]) -> None:
    if not rows:
        return
    columns = COLUMNS[table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608


def write_batch(batch: Batch) -> None:
    _write("registry_naturalvillage", batch.natural_villages)
    _write("registry_household", batch.households)
    _write("registry_person", batch.persons)
    _write("registry_membership", batch.memberships)
    _write("registry_householdyear", batch.years)


def reset_sequences() -> None:
    """After explicit ids, PostgreSQL's sequences must move past them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in COLUMNS:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"  # noqa: S608
            )
