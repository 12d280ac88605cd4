"""P14 异议: the services themselves keep objections in scope, not only the pages' scoped reads — a cadre
records an objection only on a notice posted in their jurisdiction or above it, and answers only one filed
under a village of their jurisdiction; anything else is not found (in Chinese), nothing stored."""

from __future__ import annotations

import datetime

import pytest

from tests.conftest import OTHER_COUNTY_VILLAGE, OTHER_TOWNSHIP, SAME_TOWNSHIP_VILLAGE
from tests.factories import make_user
from tests.projects.builders import project_input, project_users
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import NotFound
from zhenxing.projects import notices, services
from zhenxing.projects.enums import NoticeKind
from zhenxing.projects.models import ProjectNotice, ProjectObjection

pytestmark = pytest.mark.django_db

FIRST = datetime.date(2026, 3, 1)


def _posted_proposal_notice(users: dict) -> ProjectNotice:
    project = services.project_propose(actor=users["village"], data=project_input())
    draft = notices.notice_create(
        actor=users["village"],
        kind=NoticeKind.PROPOSAL,
        projects=[project],
        title="",
        object_to="村委会 0879-1234567",
    )
    return notices.notice_post(actor=users["village"], notice=draft)


@pytest.mark.parametrize(
    ("role", "code"),
    [
        (Role.VILLAGE, SAME_TOWNSHIP_VILLAGE),  # a neighbouring village
        (Role.TOWNSHIP, OTHER_TOWNSHIP),  # another township of the county
        (Role.VILLAGE, OTHER_COUNTY_VILLAGE),  # another county's village
    ],
)
def test_p14_objection_record_refuses_a_notice_outside_the_recorders_reach(
    shipped_data, clock_at, role, code
):
    # given a notice posted on 西山村委会's board
    clock_at(FIRST)
    notice = _posted_proposal_notice(project_users())
    # when a cadre elsewhere records an objection on it through the service
    with pytest.raises(NotFound, match="不在您的管辖范围内"):
        notices.objection_record(actor=make_user(role, code), notice=notice, content="道路占用了我家的地")
    # then nothing is stored
    assert not ProjectObjection.objects.exists()
    assert not AuditEvent.objects.filter(action="project_objection.record").exists()


def test_p14_objection_record_accepts_the_notices_own_board_and_the_offices_above(shipped_data, clock_at):
    clock_at(FIRST)
    users = project_users()
    notice = _posted_proposal_notice(users)
    for actor in (users["village"], users["township"], users["county"], users["prefecture"]):
        notices.objection_record(actor=actor, notice=notice, content=f"{actor.username}登记的异议")
    assert ProjectObjection.objects.filter(notice=notice).count() == 4
    assert AuditEvent.objects.filter(action="project_objection.record").count() == 4


def test_p14_objection_answer_refuses_an_objection_outside_the_answerers_jurisdiction(shipped_data, clock_at):
    clock_at(FIRST)
    users = project_users()
    raised = notices.objection_record(
        actor=users["village"], notice=_posted_proposal_notice(users), content="道路占用了我家的地"
    )
    with pytest.raises(NotFound):
        notices.objection_answer(
            actor=make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE), objection=raised, answer="无关"
        )
    raised.refresh_from_db()
    assert (
        raised.status == "open" and not AuditEvent.objects.filter(action="project_objection.answer").exists()
    )
    # the township above it answers
    notices.objection_answer(actor=users["township"], objection=raised, answer="已核实，不占用耕地")
    assert AuditEvent.objects.filter(action="project_objection.answer", target_id=str(raised.pk)).exists()
