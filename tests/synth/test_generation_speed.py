"""The generator's fast paths (issue 22) keep its output: ID numbers valid by P2 with the policy's check
character, their blind index the one common/crypto computes, and a fresh registry loaded without its
indexes gets back exactly the indexes and constraints it had."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from zhenxing.audit.models import AuditEvent
from zhenxing.common.crypto import decrypt_id_number, id_number_index
from zhenxing.policy.rules.idnumber import check_character, parse_id_number
from zhenxing.registry import bulk
from zhenxing.registry.models import Household, Person
from zhenxing.synth.generator import Settings
from zhenxing.synth.services import synthetic_registry_generate

pytestmark = pytest.mark.django_db
ON_POSTGRESQL = connection.vendor == "postgresql"


def _schema() -> list[tuple[str, ...]]:
    tables = [model._meta.db_table for model in bulk.TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY indexname",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])"
            " ORDER BY conname",
            [tables],
        )
        return indexes + cursor.fetchall()


def test_generated_id_numbers_are_valid_and_indexed_as_crypto_does() -> None:
    # given a small synthetic Dali
    synthetic_registry_generate(settings=Settings(scale=0.0005, seed=11, year=2025))
    # then every ID number has P2's check character and the blind index common/crypto gives it
    people = list(Person.objects.values_list("id_number_encrypted", "id_number_index", "id_number_masked"))
    assert people
    for cipher, index, masked in people:
        number = decrypt_id_number(bytes(cipher or b""))
        assert parse_id_number(number).number == number
        assert number[17] == check_character(number[:17])
        assert index == id_number_index(number)
        assert masked == number[:6] + "********" + number[-4:]
    # and the run is audited once
    assert AuditEvent.objects.filter(action="synth.generate").count() == 1


def test_the_same_seed_gives_the_same_people() -> None:
    # given two generations of one seed (the second after the first is gone)
    def drawn() -> list[tuple[object, ...]]:
        synthetic_registry_generate(settings=Settings(scale=0.0003, seed=5, year=2025))
        rows: list[tuple[object, ...]] = [
            (name, birth, decrypt_id_number(bytes(cipher or b"")))
            for name, birth, cipher in Person.objects.order_by("id").values_list(
                "name", "birth_date", "id_number_encrypted"
            )
        ]
        with connection.cursor() as cursor:
            for model in reversed(bulk.TABLES):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 - table names from code
        return rows

    # then both drew the same names, birth dates and ID numbers
    assert drawn() == drawn()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="indexes are deferred on PostgreSQL only")
def test_a_fresh_registry_is_loaded_without_indexes_and_gets_them_all_back() -> None:
    before = _schema()
    # when a registry is generated into empty tables with the indexes deferred
    with transaction.atomic(), bulk.indexes_deferred() as deferred:
        assert deferred
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE tablename = 'registry_person' AND indexname NOT LIKE '%%pkey'"
            )
            assert cursor.fetchone()[0] == 0
    # then every index and constraint is back as it was
    assert _schema() == before


@pytest.mark.skipif(not ON_POSTGRESQL, reason="indexes are deferred on PostgreSQL only")
def test_a_duplicate_written_while_indexes_are_deferred_fails_the_whole_load() -> None:
    before = _schema()

    # given two people whose blind index collides, written while the unique index is away
    def load_with_a_collision() -> None:
        with transaction.atomic(), bulk.indexes_deferred():
            synthetic_registry_generate(settings=Settings(scale=0.0002, seed=2, year=2025))
            first = Person.objects.order_by("id").values_list("id", flat=True)[0]
            with connection.cursor() as cursor:  # the first person again, under another id
                cursor.execute(
                    "CREATE TEMPORARY TABLE twin AS SELECT * FROM registry_person WHERE id = %s", [first]
                )
                cursor.execute("UPDATE twin SET id = id + 1000000")
                cursor.execute("INSERT INTO registry_person SELECT * FROM twin")

    # when it is loaded, the rebuilt unique index refuses it
    with pytest.raises(IntegrityError):
        load_with_a_collision()
    # then nothing stays and the schema is whole
    assert not Household.objects.exists()
    assert _schema() == before


def test_indexes_stay_when_the_registry_is_not_empty() -> None:
    synthetic_registry_generate(settings=Settings(scale=0.0002, seed=2, year=2025))
    with transaction.atomic(), bulk.indexes_deferred() as deferred:
        assert not deferred


@pytest.mark.skipif(not ON_POSTGRESQL, reason="indexes are deferred on PostgreSQL only")
def test_indexes_stay_when_checks_of_removed_rows_are_pending() -> None:
    before = _schema()
    # given rows written and removed earlier in the transaction (their foreign-key checks still pending)
    with transaction.atomic():
        synthetic_registry_generate(settings=Settings(scale=0.0002, seed=2, year=2025))
        with connection.cursor() as cursor:
            for model in reversed(bulk.TABLES):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 - table names from code
        # when a load asks for the indexes to be deferred, it keeps them and goes on
        with bulk.indexes_deferred() as deferred:
            assert not deferred
    assert _schema() == before
