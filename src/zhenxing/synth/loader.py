"""Writing generated rows through the registry's bulk writer (registry/bulk.py): COPY on PostgreSQL,
executemany on SQLite — never row by row through the ORM. The generator builds each row in the model's field
order (registry.bulk.columns)."""

from __future__ import annotations

from zhenxing.registry import bulk
from zhenxing.registry.models import Household, HouseholdYear, Membership, NaturalVillage, Person
from zhenxing.synth.generator import Batch, StartIds


def start_ids() -> StartIds:
    return StartIds(
        natural_village=bulk.first_free_id(NaturalVillage),
        household=bulk.first_free_id(Household),
        person=bulk.first_free_id(Person),
        membership=bulk.first_free_id(Membership),
        year=bulk.first_free_id(HouseholdYear),
    )


def write_batch(batch: Batch) -> None:
    bulk.insert(NaturalVillage, batch.natural_villages)
    bulk.insert(Household, batch.households)
    bulk.insert(Person, batch.persons)
    bulk.insert(Membership, batch.memberships)
    bulk.insert(HouseholdYear, batch.years)


def reset_sequences() -> None:
    bulk.reset_sequences()
