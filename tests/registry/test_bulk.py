"""The registry's bulk writer (registry/bulk.py): columns from the models, rows in field order, refused when
their shape is not the table's; the only writer of the registry's tables outside the registry."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from zhenxing.divisions.models import Division
from zhenxing.registry import bulk
from zhenxing.registry.models import Household, HouseholdYear, Membership, NaturalVillage, Person
from zhenxing.synth.generator import Settings
from zhenxing.synth.services import synthetic_registry_generate
from zhenxing.transfer.models import StagedRow

from ..conftest import VILLAGE

SRC = Path(__file__).resolve().parents[2] / "src" / "zhenxing"


def test_columns_are_the_models_concrete_fields_in_order() -> None:
    for model in bulk.TABLES:
        assert bulk.columns(model) == tuple(f.column for f in model._meta.concrete_fields)
    assert bulk.columns(Household)[:4] == ("id", "code", "sync_status", "village_code")


def test_a_table_outside_the_registry_is_refused() -> None:
    with pytest.raises(ValueError, match="registry"):
        bulk.insert(StagedRow, [(1, 1, "member", 2, b"")])


@pytest.mark.django_db
def test_a_row_of_the_old_shape_is_refused_before_anything_is_written() -> None:
    # given a natural-village row missing its name (as a writer built before a field was added would)
    village = Division.objects.get(code=VILLAGE)
    # when it is written, then it is refused and nothing reaches the table
    with pytest.raises(ValueError, match="2 values, the table has 3 columns"):
        bulk.insert(NaturalVillage, [(bulk.first_free_id(NaturalVillage), village.pk)])
    assert not NaturalVillage.objects.exists()


@pytest.mark.django_db
def test_rows_in_field_order_round_trip_through_the_orm() -> None:
    # given one household, one person, a membership and a year record written in bulk (the callers own the
    # transaction and its audit event: here, the test)
    now = timezone.now()
    village = Division.objects.get(code=VILLAGE)
    household_row = (
        f"{VILLAGE}99001", "local", VILLAGE, None, "西山1号", "脱贫户", True, "安置区", None, None, "", now, now,
    )  # fmt: skip
    person = (
        "杨建国", "男", datetime.date(1975, 3, 8), "resident_id", b"sealed", "index-1", "532926********0011", False,
        "白族", "群众", "初中", "", False, False, "健康", None, None, False, "普通劳动力", "县外省内", 6, 0, True, False, False,
        False, False, None, "", False, now, now,
    )  # fmt: skip
    year = (2025, 1_500_000, 500_000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "A", 0, True, True, "", False, False, now)
    with transaction.atomic():
        (nv,) = bulk.allocate(NaturalVillage, 1)
        (hh,) = bulk.allocate(Household, 1)
        (pid,) = bulk.allocate(Person, 1)
        (mid,) = bulk.allocate(Membership, 1)
        (yid,) = bulk.allocate(HouseholdYear, 1)
        bulk.insert(NaturalVillage, [(nv, village.pk, "第一村民小组")])
        bulk.insert(Household, [(hh, *household_row[:3], nv, *household_row[4:])])
        bulk.insert(Person, [(pid, *person)])
        bulk.insert(Membership, [(mid, hh, pid, "户主", datetime.date(2014, 1, 1), "registered", None, "")])
        bulk.insert(HouseholdYear, [(yid, hh, *year)])

    # then the ORM reads every value back in its field
    household = Household.objects.get(pk=hh)
    assert (household.village_id, household.natural_village_id, household.is_relocated) == (VILLAGE, nv, True)
    stored = Person.objects.get(pk=pid)
    assert (stored.birth_date, stored.work_months, stored.id_number_masked) == (
        datetime.date(1975, 3, 8),
        6,
        "532926********0011",
    )
    assert Membership.objects.get(pk=mid).joined_on == datetime.date(2014, 1, 1)
    assert HouseholdYear.objects.get(pk=yid).wage == 1_500_000

    # and changed fields are written back
    stored.work_months, stored.name = 9, "杨建华"
    with transaction.atomic():
        bulk.update(Person, [stored], ["work_months", "name"])
    assert Person.objects.values_list("work_months", "name").get(pk=pid) == (9, "杨建华")


@pytest.mark.django_db
def test_generated_rows_land_in_their_fields() -> None:
    # given a small synthetic Dali
    result = synthetic_registry_generate(settings=Settings(scale=0.0005, seed=3, year=2025))
    # then each generated household, person and year record reads back with sensible values in each field
    assert result.households == Household.objects.count() > 0
    for household in Household.objects.select_related("natural_village")[:20]:
        assert household.code.startswith(household.village_id)
        assert household.natural_village is not None and household.natural_village.village_id
    for person in Person.objects.all()[:50]:
        assert person.sex in {"男", "女"} and isinstance(person.birth_date, datetime.date)
        assert person.id_number_masked.count("*") == 8
    assert set(HouseholdYear.objects.values_list("year", flat=True)) == {2025}
    assert Membership.objects.count() == Person.objects.count() == result.people


def test_no_module_outside_the_registry_writes_its_tables_by_name() -> None:
    # the registry's tables are written through registry/bulk.py (columns from the models) or the ORM
    tables = "|".join(model._meta.db_table for model in bulk.TABLES)
    writer = re.compile(
        rf"""(insert_rows|update_rows|allocate_ids|reset_sequence)\(\s*["'](?:{tables})["']"""
    )
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts and writer.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
