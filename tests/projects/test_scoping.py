"""P14 scoping of the project library's reads (projects/selectors.py): a village sees its own projects and the
county's projects with a place in it, a township and a county their subtree, the prefecture all, a county sector
department its own sector's projects of its own county, a feed department and the administrator none; anything
else is not found (404), so that its existence does not leak."""

from __future__ import annotations

import pytest

from tests.conftest import (
    COUNTY,
    OTHER_COUNTY,
    OTHER_COUNTY_VILLAGE,
    SAME_TOWNSHIP_VILLAGE,
    TOWNSHIP,
    VILLAGE,
)
from tests.factories import make_user
from tests.projects.builders import industry_input, project_input, sector_user
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.common.errors import NotFound
from zhenxing.projects import selectors, services
from zhenxing.projects.models import Project

pytestmark = pytest.mark.django_db

OTHER_TOWNSHIP = "532926102"  # 小湾东镇
OTHER_TOWNSHIP_VILLAGE = "532926102201"  # 神舟村委会


def _propose(actor: User, name: str, places: list[str], **changes: object) -> Project:
    return services.project_propose(
        actor=actor, data=project_input(name=name, places=[(code, "") for code in places], **changes)
    )


@pytest.fixture
def library(shipped_data: None, clock_at: object) -> dict[str, Project]:
    """One project of each kind, by name: a village's road, a county road through two townships, the county's
    water project, another village's planting project, a township's road, a road of another township's village,
    and a road of another county."""
    transport = sector_user("transport", username="s_jiaotong")
    return {
        "village_road": _propose(make_user(Role.VILLAGE, VILLAGE), "西山村道路", [VILLAGE]),
        "county_road": _propose(transport, "县道", [VILLAGE, OTHER_TOWNSHIP_VILLAGE]),
        "county_water": _propose(
            make_user(Role.COUNTY, COUNTY),
            "团山村饮水",
            [SAME_TOWNSHIP_VILLAGE],
            category="construction_water",
        ),
        "other_village_planting": services.project_propose(
            actor=make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE),
            data=industry_input(name="团山村核桃", places=[(SAME_TOWNSHIP_VILLAGE, "")]),
        ),
        "township_road": _propose(
            make_user(Role.TOWNSHIP, TOWNSHIP), "南涧镇联村道路", [SAME_TOWNSHIP_VILLAGE]
        ),
        "other_township_road": _propose(
            make_user(Role.VILLAGE, OTHER_TOWNSHIP_VILLAGE), "神舟村道路", [OTHER_TOWNSHIP_VILLAGE]
        ),
        "other_county_road": _propose(
            make_user(Role.COUNTY, OTHER_COUNTY),
            "大理市道路",
            [OTHER_COUNTY_VILLAGE],
            implementing_unit="大理市交通运输局",
        ),
    }


def visible(user: User, library: dict[str, Project]) -> set[str]:
    seen = set(selectors.project_list_for_user(user=user).values_list("pk", flat=True))
    return {name for name, project in library.items() if project.pk in seen}


def assert_get_matches_list(user: User, library: dict[str, Project]) -> None:
    """project_get_for_user finds exactly what the list shows; the rest is NotFound in the one Chinese words."""
    seen = visible(user, library)
    for name, project in library.items():
        if name in seen:
            assert selectors.project_get_for_user(user=user, pk=project.pk).pk == project.pk
        else:
            with pytest.raises(NotFound, match="未找到，或不在您的管辖范围内"):
                selectors.project_get_for_user(user=user, pk=project.pk)


def test_p14_a_village_sees_its_own_projects_and_the_countys_with_a_place_in_it(library):
    user = make_user(Role.VILLAGE, VILLAGE)
    assert visible(user, library) == {"village_road", "county_road"}
    assert_get_matches_list(user, library)
    neighbour = make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE)
    assert visible(neighbour, library) == {"county_water", "other_village_planting", "township_road"}
    assert_get_matches_list(neighbour, library)


def test_p14_a_township_sees_its_subtree(library):
    user = make_user(Role.TOWNSHIP, TOWNSHIP)
    assert visible(user, library) == {
        "village_road", "county_road", "county_water", "other_village_planting", "township_road",
    }  # fmt: skip
    assert_get_matches_list(user, library)
    other = make_user(Role.TOWNSHIP, OTHER_TOWNSHIP)
    assert visible(other, library) == {"county_road", "other_township_road"}


def test_p14_a_county_sees_its_county_and_the_prefecture_all(library):
    county = make_user(Role.COUNTY, COUNTY)
    assert visible(county, library) == set(library) - {"other_county_road"}
    assert_get_matches_list(county, library)
    prefecture = make_user(Role.PREFECTURE, "5329")
    assert visible(prefecture, library) == set(library)


def test_p14_a_county_sector_sees_its_own_sector_in_its_own_county(library):
    transport = sector_user("transport", username="s_jiaotong2")
    assert visible(transport, library) == {
        "village_road",
        "county_road",
        "township_road",
        "other_township_road",
    }
    assert_get_matches_list(transport, library)
    water = sector_user("water", username="s_shuili")
    assert visible(water, library) == {"county_water"}
    dali_transport = sector_user("transport", county=OTHER_COUNTY, username="s_dali_jiaotong")
    assert visible(dali_transport, library) == {"other_county_road"}


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.ADMIN])
def test_p14_a_feed_department_and_the_administrator_see_no_project(library, role):
    user = make_user(role)
    assert visible(user, library) == set()
    assert_get_matches_list(user, library)


def test_p14_another_countys_user_gets_not_found(library):
    # given 大理市's county user
    user = make_user(Role.COUNTY, OTHER_COUNTY)
    # then 南涧's projects are not found, exactly as a project that does not exist
    for name in ("village_road", "county_road", "county_water"):
        with pytest.raises(NotFound, match="未找到，或不在您的管辖范围内"):
            selectors.project_get_for_user(user=user, pk=library[name].pk)
    with pytest.raises(NotFound, match="未找到，或不在您的管辖范围内"):
        selectors.project_get_for_user(user=user, pk=max(p.pk for p in library.values()) + 1000)
    assert selectors.project_get_for_user(user=user, pk=library["other_county_road"].pk)


def test_p14_an_inactive_user_sees_nothing(library):
    user = make_user(Role.COUNTY, COUNTY, is_active=False)
    assert visible(user, library) == set()
