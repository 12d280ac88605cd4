"""P14: a village proposal through its announcement, every approval step, 州审定, execution and an adjustment —
at the service level, on both databases."""

from __future__ import annotations

import pytest

from tests.projects.builders import (
    minutes_pdf,
    project_input,
    project_users,
    to_library,
)
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict
from zhenxing.projects import services
from zhenxing.projects.models import Project, ProjectStep

pytestmark = pytest.mark.django_db


def test_p14_village_proposal_goes_through_the_chain_into_the_library(shipped_data, clock_at):
    # given a village proposal
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    assert project.status == "proposed" and project.total_fen == 120_500_000
    # when it is not yet announced, it cannot go to the township
    with pytest.raises(Conflict, match="公示"):
        services.project_move(actor=users["village"], project=project, to="township_review")
    # then announced, reviewed and decided
    project = to_library(project, users)
    assert project.status == "reserved" and project.decided_on is not None and project.batch is not None
    steps = list(ProjectStep.objects.filter(project=project).values_list("step", "outcome"))
    assert steps[-1] == ("prefecture_decision", "reserved")
    assert AuditEvent.objects.filter(action="project.batch_decide").exists()


def test_p14_adjustment_is_a_new_version_and_replaces_the_old_on_decision(shipped_data, clock_at):
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    adjusted = services.project_adjust(
        actor=users["village"],
        project=project,
        data=project_input(total="130", sources={"central": "110", "county": "20"}),
        reason="路线延长0.3公里",
    )
    assert adjusted.version == 2 and adjusted.status == "proposed" and adjusted.code == project.code
    adjusted = to_library(adjusted, users)
    project.refresh_from_db()
    assert adjusted.status == "reserved" and project.status == "adjusted"
    assert Project.objects.filter(code=project.code).count() == 2


def test_p14_emergency_project_enters_at_county_review_and_is_filed(shipped_data, clock_at):
    users = project_users()
    project = services.project_propose(
        actor=users["county"],
        data=project_input(places=[("532926101202", "")], emergency=True, emergency_kind="disaster",
                           emergency_reason="7月暴雨冲毁道路，须抢修"),
    )  # fmt: skip
    assert project.status == "county_review" and project.level == "county"
    project = services.project_move(
        actor=users["county"], project=project, to="reserved", opinion="同意应急实施", files=[minutes_pdf()]
    )
    project = services.project_move(actor=users["county"], project=project, to="started")
    services.project_file_emergency(actor=users["prefecture"], project=project, opinion="同意备案")
    project.refresh_from_db()
    assert project.prefecture_filed_on is not None and project.status == "started"
