"""The indicator pages (P12, P16): who opens which route (INDICATOR_ROUTES, for the jurisdiction matrix), the
catalogue with its targets, frozen figures and badges, an indicator's targets set by the prefecture, periods
opened and frozen from the page, a period's value table, a value's provenance in Chinese and its correction as
a new version with the audit row. A county never sees another county's value (404)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import division, make_user
from tests.planning.builders import COUNTY, OTHER_COUNTY, TOWNSHIP, VILLAGE, planning_users
from tests.planning.test_stats_export import year_2025_with_a_report
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.planning import freeze
from zhenxing.planning.enums import IndicatorSource, PeriodKind, ValueState
from zhenxing.planning.models import Indicator, IndicatorTarget, IndicatorValue, Period

pytestmark = pytest.mark.django_db

VIEWERS = {"township", "county", "county_sector", "prefecture"}
OUTSIDERS = {"village", "finance", "department", "admin"}


def _viewers(status: int = 200, **others: int) -> dict[str, int]:
    out = dict.fromkeys(VIEWERS, status) | dict.fromkeys(OUTSIDERS, 403)
    return out | others


# (url name, kwargs from the world's ids, {role: status}); the world: 南涧's and 巍山's monitoring figure of a
# frozen month, the prefecture's total, and the frozen year 2025 (for the stats .xlsx, county's own by default)
INDICATOR_ROUTES: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = [
    ("planning:indicators", lambda ids: {}, _viewers()),
    ("planning:indicator", lambda ids: {"code": "monitoring_households"}, _viewers()),
    ("planning:periods", lambda ids: {}, _viewers()),
    ("planning:period", lambda ids: {"pk": ids["period"]}, _viewers()),
    ("planning:period_xlsx", lambda ids: {"pk": ids["period"]}, _viewers()),
    # a township reads its county's values and the prefecture's totals
    ("planning:value", lambda ids: {"pk": ids["value"]}, _viewers()),
    ("planning:value", lambda ids: {"pk": ids["total"]}, _viewers()),
    ("planning:value", lambda ids: {"pk": ids["other_value"]}, _viewers(404, prefecture=200)),
    ("planning:stats", lambda ids: {}, _viewers()),
]


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def frozen_month(actor: User | None = None) -> Period:
    period = freeze.period_ensure(kind=PeriodKind.MONTH, year=2026, number=10)
    freeze.period_freeze(period=period, actor=actor)
    return period


def frozen_year_2025(actor: User | None = None) -> Period:
    """The year 2025 frozen with the reported indicators only (the yearly selectors are tested apart)."""
    Indicator.objects.filter(source=IndicatorSource.COMPUTED, period=PeriodKind.YEAR).update(active=False)
    period = freeze.period_ensure(kind=PeriodKind.YEAR, year=2025, number=0)
    freeze.period_freeze(period=period, actor=actor)
    return period


def value_of(code: str, period: Period, division: str) -> IndicatorValue:
    return IndicatorValue.objects.get(
        indicator__code=code, period=period, division__code=division, is_current=True
    )


def route_world() -> tuple[dict[str, User], dict[str, Any]]:
    people = planning_users()
    users = {
        "village": make_user(Role.VILLAGE, VILLAGE, username="i_cun"),
        "township": people.township,
        "county": people.county,
        "county_sector": people.human_resources,
        "prefecture": people.prefecture,
        "finance": make_user(Role.FINANCE, COUNTY, username="i_caizheng"),
        "department": make_user(Role.DEPARTMENT, username="i_bumen"),
        "admin": make_user(Role.ADMIN, username="i_admin"),
    }
    period = frozen_month(people.prefecture)
    frozen_year_2025(people.prefecture)
    ids = {
        "period": period.pk,
        "value": value_of("monitoring_households", period, COUNTY).pk,
        "other_value": value_of("monitoring_households", period, OTHER_COUNTY).pk,
        "total": value_of("monitoring_households", period, "5329").pk,
    }
    return users, ids


def test_p16_indicator_routes_by_role() -> None:
    users, ids = route_world()
    for name, kwargs, expected in INDICATOR_ROUTES:
        url = reverse(name, kwargs=kwargs(ids))
        for role, user in users.items():
            response = client_of(user).get(url)
            assert response.status_code == expected[role], f"{role} {name} {url}: {response.status_code}"


def test_p12_catalogue_groups_targets_values_and_badges() -> None:
    # given a frozen month and 南涧's own split of a yearly target
    users = planning_users()
    frozen_month(users.prefecture)
    training = Indicator.objects.get(code="tuopin_training")
    IndicatorTarget.objects.create(
        indicator=training, year=2026, county=users.county.jurisdiction, value=Decimal(2100)
    )
    # when the county opens the catalogue
    html = client_of(users.county).get("/planning/").content.decode()
    # then it is grouped as the statistics template, with the county's split, the 口径 and the frozen figure
    assert "一、收入与就业" in html and "二、防止返贫监测" in html
    row = html.split('data-indicator="tuopin_training"')[1].split("</tr>")[0]
    assert "2100" in row and "部门填报" not in row and "系统计算" in row
    row = html.split('data-indicator="monitoring_households"')[1].split("</tr>")[0]
    assert "2026年10月" in row and "期末处于监测帮扶中" in html
    row = html.split('data-indicator="entrepreneurship_leaders"')[1].split("</tr>")[0]
    assert "部门填报" in row and "尚无冻结值" in row
    # when filtered by source and period kind, grouped by source
    html = client_of(users.county).get("/planning/?source=reported&period=year&group=source").content.decode()
    assert (
        'data-indicator="entrepreneurship_leaders"' in html and 'data-indicator="tuopin_training"' not in html
    )
    assert "<h2>部门填报</h2>" in html


def test_p16_catalogue_marks_missing_and_target_met() -> None:
    # given the year 2025 frozen: 创业致富带头人 unreported (未填报); a prefecture total below a ≤ target
    users = planning_users()
    period = frozen_year_2025(users.prefecture)
    leaders = value_of("entrepreneurship_leaders", period, "5329")
    assert leaders.state == ValueState.MISSING
    # when the prefecture (全州) opens the catalogue
    html = client_of(users.prefecture).get("/planning/?period=year").content.decode()
    # then the unreported figure says 未填报
    row = html.split('data-indicator="entrepreneurship_leaders"')[1].split("</tr>")[0]
    assert 'data-badge="未填报"' in row
    # when the figures are corrected: 5200 带头人 against the plan's 5000 for 2025, 90000 people against 100000
    freeze.indicator_value_correct(
        actor=users.prefecture, value=leaders, new_value=Decimal(5200), reason="州局汇总补录"
    )
    driven = value_of("leaders_driven_people", period, "5329")
    freeze.indicator_value_correct(
        actor=users.prefecture, value=driven, new_value=Decimal(90000), reason="州局汇总补录"
    )
    html = client_of(users.prefecture).get("/planning/?period=year").content.decode()
    # then each is measured against its year's target
    row = html.split('data-indicator="entrepreneurship_leaders"')[1].split("</tr>")[0]
    assert 'data-badge="达到目标"' in row and "5200" in row
    row = html.split('data-indicator="leaders_driven_people"')[1].split("</tr>")[0]
    assert 'data-badge="未达到目标"' in row


def test_p16_indicator_page_and_the_prefecture_sets_a_county_target() -> None:
    users = planning_users()
    frozen_month(users.prefecture)
    url = "/planning/indicators/tuopin_training/"
    # the county reads the plan's totals and its own column, no form
    html = client_of(users.county).get(url).content.decode()
    assert (
        "35000" in html and "南涧" in html and "巍山" not in html and 'data-testid="target-form"' not in html
    )
    assert "计算口径" in html and "培训" in html
    assert client_of(users.county).post(url, {"year": "2026", "value": "1"}).status_code == 403
    # the prefecture's form refuses a bad year and value in Chinese
    response = client_of(users.prefecture).post(url, {"year": "26", "county": COUNTY, "value": "很多"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "请填写四位数的年度" in html and "目标值“很多”不是数字" in html and 'data-error="value"' in html
    # and splits the target to 南涧 for 2026, audited
    response = client_of(users.prefecture).post(url, {"year": "2026", "county": COUNTY, "value": "2,100",
                                                      "note": "州局分解"})  # fmt: skip
    assert response.status_code == 302
    target = IndicatorTarget.objects.get(indicator__code="tuopin_training", year=2026, county__code=COUNTY)
    assert target.value == Decimal(2100)
    assert AuditEvent.objects.filter(action="planning.target_set", actor=users.prefecture).exists()
    html = client_of(users.prefecture).get(url).content.decode()
    assert "2100" in html and 'data-testid="target-form"' in html


def test_p16_periods_opened_and_frozen_from_the_page() -> None:
    users = planning_users()
    # the county may not open a period
    assert client_of(users.county).post("/planning/periods/", {"kind": "month", "year": "2026",
                                                               "number": "9"}).status_code == 403  # fmt: skip
    # the prefecture's form refuses a 13th month
    response = client_of(users.prefecture).post("/planning/periods/", {"kind": "month", "year": "2026",
                                                                       "number": "13"})  # fmt: skip
    assert response.status_code == 422 and "月份应为1-12" in response.content.decode()
    # opens September, then freezes it
    response = client_of(users.prefecture).post("/planning/periods/", {"kind": "month", "year": "2026",
                                                                       "number": "9"})  # fmt: skip
    assert response.status_code == 302
    period = Period.objects.get(kind="month", year=2026, number=9)
    response = client_of(users.prefecture).post(
        "/planning/periods/", {"action": "freeze", "period": period.pk}
    )
    assert response.status_code == 302 and response["Location"] == f"/planning/periods/{period.pk}/"
    period.refresh_from_db()
    assert period.frozen_by == users.prefecture
    # freezing again is refused in Chinese
    response = client_of(users.prefecture).post(
        "/planning/periods/", {"action": "freeze", "period": period.pk}
    )
    assert response.status_code == 409 and "已于" in response.content.decode()
    # a period not yet ended cannot be frozen
    current = freeze.period_ensure(kind="year", year=2026, number=0)
    response = client_of(users.prefecture).post(
        "/planning/periods/", {"action": "freeze", "period": current.pk}
    )
    assert response.status_code == 409 and "尚未结束" in response.content.decode()
    html = client_of(users.county).get("/planning/periods/").content.decode()
    assert "2026年9月" in html and "已冻结" in html and "freeze-" not in html


def test_p16_period_table_shows_counties_in_scope_and_the_total() -> None:
    users = planning_users()
    period = frozen_month(users.prefecture)
    own = value_of("monitoring_households", period, COUNTY)
    other = value_of("monitoring_households", period, OTHER_COUNTY)
    html = client_of(users.county).get(f"/planning/periods/{period.pk}/").content.decode()
    assert f'data-value="{own.pk}"' in html and f'data-value="{other.pk}"' not in html
    assert 'data-label="全州"' in html and f'data-label="{division(COUNTY).name}"' in html
    assert f'data-label="{division(OTHER_COUNTY).name}"' not in html
    html = client_of(users.prefecture).get(f"/planning/periods/{period.pk}/").content.decode()
    assert f'data-value="{other.pk}"' in html


def test_p16_value_page_provenance_and_404_for_another_county() -> None:
    users = planning_users()
    period = frozen_month(users.prefecture)
    own = value_of("monitoring_households", period, COUNTY)
    html = client_of(users.county).get(f"/planning/values/{own.pk}/").content.decode()
    assert "计算口径" in html and "第1版" in html and "数据截至" in html
    assert "分子（或合计数）" in html and "引用参数" in html and "规划指标统计口径" in html
    assert 'data-testid="correct-form"' not in html
    other = value_of("monitoring_households", period, OTHER_COUNTY)
    assert client_of(users.county).get(f"/planning/values/{other.pk}/").status_code == 404
    assert (
        client_of(users.other_county).post(f"/planning/values/{own.pk}/", {"mode": "value"}).status_code
        == 404
    )


def test_p16_correction_from_the_page_makes_version_2_with_the_audit_row() -> None:
    users = planning_users()
    period = frozen_month(users.prefecture)
    own = value_of("monitoring_households", period, COUNTY)
    url = f"/planning/values/{own.pk}/"
    # the county may not correct
    assert (
        client_of(users.county).post(url, {"mode": "value", "value": "5", "reason": "复核"}).status_code
        == 403
    )
    # the prefecture's form asks for a reason and a number, in Chinese
    response = client_of(users.prefecture).post(url, {"mode": "value", "value": "abc", "reason": ""})
    assert response.status_code == 422 and "更正后的数值“abc”不是数字" in response.content.decode()
    response = client_of(users.prefecture).post(url, {"mode": "value", "value": "5", "reason": ""})
    assert response.status_code == 422 and "请写明更正原因" in response.content.decode()
    # a correction with a reason makes version 2
    response = client_of(users.prefecture).post(
        url, {"mode": "value", "value": "5", "reason": "县局复核补录5户"}
    )
    corrected = value_of("monitoring_households", period, COUNTY)
    assert response.status_code == 302 and response["Location"] == f"/planning/values/{corrected.pk}/"
    assert (corrected.version, corrected.value, corrected.supersedes_id) == (2, Decimal(5), own.pk)
    event = AuditEvent.objects.get(action="planning.value_correct", division__code=COUNTY)
    assert event.actor == users.prefecture and event.reason == "县局复核补录5户"
    # and the prefecture's total is rebuilt from the counties' current figures (南涧's 5 counted now)
    total = value_of("monitoring_households", period, "5329")
    assert (total.version, total.value, total.reason) == (2, Decimal(5), "县(市)数值更正后重算")
    # the history shows both; the old version says it was corrected and has no form
    html = client_of(users.county).get(f"/planning/values/{corrected.pk}/").content.decode()
    assert 'data-version="1"' in html and 'data-version="2"' in html and "县局复核补录5户" in html
    html = client_of(users.prefecture).get(url).content.decode()
    assert 'data-testid="superseded"' in html and 'data-testid="correct-form"' not in html
    # a recomputation from today's records makes version 3
    response = client_of(users.prefecture).post(
        f"/planning/values/{corrected.pk}/", {"mode": "recompute", "reason": "按现有数据重算"}
    )
    assert response.status_code == 302
    assert value_of("monitoring_households", period, COUNTY).version == 3


def test_p16_reported_value_page_names_who_entered_and_who_reviewed() -> None:
    # given 南涧's township reported 创业致富带头人 for 2025, reviewed up to the prefecture, and the year frozen
    users = planning_users()
    period = year_2025_with_a_report(users)
    value = value_of("entrepreneurship_leaders", period, COUNTY)
    # when the county opens the frozen value
    html = client_of(users.county).get(f"/planning/values/{value.pk}/").content.decode()
    # then the page says it is the township's value added up, who entered it and each review with its reviewer
    assert "由1个乡镇的填报值相加" in html and "填报人" in html and "p_xiang（" in html
    assert "p_xiang2" in html and "p_xian（" in html and "p_zhou（" in html and "佐证说明" in html
    # and the 填报单位 is the township's name, never its code
    assert division(TOWNSHIP).name in html and TOWNSHIP not in html.split("填报单位")[1].split("</dd>")[0]
    assert "部门填报（乡村振兴）" in html
