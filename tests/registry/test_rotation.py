"""Key rotation: IDs re-encrypted and re-indexed under the new key; lookup works after it."""

from __future__ import annotations

import base64
import os

import pytest
from django.core.management import call_command

from zhenxing.accounts.enums import Role
from zhenxing.common.crypto import decrypt_id_number, is_under_current_key
from zhenxing.registry import selectors
from zhenxing.registry.models import Person

from ..conftest import VILLAGE
from ..factories import make_household, make_user

pytestmark = pytest.mark.django_db


def test_rotate_data_key(settings: object) -> None:
    make_household(VILLAGE, code="ROT-1")
    person = Person.objects.order_by("pk").first()
    assert person is not None
    number = decrypt_id_number(bytes(person.id_number_encrypted))  # type: ignore[arg-type]
    old_key = settings.ZHENXING_DATA_KEY  # type: ignore[attr-defined]
    settings.ZHENXING_DATA_KEY = os.urandom(32)  # type: ignore[attr-defined]
    settings.ZHENXING_PREVIOUS_DATA_KEYS = [old_key]  # type: ignore[attr-defined]
    assert base64.b64encode(old_key)
    call_command("rotate_data_key")
    person.refresh_from_db()
    assert is_under_current_key(bytes(person.id_number_encrypted))  # type: ignore[arg-type]
    assert decrypt_id_number(bytes(person.id_number_encrypted)) == number  # type: ignore[arg-type]
    found = selectors.household_search(
        user=make_user(Role.VILLAGE, VILLAGE), query=selectors.HouseholdSearch(id_number=number)
    )
    assert [h.code for h in found] == ["ROT-1"]
