"""P17 dynamic exit and 分类管理 (issue 16): a household whose risk was eliminated under the normalised regime
(from 2026-01-01) leaves the object lists, rosters, badges, exports and home counts on that date and keeps no
label, while its case page and 责任追溯 keep the whole history; an elimination under the transition regime
(2021-2025) stays labelled as it was; 脱贫户 is a management category (a filter, a field, a statistic)."""

from __future__ import annotations

import datetime
import io
import uuid
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.monitoring import cases
from zhenxing.monitoring import todo as monitoring_todo
from zhenxing.monitoring.assistance import services as assistance
from zhenxing.monitoring.assistance.selectors import helper_cases_for_user
from zhenxing.monitoring.dynamic_exit import case_has_exited, labelled_eliminated_q
from zhenxing.monitoring.elimination import services as elimination
from zhenxing.monitoring.enums import CaseStatus, EvaluationKind, MeasureStatus
from zhenxing.monitoring.identification import selectors, services
from zhenxing.monitoring.identification.reports import report_workbook
from zhenxing.monitoring.models import Case
from zhenxing.monitoring.notices import services as notices
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.models import Parameter
from zhenxing.policy.rules.exit import exit_periods, has_exited
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household

from ..conftest import VILLAGE
from ..factories import make_household
from .helpers import (
    CONFIRMED_ON,
    confirmed,
    people,
    poor_household,
    posted_notice,
    raise_income,
    refreshed,
    to_review,
)

pytestmark = pytest.mark.django_db

ELIMINATED_2026 = datetime.date(2026, 3, 10)  # a Tuesday, under the normalised regime
ELIMINATED_2025 = datetime.date(2025, 6, 10)  # under the transition regime


