"""Assistance and risk elimination (issue 8): the plan made at confirmation (P7), 帮扶责任人 through dated
assignments, measure states, the plan checks at 1 and 6 months, evaluations (P9), the elimination steps in
the plan's order, the no-labour rule, reopening and 责任追溯 (P13), the housing ledger and the reports."""

from __future__ import annotations

import datetime
import io
import uuid

import pytest
from python_calamine import CalamineWorkbook

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from zhenxing.monitoring import cases
from zhenxing.monitoring.assistance import selectors as plan_selectors
from zhenxing.monitoring.assistance import services as assistance
from zhenxing.monitoring.assistance.sector import household_sector
from zhenxing.monitoring.elimination import services as elimination
from zhenxing.monitoring.enums import CaseStatus, EvaluationKind, MeasureStatus
from zhenxing.monitoring.housing import selectors as housing_selectors
from zhenxing.monitoring.housing import services as housing
from zhenxing.monitoring.identification import selectors, services
from zhenxing.monitoring.identification.reports import report_workbook
from zhenxing.monitoring.models import Case, Evaluation, Measure
from zhenxing.monitoring.notices import services as notices
from zhenxing.monitoring.tracing import services as tracing
from zhenxing.monitoring.tracing.selectors import household_trace
from zhenxing.monitoring.tracing.services import trace_workbook
from zhenxing.registry.models import Person

from ..conftest import OTHER_COUNTY
from ..factories import make_user
from .helpers import CONFIRMED_ON, audit_actions, confirmed, people, poor_household, raise_income, refreshed

pytestmark = pytest.mark.django_db


def _audit(action: str, target: object) -> AuditEvent:
    return AuditEvent.objects.filter(action=action, target_id=str(target.pk)).latest("pk")  # type: ignore[attr-defined]


def _implement_development(user: dict, case: Case) -> Measure:  # type: ignore[type-arg]
    measure = case.measures.get(category="就业帮扶")
    return assistance.measure_move(actor=user["village"], measure=measure, to=MeasureStatus.IN_PROGRESS)


def _no_labour(household: object) -> None:
    Person.objects.filter(memberships__household=household).update(labour="丧失劳动力")


