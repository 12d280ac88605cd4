"""P17: the county confirms a type from the vocabulary of the regime in force on the decision date, and the
pages call the objects by the regime's name — both data (a `regime` parameter), so a Yunnan document replacing
them is entered, never coded."""

from __future__ import annotations

import datetime
import re
import urllib.parse

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput
from zhenxing.monitoring.elimination.services import evaluation_record
from zhenxing.monitoring.identification import services
from zhenxing.monitoring.models import Case, CaseStep
from zhenxing.policy import services as policy
from zhenxing.policy.models import Parameter
from zhenxing.policy.regimes import regime_for
from zhenxing.registry.models import Household

from ..conftest import COUNTY
from ..factories import make_user
from .helpers import CONFIRMED_ON, START, people, poor_household, posted_notice, refreshed, to_review

pytestmark = pytest.mark.django_db

THREE = ["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"]
FOUR = [*THREE, "因灾返贫风险户"]  # a Yunnan document adding a type (illustrative)
START_2026 = datetime.date(2026, 9, 7)  # a Monday
DECIDED_2026 = datetime.date(2026, 9, 14)


def _revise_regime(day: datetime.date, types: list[str]) -> Parameter:
    """Enter a new type vocabulary for the regime in force on `day`, as an administrator does on the page."""
    regime = regime_for(day)
    return policy.parameter_revise(
        actor=make_user(Role.ADMIN),
        parameter=regime.parameter,
        value={**regime.parameter.value, "monitoring_types": types},
        document="云南省测试文件〔2026〕1号",
        verified=True,
        reason="省里出台新的对象类型",
    )


def _at_county_decision(user: dict[str, User], household: Household, *, start: datetime.date) -> Case:
    """A case through village, notice and township steps, at the county's decision a week after `start`."""
    clock.travel_to(start)
    case = to_review(user, household)
    posted_notice(user, [case])
    clock.travel_to(start + datetime.timedelta(days=7))
    case = services.case_move(actor=user["village"], case=case, to="township_review")
    return services.case_move(actor=user["township"], case=case, to="county_decision", findings="同意")


def _household_2026(code: str = "M-1") -> Household:
    """A 2025 household whose 2026 decision judges its 2025 income (P17: the line follows the income's year)."""
    return poor_household(code)


def _options(html: str) -> list[str]:
    select = html[html.index('name="monitoring_type"') :].split("</select>")[0]
    return re.findall(r'<option value="([^"]*)"', select)


