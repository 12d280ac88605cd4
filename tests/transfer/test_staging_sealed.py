"""Issue 13 (same class as the plaintext phones): validated rows waiting for confirmation held health,
disability, 低保 and income as plain JSON. They are sealed now, bound to their batch and row."""

from __future__ import annotations

import base64

import pytest
from django.db import connection

from zhenxing.accounts.enums import Role
from zhenxing.common.crypto import decrypt_id_number
from zhenxing.registry.models import HouseholdYear, Person
from zhenxing.transfer import services as transfer
from zhenxing.transfer.models import ImportStatus, StagedRow
from zhenxing.transfer.uploads import UploadUnreadable, seal_row, unseal_staged

from ..conftest import TOWNSHIP, VILLAGE
from ..factories import make_user
from .workbook_builder import member_rows, workbook, year_rows

pytestmark = pytest.mark.django_db


def _raw_staged_bytes() -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sheet, sealed FROM transfer_stagedrow")
        return b"".join(sheet.encode() + bytes(sealed) for sheet, sealed in cursor.fetchall())


def test_staged_rows_hold_no_sensitive_value_in_plain_text() -> None:
    # given a workbook with a chronically ill, disabled 低保 member and the household's income
    user = make_user(Role.TOWNSHIP, TOWNSHIP)
    members = member_rows(VILLAGE, 2, code_prefix="SEAL")
    members[0].update(
        {"健康状况": "长期慢性病", "残疾类别": 2, "残疾等级": 3, "低保": "是", "姓名": "密封测试户主"}
    )
    years = year_rows(members)
    years[0]["工资性收入"] = 34567.89
    # when it is staged
    batch = transfer.import_stage(actor=user, file_name="sealed.xlsx", data=workbook(members, years))
    assert batch.status == ImportStatus.VALIDATED, batch.errors
    # then the table holds none of those values as text
    raw = _raw_staged_bytes()
    assert len(transfer.staged_payloads(batch)) == len(members) + len(years)
    assert StagedRow.objects.filter(batch=batch).count() == 2  # one sealed chunk per sheet (issue 22)
    for secret in ("长期慢性病", "密封测试户主", "3456789", "34567.89", '"dibao": true', "dibao"):
        assert secret.encode() not in raw, secret
    # and the rows open for the commit, which imports them as before
    payloads = transfer.staged_payloads(batch)
    assert any(row.get("health") == "长期慢性病" for sheet, row in payloads if sheet == "member")
    transfer.import_confirm(actor=user, batch=batch)
    transfer.import_commit(batch_id=batch.pk)
    head = Person.objects.get(name="密封测试户主")
    assert (head.health, head.dibao) == ("长期慢性病", True)
    assert HouseholdYear.objects.filter(wage=3_456_789).count() == 1
    assert not StagedRow.objects.filter(batch=batch).exists()


def test_a_sealed_chunk_does_not_open_in_another_place() -> None:
    user = make_user(Role.TOWNSHIP, TOWNSHIP)
    members = member_rows(VILLAGE, 1, code_prefix="MOVE")
    batch = transfer.import_stage(actor=user, file_name="m.xlsx", data=workbook(members, year_rows(members)))
    first, second = StagedRow.objects.filter(batch=batch).order_by("pk")[:2]
    assert members[0]["姓名"].encode() in unseal_staged(first.sealed, batch_id=batch.pk, row_id=first.pk)
    with pytest.raises(UploadUnreadable):
        unseal_staged(first.sealed, batch_id=batch.pk, row_id=second.pk)
    with pytest.raises(UploadUnreadable):
        unseal_staged(first.sealed, batch_id=batch.pk + 1, row_id=first.pk)
    # and a chunk moved onto another staged row of the batch fails the commit, which changes nothing
    StagedRow.objects.filter(pk=second.pk).update(sealed=first.sealed)
    transfer.import_confirm(actor=user, batch=batch)
    assert transfer.import_commit(batch_id=batch.pk).status == ImportStatus.FAILED
    assert not Person.objects.filter(name=members[0]["姓名"]).exists()


def test_a_row_staged_alone_as_json_before_issue_22_is_still_committed() -> None:
    # given a batch whose member row was staged the old way: one row, JSON, ciphertexts in base64
    user = make_user(Role.TOWNSHIP, TOWNSHIP)
    members = member_rows(VILLAGE, 1, code_prefix="OLD")[:1]
    members[0]["与户主关系"] = "户主"
    batch = transfer.import_stage(actor=user, file_name="old.xlsx", data=workbook(members))
    [(_, record)] = transfer.staged_payloads(batch)
    staged = StagedRow.objects.get(batch=batch)
    legacy = {
        key: base64.b64encode(value).decode() if isinstance(value, bytes) else value
        for key, value in record.items()
    }
    legacy["birth_date"] = record["birth_date"].isoformat()
    staged.sealed = seal_row(legacy, batch_id=batch.pk, row_id=staged.pk)
    staged.save(update_fields=["sealed"])
    # when it is committed
    transfer.import_confirm(actor=user, batch=batch)
    assert transfer.import_commit(batch_id=batch.pk).status == ImportStatus.DONE
    # then the person is imported with the ID that was staged
    person = Person.objects.get(name=members[0]["姓名"])
    assert decrypt_id_number(bytes(person.id_number_encrypted)) == members[0]["证件号码"]