def test_p7_confirmation_makes_the_plan_from_the_recommendation(clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    # given a household with labour, confirmed
    case = confirmed(user, poor_household())
    # then its plan holds the P7 recommendation for the confirmed risk types, as planned measures
    plan = case.plan
    assert plan.decision["has_labour"] is True and "就业帮扶" in plan.recommended
    assert set(case.measures.values_list("category", flat=True)) == set(plan.recommended)
    assert set(case.measures.values_list("status", flat=True)) == {MeasureStatus.PLANNED}
    assert _audit("plan.create", plan).new_values["measures"] == plan.recommended


def test_a_helper_from_another_county_sees_the_household_through_the_dated_assignment(clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    case = confirmed(user, poor_household())
    bureau = make_user(Role.COUNTY, OTHER_COUNTY)  # a cadre of a county bureau elsewhere
    # before the assignment the case is outside their scope
    with pytest.raises(NotFound):
        cases.case_get_for_user(user=bureau, pk=case.pk)
    # a village cannot name a helper; the county can, with dates
    with pytest.raises(PermissionDenied):
        assistance.helper_assign(
            actor=user["village"], household=case.household, helper=bureau, starts_on=CONFIRMED_ON
        )
    assignment = assistance.helper_assign(
        actor=user["county"], household=case.household, helper=bureau, starts_on=CONFIRMED_ON,
        ends_on=datetime.date(2026, 12, 31),
    )  # fmt: skip
    assert _audit("assignment.create", assignment).new_values["household"] == case.household_id
    # then the helper sees it, on their own page too, while the assignment runs
    assert cases.case_get_for_user(user=bureau, pk=case.pk).pk == case.pk
    assert [c.pk for c in plan_selectors.helper_cases_for_user(user=bureau, today=CONFIRMED_ON)] == [case.pk]
    assert assistance.current_helper(case.household, on=CONFIRMED_ON) == bureau
    assert not plan_selectors.helper_cases_for_user(user=bureau, today=datetime.date(2027, 1, 1)).exists()


def test_p7_measure_states_move_by_the_table_and_closing_needs_an_outcome(clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    case = confirmed(user, poor_household())
    measure = assistance.measure_record(
        actor=user["village"], case=case, category="产业帮扶", content="核桃种植", started_on=CONFIRMED_ON,
        funds_fen=300_000, funds_source="衔接资金", motivation=True, continues_after_elimination=True,
    )  # fmt: skip
    assert measure.status == MeasureStatus.PLANNED and measure.motivation
    with pytest.raises(Conflict):
        assistance.measure_move(
            actor=user["village"], measure=measure, to=MeasureStatus.COMPLETED, outcome="完成"
        )
    measure = assistance.measure_move(actor=user["village"], measure=measure, to=MeasureStatus.IN_PROGRESS)
    with pytest.raises(InvalidInput, match="成效"):
        assistance.measure_move(actor=user["village"], measure=measure, to=MeasureStatus.COMPLETED)
    measure = assistance.measure_move(
        actor=user["county"], measure=measure, to=MeasureStatus.COMPLETED, outcome="亩产增收2000元"
    )
    event = _audit("measure.move", measure)
    assert (event.old_values, event.new_values) == ({"status": "实施中"}, {"status": "已完成"})
    # a per-person item goes to a current member only
    head = case.household.memberships.get(relation="户主").person
    item = assistance.person_item_add(
        actor=user["village"],
        measure=measure,
        person=head,
        kind="培训",
        detail="核桃嫁接培训",
        started_on=CONFIRMED_ON,
    )
    assert _audit("person_item.create", item).new_values["person"] == head.pk
    stranger = poor_household("M-2").memberships.first().person
    with pytest.raises(InvalidInput, match="家庭成员"):
        assistance.person_item_add(
            actor=user["village"],
            measure=measure,
            person=stranger,
            kind="培训",
            detail="x培训",
            started_on=CONFIRMED_ON,
        )


def test_p7_plan_checks_fire_at_1_and_6_months_on_the_test_clock(clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    case = confirmed(user, poor_household())  # identified 8 September 2025; 就业帮扶 planned, not implemented
    without_labour = poor_household("M-2")
    _no_labour(without_labour)
    idle = confirmed(user, without_labour)

    def flag(on: datetime.date) -> str:
        return plan_selectors.plan_flags([refreshed(case), refreshed(idle)], today=on)[case.pk]

    assert flag(datetime.date(2025, 10, 7)) == "ok"
    assert flag(datetime.date(2025, 10, 8)) == "warning"  # one month
    assert flag(datetime.date(2026, 3, 7)) == "warning"
    assert flag(datetime.date(2026, 3, 8)) == "error"  # six months
    # a household without labour is never flagged
    assert plan_selectors.plan_flags([refreshed(idle)], today=datetime.date(2026, 6, 1))[idle.pk] == "ok"
    # the standing report per township counts it
    clock_at(datetime.date(2026, 3, 8))
    [row] = plan_selectors.plan_check_report(user=user["county"], today=clock.today())
    assert (row["monitored"], row["warning"], row["error"]) == (2, 0, 1)
    # an implemented development-type measure clears it
    _implement_development(user, case)
    assert flag(datetime.date(2026, 3, 8)) == "ok"


def test_p9_periodic_evaluation_runs_each_quarter_once(clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    case = confirmed(user, poor_household())
    assert elimination.evaluations_run_due(today=datetime.date(2025, 12, 7)) == 0
    clock_at(datetime.date(2025, 12, 8))
    assert elimination.evaluations_run_due() == 1
    assert elimination.evaluations_run_due() == 0  # not again within the quarter
    evaluation = case.evaluations.get()
    assert evaluation.kind == EvaluationKind.PERIODIC and evaluation.eligible is False
    assert "纳入监测时间不足6个月" in evaluation.reasons
    assert evaluation.decision["parameters"]["elimination_min_months"]["version"] >= 1
    assert _audit("evaluation.create", evaluation).actor_label == "system"


def _to_notice(user: dict, case: Case) -> Case:  # type: ignore[type-arg]
    elimination.evaluation_record(actor=user["village"], case=case, kind=EvaluationKind.ELIMINATION)
    case = services.case_move(actor=user["village"], case=case, to="elim_meeting")
    with pytest.raises(Conflict, match="评议会"):
        services.case_move(actor=user["village"], case=case, to="elim_consent")
    services.case_record_meeting(
        actor=user["village"], case=case, held_on=clock.today(), minutes="党员群众评议：同意消除"
    )
    case = services.case_move(actor=user["village"], case=case, to="elim_consent")
    with pytest.raises(Conflict, match="知情同意"):
        services.case_move(actor=user["village"], case=case, to="elim_visit")
    elimination.consent_record(
        actor=user["village"], case=case, consent_by="杨建国", relation="户主", consent_on=clock.today()
    )
    case = services.case_move(actor=user["village"], case=case, to="elim_visit")
    with pytest.raises(Conflict, match="走访"):
        services.case_move(actor=user["village"], case=case, to="elim_notice")
    services.visit_record(
        actor=user["village"], case=case, client_uuid=uuid.uuid4(), visited_at=clock.now(), place="家中",
        findings="收入稳定，两人务工", authorization_signed=False,
    )  # fmt: skip
    return services.case_move(actor=user["village"], case=case, to="elim_notice")


def test_p9_elimination_goes_in_the_plans_order_and_is_recorded(clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    household = poor_household()
    case = confirmed(user, household)
    loan = assistance.measure_record(
        actor=user["village"], case=case, category="金融帮扶", content="小额信贷5万元", started_on=CONFIRMED_ON,
        continues_after_elimination=True,
    )  # fmt: skip
    assistance.measure_move(actor=user["village"], measure=loan, to=MeasureStatus.IN_PROGRESS)
    raise_income(household)
    # given six months of monitoring (Monday 9 March 2026)
    clock_at(datetime.date(2026, 3, 9))
    with pytest.raises(Conflict, match="帮扶成效评议"):
        services.case_move(actor=user["village"], case=case, to="elim_meeting")
    case = _to_notice(user, case)
    notice = notices.notice_create(
        actor=user["village"], village=case.village, cases=[case], title="", object_to="村委会 0872-1234567"
    )
    assert notice.purpose == "elimination" and "风险消除" in notice.title
    notice = notices.notice_post(actor=user["village"], notice=notice)
    assert notice.ends_on == datetime.date(2026, 3, 13)
    objection = notices.objection_record(
        actor=user["village"],
        notice=notice,
        case=case,
        raised_by="匿名",
        content="收入不稳定",
        received_on=clock.today(),
    )
    clock_at(datetime.date(2026, 3, 16))
    with pytest.raises(Conflict, match="异议"):
        services.case_move(actor=user["village"], case=case, to="elim_township")
    notices.objection_resolve(actor=user["township"], objection=objection, resolution="核实两人稳定务工")
    case = services.case_move(actor=user["village"], case=case, to="elim_township")
    with pytest.raises(PermissionDenied):
        services.case_move(actor=user["village"], case=case, to="elim_county")
    case = services.case_move(actor=user["township"], case=case, to="elim_county", findings="同意")
    with pytest.raises(InvalidInput, match="方式"):
        services.case_move(actor=user["county"], case=case, to="eliminated")
    case = services.case_move(actor=user["county"], case=case, to="eliminated", method="帮扶消除")
    case = refreshed(case)
    assert case.status == CaseStatus.ELIMINATED and case.eliminated_on == datetime.date(2026, 3, 16)
    decision = case.steps.get(outcome="eliminated").decision
    assert decision["eligible"] is True and decision["method"] == "帮扶消除"
    assert (
        decision["parameters"]["monitoring_line"]["version"] >= 1
        and decision["step_deadlines"]["version"] >= 1
    )
    assert (
        AuditEvent.objects.get(action="case.eliminated", target_id=str(case.pk)).new_values["method"]
        == "帮扶消除"
    )
    assert "case.consent" in audit_actions(case)
    # the small loan keeps running; the planned measures ended unstarted
    assert Measure.objects.get(pk=loan.pk).status == MeasureStatus.IN_PROGRESS
    assert set(case.measures.exclude(pk=loan.pk).values_list("status", flat=True)) == {
        MeasureStatus.TERMINATED
    }


def test_p9_assisted_elimination_needs_an_implemented_development_measure(clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    household = poor_household()
    case = confirmed(user, household)
    raise_income(household)
    clock_at(datetime.date(2026, 3, 9))
    case = _to_notice(user, case)
    notice = notices.notice_create(
        actor=user["village"], village=case.village, cases=[case], title="", object_to="村委会 0872-1234567"
    )
    notices.notice_post(actor=user["village"], notice=notice)
    clock_at(datetime.date(2026, 3, 16))
    case = services.case_move(actor=user["village"], case=case, to="elim_township")
    case = services.case_move(actor=user["township"], case=case, to="elim_county")
    with pytest.raises(Conflict, match="开发式"):
        services.case_move(actor=user["county"], case=case, to="eliminated", method="帮扶消除")
    assert refreshed(case).status == CaseStatus.ELIMINATION_COUNTY  # refused: nothing changed
    case = services.case_move(actor=user["county"], case=case, to="eliminated", method="自然消除")
    assert refreshed(case).elimination_method == "自然消除"


def test_p9_a_household_without_labour_is_refused_with_the_reason(clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    household = poor_household()
    _no_labour(household)
    case = confirmed(user, household)
    raise_income(household)
    clock_at(datetime.date(2026, 3, 9))
    evaluation = elimination.evaluation_record(
        actor=user["village"], case=case, kind=EvaluationKind.ELIMINATION
    )
    assert evaluation.eligible is False
    assert evaluation.reasons == ["家庭无劳动能力，不标注风险消除，继续落实社会保障措施并长期监测"]
    with pytest.raises(Conflict, match="家庭无劳动能力"):
        services.case_move(actor=user["village"], case=case, to="elim_meeting")
    assert refreshed(case).status == CaseStatus.CONFIRMED


def test_an_elimination_can_be_ended_and_monitoring_continues(clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    household = poor_household()
    case = confirmed(user, household)
    raise_income(household)
    clock_at(datetime.date(2026, 3, 9))
    elimination.evaluation_record(actor=user["village"], case=case, kind=EvaluationKind.ELIMINATION)
    case = services.case_move(actor=user["village"], case=case, to="elim_meeting")
    with pytest.raises(InvalidInput, match="理由"):
        services.case_move(actor=user["village"], case=case, to="confirmed")
    case = services.case_move(
        actor=user["village"], case=case, to="confirmed", findings="户主不同意，继续帮扶"
    )
    assert (
        refreshed(case).status == CaseStatus.CONFIRMED
        and not Case.objects.filter(household=household).exclude(pk=case.pk).exists()
    )


def test_p13_a_new_case_after_elimination_reopens_monitoring_and_the_trace_shows_the_history(
    clock_at,
) -> None:  # type: ignore[no-untyped-def]
    user = people()
    household = poor_household()
    case = confirmed(user, household)
    raise_income(household)
    clock_at(datetime.date(2026, 3, 9))
    Case.objects.filter(pk=case.pk).update(
        status="eliminated", eliminated_on=datetime.date(2026, 3, 9), elimination_method="自然消除"
    )
    # when a cadre reports the household again
    clock_at(datetime.date(2026, 6, 1))
    reopened = services.case_open_for_household(
        actor=user["village"], household=household, summary="再次因病"
    )
    assert reopened.reopens_id == case.pk
    event = _audit("case.reopen", reopened)
    assert event.old_values["case"] == case.pk and event.new_values["source"] == "cadre"
    # then the trace shows the first episode's steps with their deadlines and parameter versions, and the reopening
    entries = household_trace(household)
    kinds = [entry.kind for entry in entries]
    assert kinds.count("办理环节") == 6 and "走访" in kinds and "公示" in kinds
    confirmation = next(e for e in entries if "确定纳入" in e.what)
    assert "监测范围 " in confirmation.versions and confirmation.who.endswith("（县）")
    assert any("重新纳入" in mark for entry in entries for mark in entry.marks)
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(trace_workbook(household, entries)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[1][0] == "时间" and len(rows) == 2 + len(entries)
    assert any("重新纳入" in str(row[-1]) for row in rows[2:])
    # an export for an inquiry is audited
    tracing.trace_export(actor=user["county"], household=household)
    assert AuditEvent.objects.get(action="trace.export").new_values == {"entries": len(entries)}


def test_p11_housing_ledger_opens_one_entry_per_house_and_closes_it(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(datetime.date(2025, 9, 1))
    user = people()
    household = poor_household()
    with pytest.raises(InvalidInput, match="C级危房应修缮加固"):
        housing.housing_entry_open(actor=user["village"], household=household, grade="C", way="拆除重建")
    entry = housing.housing_entry_open(actor=user["village"], household=household, grade="D", way="拆除重建")
    assert entry.guarantee_years == 30
    with pytest.raises(Conflict, match="未销号"):
        housing.housing_entry_open(actor=user["village"], household=household, grade="D", way="拆除重建")
    with pytest.raises(InvalidInput):
        housing.housing_entry_close(actor=user["village"], entry=entry, completion="")
    entry = housing.housing_entry_close(
        actor=user["township"], entry=entry, completion="新房竣工验收合格，已入住"
    )
    event = _audit("housing.close", entry)
    assert (event.old_values, event.new_values["status"]) == ({"status": "open"}, "closed")
    assert [e.pk for e in housing_selectors.ledger_for_user(user=user["village"])] == [entry.pk]
    relocated = poor_household("M-3")
    type(relocated).objects.filter(pk=relocated.pk).update(is_relocated=True, resettlement_site="安置点")
    with pytest.raises(InvalidInput, match="易地扶贫搬迁"):
        housing.housing_entry_open(
            actor=user["village"],
            household=type(relocated).objects.get(pk=relocated.pk),
            grade="D",
            way="拆除重建",
        )


def test_reports_count_by_type_risk_county_and_status_and_the_workbook_reads_back(clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    first = confirmed(user, poor_household())
    second = confirmed(user, poor_household("M-2"))
    Case.objects.filter(pk=second.pk).update(
        status="eliminated", eliminated_on=datetime.date(2025, 12, 1), elimination_method="自然消除"
    )
    report = selectors.monitoring_report(user=user["county"], year=2025)
    assert report["total"] == 1
    [(code, name, counts)] = report["by_county"]
    assert code == "532926"
    assert counts["total"] == 1 and counts[first.monitoring_type] == 1 and name == "南涧彝族自治县"
    assert dict(report["by_status"]) == {"已纳入监测": 1}
    assert [c.pk for c in report["eliminated"]] == [second.pk]
    content = report_workbook(
        monitored=cases.monitored_for_user(user=user["county"]), report=report, year=2025
    )
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names == ["监测对象", "分县分类型", "风险类型", "监测状态", "2025年风险消除"]
    roster = book.get_sheet_by_name("监测对象").to_python()
    assert roster[0][-3:] == ["监测状态", "风险消除时间", "风险消除方式"] and len(roster) == 2
    assert book.get_sheet_by_name("2025年风险消除").to_python()[1][-1] == "自然消除"
    assert Evaluation.objects.count() == 0


def test_p11_sector_panel_subsidy_transport_and_extra_medical_assistance(clock_at) -> None:  # type: ignore[no-untyped-def]
    from zhenxing.feeds.models import FeedBatch, FeedRecord

    user = people()
    household = poor_household()
    # given a 脱贫户 in 2025 not (yet) monitored: 0 yuan (P11 schedule), both members work outside the county 6 months
    before = household_sector(household)
    assert [row["subsidy"] for row in before["rows"]] == [0, 0] and all(
        row["transport"] for row in before["rows"]
    )
    # and the head's in-catalogue out-of-pocket costs this year above the line
    head = household.memberships.get(relation="户主").person
    batch = FeedBatch.objects.create(department="medical_insurance", checksum="x" * 64, source="upload")
    line_fen = int(before["line"] * 100)
    FeedRecord.objects.create(
        batch=batch, department="medical_insurance", row_number=1, person=head, household=household,
        record_date=datetime.date(2025, 5, 1), amount_fen=line_fen + 100,
    )  # fmt: skip
    # when it becomes a monitoring object
    confirmed(user, household)
    after = household_sector(household)
    # then each member gets 180 yuan, and the head qualifies for extra medical assistance
    assert after["monitored"] is True and [row["subsidy"] for row in after["rows"]] == [180, 180]
    assert [row["extra_medical"] for row in after["rows"]] == [True, False]
    assert after["parameters"]["medical_insurance_subsidy"]["version"] >= 1
    # and the panel shows the money in yuan with separators, each cell labelled for the phone's cards
    from django.test import Client

    panel = Client()
    panel.force_login(user["village"])
    html = panel.get(f"/cases/sector/{household.pk}/").content.decode()
    out_of_pocket = f"{(line_fen + 100) / 100:,.2f}"
    assert (
        f'data-label="目录内自付（元）">{out_of_pocket}<' in html and 'data-testid="subsidy">180.00<' in html
    )


def test_the_case_list_ranks_townships_by_overdue_cases_and_plan_errors(client, clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    confirmed(user, poor_household())
    clock_at(datetime.date(2026, 3, 8))
    client.force_login(user["county"])
    page = client.get("/cases/")
    assert [(code, errors) for code, _, _, errors in page.context["ranking"]] == [("532926101", 1)]
    assert "计划错误" in page.content.decode()
    case = Case.objects.get()
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-flag="error"' in detail and "纳入满6个月仍无已实施的开发式帮扶措施" in detail
