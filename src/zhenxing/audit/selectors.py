from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.scoping import division_scope_filter, scope_prefixes
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import not_found

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def audit_event_list_for_user(*, user: User, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """Events whose division lies in the user's scope; the prefecture also sees events bound to no division
    (logins, keys, parameters). Users without the capability get a 404, like any page outside their scope."""
    if not has_capability(user, Capability.VIEW_AUDIT):
        raise not_found()
    condition = division_scope_filter(scope_prefixes(user), division_field="division")
    if condition is None:
        return AuditEvent.objects.none()
    if user.role == Role.PREFECTURE:
        condition |= Q(division__isnull=True)
    events = AuditEvent.objects.filter(condition).select_related("division")
    chosen = filters or AuditFilter()
    if chosen.actor:
        events = events.filter(actor_label__icontains=chosen.actor)
    if chosen.action:
        events = events.filter(action__startswith=chosen.action)
    if chosen.target_type:
        events = events.filter(target_type=chosen.target_type)
    if chosen.target_id:
        events = events.filter(target_id=chosen.target_id)
    if chosen.date_from:
        events = events.filter(created_at__date__gte=chosen.date_from)
    if chosen.date_to:
        events = events.filter(created_at__date__lte=chosen.date_to)
    return events.order_by("-created_at", "-id")
