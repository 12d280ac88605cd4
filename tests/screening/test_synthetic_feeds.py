"""The synthetic feeds: files a department could send, ingested as uploads, screened: every planted case
raises its rule and grade."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from zhenxing.feeds.parsing import rows_from_upload
from zhenxing.feeds.services import MAX_ROWS, feed_batch_ingest
from zhenxing.screening.models import LeadSignal
from zhenxing.screening.services import screening_run
from zhenxing.synth.feeds import generate_feeds
from zhenxing.synth.generator import Settings
from zhenxing.synth.services import synthetic_registry_generate

pytestmark = pytest.mark.django_db


def test_generated_feeds_raise_every_planted_lead(tmp_path: Path) -> None:
    synthetic_registry_generate(settings=Settings(scale=0.003, seed=11, year=2025))
    counts, planted = generate_feeds(year=2025, seed=11, folder=tmp_path)
    assert planted
    assert not list(tmp_path.glob("*.partial"))  # written aside, renamed when complete
    for path in sorted(tmp_path.glob("*.csv")):
        if path.stem == "expected_leads":
            continue
        rows = rows_from_upload(path.name, path.read_bytes(), max_rows=MAX_ROWS)
        if rows:
            batch = feed_batch_ingest(department=path.stem, rows=rows, source="upload").batch
            assert batch.quarantined == 0, path.stem
            assert batch.rows == counts[path.stem]
    screening_run(year=2025)
    found = set(LeadSignal.objects.values_list("lead__household__code", "rule_code", "grade"))
    with (tmp_path / "expected_leads.csv").open(encoding="utf-8") as handle:
        expected = {(row["household_code"], row["rule"], row["grade"]) for row in csv.DictReader(handle)}
    assert expected <= found