def _workbook_cells(content: bytes) -> tuple[list[str], list[str]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    cells = [
        str(cell)
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        for cell in row
    ]
    return list(book.sheet_names), cells


def _eliminate_through_the_steps(user: dict[str, User], case: Case, *, on: datetime.date) -> Case:
    """P9 in the plan's order, the county's approval on `on` (自然消除: no development measure needed)."""
    clock.travel_to(
        on - datetime.timedelta(days=8)
    )  # Monday 2 March 2026: evaluation, meeting, consent, visit
    elimination.evaluation_record(actor=user["village"], case=case, kind=EvaluationKind.ELIMINATION)
    case = services.case_move(actor=user["village"], case=case, to="elim_meeting")
    services.case_record_meeting(
        actor=user["village"], case=case, held_on=clock.today(), minutes="评议：同意消除"
    )
    case = services.case_move(actor=user["village"], case=case, to="elim_consent")
    elimination.consent_record(
        actor=user["village"], case=case, consent_by="杨建国", relation="户主", consent_on=clock.today()
    )
    case = services.case_move(actor=user["village"], case=case, to="elim_visit")
    services.visit_record(
        actor=user["village"], case=case, client_uuid=uuid.uuid4(), visited_at=clock.now(), place="家中",
        findings="收入稳定，两人务工", authorization_signed=False,
    )  # fmt: skip
    case = services.case_move(actor=user["village"], case=case, to="elim_notice")
    notice = notices.notice_create(
        actor=user["village"], village=case.village, cases=[case], title="", object_to="村委会 0872-1234567"
    )
    notices.notice_post(actor=user["village"], notice=notice)
    clock.travel_to(on)
    case = services.case_move(actor=user["village"], case=case, to="elim_township")
    case = services.case_move(actor=user["township"], case=case, to="elim_county", findings="同意")
    return services.case_move(actor=user["county"], case=case, to="eliminated", method="自然消除")


def _confirmed_in_august(user: dict[str, User], household: Household) -> Case:
    """Identified on Monday 11 August 2025, so that six months of monitoring (P9) end before March 2026."""
    clock.travel_to(datetime.date(2025, 8, 4))
    case = to_review(user, household)
    posted_notice(user, [case])
    clock.travel_to(datetime.date(2025, 8, 11))
    case = services.case_move(actor=user["village"], case=case, to="township_review")
    case = services.case_move(actor=user["township"], case=case, to="county_decision", findings="同意")
    return services.case_move(actor=user["county"], case=case, to="confirmed")


def _helped_by_village_cadre(user: dict[str, User], *households: Household) -> None:
    for household in households:
        assistance.helper_assign(
            actor=user["county"], household=household, helper=user["village"], starts_on=CONFIRMED_ON
        )


def _tile(user: User, key: str) -> Any:
    return next(t for t in monitoring_todo.case_tiles(user=user, today=clock.today()) if t.key == key)


def test_p17_exit_periods_follow_the_regimes_by_date() -> None:
    """P17: an elimination is a dynamic exit when its own date falls under a regime with dynamic exit."""
    regimes = [(datetime.date(2026, 1, 1), True), (datetime.date(2021, 1, 1), False)]
    periods = exit_periods(regimes)
    assert periods == [(datetime.date(2026, 1, 1), None)]
    assert has_exited(ELIMINATED_2026, periods) and not has_exited(ELIMINATED_2025, periods)
    assert not has_exited(None, periods)
    # a later regime without dynamic exit closes the period; two in a row make one period
    later = exit_periods([*regimes, (datetime.date(2030, 1, 1), False), (datetime.date(2028, 1, 1), True)])
    assert later == [(datetime.date(2026, 1, 1), datetime.date(2030, 1, 1))]
    assert not has_exited(datetime.date(2030, 2, 1), later)
    # the shipped regimes: transition to 2025, dynamic exit from 2026
    assert case_has_exited(ELIMINATED_2026) and not case_has_exited(ELIMINATED_2025)


def test_p17_a_household_eliminated_on_2026_03_10_leaves_the_object_lists_but_not_the_trace(
    client, clock_at
) -> None:  # type: ignore[no-untyped-def]
    """P17 dynamic exit (with P9, P13): gone from 我的帮扶户, the home count, the roster and the report's names
    and workbook, no label on its household page; the case page and 责任追溯 still show the elimination."""
    user = people()
    exited_household = poor_household("M-EXIT")
    exited = _confirmed_in_august(user, exited_household)
    still = confirmed(user, poor_household("M-STAY"))
    _helped_by_village_cadre(user, exited_household, still.household)  # type: ignore[arg-type]
    loan = assistance.measure_record(
        actor=user["village"], case=exited, category="金融帮扶", content="小额信贷5万元",
        started_on=datetime.date(2025, 8, 11), continues_after_elimination=True,
    )  # fmt: skip
    assistance.measure_move(actor=user["village"], measure=loan, to=MeasureStatus.IN_PROGRESS)
    raise_income(exited_household)
    # when the county approves the elimination on 10 March 2026
    exited = refreshed(_eliminate_through_the_steps(user, exited, on=ELIMINATED_2026))
    assert exited.status == CaseStatus.ELIMINATED and exited.eliminated_on == ELIMINATED_2026
    assert AuditEvent.objects.filter(action="case.eliminated", target_id=str(exited.pk)).exists()
    clock_at(datetime.date(2026, 3, 20))
    # then the village cadre's 我的帮扶户 and the home tile list only the household still monitored
    assert [c.pk for c in helper_cases_for_user(user=user["village"], today=clock.today())] == [still.pk]
    assert _tile(user["village"], "helped").value == 1
    client.force_login(user["village"])
    mine = client.get("/cases/mine/").content.decode()
    assert "M-STAY" in mine and "M-EXIT" not in mine and "风险消除" not in mine
    home = client.get("/").content.decode()
    assert 'data-testid="tile-helped" data-count="1"' in home  # the home count
    # the county's report counts the elimination by place but names no household, page and workbook alike
    report = selectors.monitoring_report(user=user["county"], year=2026)
    assert report["total"] == 1 and report["dynamic_exit"] is True
    assert list(report["eliminated"]) == [] and report["eliminated_total"] == 1
    [(_, _, counts)] = report["eliminated_by_county"]
    assert counts["自然消除"] == 1 and counts["total"] == 1
    client.force_login(user["county"])
    page = client.get("/cases/report/?year=2026")
    html = page.content.decode()
    assert page.status_code == 200 and "M-EXIT" not in html and 'data-testid="eliminated"' not in html
    assert 'data-testid="eliminated-total">1<' in html and "不再列出户名" in html
    export = client.get("/cases/report.xlsx?year=2026")
    sheets, cells = _workbook_cells(export.content)
    assert "2026年风险消除" not in sheets and "2026年风险消除统计" in sheets
    assert sheets[0] == "防止返贫致贫对象"  # the 2026 regime's name for the objects
    assert "M-EXIT" not in cells and "M-STAY" in cells
    book = CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    stats = book.get_sheet_by_name("2026年风险消除统计").to_python()
    assert stats[0] == ["县（市）", "帮扶消除", "自然消除", "合计"]
    assert stats[1][0] == "南涧彝族自治县" and [int(v) for v in stats[1][1:]] == [0, 1, 1]
    roster = client.get("/cases/roster.xlsx")
    _, roster_cells = _workbook_cells(roster.content)
    assert "M-EXIT" not in roster_cells and "M-STAY" in roster_cells
    # no object badge on its household page (P17: no lasting label), its 户类型 kept as data (分类管理)
    household_page = client.get(f"/households/{exited_household.pk}/").content.decode()
    assert "风险消除" not in household_page and "已纳入监测" not in household_page
    assert 'data-testid="household-title">农户 M-EXIT<' in household_page
    assert 'data-testid="household-kind">脱贫户<' in household_page
    # a measure that continues after elimination (P9: the small loan) still shows there, as a measure only
    panel = client.get(f"/cases/continuing/{exited_household.pk}/").content.decode()
    assert 'data-testid="continuing-measures"' in panel and "小额信贷5万元" in panel
    assert "监测对象" not in panel and "badge" not in panel
    # its link to the original record says which record in words, not a bare number
    assert 'data-testid="continuing-case">原监测记录（2026-03-10 风险消除）</a>' in panel
    assert (
        "monitoring:continuing" not in household_page
        and f"/cases/continuing/{exited_household.pk}/" in household_page
    )
    assert client.get(f"/cases/continuing/{still.household_id}/").content.decode().strip() == ""
    # but the case page and 责任追溯 keep the whole history (P13)
    case_page = client.get(f"/cases/{exited.pk}/").content.decode()
    assert 'data-testid="eliminated"' in case_page and "2026-03-10" in case_page
    trace = client.get(f"/cases/trace/{exited_household.pk}/").content.decode()
    assert "风险消除" in trace and "2026-03-10" in trace
    # and a new risk reopens monitoring as before (P9)
    assert Case.objects.filter(labelled_eliminated_q()).count() == 0


def test_p17_a_household_eliminated_on_2025_06_10_stays_labelled_under_the_transition_regime(
    client, clock_at
) -> None:  # type: ignore[no-untyped-def]
    """P17: the regime follows the elimination's date; the 2021-2025 plan kept 已消除风险 households in its
    rosters, so a 2025 elimination reads as it did: in 我的帮扶户 as 风险消除 and by name in the 2025 report."""
    user = people()
    household = poor_household("M-2025")
    case = confirmed(user, household)
    _helped_by_village_cadre(user, household)
    Case.objects.filter(pk=case.pk).update(
        status="eliminated", eliminated_on=ELIMINATED_2025, elimination_method="帮扶消除"
    )
    clock_at(datetime.date(2025, 12, 1))
    assert [c.pk for c in helper_cases_for_user(user=user["village"], today=clock.today())] == [case.pk]
    assert _tile(user["village"], "helped").value == 1
    client.force_login(user["village"])
    mine = client.get("/cases/mine/").content.decode()
    assert "M-2025" in mine and "风险消除" in mine
    report = selectors.monitoring_report(user=user["county"], year=2025)
    assert report["dynamic_exit"] is False and [c.pk for c in report["eliminated"]] == [case.pk]
    assert report["eliminated_total"] == 1
    content = report_workbook(
        monitored=cases.monitored_for_user(user=user["county"]), report=report, year=2025
    )
    sheets, cells = _workbook_cells(content)
    assert sheets == ["监测对象", "分县分类型", "风险类型", "监测状态", "2025年风险消除"]  # as before
    assert "M-2025" in cells
    client.force_login(user["county"])
    html = client.get("/cases/report/?year=2025").content.decode()
    assert 'data-testid="eliminated"' in html and "M-2025" in html


def test_p17_classified_management_filters_and_counts_by_household_category(client, clock_at) -> None:  # type: ignore[no-untyped-def]
    """P17 分类管理: 脱贫户 is a filter on the household list and a statistic in the report, not a label."""
    user = people()
    former = poor_household("M-TP")  # 脱贫户 (the factory's default)
    ordinary = make_household(VILLAGE, code="M-YB", kind="一般农户")
    registry.household_year_upsert(
        actor=None, household=ordinary, year=2025, values={"wage": 1_000_000, "business": 0, "transfer": 0}
    )
    confirmed(user, former)
    confirmed(user, ordinary)  # type: ignore[arg-type]
    clock_at(datetime.date(2026, 3, 20))
    client.force_login(user["county"])
    listed = client.get("/households/?kind=脱贫户").content.decode()
    assert "M-TP" in listed and "M-YB" not in listed
    listed = client.get("/households/?kind=一般农户").content.decode()
    assert "M-YB" in listed and "M-TP" not in listed
    report = selectors.monitoring_report(user=user["county"], year=2026)
    assert report["by_kind"] == [("脱贫户", 1), ("一般农户", 1)]
    html = client.get("/cases/report/?year=2026").content.decode()
    assert "脱贫户：1 户" in html and "一般农户：1 户" in html
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(client.get("/cases/report.xlsx?year=2026").content)
    ).get_sheet_by_name("分户类型")
    assert [[*row[:1], int(row[1])] for row in book.to_python()[1:]] == [["脱贫户", 1], ["一般农户", 1]]
    # the household page shows the category as a field of the record, not in its title
    page = client.get(f"/households/{former.pk}/").content.decode()
    assert (
        'data-testid="household-title">农户 M-TP<' in page and 'data-testid="household-kind">脱贫户<' in page
    )


