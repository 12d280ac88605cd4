"""Scoped reads of the housing-safety ledger (P11)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from zhenxing.accounts.scoping import restrict_to_scope
from zhenxing.common.errors import not_found
from zhenxing.monitoring.models import HousingLedgerEntry

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def ledger_for_user(*, user: User) -> QuerySet[HousingLedgerEntry]:
    return restrict_to_scope(
        HousingLedgerEntry.objects.all(), user=user, division_field="village", household_field="household"
    )


def ledger_entry_get_for_user(*, user: User, pk: int) -> HousingLedgerEntry:
    entry = ledger_for_user(user=user).select_related("household", "village").filter(pk=pk).first()
    if entry is None:
        raise not_found()
    return entry
