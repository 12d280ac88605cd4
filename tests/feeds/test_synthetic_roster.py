"""P17 with synthetic data: the generator fills 低保金/特困供养金 for 低保 and 特困 households, and the synthetic
民政 roster of a county — every registry person flagged 低保 or 特困, plus some 低保边缘 and 刚性支出困难 people —
ingests as that county's current snapshot with nothing quarantined."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest
from django.db.models import Exists, OuterRef, Q

from zhenxing.divisions.codes import county_of
from zhenxing.feeds.parsing import rows_from_upload
from zhenxing.feeds.selectors import current_roster_batch, current_roster_records
from zhenxing.feeds.services import MAX_ROWS, feed_batch_ingest
from zhenxing.registry.models import Household, HouseholdYear, Membership
from zhenxing.synth.feeds import generate_rosters, roster_rows
from zhenxing.synth.generator import Settings
from zhenxing.synth.services import synthetic_registry_generate

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 12, 31)


def test_p17_synthetic_households_on_dibao_or_tekun_have_a_benefit_within_their_transfer(
    tmp_path: Path,
) -> None:
    synthetic_registry_generate(settings=Settings(scale=0.003, seed=11, year=2025))
    flagged = Membership.objects.filter(household=OuterRef("household"), left_on__isnull=True).filter(
        Q(person__dibao=True) | Q(person__tekun=True)
    )
    years = HouseholdYear.objects.annotate(assisted=Exists(flagged))
    assisted = years.filter(assisted=True)
    assert assisted.exists()
    assert not years.filter(assisted=False, assistance_benefit__gt=0).exists()
    assert assisted.filter(assistance_benefit__gt=0).count() == assisted.filter(transfer__gt=0).count()
    for benefit, transfer in assisted.values_list("assistance_benefit", "transfer"):
        assert 0.45 * transfer <= benefit <= transfer

    # and the county's roster lists every flagged person, plus a few 低保边缘 / 刚性支出困难
    county = county_of(Household.objects.order_by("pk").values_list("village_id", flat=True)[0])
    rows = roster_rows(county_code=county, snapshot_on=ON, seed=11)
    flagged_people = Membership.objects.filter(
        left_on__isnull=True,
        household__village__code__startswith=county,
        person__id_number_encrypted__isnull=False,
    ).filter(Q(person__dibao=True) | Q(person__tekun=True))
    categories = [row["assistance"] for row in rows]
    assert categories.count("低保") + categories.count("特困") == flagged_people.count()
    assert {"低保边缘", "刚性支出困难"} <= set(categories)
    assert {(row["county_code"], row["snapshot_date"]) for row in rows} == {(county, "2025-12-31")}

    # when it is written as files and the county's file is uploaded
    counts = generate_rosters(snapshot_on=ON, seed=11, folder=tmp_path)
    assert counts[county] == len(rows)
    path = tmp_path / f"civil_affairs_roster_{county}.csv"
    with path.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == [
            "id_number",
            "assistance",
            "start",
            "end",
            "county_code",
            "snapshot_date",
        ]
    uploaded = rows_from_upload(path.name, path.read_bytes(), max_rows=MAX_ROWS)
    batch = feed_batch_ingest(department="civil_affairs", rows=uploaded, source="upload").batch
    # then it is the county's current roster, every row accepted and matched
    assert (batch.quarantined, batch.unmatched, batch.accepted) == (0, 0, len(rows))
    assert current_roster_batch(county_code=county) == batch
    assert current_roster_records(county_code=county).count() == len(rows)
    # and no roster row is a 新纳入 of the roster's year (R12 stays quiet on a plain roster)
    assert not current_roster_records(county_code=county).filter(record_date__year__gte=2024).exists()
