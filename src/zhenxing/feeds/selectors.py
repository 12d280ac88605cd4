from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from zhenxing.common.enums import Department
from zhenxing.common.errors import not_found
from zhenxing.feeds.models import FeedBatch, FeedRecord
from zhenxing.screening.models import Lead, LeadSignal, LeadStatus, Rule

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


def rule_codes_reading(*, department: str) -> set[str]:
    """The screening rules (any rule-set version) whose condition reads this department's records."""
    reads = re.compile(rf"department\s*=\s*'{re.escape(department)}'")
    return {code for code, sql in Rule.objects.values_list("code", "sql") if reads.search(sql)}


def lead_outcomes(*, batch: FeedBatch) -> dict[str, int]:
    """The fate of the leads this batch's records raised — counts only, nothing about the households: leads of
    the batch's households with a signal of a rule that reads this department, from a round after the batch
    arrived. A lead the same household has for its income (R01) is not the department's doing."""
    households = batch.records.exclude(household__isnull=True).values("household_id")
    raised = LeadSignal.objects.filter(
        lead__household_id__in=households,
        rule_code__in=rule_codes_reading(department=batch.department),
        run__started_at__gte=batch.received_at,
    ).values("lead_id")
    return Lead.objects.filter(pk__in=raised).aggregate(
        open=Count("pk", filter=Q(status=LeadStatus.OPEN)),
        confirmed=Count("pk", filter=Q(status=LeadStatus.CONFIRMED)),
        dismissed=Count("pk", filter=Q(status=LeadStatus.DISMISSED)),
    )


def current_roster_batch(*, county_code: str) -> FeedBatch | None:
    """The county's current 民政 roster (P17): its newest snapshot, the one no later snapshot superseded.
    A system read for the comparison job (no user scope): the caller scopes what it shows."""
    if not county_code:
        return None
    return FeedBatch.objects.filter(
        department=Department.CIVIL_AFFAIRS, county_code=county_code, superseded_at__isnull=True
    ).first()


def current_roster_records(*, county_code: str) -> QuerySet[FeedRecord]:
    """The records of the county's current 民政 roster (P17; `code` is the category: 低保, 特困, 低保边缘,
    刚性支出困难 or 临时救助); none when the county has sent no roster."""
    if not county_code:
        return FeedRecord.objects.none()
    return FeedRecord.objects.filter(
        batch__department=Department.CIVIL_AFFAIRS,
        batch__county_code=county_code,
        batch__superseded_at__isnull=True,
    )
