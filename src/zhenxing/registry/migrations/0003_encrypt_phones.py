"""Encrypt the phones already stored in plain text (Person.phone, Household.contact_phone), in batches.

Each number is sealed as it was stored (trimmed); one that is not 11 digits keeps the P1 flag
`phone_malformed` (people) so that the standing quality report goes on counting it until someone corrects
it. Reversible: going back decrypts into the plain columns, which 0004 drops going forward."""

from __future__ import annotations

from typing import Any

from django.db import migrations

BATCH = 2000


def _batches(model: Any, **filters: Any) -> Any:
    last = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last, **filters).order_by("pk")[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def encrypt_phones(apps: Any, schema_editor: Any) -> None:
    from zhenxing.common.bulk import update_rows
    from zhenxing.common.crypto import encrypt_phone, mask_phone
    from zhenxing.policy.rules.quality import PHONE

    Person = apps.get_model("registry", "Person")
    Household = apps.get_model("registry", "Household")
    for people in _batches(Person, phone_encrypted__isnull=True):
        rows = [
            (p.pk, encrypt_phone(number), mask_phone(number), not PHONE.match(number))
            for p in people
            if (number := p.phone.strip())
        ]
        update_rows("registry_person", ["phone_encrypted", "phone_masked", "phone_malformed"], rows)
    for households in _batches(Household, contact_phone_encrypted__isnull=True):
        rows = [
            (h.pk, encrypt_phone(number), mask_phone(number))
            for h in households
            if (number := h.contact_phone.strip())
        ]
        update_rows("registry_household", ["contact_phone_encrypted", "contact_phone_masked"], rows)


def decrypt_phones(apps: Any, schema_editor: Any) -> None:
    from zhenxing.common.bulk import update_rows
    from zhenxing.common.crypto import decrypt_phone

    Person = apps.get_model("registry", "Person")
    Household = apps.get_model("registry", "Household")
    for people in _batches(Person, phone_encrypted__isnull=False):
        rows = [(p.pk, decrypt_phone(bytes(p.phone_encrypted)), None, "", False) for p in people]
        update_rows("registry_person", ["phone", "phone_encrypted", "phone_masked", "phone_malformed"], rows)
    for households in _batches(Household, contact_phone_encrypted__isnull=False):
        rows = [(h.pk, decrypt_phone(bytes(h.contact_phone_encrypted)), None, "") for h in households]
        update_rows("registry_household", ["contact_phone", "contact_phone_encrypted", "contact_phone_masked"], rows)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_phones_encrypted_and_id_conflicts")]

    operations = [migrations.RunPython(encrypt_phones, decrypt_phones)]
