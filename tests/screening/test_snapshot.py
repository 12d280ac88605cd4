"""The Parquet snapshot (issue 6): what it records, when a round may reuse it, and that the fast engines merge
into leads exactly as the db engine does."""

from __future__ import annotations

import datetime
import json

import pytest

from zhenxing.feeds.models import FeedRecord
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household, Membership
from zhenxing.screening.models import Lead, LeadSignal
from zhenxing.screening.services import screening_run
from zhenxing.screening.snapshot import MANIFEST, snapshot_for_round, snapshot_take

from ..conftest import VILLAGE
from ..factories import make_household
from .test_planted import DAY, YEAR, _planted

pytestmark = pytest.mark.django_db

MINUTES_10 = datetime.timedelta(minutes=10)


def _low_income_household(code: str) -> Household:
    household = make_household(VILLAGE, code=code)
    assert isinstance(household, Household)
    registry.household_year_upsert(
        actor=None, household=household, year=YEAR, values={"wage": 100_000, "business": 0}
    )
    return household


def test_a_snapshot_records_its_time_rows_and_the_versions_current_when_taken() -> None:
    # given a household with an income record
    _low_income_household("S-1")
    # when a snapshot is taken
    snapshot = snapshot_take()
    # then its manifest says when, how many rows and under which rule set and parameter versions
    manifest = json.loads((snapshot.folder / MANIFEST).read_text())
    assert manifest["rows"]["registry_household"] == Household.objects.count()
    assert manifest["rows"]["registry_householdyear"] >= 1
    assert manifest["versions"]["rule_set"] == 1
    assert manifest["versions"]["parameters"]["monitoring_line:2025"] >= 1
    assert datetime.datetime.fromisoformat(manifest["taken_at"]) == snapshot.taken_at
    # and no ID number or name left the database
    for path in snapshot.folder.rglob("*.parquet"):
        assert b"id_number" not in path.read_bytes() and b"name" not in path.read_bytes()


def test_a_fresh_snapshot_is_reused_and_a_write_or_its_age_makes_it_stale() -> None:
    # given a snapshot
    _low_income_household("S-1")
    first = snapshot_take()
    # when a round may reuse a snapshot of ten minutes, it takes the same one
    again = snapshot_for_round(max_age=MINUTES_10)
    assert again.reused and again.folder == first.folder
    # when it may not (no max age) or the snapshot is older than allowed, a new one is taken
    assert not snapshot_for_round(max_age=None).reused
    assert not snapshot_for_round(max_age=datetime.timedelta(0)).reused
    # when the data moves (a new household, an income edit through the service), the snapshot is stale
    latest = snapshot_for_round(max_age=MINUTES_10)
    assert latest.reused
    household = Household.objects.get(code="S-1")
    registry.household_year_upsert(actor=None, household=household, year=YEAR, values={"wage": 200_000})
    assert not snapshot_for_round(max_age=MINUTES_10).reused


def test_a_reused_snapshot_is_recorded_on_the_run_with_the_time_of_each_step() -> None:
    _low_income_household("S-1")
    taken = snapshot_take()
    run = screening_run(year=YEAR, engine="duckdb", today=DAY, snapshot_max_age=MINUTES_10)
    assert run.parameters["snapshot"]["reused"] is True
    assert run.parameters["snapshot"]["taken_at"] == taken.taken_at.isoformat()
    assert run.summary["seconds"]["snapshot"] == 0.0
    assert set(run.summary["seconds"]) == {"snapshot", "evaluation", "merge"}


@pytest.mark.parametrize("engine", ["duckdb"])
def test_the_fast_engine_writes_the_same_leads_as_the_db_engine(engine: str) -> None:
    # given the planted cases
    _planted()
    # when one round runs on the db engine and the leads are noted, then all is rolled back and the fast one runs
    screening_run(year=YEAR, today=DAY)
    by_db = _leads()
    LeadSignal.objects.all().delete()
    Lead.objects.all().delete()
    screening_run(year=YEAR, engine=engine, today=DAY)
    # then the leads, their grades, risk types and evidence are the same
    assert _leads() == by_db


def _leads() -> set[tuple[str, str, str, str]]:
    return {
        (lead.household.code, lead.grade, json.dumps(lead.risk_types), json.dumps(sorted(
            (s.rule_code, json.dumps(s.evidence, sort_keys=True)) for s in lead.signals.all()
        )))
        for lead in Lead.objects.select_related("household").prefetch_related("signals")
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_committed_data_is_read_by_the_parallel_readers_and_engines_still_agree(
    shipped_data: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given committed planted cases (outside a transaction PostgreSQL is read by parallel Arrow readers),
    # and tables split into id ranges from a handful of rows on
    from zhenxing.screening import snapshot as snapshot_module

    monkeypatch.setattr(snapshot_module, "CHUNK_ROWS", 3)
    _planted()
    # when a snapshot is taken and both engines run
    snapshot = snapshot_take()
    # then every row is there and the duckdb engine finds what the db engine finds
    assert snapshot.rows["registry_household"] == Household.objects.count()
    assert snapshot.rows["registry_membership"] == Membership.objects.count()
    assert snapshot.rows["feeds_feedrecord"] == FeedRecord.objects.count() > 0
    screening_run(year=YEAR, today=DAY)
    by_db = _leads()
    LeadSignal.objects.all().delete()
    Lead.objects.all().delete()
    run = screening_run(year=YEAR, engine="duckdb", today=DAY, snapshot_max_age=MINUTES_10)
    assert (
        run.parameters["snapshot"]["reused"] is True
    )  # a round's own events (leads) leave the data as it was
    assert _leads() == by_db


def test_a_partial_snapshot_taken_later_does_not_hide_a_full_one() -> None:
    from zhenxing.screening.whatif import TABLES

    _low_income_household("S-1")
    full = snapshot_take()
    partial = snapshot_take(tables=TABLES)
    assert snapshot_for_round(max_age=MINUTES_10).folder == full.folder  # a round needs every table
    assert snapshot_for_round(max_age=MINUTES_10, tables=TABLES).folder in (full.folder, partial.folder)
