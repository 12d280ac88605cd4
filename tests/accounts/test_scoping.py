"""A user's scope: their division subtree plus dated assignments (docs/design.md: Who uses it)."""

from __future__ import annotations

import datetime

import pytest

from zhenxing.accounts.enums import AssignmentKind, Role
from zhenxing.accounts.scoping import restrict_to_scope, scope_prefixes
from zhenxing.divisions.models import Division

from ..conftest import COUNTY, OTHER_COUNTY_VILLAGE, TOWNSHIP, VILLAGE
from ..factories import AssignmentFactory, division, make_user

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


def test_territorial_scope_is_the_subtree() -> None:
    user = make_user(Role.TOWNSHIP, TOWNSHIP)
    visible = restrict_to_scope(Division.objects.all(), user=user, division_field="")
    assert set(visible.values_list("level", flat=True)) == {"township", "village"}
    assert visible.count() == 1 + Division.objects.filter(parent__code=TOWNSHIP).count()


def test_active_assignment_widens_scope_only_between_its_dates() -> None:
    # given: a county-bureau cadre assigned as 帮扶责任人 to a village in another county, for the first half of 2026
    cadre = make_user(Role.COUNTY, COUNTY)
    AssignmentFactory(
        user=cadre,
        kind=AssignmentKind.HELPER,
        division=division(OTHER_COUNTY_VILLAGE),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 6, 30),
    )
    # then
    assert scope_prefixes(cadre, on=TODAY) == [COUNTY, OTHER_COUNTY_VILLAGE]
    assert scope_prefixes(cadre, on=datetime.date(2026, 7, 1)) == [COUNTY]
    assert scope_prefixes(cadre, on=datetime.date(2025, 12, 31)) == [COUNTY]


def test_assignment_inside_own_subtree_adds_nothing() -> None:
    user = make_user(Role.COUNTY, COUNTY)
    AssignmentFactory(user=user, division=division(VILLAGE), starts_on=datetime.date(2026, 1, 1))
    assert scope_prefixes(user, on=TODAY) == [COUNTY]


def test_department_and_admin_have_no_territory() -> None:
    assert scope_prefixes(make_user(Role.DEPARTMENT)) == []
    assert scope_prefixes(make_user(Role.ADMIN)) == []


def test_inactive_user_sees_nothing() -> None:
    user = make_user(Role.COUNTY, COUNTY, is_active=False)
    assert scope_prefixes(user) == []
