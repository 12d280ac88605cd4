"""The incremental snapshot (issue 22): a round after changes copies only what changed — the households an
import batch, a member's move, a membership's dates or an income edit touched, and the feed records added —
and raises exactly the leads a round over a whole new snapshot raises (and the db engine)."""

from __future__ import annotations

import datetime
import itertools
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from zhenxing.accounts.enums import Role
from zhenxing.feeds.parsing import rows_from_upload
from zhenxing.feeds.services import MAX_ROWS, feed_batch_ingest
from zhenxing.registry import services as registry
from zhenxing.registry.enums import LeaveReason
from zhenxing.registry.models import Household, HouseholdYear, Membership
from zhenxing.screening.chain import TOMBSTONES
from zhenxing.screening.engines import Signal, evaluate_db, evaluate_duckdb, evaluate_spark, round_parameters
from zhenxing.screening.merge import _plain as _plain_value
from zhenxing.screening.models import Lead, LeadSignal, Rule, RuleSet
from zhenxing.screening.services import screening_run
from zhenxing.screening.snapshot import MANIFEST, MAX_CHAIN, Snapshot, snapshot_take
from zhenxing.synth.feeds import generate_feeds
from zhenxing.synth.generator import Settings
from zhenxing.synth.services import synthetic_registry_generate
from zhenxing.transfer import services as transfer

from ..factories import make_user
from ..transfer.workbook_builder import member_rows, workbook, year_rows

# committed data, as a round's job sees it: a snapshot taken inside a transaction is never a delta's base;
# the shipped data (divisions, rules, parameters) put back after each test's flush
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_data")]
_IMPORTERS = itertools.count()
YEAR = 2025
DAY = datetime.date(2025, 11, 10)


def _world(folder: Path) -> None:
    synthetic_registry_generate(settings=Settings(scale=0.0015, seed=7, year=YEAR))
    generate_feeds(year=YEAR, seed=7, folder=folder)
    for path in sorted(folder.glob("*.csv")):
        if path.stem != "expected_leads" and (
            rows := rows_from_upload(path.name, path.read_bytes(), max_rows=MAX_ROWS)
        ):
            feed_batch_ingest(department=path.stem, rows=rows, source="upload")


def _import(village: str, rows: list[dict[str, Any]], years: list[dict[str, Any]]) -> None:
    importer = make_user(Role.COUNTY, village[:6], username=f"importer{next(_IMPORTERS)}")
    batch = transfer.import_stage(actor=importer, file_name="incremental.xlsx", data=workbook(rows, years))
    assert not batch.errors, batch.errors[:3]
    transfer.import_confirm(actor=importer, batch=batch)
    done = transfer.import_commit(batch_id=batch.pk)
    assert done.status == "done", done.status


def _plain(signals: list[Signal]) -> set[tuple[int, str, str, str]]:
    return {
        (s.household_id, s.rule.code, str(_plain_value(s.value)), str(_plain_value(s.threshold)))
        for s in signals
    }


def _evaluate(snapshot: Snapshot) -> set[tuple[int, str, str, str]]:
    rules = list(Rule.objects.filter(rule_set=RuleSet.objects.get(is_current=True), enabled=True))
    return _plain(evaluate_duckdb(rules, round_parameters(year=YEAR, line_fen=870_000), snapshot=snapshot))


def _evaluate_db() -> set[tuple[int, str, str, str]]:
    rules = list(Rule.objects.filter(rule_set=RuleSet.objects.get(is_current=True), enabled=True))
    return _plain(evaluate_db(rules, round_parameters(year=YEAR, line_fen=870_000)))


def _change_everything(village: str) -> set[int]:
    """An import batch (new households, incomes, and a member moved between two of them), a membership
    ended inside the year, income edits, new feed records. Returns the households it touched."""
    touched: set[int] = set()
    # a member moves: the second import puts T0000000's child into T0000001 (the same ID number)
    moved = member_rows(village, 2, code_prefix="T", seed=3, id_county="530102")
    moved[2]["户编号"] = "T0000001"
    moved[2]["与户主关系"] = "之子"
    moved[2]["家庭住址"] = moved[3]["家庭住址"]
    _import(village, moved, year_rows(moved))
    touched |= set(Household.objects.filter(code__in=["T0000000", "T0000001"]).values_list("pk", flat=True))
    # income edits: the poorest become poorer, one household gets richer
    years = list(HouseholdYear.objects.filter(year=YEAR).select_related("household").order_by("wage")[:8])
    for record in years[:6]:
        registry.household_year_upsert(actor=None, household=record.household, year=YEAR, values={"wage": 0})
        touched.add(record.household_id)
    registry.household_year_upsert(
        actor=None, household=years[7].household, year=YEAR, values={"wage": 90_000_000}
    )
    touched.add(years[7].household_id)
    # membership dates: a member of a large household leaves inside the year (per-capita income moves)
    membership = Membership.objects.filter(left_on__isnull=True, relation="之子").order_by("pk").first()
    assert membership is not None
    registry.membership_end(
        actor=None, membership=membership, left_on=datetime.date(YEAR, 6, 30), reason=LeaveReason.MOVE_OUT
    )
    touched.add(membership.household_id)
    return touched


