from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.scoping import restrict_to_scope
from zhenxing.common.errors import not_found
from zhenxing.transfer.models import ImportBatch

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def import_batch_list_for_user(*, user: User) -> QuerySet[ImportBatch]:
    if not has_capability(user, Capability.IMPORT_REGISTRY):
        return ImportBatch.objects.none()
    return restrict_to_scope(ImportBatch.objects.all(), user=user, division_field="scope_division").order_by(
        "-created_at"
    )


def import_batch_get_for_user(*, user: User, pk: int) -> ImportBatch:
    batch = import_batch_list_for_user(user=user).filter(pk=pk).first()
    if batch is None:
        raise not_found()
    return batch
