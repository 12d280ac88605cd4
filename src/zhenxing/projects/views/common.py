"""What the library's pages share: the capability a view asks first, a service run with its domain error shown
as a message on the page the user returns to (the monitoring pages' pattern), and the scoped choices of the
proposal form (villages, categories, households)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q
from django.http import HttpRequest

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import require_capability
from zhenxing.accounts.scoping import user_scope
from zhenxing.common.http import attempt  # noqa: F401  (the library's pages import it from here)
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.projects.models import ProjectCategory
from zhenxing.registry.models import Household, Membership
from zhenxing.registry.selectors import household_list_for_user

MESSAGES = {
    Capability.VIEW_PROJECTS: "您的角色不能查看项目库",
    Capability.PROPOSE_PROJECT: "您的角色不能申报项目",
    Capability.ACT_ON_PROJECT: "您的角色不能办理项目",
}


def require(request: HttpRequest, capability: Capability) -> User:
    return require_capability(request, capability, MESSAGES.get(capability, "您没有权限"))


def proposal_prefixes(user: User) -> list[str]:
    """Where the user may place a project: a county department its county, the others their scope."""
    if user.role == Role.COUNTY_SECTOR:
        return [user.jurisdiction.code] if user.jurisdiction else []
    return list(user_scope(user).prefixes)


def village_choices(user: User) -> list[tuple[str, list[tuple[str, str]]]]:
    """The administrative villages the user may propose for, grouped by township (a village cadre: its own)."""
    prefixes = proposal_prefixes(user)
    if not prefixes:
        return []
    villages = Division.objects.filter(level=DivisionLevel.VILLAGE).select_related("parent").order_by("code")
    condition = Q()
    for prefix in prefixes:
        condition |= Q(code__startswith=prefix)
    groups: dict[str, list[tuple[str, str]]] = {}
    for village in villages.filter(condition):
        township = village.parent.name if village.parent else ""
        groups.setdefault(township, []).append((village.code, village.name))
    return list(groups.items())


def category_choices(user: User) -> list[tuple[str, list[tuple[str, str]]]]:
    """The catalogue by 大类; a county department sees the categories of its own sector."""
    categories = ProjectCategory.objects.order_by("sort", "code")
    if user.role == Role.COUNTY_SECTOR:
        categories = categories.filter(sector__pk=user.sector_id or 0)
    groups: dict[str, list[tuple[str, str]]] = {}
    for category in categories:
        groups.setdefault(category.group, []).append((category.code, category.name))
    return list(groups.items())


def household_rows(
    user: User, ids: Iterable[int] | None = None, *, q: str = "", limit: int = 20
) -> list[Any]:
    """Households in the user's registry scope, each with its head's name (for the 到户 picker and list)."""
    if not has_capability(user, Capability.VIEW_REGISTRY):
        return []
    heads = Membership.objects.filter(left_on__isnull=True, relation="户主").select_related("person")
    households = household_list_for_user(user=user).select_related("village")
    if ids is not None:
        households = households.filter(pk__in=list(ids))
    elif q:
        by_head = Membership.objects.filter(
            left_on__isnull=True, relation="户主", person__name__startswith=q
        ).values("household_id")
        households = households.filter(Q(code__startswith=q) | Q(pk__in=by_head))
    else:
        return []
    listed: list[Household] = list(
        households.prefetch_related(
            Prefetch("memberships", queryset=heads, to_attr="current_heads")
        ).order_by("pk")[: limit if ids is None else None]
    )
    return listed
