"""P17: 民政's rosters (低保, 特困, 低保边缘, 刚性支出困难) arrive through the civil_affairs feed as dated full
snapshots per county. The newest snapshot of a county replaces the previous one in the same transaction
(audited); an older one is refused; the same file twice is a no-op; a batch naming several counties or dates,
or no Dali county, is refused whole; a failure leaves the database as it was."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict, InvalidInput
from zhenxing.feeds import services as feed_services
from zhenxing.feeds.models import FeedBatch, FeedRecord, QuarantinedRow
from zhenxing.feeds.selectors import current_roster_batch, current_roster_records
from zhenxing.feeds.services import feed_batch_ingest

from ..conftest import COUNTY, OTHER_COUNTY, OTHER_COUNTY_VILLAGE, VILLAGE
from ..factories import make_household, make_user
from .rosters import member_ids, roster, roster_csv

pytestmark = pytest.mark.django_db
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)


def _ingest(rows: list[dict[str, Any]]) -> FeedBatch:
    return feed_batch_ingest(department="civil_affairs", rows=rows, source="api").batch


def _state() -> tuple[int, int, int, int, list[tuple[int, object]]]:
    return (
        FeedBatch.objects.count(),
        FeedRecord.objects.count(),
        QuarantinedRow.objects.count(),
        AuditEvent.objects.count(),
        list(FeedBatch.objects.order_by("pk").values_list("pk", "superseded_at")),
    )


def test_p17_a_roster_batch_is_the_county_snapshot_and_its_records_are_current() -> None:
    """P17: rows naming a county and a date make the batch that county's roster; the date is on the batch."""
    # given two 南涧 households, one on 低保 and one on 特困
    first, second = make_household(VILLAGE), make_household(VILLAGE)
    rows = roster(member_ids(first), on=MARCH) + roster(member_ids(second)[:1], on=MARCH, category="特困")
    # when 民政 sends the county's roster
    batch = _ingest(rows)
    # then the batch is 南涧's current snapshot of 1 March, and its records carry the category as code
    assert (batch.county_code, batch.snapshot_on, batch.superseded_at) == (COUNTY, MARCH, None)
    assert current_roster_batch(county_code=COUNTY) == batch
    records = current_roster_records(county_code=COUNTY)
    assert sorted(records.values_list("code", flat=True)) == ["低保", "低保", "特困"]
    assert set(records.values_list("household_id", flat=True)) == {first.pk, second.pk}
    # and another county has no roster
    assert current_roster_batch(county_code=OTHER_COUNTY) is None
    assert not current_roster_records(county_code=OTHER_COUNTY).exists()
    event = AuditEvent.objects.get(action="feed.ingest", target_id=str(batch.pk))
    assert event.new_values["county_code"] == COUNTY
    assert event.new_values["snapshot_on"] == "2026-03-01"
    assert event.division is not None and event.division.code == COUNTY


def test_p17_the_four_rosters_and_a_row_without_start_count_from_the_roster_date() -> None:
    """P17: 低保, 特困, 低保边缘, 刚性支出困难 are categories; a roster row may leave its start out."""
    household = make_household(VILLAGE)
    one, two = member_ids(household)
    rows = roster([one], on=MARCH, category="低保边缘") + roster([two], on=MARCH, category="刚性支出困难")
    del rows[1]["start"]
    batch = _ingest(rows)
    assert batch.quarantined == 0
    assert sorted(batch.records.values_list("code", "record_date")) == [
        ("低保边缘", datetime.date(2020, 3, 1)),
        ("刚性支出困难", MARCH),
    ]
    # and the flag says whether 民政 gave the start (R12 reads only given starts as 新纳入)
    assert sorted(batch.records.values_list("code", "flag")) == [("低保边缘", True), ("刚性支出困难", False)]


def test_p17_a_roster_with_a_rejected_row_is_refused_whole_naming_rows_and_reasons() -> None:
    """P17: a roster is the county's full list; stored without its bad rows it would make false M3
    differences, so one rejected row refuses the whole snapshot and the current roster stays."""
    household = make_household(VILLAGE)
    one, two = member_ids(household)
    current = _ingest(roster([one, two], on=MARCH))
    before = _state()
    # given a newer roster whose second row has an unknown category and third an invalid start
    rows = roster([one, two, one], on=APRIL)
    rows[1]["assistance"] = "五保"
    rows[2]["start"] = "2026-13-40"
    with pytest.raises(InvalidInput) as refused:
        _ingest(rows)
    # then nothing is stored, the March roster stays current, and the message names rows and reasons
    assert _state() == before
    assert current_roster_batch(county_code=COUNTY) == current
    message = refused.value.message
    assert "整份名册未接收" in message and "第2行" in message and "第3行" in message
    assert "救助类别" in message and "开始日期" in message


