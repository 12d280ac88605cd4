"""P17 in screening: a round decides on its run day, so a 2026 round before the 2026 standard is published
uses the regime's gap setting — the 2025 line recorded as provisional (暂用) on the run, its page and its
leads' evidence, or refused in Chinese; the what-if compares a proposed 2026 standard with 2025's."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.policy import services as policy
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.lines import StandardNotPublished
from zhenxing.policy.models import Parameter
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household
from zhenxing.screening.models import Lead, ScreeningRun
from zhenxing.screening.services import screening_run

from ..conftest import COUNTY, VILLAGE
from ..factories import make_household, make_user

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 2, 2)  # a Monday in 2026, before the 2026 standard
NOTE = "暂用2025年标准（2026年标准尚未公布）"


def _poor_in_2026() -> Household:
    household = make_household(VILLAGE, code="P17-round", year=None)
    assert isinstance(household, Household)
    registry.household_year_upsert(
        actor=None, household=household, year=2026, values={"wage": 100_000, "business": 0, "transfer": 0}
    )
    return household


def test_p17_a_2026_round_with_the_provisional_setting_records_the_2025_line_as_provisional(
    client: Client,
) -> None:
    # given a household with 2026 income far below any line, and no 2026 standard
    household = _poor_in_2026()
    # when the 2026 round runs on a day in 2026
    run = screening_run(year=2026, today=DAY)
    # then the run records the 2025 line, marked provisional with the note
    line = run.parameters["monitoring_line"]
    assert (line["value"], line["year"], line["provisional"], line["note"]) == (8700, 2025, True, NOTE)
    # and the income rule fired on it, the lead's evidence and the run's page saying 暂用
    lead = Lead.objects.get(household=household)
    assert lead.signals.filter(rule_code="R01").exists()
    client.force_login(make_user(Role.COUNTY, COUNTY))
    page = client.get(f"/leads/runs/{run.pk}/").content.decode()
    assert 'data-testid="run-provisional"' in page and NOTE in page
    evidence = client.get(f"/leads/{lead.pk}/").content.decode()
    assert NOTE in evidence


def test_p17_a_2025_round_in_january_2026_uses_the_2025_line_unmarked() -> None:
    run = screening_run(year=2025, today=datetime.date(2026, 1, 5))
    line = run.parameters["monitoring_line"]
    assert (line["year"], line["provisional"], line["note"]) == (2025, False, "")


def test_p17_a_2026_round_with_the_refuse_setting_is_refused_and_records_no_run(admin_user: User) -> None:
    # given the normalised regime revised to refuse before the year's standard is published
    current = Parameter.objects.get(kind=ParameterKind.REGIME, year=2026, is_current=True)
    policy.parameter_revise(
        actor=admin_user, parameter=current, value={**current.value, "standard_gap": "refuse"},
        document=current.document, verified=False, reason="测试",
    )  # fmt: skip
    # when the 2026 round runs, then it is refused in Chinese, and no run is recorded
    with pytest.raises(StandardNotPublished, match="2026年度防止返贫监测范围（识别标准）尚未公布"):
        screening_run(year=2026, today=DAY)
    assert not ScreeningRun.objects.exists()


def test_p17_the_what_if_compares_a_proposed_2026_standard_with_2025s(
    client: Client, clock_at: Callable[[datetime.date], None]
) -> None:
    # given a day in 2026 and no 2026 standard
    clock_at(DAY)
    _poor_in_2026()
    client.force_login(make_user(Role.COUNTY, COUNTY))
    # when the what-if is asked for 2026 with only the proposal
    html = client.get("/leads/what-if/", {"year": 2026, "line_b": "9500"}).content.decode()
    # then side A is 2025's standard, labelled as the standing one, and nothing is refused
    assert "未配置2026年度监测范围" not in html
    assert "2025年标准（暂用） 8700 元" in html and "9500" in html


def test_p17_the_what_if_for_a_year_no_household_has_entered_says_so_and_suggests_the_year_before(
    client: Client, clock_at: Callable[[datetime.date], None]
) -> None:
    # given a day in 2026 and households with 2025 收支 only
    clock_at(DAY)
    make_household(VILLAGE, code="P17-2025-only", year=2025)
    client.force_login(make_user(Role.COUNTY, COUNTY))
    # when the what-if is asked for 2026
    html = client.get("/leads/what-if/", {"year": 2026, "line_b": "9500"}).content.decode()
    # then it says no household has 2026 收支 yet and offers 2025, instead of "0 户 → 0 户"
    assert 'data-testid="what-if-no-records"' in html and "尚无任何户录入2026年收支" in html
    assert "?year=2025&amp;line_b=9500" in html
    assert 'data-testid="what-if-totals"' not in html and "0 户 → 0 户" not in html
    # and for 2025 the comparison counts, every table under its own heading
    html = client.get("/leads/what-if/", {"year": 2025, "line_b": "9500"}).content.decode()
    assert 'data-testid="what-if-no-records"' not in html and "1 户已录入2025年收支" in html
    assert "<h3>按区划</h3>" in html and "<h3>按监测类型</h3>" in html and "<h3>按预警等级</h3>" in html


def test_p17_starting_a_2026_round_from_the_page_follows_the_gap_setting(
    client: Client, admin_user: User, clock_at: Callable[[datetime.date], None]
) -> None:
    # given a day in 2026, no 2026 standard, and the gap setting revised to refuse
    clock_at(DAY)
    current = Parameter.objects.get(kind=ParameterKind.REGIME, year=2026, is_current=True)
    refusing = policy.parameter_revise(
        actor=admin_user, parameter=current, value={**current.value, "standard_gap": "refuse"},
        document=current.document, verified=False, reason="测试",
    )  # fmt: skip
    client.force_login(make_user(Role.COUNTY, COUNTY))
    # when the county starts a 2026 round, then it is refused in Chinese before anything is queued
    response = client.post("/leads/runs/", {"year": 2026, "engine": "db"})
    assert (
        response.status_code == 200
        and "2026年度防止返贫监测范围（识别标准）尚未公布" in response.content.decode()
    )
    assert not ScreeningRun.objects.exists()
    # and with the setting back to provisional, the round starts
    policy.parameter_revise(
        actor=admin_user, parameter=refusing, value={**refusing.value, "standard_gap": "provisional"},
        document=refusing.document, verified=False, reason="测试",
    )  # fmt: skip
    assert client.post("/leads/runs/", {"year": 2026, "engine": "db"}).status_code == 302
    assert ScreeningRun.objects.filter(year=2026).count() == 1