def test_p17_a_new_type_vocabulary_entered_as_data_is_offered_and_accepted(clock_at, client: Client) -> None:  # type: ignore[no-untyped-def]
    # given: the 2026 regime revised to four types, one of them new — data only, no code change
    clock_at(START_2026)
    user = people()
    case = _at_county_decision(user, _household_2026(), start=START_2026)
    _revise_regime(DECIDED_2026, FOUR)
    # when: the county opens the case
    client.force_login(user["county"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    # then: the form offers the new vocabulary, under the regime's object name
    assert _options(html) == ["", *FOUR]
    assert "防止返贫致贫对象类型" in html
    # when: the county confirms the new type with a reason
    confirmed = services.case_move(
        actor=user["county"], case=case, to="confirmed", monitoring_type="因灾返贫风险户",
        change_reason="洪灾后房屋受损，按省新类型认定",
    )  # fmt: skip
    # then: the case keeps it, the audit row says so, and the step keeps the vocabulary it was chosen from
    assert confirmed.status == "confirmed" and confirmed.monitoring_type == "因灾返贫风险户"
    event = AuditEvent.objects.get(action="case.confirmed", target_id=str(case.pk))
    assert event.new_values["monitoring_type"] == "因灾返贫风险户"
    step = CaseStep.objects.filter(case=case, outcome="confirmed").latest("pk")
    vocabulary = step.decision["classification"]["vocabulary"]
    assert (
        vocabulary["types"] == FOUR
        and vocabulary["regime"] == "常态化防止返贫致贫"
        and vocabulary["version"] == 2
    )


def test_p17_the_new_type_is_accepted_over_the_page_and_a_type_outside_it_refused(
    clock_at, client: Client
) -> None:  # type: ignore[no-untyped-def]
    # given: the four-type vocabulary in force and a case at the county's decision
    clock_at(START_2026)
    user = people()
    case = _at_county_decision(user, _household_2026(), start=START_2026)
    _revise_regime(DECIDED_2026, FOUR)
    client.force_login(user["county"])
    suggested = re.search(
        r'name="risk_types" value="([^"]+)"[^>]*checked', client.get(f"/cases/{case.pk}/").content.decode()
    )
    risks = [suggested.group(1)] if suggested else ["因病"]
    # when: a type that is in no vocabulary is posted
    response = client.post(
        f"/cases/{case.pk}/move/",
        {"to": "confirmed", "monitoring_type": "低收入户", "risk_types": risks, "change_reason": "试试"},
        follow=True,
    )
    # then: refused in Chinese, the case stays at the county's decision
    assert "请选择现行防止返贫致贫对象类型" in response.content.decode()
    assert refreshed(case).status == "county_decision"
    # when: the new type is posted
    client.post(
        f"/cases/{case.pk}/move/",
        {
            "to": "confirmed",
            "monitoring_type": "因灾返贫风险户",
            "risk_types": risks,
            "change_reason": "洪灾受损",
        },
    )
    # then: confirmed with it
    assert (refreshed(case).status, refreshed(case).monitoring_type) == ("confirmed", "因灾返贫风险户")


def test_p17_the_guard_refuses_a_type_outside_the_vocabulary_in_chinese(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START_2026)
    user = people()
    case = _at_county_decision(user, _household_2026(), start=START_2026)
    _revise_regime(DECIDED_2026, FOUR)
    with pytest.raises(InvalidInput) as raised:
        services.case_move(
            actor=user["county"], case=case, to="confirmed", monitoring_type="低收入户", change_reason="试试"
        )
    assert "“低收入户”不在现行防止返贫致贫对象类型中" in raised.value.message
    assert refreshed(case).status == "county_decision"
    assert not AuditEvent.objects.filter(action="case.confirmed").exists()


def test_p17_a_decision_dated_in_2025_is_checked_against_the_transition_vocabulary(clock_at) -> None:  # type: ignore[no-untyped-def]
    # given: the 2026 regime already has the new type, and a case decided on 2025-09-08
    clock_at(START)
    user = people()
    _revise_regime(DECIDED_2026, FOUR)
    case = _at_county_decision(user, poor_household(), start=START)
    assert clock.today() == CONFIRMED_ON
    # when / then: the 2026 type is refused — the transition regime's three P5 types apply on that date
    with pytest.raises(InvalidInput) as raised:
        services.case_move(
            actor=user["county"],
            case=case,
            to="confirmed",
            monitoring_type="因灾返贫风险户",
            change_reason="试试",
        )
    assert "不在现行监测对象类型中（脱贫不稳定户、边缘易致贫户、突发严重困难户）" in raised.value.message
    # and a P5 type is accepted, the step citing the transition vocabulary
    confirmed = services.case_move(
        actor=user["county"],
        case=case,
        to="confirmed",
        monitoring_type="突发严重困难户",
        change_reason="因病支出大",
    )
    assert confirmed.monitoring_type == "突发严重困难户"
    step = CaseStep.objects.filter(case=case, outcome="confirmed").latest("pk")
    assert step.decision["classification"]["vocabulary"]["regime"] == "巩固拓展脱贫攻坚成果过渡期"
    assert AuditEvent.objects.filter(action="case.confirmed", target_id=str(case.pk)).count() == 1


def test_p17_a_suggestion_outside_the_vocabulary_leaves_the_form_empty_and_says_why(
    clock_at, client: Client
) -> None:  # type: ignore[no-untyped-def]
    # given: a Yunnan document replacing the P5 types altogether
    clock_at(START_2026)
    user = people()
    case = _at_county_decision(user, _household_2026(), start=START_2026)
    _revise_regime(DECIDED_2026, ["防止返贫对象", "防止致贫对象"])
    # when: the county opens the case the engine suggests a P5 type for
    client.force_login(user["county"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    # then: no type is preselected, and the page says why
    select = html[html.index('name="monitoring_type"') :].split("</select>")[0]
    assert "selected" not in select.replace('value="" selected', "")
    assert re.search(
        r"系统建议的类型“(脱贫不稳定户|边缘易致贫户|突发严重困难户)”不在现行对象类型中，请选择", html
    )
    # and a confirmation without a type is refused, one with a type of the vocabulary needs no change reason
    with pytest.raises(InvalidInput) as raised:
        services.case_move(actor=user["county"], case=case, to="confirmed")
    assert "请选择防止返贫致贫对象类型" in raised.value.message
    confirmed = services.case_move(
        actor=user["county"], case=case, to="confirmed", monitoring_type="防止返贫对象"
    )
    assert confirmed.monitoring_type == "防止返贫对象"
    step = CaseStep.objects.filter(case=case, outcome="confirmed").latest("pk")
    assert step.decision["classification"]["suggestion_outside_vocabulary"] is True
    assert AuditEvent.objects.filter(action="case.confirmed", target_id=str(case.pk)).count() == 1


def test_p17_existing_cases_keep_their_stored_type_after_a_new_vocabulary(clock_at, client: Client) -> None:  # type: ignore[no-untyped-def]
    # given: a household confirmed in 2025 as a P5 type, then the 2026 vocabulary replaced
    clock_at(START)
    user = people()
    case = _at_county_decision(user, poor_household(), start=START)
    case = services.case_move(actor=user["county"], case=case, to="confirmed")
    old_type = case.monitoring_type
    assert old_type in THREE
    clock_at(DECIDED_2026)
    _revise_regime(DECIDED_2026, ["防止返贫对象", "防止致贫对象"])
    # when: the pages are read in 2026
    client.force_login(user["county"])
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    report = client.get("/cases/report/").content.decode()
    # then: the case still shows its type, and the report counts it in a column of its own beside the new ones
    assert old_type in detail and refreshed(case).monitoring_type == old_type
    table = report[report.index('data-testid="by-place"') :].split("</table>")[0]
    assert re.findall(r"<th>([^<]+)</th>", table)[1:] == ["防止返贫对象", "防止致贫对象", old_type, "合计"]
    assert f'data-label="{old_type}">1<' in table


def test_p17_pages_say_the_object_name_of_the_regime_of_today(clock_at, client: Client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(make_user(Role.COUNTY, COUNTY))
    # given 2026: the normalised regime
    clock_at(datetime.date(2026, 3, 2))
    report = client.get("/cases/report/").content.decode()
    assert "<h1>2026年防止返贫致贫对象统计</h1>" in report, re.findall(r".{20}监测对象.{20}", report)
    assert "监测对象" not in report, re.findall(r".{30}监测对象.{30}", report)
    assert "导出防止返贫致贫对象名册" in client.get("/cases/").content.decode()
    # given 2025: the transition period
    clock_at(datetime.date(2025, 12, 31))
    report = client.get("/cases/report/").content.decode()
    assert "<h1>2025年监测对象统计</h1>" in report and "防止返贫致贫对象" not in report
    assert "导出监测对象名册" in client.get("/cases/").content.decode()
    # and a 2025 report read in 2026 keeps the words of its year, on the page and in the workbook's name
    clock_at(datetime.date(2026, 3, 2))
    assert "<h1>2025年监测对象统计</h1>" in client.get("/cases/report/?year=2025").content.decode()
    # the report's year is chosen on the page (2021 to this year, the one shown selected), headings carry no
    # bare rule code, and the download says what it is
    page = client.get("/cases/report/?year=2024").content.decode()
    chooser = page.split('data-testid="report-year"')[1].split("</form>")[0]
    assert re.findall(r'<option value="(\d+)"', chooser) == [str(y) for y in range(2026, 2020, -1)]
    assert '<option value="2024" selected>2024年</option>' in chooser and "<h1>2024年" in page
    assert "下载 Excel 表" in page and ".xlsx<" not in page
    assert not re.findall(r"<h[12]>[^<]*P\d", page)
    export = client.get("/cases/report.xlsx?year=2025")
    assert "监测对象统计2025.xlsx" in urllib.parse.unquote(export["Content-Disposition"])


def test_p17_a_notice_speaks_the_regime_of_its_posting_date(clock_at, client: Client) -> None:  # type: ignore[no-untyped-def]
    # given: a notice posted in 2025 and one posted in 2026
    clock_at(START)
    user = people()
    old = posted_notice(user, [to_review(user, poor_household("N-1"))])
    clock_at(START_2026)
    new = posted_notice(user, [to_review(user, poor_household("N-2"))])
    client.force_login(user["village"])
    # when: both are printed in 2026
    old_page = client.get(f"/cases/notices/{old.pk}/print/").content.decode()
    new_page = client.get(f"/cases/notices/{new.pk}/print/").content.decode()
    # then: each says the name of its own posting date, in its title and its body
    assert "防止返贫监测对象识别公示" in old.title and "纳入防止返贫监测对象，" in old_page
    assert "防止返贫致贫对象识别公示" in new.title and "纳入防止返贫致贫对象，" in new_page
    assert "监测对象" not in new_page


def test_p17_refusals_name_the_objects_as_the_regime_of_the_day_does(clock_at) -> None:  # type: ignore[no-untyped-def]
    # given: a case not yet confirmed, in 2026
    clock_at(START_2026)
    user = people()
    case = _at_county_decision(user, _household_2026(), start=START_2026)
    # when / then: an evaluation is refused in the normalised regime's words
    with pytest.raises(Conflict) as raised:
        evaluation_record(actor=user["village"], case=case)
    assert raised.value.message == "只有防止返贫致贫对象可以评估"
    assert not AuditEvent.objects.filter(action__startswith="evaluation").exists()
