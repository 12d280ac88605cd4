from __future__ import annotations

from django.db.models import QuerySet

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import Assignment, DepartmentApiKey, User
from zhenxing.common.errors import PermissionDenied


def api_key_list_for_user(*, user: User) -> QuerySet[DepartmentApiKey]:
    if not has_capability(user, Capability.MANAGE_API_KEYS):
        raise PermissionDenied("您没有管理部门接口密钥的权限")
    return DepartmentApiKey.objects.order_by("department", "-created_at")


def assignment_list_for_user(*, user: User) -> QuerySet[Assignment]:
    """A user's own assignments, current and past (the dated history)."""
    return (
        Assignment.objects.filter(user=user)
        .select_related("division", "household__village")
        .order_by("-starts_on")
    )
