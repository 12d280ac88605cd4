"""A department's home page: its recent batches and the fate of the leads its records raised — counts only,
nothing about the households (a department sees no household)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from zhenxing.feeds.models import FeedBatch, FeedRecord
from zhenxing.feeds.selectors import batch_list_for_user, rule_codes_reading
from zhenxing.screening.models import Lead, LeadSignal, LeadStatus

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def recent_batches(*, user: User, count: int = 5) -> QuerySet[FeedBatch]:
    return batch_list_for_user(user=user)[:count]


def lead_fate(*, user: User) -> dict[str, int]:
    """Across all the department's batches, as `feeds.selectors.lead_outcomes` counts one batch: a lead with a
    signal of a rule reading this department, from a round after a batch of it held the household's records."""
    if not batch_list_for_user(user=user).exists():
        return {"raised": 0, "open": 0, "confirmed": 0, "dismissed": 0}
    delivered = FeedRecord.objects.filter(
        batch__department=user.department,
        household_id=OuterRef("lead__household_id"),
        batch__received_at__lte=OuterRef("run__started_at"),
    )
    raised = LeadSignal.objects.filter(
        Exists(delivered), rule_code__in=rule_codes_reading(department=user.department)
    ).values("lead_id")
    counts = Lead.objects.filter(pk__in=raised).aggregate(
        raised=Count("pk"),
        open=Count("pk", filter=Q(status=LeadStatus.OPEN)),
        confirmed=Count("pk", filter=Q(status=LeadStatus.CONFIRMED)),
        dismissed=Count("pk", filter=Q(status=LeadStatus.DISMISSED)),
    )
    return {key: int(value or 0) for key, value in counts.items()}