def test_a_round_after_changes_copies_only_them_and_raises_the_leads_a_whole_snapshot_raises(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # given a synthetic county's registry and a year of feeds, screened over a whole snapshot
    _world(tmp_path / "feeds")
    village = str(Household.objects.order_by("pk").values_list("village_id", flat=True).first())
    _import(village, member_rows(village, 2, code_prefix="T", seed=3, id_county="530102"), [])
    whole = snapshot_take()
    assert not whole.parents and whole.describe()["kind"] == "full"
    assert any((whole.folder / "registry_household").glob("county=*/*.parquet"))  # partitioned by county
    first = screening_run(year=YEAR, engine="duckdb", today=DAY)
    assert (
        first.parameters["snapshot"]["folder"] == whole.folder.name
        or first.parameters["snapshot"]["kind"] == "delta"
    )
    households = Household.objects.count()
    # when an import moves a member, incomes are edited, a membership ends, and a month of new feed records comes
    touched = _change_everything(village)
    generate_feeds(year=YEAR, seed=8, folder=tmp_path / "more")
    more = rows_from_upload(
        "medical_insurance.csv", (tmp_path / "more" / "medical_insurance.csv").read_bytes(), max_rows=MAX_ROWS
    )
    feed_batch_ingest(department="medical_insurance", rows=more[:200], source="upload")
    # then the next snapshot is a delta holding only the touched households (and those sharing a member)
    delta = snapshot_take()
    assert delta.parents and delta.parents[-1] in {whole.folder.name, first.parameters["snapshot"]["folder"]}
    assert delta.delta is not None
    assert touched <= _tombstoned(delta.folder)
    assert len(touched) <= delta.delta["households"] < households / 10
    assert delta.delta["feed_records"] == 200
    manifest = json.loads((delta.folder / MANIFEST).read_text())
    assert manifest["kind"] == "delta" and manifest["chain"][-1] == delta.folder.name
    # and it reads exactly what a whole new snapshot reads, and what the database holds
    again = snapshot_take(incremental=False)
    assert delta.rows == again.rows
    assert _evaluate(delta) == _evaluate(again) == _evaluate_db()
    # and Spark reads the chain as DuckDB does (its reader skips files named "_…": the tombstones must not be)
    if shutil.which("java") or os.environ.get("CI") == "true":
        request.getfixturevalue("spark_session")
        rules = list(Rule.objects.filter(rule_set=RuleSet.objects.get(is_current=True), enabled=True))
        parameters = round_parameters(year=YEAR, line_fen=870_000)
        assert _plain(evaluate_spark(rules, parameters, snapshot=delta)) == _evaluate(delta)
    # and a round over it raises the same leads as the db engine: the db round after it changes nothing
    delta_round = screening_run(year=YEAR, engine="duckdb", today=DAY)
    assert delta_round.parameters["snapshot"]["kind"] == "delta"
    db_round = screening_run(year=YEAR, engine="db", today=DAY)
    assert db_round.summary["new"] == 0 and db_round.summary["merged"] == 0
    assert Lead.objects.exists() and LeadSignal.objects.filter(run=delta_round).exists()


def _tombstoned(folder: Path) -> set[int]:
    import duckdb

    path = folder / TOMBSTONES["households"]
    return {row[0] for row in duckdb.sql(f"SELECT id FROM read_parquet('{path}')").fetchall()}  # noqa: S608


def test_a_chain_grows_to_its_limit_then_a_whole_snapshot_is_taken() -> None:
    # given a household and a whole snapshot
    synthetic_registry_generate(settings=Settings(scale=0.0005, seed=5, year=YEAR))
    household = Household.objects.order_by("pk").first()
    assert household is not None
    taken = [snapshot_take()]
    # when each month changes one income and takes a snapshot
    for month in range(MAX_CHAIN + 1):
        registry.household_year_upsert(
            actor=None, household=household, year=YEAR, values={"wage": 1000 * month}
        )
        taken.append(snapshot_take())
    # then deltas chain on each other up to the limit, and the next is whole again
    kinds = [snapshot.describe()["kind"] for snapshot in taken]
    assert kinds == ["full"] + ["delta"] * MAX_CHAIN + ["full"]
    assert taken[MAX_CHAIN].parents == tuple(s.folder.name for s in taken[:MAX_CHAIN])
    # and each reads the income of its day
    assert _evaluate(taken[-2]) == _evaluate(taken[-1]) == _evaluate_db()