def test_p17_report_type_columns_come_from_the_regime_of_the_year(client, clock_at) -> None:  # type: ignore[no-untyped-def]
    """P17: the type vocabulary is data with an effective date; a stored type outside it gets its own column."""
    user = people()
    case = confirmed(user, poor_household("M-T"))
    regime = Parameter.objects.get(kind=ParameterKind.REGIME, year=2026, is_current=True)
    regime.value = {
        **regime.value,
        "monitoring_types": ["脱贫不稳定户", "边缘易致贫户", "突发严重困难户", "新增类型"],
    }
    Parameter.objects.filter(pk=regime.pk).update(value=regime.value)  # entered as data, no code
    assert selectors.report_types(2025) == ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
    assert selectors.report_types(2026)[-1] == "新增类型"
    Case.objects.filter(pk=case.pk).update(monitoring_type="旧类型")
    report = selectors.monitoring_report(user=user["county"], year=2026)
    assert report["types"] == ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户", "新增类型", "旧类型")
    [(_, cells)] = report["place_rows"]
    assert cells[-2:] == [("旧类型", 1), ("合计", 1)]
    content = report_workbook(
        monitored=cases.monitored_for_user(user=user["county"]), report=report, year=2026
    )
    header = (
        CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("分县分类型").to_python()[0]
    )
    assert header == [
        "县（市）",
        "脱贫不稳定户",
        "边缘易致贫户",
        "突发严重困难户",
        "新增类型",
        "旧类型",
        "合计",
    ]
    clock_at(datetime.date(2026, 3, 20))
    client.force_login(user["county"])
    html = client.get("/cases/report/?year=2026").content.decode()
    assert "<th>新增类型</th>" in html and 'data-label="旧类型">1<' in html
