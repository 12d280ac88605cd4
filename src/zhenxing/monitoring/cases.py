"""The scoped reads of cases every sub-domain builds on (accounts.scoping: the user's divisions and dated
assignments): a case in scope or not found, and the monitoring objects among them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from zhenxing.accounts.scoping import restrict_to_scope
from zhenxing.common.errors import not_found
from zhenxing.monitoring.enums import MONITORED_STATUSES
from zhenxing.monitoring.models import Case

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def case_list_for_user(*, user: User) -> QuerySet[Case]:
    return restrict_to_scope(
        Case.objects.all(), user=user, division_field="village", household_field="household"
    )


def case_get_for_user(*, user: User, pk: int) -> Case:
    case = case_list_for_user(user=user).select_related("household", "village").filter(pk=pk).first()
    if case is None:
        raise not_found()
    return case


def monitored_for_user(*, user: User) -> QuerySet[Case]:
    """监测对象 in scope: confirmed, or in an elimination not yet decided."""
    return case_list_for_user(user=user).filter(status__in=MONITORED_STATUSES)
