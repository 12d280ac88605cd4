"""A department uploading a file on its page: the same file twice is stored once, and the sender is told
which batch already holds it."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.feeds.models import FeedBatch, FeedRecord
from zhenxing.screening.models import Lead, LeadSignal, RuleSet, ScreeningRun

from ..conftest import VILLAGE
from ..factories import make_household, make_user

pytestmark = pytest.mark.django_db

CSV = "id_number,disease_class,date\n532926199001011238,大病,2025-03-01\n".encode()


def _upload(client: Client) -> object:
    return client.post("/feeds/", {"file": SimpleUploadedFile("health.csv", CSV, content_type="text/csv")})


def test_the_same_file_uploaded_again_is_named_as_a_duplicate_of_its_batch(client: Client) -> None:
    # given a health-commission user who has uploaded a file once
    client.force_login(make_user(Role.DEPARTMENT, department="health"))
    first = _upload(client)
    batch = FeedBatch.objects.get(department="health")
    assert first.status_code == 302 and first["Location"] == f"/feeds/{batch.pk}/"  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(target_id=str(batch.pk)).exists()
    # when the same file is uploaded again
    second = _upload(client)
    # then nothing new is stored, and the message names the batch that holds these records
    assert FeedBatch.objects.filter(department="health").count() == 1
    assert second["Location"] == f"/feeds/{batch.pk}/"  # type: ignore[index]
    told = [str(m) for m in get_messages(second.wsgi_request)]  # type: ignore[attr-defined]
    assert any(f"第 {batch.pk} 批" in m and "未重复入库" in m for m in told), told


def test_a_quarantined_row_is_numbered_by_its_line_in_the_file(client: Client) -> None:
    # given a file whose second record (line 3, under the header) has no valid date
    client.force_login(make_user(Role.DEPARTMENT, department="health"))
    csv = "id_number,disease_class,date\n532926199001011238,大病,2025-03-01\n532926199001011238,大病,三月\n".encode()
    # when it is uploaded
    client.post("/feeds/", {"file": SimpleUploadedFile("health.csv", csv, content_type="text/csv")})
    # then the quarantine names line 3, where the department will find it
    batch = FeedBatch.objects.get(department="health")
    assert list(batch.quarantine.values_list("row_number", flat=True)) == [3]
    assert "第3行" in client.get(f"/feeds/{batch.pk}/").content.decode()


def test_a_batch_counts_only_the_leads_its_own_records_raised(client: Client) -> None:
    # given a health batch naming two households: one later flagged for its income alone (R01), the other
    # for the serious illness the batch reported (R09)
    user = make_user(Role.DEPARTMENT, department="health")
    client.force_login(user)
    income_only, illness = make_household(VILLAGE, code="H-1"), make_household(VILLAGE, code="H-2")
    FeedBatch.objects.create(department="health", checksum="0" * 64, source="upload")
    batch = FeedBatch.objects.get(department="health")
    for number, household in enumerate((income_only, illness), start=2):
        FeedRecord.objects.create(
            batch=batch, department="health", row_number=number, household=household, village_code=VILLAGE,
            record_date=datetime.date(2025, 3, 1), code="大病" if household is illness else "慢病",
        )  # fmt: skip
    run = ScreeningRun.objects.create(year=2025, engine="db", rule_set=RuleSet.objects.get(is_current=True),
                                      status="done")  # fmt: skip
    for household, code in ((income_only, "R01"), (illness, "R09")):
        lead = Lead.objects.create(
            household=household, grade="黄", risk_types=["因病"], round="2025-09", village_due=datetime.date(2025, 9, 20),
            township_due=datetime.date(2025, 9, 25), county_due=datetime.date(2025, 9, 30),
        )  # fmt: skip
        LeadSignal.objects.create(lead=lead, run=run, rule_code=code, rule_name=code, rule_set_version=1, grade="黄",
                                  risk_type="因病", evidence={})  # fmt: skip
    # when the department reads its batch page
    page = client.get(f"/feeds/{batch.pk}/").content.decode()
    # then only the illness lead is the batch's doing
    assert "待核实 1，" in page


def test_a_batch_names_itself_in_beijing_time() -> None:
    # given a batch received at 16:30 UTC, which is 00:30 the next day in Beijing
    batch = FeedBatch.objects.create(department="health", checksum="2" * 64, source="api")
    FeedBatch.objects.filter(pk=batch.pk).update(
        received_at=datetime.datetime(2025, 3, 1, 16, 30, tzinfo=datetime.UTC)
    )
    batch.refresh_from_db()
    # when it is named (the admin, the audit log) then the time is Beijing's
    assert str(batch).endswith("2025-03-02 00:30")
