"""The project reaches 资产移交 with its assets (P14, P15): by hand only when no asset registered from it waits for
hand-over (a project that yielded no asset is handed over by hand), by itself when its last asset is handed over,
and an adjusted project's assets are counted by its code across versions."""

from __future__ import annotations

import datetime

import pytest

from tests.assets.builders import (
    accepted_project,
    asset_input,
    asset_users,
    care,
    collective_owner,
    handed_over,
    registered,
)
from zhenxing.assets import selectors, services
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict
from zhenxing.projects import services as projects
from zhenxing.projects.models import Project

pytestmark = pytest.mark.django_db


def test_p15_the_project_is_not_handed_over_by_hand_while_an_asset_waits() -> None:
    users = asset_users()
    project = accepted_project(users)
    road, station = registered(
        users, project, asset_input(value="40"), asset_input(name="候车亭", value="40")
    )
    handed_over(users, road)
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        projects.project_move(
            actor=users["county"], project=Project.objects.get(pk=project.pk), to="handed_over"
        )
    assert "本项目登记的2项资产中还有1项未移交" in refused.value.message
    assert Project.objects.get(pk=project.pk).status == "accepted"
    assert AuditEvent.objects.count() == events
    # a registered asset not yet confirmed waits as well
    services.asset_confirm(actor=users["county"], asset=station, owner=collective_owner())
    with pytest.raises(Conflict):
        projects.project_move(
            actor=users["county"], project=Project.objects.get(pk=project.pk), to="handed_over"
        )


def test_p15_a_project_without_assets_is_handed_over_by_hand() -> None:
    users = asset_users()
    project = accepted_project(users)
    moved = projects.project_move(actor=users["county"], project=project, to="handed_over")
    assert moved.status == "handed_over"
    assert not AuditEvent.objects.filter(action="project.assets_handed_over").exists()


def test_p15_the_last_assets_hand_over_moves_the_project_with_its_audit_row() -> None:
    users = asset_users()
    project = accepted_project(users)
    road, station = registered(
        users, project, asset_input(value="40"), asset_input(name="候车亭", value="40")
    )
    handed_over(users, road)
    assert Project.objects.get(pk=project.pk).status == "accepted"
    assert not AuditEvent.objects.filter(action="project.assets_handed_over").exists()
    handed_over(users, station, by="transport")
    assert Project.objects.get(pk=project.pk).status == "handed_over"
    event = AuditEvent.objects.get(action="project.assets_handed_over")
    assert event.target_id == str(project.pk)
    assert event.new_values["status"] == "handed_over"
    assert "（资产移交）" in event.actor_label


def test_p15_an_adjusted_projects_assets_are_counted_by_its_code() -> None:
    # given version 1 with an asset, replaced by version 2 (the same code) with another asset
    users = asset_users()
    first = accepted_project(users)
    (road,) = registered(users, first, asset_input(value="40"))
    second = Project.objects.get(pk=first.pk)
    second.pk, second.version, second.previous = None, 2, first
    second.save()
    Project.objects.filter(pk=first.pk).update(status="adjusted")
    # the money paid to version 1 is the code's: 40 万元 are left for version 2
    (station,) = registered(users, second, asset_input(name="候车亭", value="40"))
    assert selectors.project_asset_counts(first) == selectors.project_asset_counts(second) == (2, 2)
    # when version 1's asset is handed over, version 2 waits for its own
    handed_over(users, road)
    assert Project.objects.get(pk=second.pk).status == "accepted"
    with pytest.raises(Conflict):
        projects.project_move(
            actor=users["county"], project=Project.objects.get(pk=second.pk), to="handed_over"
        )
    # when the last is handed over the current version is 资产移交; the old one stays 已调整
    owned = services.asset_confirm(actor=users["county"], asset=station, owner=collective_owner())
    services.asset_hand_over(actor=users["county"], asset=owned, on=clock.today() - datetime.timedelta(days=1),
                             receiver="西山村股份经济合作社", care=care())  # fmt: skip
    assert Project.objects.get(pk=second.pk).status == "handed_over"
    assert Project.objects.get(pk=first.pk).status == "adjusted"
    assert AuditEvent.objects.filter(action="project.assets_handed_over").count() == 1
