"""P14 项目调整 and numbering at the service level: an adjusted version keeps the category → sector map and
the proposing village, a county department adjusts only into its own sector, one adjustment at a time under
the project's lock, and project numbers run past 9999."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import SAME_TOWNSHIP_VILLAGE, VILLAGE
from tests.factories import make_user
from tests.projects.builders import (
    announce_proposal,
    industry_input,
    minutes_pdf,
    project_input,
    project_users,
    to_library,
)
from tests.projects.refusing import locs, message_at
from tests.projects.stored import nothing_stored
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import Sector
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.projects import notices, services
from zhenxing.projects.enums import NoticeKind
from zhenxing.projects.models import Project

pytestmark = pytest.mark.django_db
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

LONGER = {"total": "130", "sources": {"central": "130"}}


def test_p14_an_adjustment_takes_the_sector_of_its_new_category(shipped_data, clock_at):
    # given a village road (交通运输) in the library
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    assert project.sector.code == "transport"
    # when the county adjusts it into a planting project
    adjusted = services.project_adjust(
        actor=users["county"], project=project, data=industry_input(), reason="改为发展核桃种植"
    )
    # then the new version is reviewed by the sector of its new category (the category → sector map)
    assert adjusted.category.code == "industry_planting"
    assert adjusted.sector == Sector.objects.get(code="agriculture")
    assert AuditEvent.objects.filter(action="project.adjust", target_id=str(adjusted.pk)).exists()


def test_p14_a_county_department_adjusts_only_into_its_own_sector(shipped_data, clock_at):
    # given the transport department's county road in the library
    users = project_users()
    road = services.project_propose(actor=users["sector"], data=project_input(name="县道改造"))
    road = services.project_move(actor=users["sector"], project=road, to="county_review", opinion="同意")
    road = services.project_move(
        actor=users["county"], project=road, to="prefecture_decision", opinion="同意", files=[minutes_pdf()]
    )
    services.project_batch_decide(
        actor=users["prefecture"],
        county=road.county,
        projects=[road],
        opinion="同意",
        minutes=[minutes_pdf()],
    )
    road.refresh_from_db()
    # when it adjusts it into agriculture's category, then it is refused on the category, nothing stored
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_adjust(
            actor=users["sector"], project=road, data=industry_input(), reason="改为发展核桃种植"
        )
    assert "category" in locs(caught.value) and "不是本部门的行业" in message_at(caught.value, "category")


def test_p14_a_county_adjusting_a_village_project_keeps_the_proposing_village(shipped_data, clock_at):
    # given 西山村's road in the library
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    # when the county moves it wholly to 团山村, then it is refused on the places, nothing stored
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_adjust(
            actor=users["county"], project=project, data=project_input(places=[(SAME_TOWNSHIP_VILLAGE, "")]),
            reason="改到团山村实施",
        )  # fmt: skip
    assert "西山村" in message_at(caught.value, "places")
    # extending it to 团山村 as well is an adjustment
    both = services.project_adjust(
        actor=users["county"], project=project,
        data=project_input(places=[(VILLAGE, "大村组"), (SAME_TOWNSHIP_VILLAGE, "")], **LONGER), reason="延伸到团山村",
    )  # fmt: skip
    assert both.division == project.division


def test_p14_a_second_adjustment_while_one_is_under_way_is_a_conflict(shipped_data, clock_at):
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    services.project_adjust(
        actor=users["village"], project=project, data=project_input(**LONGER), reason="路线延长0.3公里"
    )
    with nothing_stored(), pytest.raises(Conflict, match="已有一个调整在审批中"):
        services.project_adjust(
            actor=users["county"], project=project, data=project_input(**LONGER), reason="路线延长0.5公里"
        )


def test_p14_project_numbers_run_past_9999(shipped_data, clock_at):
    # given a county's year already at its 9999th project
    users = project_users()
    first = services.project_propose(actor=users["village"], data=project_input())
    prefix = first.code[:-4]
    Project.objects.filter(pk=first.pk).update(code=f"{prefix}9999")
    # when two more are proposed, then they are numbered 10000 and 10001 (not 9999 + 1 read as text again)
    second = services.project_propose(actor=users["village"], data=project_input(name="第二条道路"))
    third = services.project_propose(actor=users["village"], data=project_input(name="第三条道路"))
    assert (second.code, third.code) == (f"{prefix}10000", f"{prefix}10001")


def _post_library_notice(county_user, project):  # type: ignore[no-untyped-def]
    notice = notices.notice_create(
        actor=county_user, kind=NoticeKind.LIBRARY, projects=[project], title="", object_to="县乡村振兴局 0879-3921234"
    )  # fmt: skip
    return notices.notice_post(actor=county_user, notice=notice)


def test_p14_an_adjusted_version_is_announced_before_its_next_execution_step(shipped_data, clock_at):
    # given a village road in the library, announced, started, and adjusted while it is 开工
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    _post_library_notice(users["county"], project)
    project = services.project_move(actor=users["county"], project=project, to="started")
    adjusted = services.project_adjust(
        actor=users["village"], project=project, data=project_input(**LONGER), reason="路线延长0.3公里"
    )
    adjusted = to_library(adjusted, users)
    assert adjusted.status == "started" and adjusted.version == 2
    # when the county records 在建 before the new version is on a library or plan notice, it is refused
    with nothing_stored(), pytest.raises(Conflict, match="调整后的项目"):
        services.project_move(actor=users["county"], project=adjusted, to="building")
    # once the county's library notice lists the new version, the work goes on (audited)
    _post_library_notice(users["county"], adjusted)
    adjusted = services.project_move(actor=users["county"], project=adjusted, to="building")
    assert adjusted.status == "building"
    assert AuditEvent.objects.filter(action="project.progress", target_id=str(adjusted.pk)).exists()


def test_p14_a_first_version_goes_on_after_its_start_without_a_new_notice(shipped_data, clock_at):
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    _post_library_notice(users["county"], project)
    project = services.project_move(actor=users["county"], project=project, to="started")
    assert services.project_move(actor=users["county"], project=project, to="building").status == "building"


# --- 退回修改: the proposer changes a returned project (services.project_revise)


def _returned(users):  # type: ignore[no-untyped-def]
    """西山村's road announced, at 乡审核, sent back by the township."""
    project = services.project_propose(actor=users["village"], data=project_input())
    announce_proposal(project, users["village"])
    project = services.project_move(actor=users["village"], project=project, to="township_review")
    return services.project_move(actor=users["township"], project=project, to="returned", opinion="概算偏高")


