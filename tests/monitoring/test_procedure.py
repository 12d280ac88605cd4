"""P8 identification: the declared moves per role, the step conditions (visit, meeting, notice period,
objections), decisions with their inputs and parameter versions, audit of every step, escalation."""

from __future__ import annotations

import datetime
import uuid

import pytest

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.monitoring.assistance import services as assistance
from zhenxing.monitoring.enums import CaseStatus
from zhenxing.monitoring.identification import selectors, services
from zhenxing.monitoring.identification.transitions import IDENTIFICATION
from zhenxing.monitoring.models import Case, Visit
from zhenxing.monitoring.notices import services as notices

from ..conftest import VILLAGE
from ..factories import make_user
from .helpers import START, audit_actions, people, poor_household, posted_notice, refreshed, to_review

pytestmark = pytest.mark.django_db


def test_p8_a_case_goes_through_every_step_to_confirmation_with_deadlines_records_and_audit(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    household = poor_household()
    # given a case at the review step (opened, analysed, visited)
    case = to_review(user, household)
    assert case.step_due == datetime.date(
        2025, 9, 8
    )  # review meeting: 5 working days from Monday 1 September
    notice = posted_notice(user, [case])
    assert notice.ends_on == datetime.date(2025, 9, 5)  # posted Monday, 5 working days: Monday to Friday
    # when the village submits before the period has ended, it is refused
    with pytest.raises(Conflict, match="公示期"):
        services.case_move(actor=user["village"], case=case, to="township_review")
    # when the period has ended
    clock_at(datetime.date(2025, 9, 8))
    case = services.case_move(actor=user["village"], case=case, to="township_review")
    # then the township and county decide; the county's confirmation takes the policy engine's suggestion
    case = services.case_move(actor=user["township"], case=case, to="county_decision", findings="同意")
    case = services.case_move(actor=user["county"], case=case, to="confirmed")
    case = refreshed(case)
    assert case.status == CaseStatus.CONFIRMED and case.identified_on == datetime.date(2025, 9, 8)
    assert case.monitoring_type == "脱贫不稳定户" and case.risk_types
    decision = case.steps.get(outcome="confirmed").decision
    assert decision["parameters"]["monitoring_line"]["version"] >= 1
    assert decision["verdict"]["within_monitoring_range"] is True
    assert decision["inputs"]["members"] and decision["step_deadlines"]["version"] >= 1
    assert decision["classification"]["changed"] is False
    # every step is on record and audited with old and new values
    assert list(case.steps.values_list("step", flat=True)) == [
        "application", "analysis", "investigation", "review", "township_review", "county_decision",
    ]  # fmt: skip
    actions = audit_actions(case)
    assert actions.count("case.move") == 5 and "case.confirmed" in actions and "case.meeting" in actions
    confirmed = AuditEvent.objects.get(action="case.confirmed", target_id=str(case.pk))
    assert (
        confirmed.old_values == {"status": "county_decision"}
        and confirmed.new_values["status"] == "confirmed"
    )


@pytest.mark.parametrize("move", IDENTIFICATION.moves, ids=lambda m: f"{m.source}->{m.target}")
def test_p8_every_declared_move_is_done_by_its_role_only(move, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    household = poor_household()
    case = Case.objects.create(
        household=household, village_id=VILLAGE, source="cadre", status=move.source, opened_at=datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC),
        step_started_on=START, due=datetime.date(2025, 9, 29),
    )  # fmt: skip
    for role in (Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY, Role.PREFECTURE):
        if role == move.role:
            continue
        actor = make_user(
            role,
            {"village": VILLAGE, "township": VILLAGE[:9], "county": VILLAGE[:6], "prefecture": "5329"}[role],
        )
        with pytest.raises(PermissionDenied):
            services.case_move(actor=actor, case=case, to=move.target, findings="理由充分")
    assert refreshed(case).status == move.source


def test_p8_a_township_user_cannot_confirm_and_a_county_user_cannot_skip_the_notice(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    case = to_review(user, poor_household())
    with pytest.raises(Conflict):  # county: review → county decision is no declared move
        services.case_move(actor=user["county"], case=case, to="county_decision")
    with pytest.raises(Conflict):
        services.case_move(actor=user["county"], case=case, to="confirmed")
    with pytest.raises(PermissionDenied):  # the village's step, even for the county
        services.case_move(actor=user["county"], case=case, to="township_review")
    clock_at(datetime.date(2025, 9, 15))
    posted_notice(user, [case])
    clock_at(datetime.date(2025, 9, 22))
    case = services.case_move(actor=user["village"], case=case, to="township_review")
    with pytest.raises(Conflict):
        services.case_move(actor=user["township"], case=case, to="confirmed")


def test_p8_an_open_objection_blocks_the_township_step_until_resolved(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    case = to_review(user, poor_household())
    notice = posted_notice(user, [case])
    objection = notices.objection_record(
        actor=user["village"],
        notice=notice,
        case=case,
        raised_by="匿名",
        content="家中有车辆",
        received_on=START,
    )
    clock_at(datetime.date(2025, 9, 10))
    with pytest.raises(Conflict, match="异议"):
        services.case_move(actor=user["village"], case=case, to="township_review")
    notices.objection_resolve(
        actor=user["village"], objection=objection, resolution="经核实为亲属车辆，不影响认定"
    )
    assert (
        services.case_move(actor=user["village"], case=case, to="township_review").status == "township_review"
    )
    assert AuditEvent.objects.filter(action="objection.resolve").count() == 1


def test_p8_investigation_needs_a_signed_authorization_and_visits_sync_once(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    case = services.case_open_for_household(actor=user["village"], household=poor_household(), summary="突发")
    case = services.case_move(actor=user["village"], case=case, to="analysis")
    case = services.case_move(actor=user["village"], case=case, to="investigation", findings="已比对")
    with pytest.raises(Conflict, match="授权书"):
        services.case_move(actor=user["village"], case=case, to="review")
    client_uuid = uuid.uuid4()
    for _ in range(2):  # a phone syncs the same offline visit twice
        services.visit_record(
            actor=user["village"], case=case, client_uuid=client_uuid, visited_at=clock.now() - datetime.timedelta(hours=1),
            place="家中", findings="核实属实", authorization_signed=True,
        )  # fmt: skip
    assert Visit.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(action="visit.create").count() == 1


def test_p8_changing_the_suggested_type_needs_a_reason_and_a_rejection_needs_one_too(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    case = to_review(user, poor_household())
    posted_notice(user, [case])
    clock_at(datetime.date(2025, 9, 8))
    case = services.case_move(actor=user["village"], case=case, to="township_review")
    case = services.case_move(actor=user["township"], case=case, to="county_decision")
    with pytest.raises(InvalidInput, match="调整理由"):
        services.case_move(actor=user["county"], case=case, to="confirmed", monitoring_type="边缘易致贫户")
    with pytest.raises(InvalidInput, match="理由"):
        services.case_move(actor=user["county"], case=case, to="rejected")
    case = services.case_move(
        actor=user["county"], case=case, to="confirmed", monitoring_type="边缘易致贫户", risk_types=["因病"],
        change_reason="户类型登记有误，已核实为一般农户",
    )  # fmt: skip
    step = case.steps.get(outcome="confirmed")
    assert step.decision["classification"]["changed"] is True
    assert AuditEvent.objects.get(action="case.confirmed").reason == "户类型登记有误，已核实为一般农户"


def test_one_open_case_per_household_and_rejection_ends_the_case(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    household = poor_household()
    case = services.case_open_for_household(actor=user["village"], household=household, summary="困难")
    with pytest.raises(Conflict, match="未办结"):
        services.case_open_for_household(actor=user["village"], household=household, summary="再次")
    services.case_move(actor=user["village"], case=case, to="rejected", findings="收入高于监测范围")
    again = services.case_open_for_household(actor=user["village"], household=household, summary="新情况")
    assert again.pk != case.pk and refreshed(case).rejection_reason == "收入高于监测范围"


def test_green_channel_measures_before_confirmation(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    case = services.case_open_for_household(
        actor=user["village"], household=poor_household(), summary="房屋被洪水冲毁"
    )
    with pytest.raises(Conflict, match="绿色通道"):
        assistance.measure_record(
            actor=user["village"], case=case, category="住房安全保障", content="临时安置", started_on=START
        )
    case = services.case_green_channel(actor=user["village"], case=case, reason="洪涝灾害，房屋倒塌")
    measure = assistance.measure_record(
        actor=user["village"], case=case, category="住房安全保障", content="临时安置", started_on=START
    )
    assert measure.before_confirmation and refreshed(case).green_channel
    assert AuditEvent.objects.filter(action="case.green_channel").exists()


def test_an_application_unsettled_for_10_days_goes_up_to_the_township_and_county(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    case = services.case_open_for_household(actor=user["village"], household=poor_household(), summary="困难")
    assert services.cases_escalate() == 0
    assert case not in selectors.queue_for_user(user=user["township"], today=START)
    clock_at(START + datetime.timedelta(days=10))
    assert services.cases_escalate() == 1
    assert services.cases_escalate() == 0  # recorded once
    today = START + datetime.timedelta(days=10)
    assert case in selectors.queue_for_user(user=user["township"], today=today)
    assert case in selectors.queue_for_user(user=user["county"], today=today)
    assert refreshed(case).escalated_at is not None
    assert AuditEvent.objects.filter(action="case.escalate", target_id=str(case.pk)).count() == 1


def test_overdue_steps_are_flagged_and_ranked_by_township(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    case = services.case_open_for_household(actor=user["village"], household=poor_household(), summary="困难")
    case = services.case_move(actor=user["village"], case=case, to="analysis")
    assert case.step_due == datetime.date(2025, 9, 8)
    later = datetime.date(2025, 9, 9)
    assert selectors.overdue_ranking(user=user["county"], today=later) == [(VILLAGE[:9], 1)]
    clock_at(later)
    case = services.case_move(actor=user["village"], case=case, to="investigation", findings="已比对")
    assert case.steps.get(step="analysis").overdue


def test_a_visit_synced_twice_from_a_phone_is_stored_once_through_the_api(client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    case = services.case_open_for_household(actor=user["village"], household=poor_household(), summary="困难")
    client.force_login(user["village"])
    body = {"uuid": str(uuid.uuid4()), "visited_at": (clock.now() - datetime.timedelta(hours=1)).isoformat(), "place": "家中",
            "findings": "核实属实，授权书已签", "authorization_signed": True}  # fmt: skip
    first = client.post(f"/api/v1/cases/{case.pk}/visits", body, content_type="application/json")
    again = client.post(f"/api/v1/cases/{case.pk}/visits", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Visit.objects.filter(case=case).count() == 1


def test_a_step_keeps_its_scanned_form_and_the_file_is_served_only_in_scope(client, clock_at) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..conftest import OTHER_COUNTY_VILLAGE

    clock_at(START)
    user = people()
    case = services.case_open_for_household(actor=user["village"], household=poor_household(), summary="困难")
    form = SimpleUploadedFile("采集表.pdf", b"%PDF-1.4 scanned", content_type="application/pdf")
    case = services.case_move(actor=user["village"], case=case, to="analysis", files=[form])
    attachment = case.steps.get(step="application").attachments.get()
    assert (
        attachment.name == "采集表.pdf" and AuditEvent.objects.filter(action="attachment.create").count() == 1
    )
    with pytest.raises(InvalidInput, match="不是可接受的格式"):
        services.case_move(
            actor=user["village"], case=case, to="investigation", findings="已比对",
            files=[SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")],
        )  # fmt: skip
    assert refreshed(case).status == "analysis"  # the refused upload left the case where it was
    client.force_login(user["village"])
    assert client.get(f"/cases/attachments/{attachment.pk}/").status_code == 200
    client.force_login(make_user(Role.VILLAGE, OTHER_COUNTY_VILLAGE))
    assert client.get(f"/cases/attachments/{attachment.pk}/").status_code == 404