def test_p17_a_roster_whose_rows_are_all_rejected_does_not_empty_the_county_roster() -> None:
    """P17: a file whose rows are all rejected is refused; the county keeps its roster."""
    household = make_household(VILLAGE)
    one, two = member_ids(household)
    current = _ingest(roster([one, two], on=MARCH))
    rows = roster([one, two], on=APRIL)
    for row in rows:
        row["assistance"] = "五保"
    with pytest.raises(InvalidInput):
        _ingest(rows)
    assert current_roster_batch(county_code=COUNTY) == current
    assert current_roster_records(county_code=COUNTY).count() == 2


def test_p17_an_event_style_civil_affairs_batch_still_works_and_needs_its_start() -> None:
    """P10/P17: the old upload without county and date is still accepted (R12 reads it); its start is
    required as before."""
    household = make_household(VILLAGE)
    one, two = member_ids(household)
    batch = _ingest(
        [
            {"id_number": one, "assistance": "临时救助", "start": "2025-05-01", "end": ""},
            {"id_number": two, "assistance": "低保", "start": ""},
        ]
    )
    assert (batch.county_code, batch.snapshot_on) == ("", None)
    assert batch.accepted == 1
    assert list(batch.quarantine.values_list("reason", flat=True)) == ["开始日期：必填"]
    assert current_roster_batch(county_code=COUNTY) is None


def test_p17_a_newer_snapshot_replaces_the_current_one_and_the_replacement_is_audited() -> None:
    """P17: the newest snapshot of a county replaces its previous one, in the same transaction (audited)."""
    # given 南涧's March roster with both members of a household
    household = make_household(VILLAGE)
    march = _ingest(roster(member_ids(household), on=MARCH))
    # when the April roster lists only one of them
    april = _ingest(roster(member_ids(household)[:1], on=APRIL))
    # then April is current, March superseded, and only April's records are the county's roster
    march.refresh_from_db()
    assert march.superseded_at is not None
    assert current_roster_batch(county_code=COUNTY) == april
    assert set(current_roster_records(county_code=COUNTY).values_list("batch_id", flat=True)) == {april.pk}
    assert current_roster_records(county_code=COUNTY).count() == 1
    # and the replacement is an audit row of the March batch, old and new
    event = AuditEvent.objects.get(action="feed.roster_supersede")
    assert event.target_id == str(march.pk)
    assert event.old_values == {"superseded_at": None}
    assert event.new_values["replaced_by_snapshot_on"] == "2026-04-01"
    assert event.new_values["snapshot_on"] == "2026-03-01"
    assert event.division is not None and event.division.code == COUNTY
    # and another county's roster is untouched by 南涧's
    other = make_household(OTHER_COUNTY_VILLAGE)
    dali = _ingest(roster(member_ids(other), on=MARCH, county=OTHER_COUNTY))
    assert current_roster_batch(county_code=OTHER_COUNTY) == dali
    assert current_roster_batch(county_code=COUNTY) == april


def test_p17_an_older_snapshot_after_a_newer_one_is_refused_and_nothing_is_stored() -> None:
    """P17: only a later roster replaces the current one; an older one is refused with the reason."""
    household = make_household(VILLAGE)
    april = _ingest(roster(member_ids(household), on=APRIL))
    before = _state()
    with pytest.raises(Conflict) as refused:
        _ingest(roster(member_ids(household)[:1], on=MARCH))
    assert refused.value.code == "snapshot_outdated"
    assert "已有 2026-04-01 的名册" in refused.value.message
    assert "2026-03-01 名册不再接收" in refused.value.message
    assert _state() == before
    assert current_roster_batch(county_code=COUNTY) == april


def test_p17_a_different_roster_of_the_same_date_is_refused() -> None:
    """P17: a second, different roster for the date already held is refused (a correction takes a new date)."""
    household = make_household(VILLAGE)
    _ingest(roster(member_ids(household), on=APRIL))
    before = _state()
    with pytest.raises(Conflict) as refused:
        _ingest(roster(member_ids(household)[:1], on=APRIL))
    assert refused.value.code == "snapshot_same_date"
    assert _state() == before


