"""P14: the money follows a project through its versions, so an adjustment may not plan less of a source than
the project already holds from that source's splits — refused when proposed, and again at 审定 (money may have
been split while it was under review)."""

from __future__ import annotations

import pytest

from tests.conftest import VILLAGE
from tests.factories import make_user
from tests.projects.builders import project_input
from zhenxing.accounts.enums import Role
from zhenxing.common.errors import InvalidInput
from zhenxing.funds import services
from zhenxing.projects import services as projects
from zhenxing.projects.models import Project

from .builders import allocation, fund_users, library_project

pytestmark = pytest.mark.django_db


def test_p14_an_adjustment_planning_less_than_was_split_is_refused_naming_the_sources() -> None:
    # given a road project planning 100 万元 central, 80 of it split
    users = fund_users()
    project = library_project(users["county"])
    line = allocation(users["finance"]).lines.get()
    services.split_create(actor=users["finance"], line=line, project=project, amount="80")
    village = make_user(Role.VILLAGE, VILLAGE, username="adj_cun")
    # when the village adjusts it to 50 万元 central
    smaller = project_input(total="70.5", sources={"central": "50", "county": "20.5"})
    with pytest.raises(InvalidInput) as refused:
        projects.project_adjust(actor=village, project=project, data=smaller, reason="缩减建设规模")
    # then it is refused on the sources, naming the money already split, and no version is stored
    assert refused.value.details[0].loc == ("sources",)
    assert "80万元" in refused.value.details[0].message
    assert Project.objects.filter(code=project.code).count() == 1
    # an adjustment keeping at least what was split is accepted
    enough = project_input(total="100.5", sources={"central": "80", "county": "20.5"})
    adjusted = projects.project_adjust(actor=village, project=project, data=enough, reason="缩减建设规模")
    assert adjusted.version == 2
