from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from zhenxing.common.errors import not_found
from zhenxing.feeds.models import FeedBatch

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def batch_list_for_user(*, user: User) -> QuerySet[FeedBatch]:
    """A department user sees their own department's batches; nobody else sees any here."""
    if user.role != "department" or not user.department:
        return FeedBatch.objects.none()
    return FeedBatch.objects.filter(department=user.department).order_by("-received_at")


def batch_get_for_user(*, user: User, pk: int) -> FeedBatch:
    batch = batch_list_for_user(user=user).filter(pk=pk).first()
    if batch is None:
        raise not_found()
    return batch


def lead_outcomes(*, batch: FeedBatch) -> dict[str, int]:
    """The fate of the leads this batch's records point at — counts only, nothing about the households."""
    from zhenxing.screening.models import Lead

    households = batch.records.exclude(household__isnull=True).values("household_id")
    return Lead.objects.filter(household_id__in=households).aggregate(
        open=Count("pk", filter=Q(status="open")),
        confirmed=Count("pk", filter=Q(status="confirmed")),
        dismissed=Count("pk", filter=Q(status="dismissed")),
    )
