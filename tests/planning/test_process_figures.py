"""The assessment's process figures (P16): per county, a count and the records behind it, each by the owning
app's own rule — a lead open past its check day, a case past its step's limit, a housing entry open at the
year's end, a rectification task past its limit; the other county and the other year are not counted; a past
year recomputed later gives the same figures."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.factories import division, make_household
from tests.planning.builders import COUNTY, OTHER_COUNTY, VILLAGE, an_assessment, planning_users
from zhenxing.common import clock
from zhenxing.monitoring.enums import CaseSource, CaseStatus
from zhenxing.monitoring.models import Case, CaseStep, HousingLedgerEntry, Notice, NoticeEntry
from zhenxing.planning.enums import TaskStatus
from zhenxing.planning.models import RectificationTask, Supervision
from zhenxing.planning.process import process_figures
from zhenxing.screening.models import Lead, LeadStatus

pytestmark = pytest.mark.django_db

OTHER_VILLAGE = "532923100201"
YEAR_END = datetime.date(2025, 12, 31)
TODAY = datetime.date(2026, 1, 20)


def a_lead(household: object, *, due: datetime.date, status: str = LeadStatus.OPEN) -> Lead:
    return Lead.objects.create(
        household=household, status=status, grade="红", risk_types=[], round=f"{due:%Y-%m}", village_due=due,
        township_due=due + datetime.timedelta(days=5), county_due=due + datetime.timedelta(days=10),
        reason="核实不纳入" if status == LeadStatus.DISMISSED else "",
        closed_at=None if status == LeadStatus.OPEN else datetime.datetime(2025, 5, 20, 9, tzinfo=datetime.UTC),
    )  # fmt: skip


def a_case(
    household: object, *, status: str, step_due: datetime.date, due: datetime.date,
    identified_on: datetime.date | None = None,
) -> Case:  # fmt: skip
    return Case.objects.create(
        household=household, village=household.village, source=CaseSource.CADRE, status=status,  # type: ignore[attr-defined]
        opened_at=clock.now(), step_started_on=step_due - datetime.timedelta(days=5), step_due=step_due, due=due,
        identified_on=identified_on, monitoring_type="脱贫不稳定户" if identified_on else "",
    )  # fmt: skip


def other_village_code() -> str:
    from zhenxing.divisions.models import Division

    return str(
        Division.objects.filter(code__startswith=OTHER_COUNTY, level="village").values_list(
            "code", flat=True
        )[0]
    )


def test_p16_overdue_leads_counted_by_the_kernel_for_their_county_and_year() -> None:
    # given in 南涧 a lead open past its 2025 check day, one closed, one due in 2024; one overdue in 巍山
    here = make_household(VILLAGE)
    overdue = a_lead(here, due=datetime.date(2025, 6, 1))
    a_lead(make_household(VILLAGE), due=datetime.date(2025, 6, 1), status=LeadStatus.DISMISSED)
    a_lead(make_household(VILLAGE), due=datetime.date(2024, 6, 1))
    elsewhere = a_lead(make_household(other_village_code()), due=datetime.date(2025, 7, 1))
    # when the 2025 figures are counted
    figures = process_figures(year=2025, today=TODAY)
    # then 南涧's figure is that lead, 巍山's the other; every county has a figure
    leads = figures["overdue_leads"]
    assert (leads[COUNTY].count, leads[COUNTY].ids, leads[COUNTY].model) == (
        1,
        [overdue.pk],
        "screening.lead",
    )
    assert leads[OTHER_COUNTY].ids == [elsewhere.pk]
    assert len(leads) == 12 and leads["532901"].count == 0


def test_p16_overdue_cases_plan_errors_and_late_evaluations_from_the_monitoring_rules() -> None:
    # given a case still at analysis past its step's limit, and a household monitored since January 2025
    # with no measure and no evaluation
    late = a_case(make_household(VILLAGE), status=CaseStatus.ANALYSIS, step_due=datetime.date(2025, 11, 1),
                  due=datetime.date(2025, 12, 1))  # fmt: skip
    on_time = a_case(make_household(VILLAGE), status=CaseStatus.ANALYSIS, step_due=datetime.date(2026, 3, 1),
                     due=datetime.date(2026, 4, 1))  # fmt: skip
    monitored = a_case(make_household(VILLAGE), status=CaseStatus.CONFIRMED, step_due=datetime.date(2025, 1, 10),
                       due=datetime.date(2025, 2, 1), identified_on=datetime.date(2025, 1, 5))  # fmt: skip
    # when counted
    figures = process_figures(year=2025, today=TODAY)
    # then the late case is overdue (the on-time one not), the monitored one a plan error and an evaluation due
    assert late.pk in figures["overdue_case_steps"][COUNTY].ids
    assert on_time.pk not in figures["overdue_case_steps"][COUNTY].ids
    assert figures["plan_errors"][COUNTY].ids == [monitored.pk]
    assert figures["evaluations_late"][COUNTY].ids == [monitored.pk]


def test_p16_housing_open_at_year_end_notices_never_posted_and_overdue_tasks() -> None:
    users = planning_users()
    household = make_household(VILLAGE)
    open_entry = HousingLedgerEntry.objects.create(
        household=household, village=household.village, grade="D", way="拆除重建",  # type: ignore[attr-defined]
        opened_on=datetime.date(2025, 3, 1), opened_by=users.county, guarantee_years=30,
    )  # fmt: skip
    closed_after = HousingLedgerEntry.objects.create(
        household=make_household(VILLAGE), village=division(VILLAGE), grade="C", way="修缮加固", status="closed",
        opened_on=datetime.date(2025, 3, 1), opened_by=users.county, guarantee_years=30,
        closed_on=datetime.date(2026, 1, 5), completion="竣工验收合格",
    )  # fmt: skip
    HousingLedgerEntry.objects.create(
        household=make_household(VILLAGE), village=division(VILLAGE), grade="C", way="修缮加固", status="closed",
        opened_on=datetime.date(2025, 3, 1), opened_by=users.county, guarantee_years=30,
        closed_on=datetime.date(2025, 9, 5), completion="竣工验收合格",
    )  # fmt: skip
    draft = Notice.objects.create(village=division(VILLAGE), title="西山村评议公示", object_to="村委会",
                                  created_by=users.county)  # fmt: skip
    Notice.objects.filter(pk=draft.pk).update(
        created_at=datetime.datetime(2025, 11, 3, 9, tzinfo=datetime.UTC)
    )
    supervision = Supervision.objects.create(
        county=division(COUNTY),
        year=2024,
        kind="talk",
        assessment=an_assessment(year=2024),
        opened_at=clock.now(),
    )
    task = RectificationTask.objects.create(
        supervision=supervision, county=division(COUNTY), title="整改逾期线索", owner="县乡村振兴局",
        owner_person="张三", due_on=datetime.date(2025, 10, 1), status=TaskStatus.OPEN,
        step_due=datetime.date(2025, 10, 1), created_by=users.prefecture, created_at=clock.now(),
    )  # fmt: skip
    figures = process_figures(year=2025, today=TODAY)
    assert figures["housing_open"][COUNTY].ids == sorted([open_entry.pk, closed_after.pk])
    assert figures["housing_open"][COUNTY].model == "monitoring.housingledgerentry"
    assert figures["notices_late"][COUNTY].ids == [draft.pk]
    assert figures["rectification_overdue"][COUNTY].ids == [task.pk]
    assert figures["rectification_overdue"][OTHER_COUNTY].count == 0
    assert Decimal(figures["housing_open"][COUNTY].count) == 2


def a_notice(created: datetime.datetime, *, by: object, posted_on: datetime.date | None = None) -> Notice:
    notice = Notice.objects.create(village=division(VILLAGE), title="西山村评议公示", object_to="村委会",
                                   created_by=by)  # fmt: skip
    Notice.objects.filter(pk=notice.pk).update(created_at=created, posted_on=posted_on)
    return notice


def test_p16_a_past_year_recomputed_later_gives_the_same_figures() -> None:
    # given, in January 2026, a lead open past its 2025 check day, a case whose step ran past its limit over
    # the year's end, a notice not posted within the review limit, and a rectification task of 2025 overdue
    users = planning_users()
    lead = a_lead(make_household(VILLAGE), due=datetime.date(2025, 6, 1))
    case = a_case(make_household(VILLAGE), status=CaseStatus.ANALYSIS, step_due=datetime.date(2025, 12, 20),
                  due=datetime.date(2026, 1, 30))  # fmt: skip
    notice = a_notice(datetime.datetime(2025, 11, 3, 9, tzinfo=datetime.UTC), by=users.county)
    keys = ("overdue_leads", "overdue_case_steps", "notices_late")

    def counted() -> dict[str, list[int]]:
        figures = process_figures(year=2025, today=clock.today())
        return {key: figures[key][COUNTY].ids for key in keys}

    with clock.travel(datetime.date(2026, 1, 10)):
        first = counted()
    assert first == {"overdue_leads": [lead.pk], "overdue_case_steps": [case.pk], "notices_late": [notice.pk]}
    # when, by March, the lead is checked late, the case's step done late and the notice posted late, and a
    # 2026 lead goes overdue
    Lead.objects.filter(pk=lead.pk).update(
        status=LeadStatus.CONFIRMED, closed_at=datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)
    )
    CaseStep.objects.create(
        case=case, step=CaseStatus.ANALYSIS, outcome=CaseStatus.INVESTIGATION, action="研判", started_on=case.step_started_on,
        due_on=case.step_due, done_at=datetime.datetime(2026, 2, 10, 9, tzinfo=datetime.UTC), overdue=True,
    )  # fmt: skip
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.INVESTIGATION, step_started_on=datetime.date(2026, 2, 10),
        step_due=datetime.date(2026, 2, 13), due=datetime.date(2026, 3, 30),
    )  # fmt: skip
    Notice.objects.filter(pk=notice.pk).update(posted_on=datetime.date(2026, 1, 15))
    a_lead(make_household(VILLAGE), due=datetime.date(2026, 2, 1))
    # then 2025 recomputed in March counts the same records
    with clock.travel(datetime.date(2026, 3, 1)):
        assert counted() == first


def test_p16_a_lead_checked_on_time_is_not_counted_one_checked_late_is() -> None:
    on_time = a_lead(make_household(VILLAGE), due=datetime.date(2025, 6, 1), status=LeadStatus.DISMISSED)
    late = a_lead(make_household(VILLAGE), due=datetime.date(2025, 5, 1), status=LeadStatus.CONFIRMED)
    figures = process_figures(year=2025, today=TODAY)
    assert figures["overdue_leads"][COUNTY].ids == [late.pk]
    assert on_time.pk not in figures["overdue_leads"][COUNTY].ids


def test_p16_a_late_notice_of_a_case_already_counted_overdue_is_not_counted_twice() -> None:
    # given two unposted notices of November 2025: one lists a case overdue at its step, the other a case on time
    users = planning_users()
    late_case = a_case(make_household(VILLAGE), status=CaseStatus.REVIEW, step_due=datetime.date(2025, 11, 20),
                       due=datetime.date(2026, 3, 1))  # fmt: skip
    on_time_case = a_case(make_household(VILLAGE), status=CaseStatus.REVIEW, step_due=datetime.date(2026, 2, 1),
                          due=datetime.date(2026, 3, 1))  # fmt: skip
    Case.objects.filter(pk=on_time_case.pk).update(step_started_on=datetime.date(2025, 11, 1))
    counted_once = a_notice(datetime.datetime(2025, 11, 3, 9, tzinfo=datetime.UTC), by=users.county)
    NoticeEntry.objects.create(notice=counted_once, case=late_case)
    late = a_notice(datetime.datetime(2025, 11, 3, 9, tzinfo=datetime.UTC), by=users.county)
    NoticeEntry.objects.create(notice=late, case=on_time_case)
    # and one made on 29 December, not yet late on the year's last day (5 working days, review_meeting)
    a_notice(datetime.datetime(2025, 12, 29, 9, tzinfo=datetime.UTC), by=users.county)
    figures = process_figures(year=2025, today=TODAY)
    assert late_case.pk in figures["overdue_case_steps"][COUNTY].ids
    assert figures["notices_late"][COUNTY].ids == [late.pk]


def test_p16_rectification_of_the_years_supervisions_closed_late_still_counts() -> None:
    # given a 2025 supervision's task due 1 February 2026 and closed on 10 February, another closed on time
    users = planning_users()
    supervision = Supervision.objects.create(
        county=division(COUNTY),
        year=2025,
        kind="talk",
        assessment=an_assessment(year=2025),
        opened_at=clock.now(),
    )

    def task(closed_on: datetime.date) -> RectificationTask:
        return RectificationTask.objects.create(
            supervision=supervision, county=division(COUNTY), title="整改逾期线索", owner="县乡村振兴局",
            owner_person="张三", due_on=datetime.date(2026, 2, 1), status=TaskStatus.CLOSED, closed_on=closed_on,
            result="已补齐台账",
            created_by=users.prefecture, created_at=clock.now(),
        )  # fmt: skip

    late, _ = task(datetime.date(2026, 2, 10)), task(datetime.date(2026, 1, 30))
    figures = process_figures(year=2025, today=datetime.date(2026, 3, 1))
    assert figures["rectification_overdue"][COUNTY].ids == [late.pk]
    assert figures["rectification_overdue"][COUNTY].note == "整改延续到次年，按计算当日判断是否逾期"
