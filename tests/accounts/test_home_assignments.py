"""The home page lists a cadre's 帮扶 and 驻村 assignments by what they are for: the household's village and
code for a 帮扶责任人, the village for a 驻村工作队 member."""

from __future__ import annotations

import pytest
from django.test import Client

from zhenxing.accounts.enums import AssignmentKind, Role

from ..conftest import OTHER_COUNTY, SAME_TOWNSHIP_VILLAGE, VILLAGE
from ..factories import AssignmentFactory, division, make_household, make_user

pytestmark = pytest.mark.django_db


def test_a_helpers_home_page_names_the_household_in_their_care(client: Client) -> None:
    # given a county cadre elsewhere who is 帮扶责任人 of one household of 西山村 and works in 团山村
    cadre = make_user(Role.COUNTY, OTHER_COUNTY)
    household = make_household(VILLAGE, code="XS-0007")
    AssignmentFactory(user=cadre, kind=AssignmentKind.HELPER, household=household, division=None)
    AssignmentFactory(user=cadre, kind=AssignmentKind.WORK_TEAM, division=division(SAME_TOWNSHIP_VILLAGE))
    client.force_login(cadre)
    # when the home page is shown
    html = client.get("/").content.decode()
    # then the household is named and linked, and the village of the work team too
    assert f'href="/households/{household.pk}/"' in html and "XS-0007 户" in html
    assert "帮扶责任人：（" not in html and "团山村" in html
