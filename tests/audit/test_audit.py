"""The audit log: written in the write's transaction, sensitive values never in plain text, append-only."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from zhenxing.audit import services as audit
from zhenxing.audit.models import AuditEvent, AuditLogIsAppendOnly
from zhenxing.audit.services import AuditOutsideTransaction
from zhenxing.common.request_context import current_client_ip

from ..conftest import VILLAGE
from ..factories import division

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"


def _event(**extra: object) -> AuditEvent:
    with transaction.atomic():
        return audit.record(actor=None, action="test.write", target=("test.thing", "1"), **extra)  # type: ignore[arg-type]


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction() -> None:
    # given: autocommit, as a service that forgot its transaction would have
    # when / then
    with pytest.raises(AuditOutsideTransaction):
        audit.record(actor=None, action="x", target=("t", "1"))
    assert not AuditEvent.objects.filter(action="x").exists()


def test_sensitive_fields_are_masked_or_hashed_at_any_depth() -> None:
    # when
    event = _event(
        old={"id_number": ID_NUMBER, "name": "张三", "income": {"wage": 1200}},
        new={
            "id_number": ID_NUMBER,
            "members": [
                {"id_number": "532926199001011234", "health": ["患有大病"], "disability": {"category": 4}}
            ],
            "wage_income": 30000,
            "phone": "13812345678",
            "dibao": True,
        },
        reason="修改收入",
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    text = str(stored.old_values) + str(stored.new_values)
    # then: nothing sensitive in plain text, masked forms and hashes in its place
    assert ID_NUMBER not in text
    assert "532926199001011234" not in text
    assert stored.old_values["id_number"] == "110105********002X"
    assert stored.old_values["name"] == "张三"
    assert stored.old_values["income"].startswith("hmac:")
    member = stored.new_values["members"][0]
    assert member["id_number"] == "532926********1234"
    assert member["health"].startswith("hmac:")
    assert "患有大病" not in text
    assert member["disability"].startswith("hmac:")
    assert stored.new_values["wage_income"].startswith("hmac:")
    assert "30000" not in text
    assert stored.new_values["phone"] == "138****5678"
    assert stored.new_values["dibao"].startswith("hmac:")


def test_keyed_hash_lets_equal_values_be_recognised() -> None:
    first = _event(new={"income": 1000})
    second = _event(new={"income": 1000})
    third = _event(new={"income": 1001})
    assert first.new_values["income"] == second.new_values["income"] != third.new_values["income"]


def test_client_ip_and_division_are_recorded() -> None:
    token = current_client_ip.set("10.1.2.3")
    try:
        event = _event(division=division(VILLAGE))
    finally:
        current_client_ip.reset(token)
    assert event.client_ip == "10.1.2.3"
    assert event.division is not None
    assert event.division.code == VILLAGE


def test_model_refuses_update_and_delete() -> None:
    event = _event(new={"a": 1})
    event.reason = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_database_refuses_update_even_for_a_superuser() -> None:
    # given: an event, and raw SQL that bypasses every guard in Python (the tests connect as a superuser)
    event = _event(new={"a": 1})
    # when / then
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'tampered' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="DELETE is refused by trigger on PostgreSQL only"
)
def test_postgresql_refuses_delete_at_database_level() -> None:
    event = _event(new={"a": 1})
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_cannot_change_or_delete_audit_events(admin_client: object) -> None:
    from django.test import Client

    assert isinstance(admin_client, Client)
    event = _event(new={"a": 1})
    assert admin_client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    response = admin_client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"reason": "tampered"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == ""