def test_p17_the_same_roster_twice_is_a_no_op_even_after_a_newer_one() -> None:
    """P17: idempotent — the same file again stores nothing and names the batch that holds it."""
    household = make_household(VILLAGE)
    rows = roster(member_ids(household), on=MARCH)
    march = _ingest(rows)
    before = _state()
    again = feed_batch_ingest(department="civil_affairs", rows=rows, source="api")
    assert (again.batch, again.created) == (march, False)
    assert _state() == before
    # and after April arrived, March sent again is still the no-op it was, not a refusal or a rollback
    april = _ingest(roster(member_ids(household)[:1], on=APRIL))
    assert feed_batch_ingest(department="civil_affairs", rows=rows, source="api").created is False
    assert current_roster_batch(county_code=COUNTY) == april


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({"county_code": OTHER_COUNTY}, "snapshot_counties_mixed", "一份名册只能是一个县的"),
        ({"snapshot_date": "2026-04-01"}, "snapshot_dates_mixed", "一份名册只能有一个名册日期"),
        ({"snapshot_date": ""}, "snapshot_incomplete", "每一行都应填写县级区划代码和名册日期"),
        ({"county_code": "53292"}, "snapshot_field_invalid", "应为6位县级区划代码"),
    ],
)
def test_p17_a_roster_whose_rows_disagree_is_refused_whole(
    change: dict[str, str], code: str, words: str
) -> None:
    """P17: every row names the same county and date, or nothing of the batch is stored."""
    household = make_household(VILLAGE)
    rows = roster(member_ids(household), on=MARCH)
    rows[1].update(change)
    before = _state()
    with pytest.raises(InvalidInput) as refused:
        _ingest(rows)
    assert code in {detail.code for detail in refused.value.details}
    assert any(words in detail.message for detail in refused.value.details)
    assert _state() == before


def test_p17_mixed_counties_are_named_with_their_rows() -> None:
    household = make_household(VILLAGE)
    rows = roster(member_ids(household), on=MARCH)
    rows[1]["county_code"] = OTHER_COUNTY
    with pytest.raises(InvalidInput) as refused:
        _ingest(rows)
    assert refused.value.message == (
        "一份名册只能是一个县的，这批记录含多个县：532901（第2行）；532926（第1行）"
    )


@pytest.mark.parametrize("county", ["532999", "110105", "532926101"])
def test_p17_a_roster_of_no_dali_county_is_refused(county: str) -> None:
    """P17: the county must be a real Dali county division."""
    household = make_household(VILLAGE)
    before = _state()
    with pytest.raises(InvalidInput) as refused:
        _ingest(roster(member_ids(household), on=MARCH, county=county))
    assert refused.value.details[0].code in {"snapshot_county_unknown", "snapshot_field_invalid"}
    if len(county) == 6:
        assert refused.value.message == f"{county} 不是大理州的县级区划代码"
    assert _state() == before


def test_p17_a_failure_while_storing_a_newer_roster_leaves_the_database_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """P17: staged and atomic — the previous roster is not superseded when the new one fails to land."""
    household = make_household(VILLAGE)
    march = _ingest(roster(member_ids(household), on=MARCH))
    before = _state()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(feed_services, "insert_rows", broken)
    with pytest.raises(RuntimeError):
        _ingest(roster(member_ids(household), on=APRIL))
    assert _state() == before
    march.refresh_from_db()
    assert march.superseded_at is None
    assert current_roster_batch(county_code=COUNTY) == march
    assert not AuditEvent.objects.filter(action="feed.roster_supersede").exists()