def test_p14_a_returned_village_proposal_is_revised_and_announced_again(shipped_data, clock_at):
    # given 西山村's road sent back by the township
    users = project_users()
    project = _returned(users)
    # when the village revises it: a shorter road, cheaper, at 小村组
    revised = services.project_revise(
        actor=users["village"], project=project,
        data=project_input(name="西山村小村组道路硬化", places=[(VILLAGE, "小村组")], total="90", sources={"central": "90"}),
    )  # fmt: skip
    # then the same project (same code, same version) holds the new facts, audited with the old and new
    revised.refresh_from_db()
    assert (revised.pk, revised.code, revised.version, revised.status) == (
        project.pk, project.code, 1, "returned",
    )  # fmt: skip
    assert revised.name == "西山村小村组道路硬化" and revised.total_fen == 90_000_000
    assert [p.natural_village.name for p in revised.places.select_related("natural_village")] == ["小村组"]
    assert dict(revised.fundings.values_list("source", "amount_fen")) == {"central": 90_000_000}
    event = AuditEvent.objects.get(action="project.revise", target_id=str(project.pk))
    assert (event.old_values["total_fen"], event.new_values["total_fen"]) == (120_500_000, 90_000_000)
    # when it is re-submitted, the announcement of the old proposal no longer counts: announced again first
    revised = services.project_move(actor=users["village"], project=revised, to="proposed")
    with nothing_stored(), pytest.raises(Conflict, match="重新公示"):
        services.project_move(actor=users["village"], project=revised, to="township_review")
    announce_proposal(revised, users["village"])
    moved = services.project_move(actor=users["village"], project=revised, to="township_review")
    assert moved.status == "township_review"


def test_p14_only_the_proposer_revises_a_returned_project_and_only_then(shipped_data, clock_at):
    users = project_users()
    project = services.project_propose(actor=users["village"], data=project_input())
    # not returned: nothing to revise
    with nothing_stored(), pytest.raises(Conflict, match="只有退回修改的项目可以修改"):
        services.project_revise(actor=users["village"], project=project, data=project_input(name="改名"))
    announce_proposal(project, users["village"])
    project = services.project_move(actor=users["village"], project=project, to="township_review")
    project = services.project_move(actor=users["township"], project=project, to="returned", opinion="补充")
    # another village, the township, the county: not the proposer
    for actor in (make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE), users["township"], users["county"]):
        with nothing_stored(), pytest.raises(PermissionDenied, match="申报单位"):
            services.project_revise(actor=actor, project=project, data=project_input(name="改名"))
    # an incomplete revision is refused by name, nothing stored
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_revise(actor=users["village"], project=project, data=project_input(total="130"))
    assert "sources" in locs(caught.value)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_p14_two_adjustments_at_once_give_one_version_and_a_chinese_conflict(shipped_data, clock_at):
    # given a village road in the library, adjusted at the same moment by the village and by the county
    users = project_users()
    project = to_library(services.project_propose(actor=users["village"], data=project_input()), users)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def adjust(who: str) -> None:
        try:
            start.wait()
            services.project_adjust(
                actor=users[who],
                project=project,
                data=project_input(**LONGER),
                reason=f"{who}：路线延长0.3公里",
            )
            outcomes.append("adjusted")
        except Conflict as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=adjust, args=(who,)) for who in ("village", "county")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one new version, and the other told in Chinese (not a database error)
    assert sorted(outcomes) == sorted(["adjusted", "该项目已有一个调整在审批中"])
    assert Project.objects.filter(code=project.code, version=2).count() == 1
    assert AuditEvent.objects.filter(action="project.adjust").count() == 1