def test_p17_a_roster_uploaded_on_the_page_replaces_the_previous_one(client: Client) -> None:
    """P17: upload works like push; the page shows which roster is current and refuses an older one."""
    # given a 民政 user who uploaded March's roster
    client.force_login(make_user(Role.DEPARTMENT, department="civil_affairs"))
    household = make_household(VILLAGE)
    ids = member_ids(household)

    def upload(rows: list[dict[str, Any]]) -> Any:
        content = roster_csv(rows)
        return client.post(
            "/feeds/", {"file": SimpleUploadedFile("名册.csv", content, content_type="text/csv")}
        )

    page = client.get("/feeds/").content.decode()
    assert "按县报送全量名册" in page
    assert upload(roster(ids, on=MARCH)).status_code == 302
    march = FeedBatch.objects.get(snapshot_on=MARCH)
    assert march.source == "upload" and march.county_code == COUNTY
    # when April's roster is uploaded
    response = upload(roster(ids[:1], on=APRIL))
    # then it is current, March is marked replaced on the batch page, and the list shows both
    april = FeedBatch.objects.get(snapshot_on=APRIL)
    assert response["Location"] == f"/feeds/{april.pk}/"
    assert "现行名册" in client.get(f"/feeds/{april.pk}/").content.decode()
    assert "已被新名册替代" in client.get(f"/feeds/{march.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="feed.roster_supersede", target_id=str(march.pk)).exists()
    # and an older roster uploaded now is refused on the form, in Chinese, nothing stored
    html = upload(roster(ids, on=datetime.date(2026, 2, 1))).content.decode()
    assert "早于它的 2026-02-01 名册不再接收" in html
    assert FeedBatch.objects.count() == 2
    # and a roster of two counties is refused on the form too
    mixed = roster(ids, on=datetime.date(2026, 5, 1))
    mixed[0]["county_code"] = OTHER_COUNTY
    assert "一份名册只能是一个县的" in upload(mixed).content.decode()
    assert FeedBatch.objects.count() == 2


def test_p17_a_roster_batch_names_its_county_and_says_its_results_are_in_the_comparison(
    client: Client,
) -> None:
    # given a 民政 user whose March roster of 南涧 was stored
    client.force_login(make_user(Role.DEPARTMENT, department="civil_affairs"))
    batch = _ingest(roster(member_ids(make_household(VILLAGE)), on=MARCH))
    # when the batch page and the list are opened
    page = client.get(f"/feeds/{batch.pk}/").content.decode()
    listed = client.get("/feeds/").content.decode()
    # then the county is named beside its code, and the roster's use replaces the department-rule counts
    assert 'data-testid="roster-county">南涧彝族自治县（532926）<' in page
    assert 'data-testid="roster-county">南涧彝族自治县（532926）<' in listed
    assert 'data-testid="roster-use">名册用于民政比对' in page and "“民政比对”页面" in page
    assert "待核实 0" not in page
    # and the upload help lists each column name with its Chinese meaning under 列名（表头）
    fields = listed.split('data-testid="feed-fields"')[1].split("</table>")[0]
    assert "<th>列名（表头）</th>" in fields
    assert '<code>county_code</code></td><td data-label="含义">' in fields


def test_p17_r12_reads_a_roster_row_as_newly_on_dibao_only_when_its_start_was_given() -> None:
    """P17/P10 (R12 新纳入低保或特困供养): a roster row without a start is dated by the roster, which is not a
    start: it raises no R12 lead in any round; a row whose given start lies in the year does."""
    from zhenxing.screening.models import LeadSignal
    from zhenxing.screening.services import screening_run

    given, dated_by_roster = make_household(VILLAGE), make_household(VILLAGE)
    rows = roster(member_ids(given)[:1], on=datetime.date(2025, 11, 1)) + roster(
        member_ids(dated_by_roster)[:1], on=datetime.date(2025, 11, 1)
    )
    rows[0]["start"] = "2025-06-01"
    del rows[1]["start"]
    _ingest(rows)
    screening_run(year=2025, today=datetime.date(2025, 11, 10))
    raised = set(LeadSignal.objects.filter(rule_code="R12").values_list("lead__household_id", flat=True))
    assert raised == {given.pk}


@pytest.mark.skipif(not ON_POSTGRESQL, reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_p17_rosters_of_one_county_arriving_at_once_leave_one_current_snapshot(shipped_data) -> None:  # type: ignore[no-untyped-def]
    """P17: 民政 pushes its March and April rosters of one county at the same moment, four times over. Each
    either lands (the later one current, the earlier superseded) or is refused in Chinese with nothing
    stored; never two current snapshots, never records or audit rows of a refused batch."""
    household = make_household(VILLAGE)
    ids = member_ids(household)
    bodies = [roster(ids, on=MARCH), roster(ids[:1], on=APRIL)] * 2
    bodies[2] = roster(ids, on=MARCH, category="特困")  # same dates, different content: not a no-op
    bodies[3] = roster(ids[:1], on=APRIL, category="特困")
    start = threading.Barrier(len(bodies))
    landed: list[FeedBatch] = []
    refused: list[Conflict] = []
    failures: list[BaseException] = []

    def push(rows: list[dict[str, Any]]) -> None:
        try:
            start.wait()
            landed.append(_ingest(rows))
        except Conflict as error:
            refused.append(error)
        except BaseException as error:  # collected and asserted on below, in the test's thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=push, args=(rows,)) for rows in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures
    assert len(landed) + len(refused) == len(bodies) and landed
    assert all(error.message for error in refused)  # a Chinese reason for each refusal
    stored = FeedBatch.objects.filter(department="civil_affairs")
    assert stored.count() == len(landed)
    assert stored.filter(superseded_at__isnull=True).count() == 1
    current = current_roster_batch(county_code=COUNTY)
    assert current is not None and current.snapshot_on == max(batch.snapshot_on for batch in landed)
    # nothing of a refused batch: records only of landed batches, one ingest audit row each
    assert set(FeedRecord.objects.values_list("batch_id", flat=True)) <= {batch.pk for batch in landed}
    assert AuditEvent.objects.filter(action="feed.ingest").count() == len(landed)
