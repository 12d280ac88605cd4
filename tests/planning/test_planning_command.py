"""`zhenxing planning` (P16): freeze the periods past their deadline or one by hand, assess the 12 counties and
print the table in Chinese; errors in Chinese with a non-zero exit."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import division
from tests.planning.builders import COUNTY
from zhenxing.audit.models import AuditEvent
from zhenxing.planning.freeze import period_ensure
from zhenxing.planning.models import Assessment, IndicatorValue, Period

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("planning", *args, stdout=out)
    return out.getvalue()


def test_p16_freeze_due_freezes_every_period_past_its_deadline() -> None:
    # given the 2024 year period (its deadline long past) and nothing else open
    period_ensure(kind="year", year=2024, number=0)
    # when the daily run freezes what is due, then again
    first = run("freeze", "--due")
    second = run("freeze", "--due")
    # then 2024 is frozen with its values, by nobody (the command), and the second run finds nothing
    period = Period.objects.get(kind="year", year=2024, number=0)
    assert period.frozen_at is not None and period.frozen_by is None
    assert "已冻结 2024年（年度）" in first and IndicatorValue.objects.filter(period=period).exists()
    assert "没有已过报送期限待冻结的统计期" in second


def test_p16_freeze_one_period_by_hand_and_a_second_time_refused_in_chinese() -> None:
    output = run("freeze", "--kind", "year", "--year", "2024")
    assert "已冻结 2024年" in output
    with pytest.raises(CommandError, match=r"已于.*冻结"):
        run("freeze", "--kind", "year", "--year", "2024")
    with pytest.raises(CommandError, match="请指定 --due"):
        run("freeze")


def test_p16_assess_computes_the_twelve_counties_and_prints_the_table() -> None:
    run("freeze", "--kind", "year", "--year", "2025")  # an assessment reads the frozen year (P16)
    output = run("assess", "--year", "2025")
    assert Assessment.objects.filter(year=2025, is_current=True).count() == 12
    nanjian = Assessment.objects.get(year=2025, county=division(COUNTY))
    assert "正在计算 2025 年度各县(市)考核评估" in output and "已计算 南涧彝族自治县（第 1 版）" in output
    assert "南涧彝族自治县" in output and str(nanjian.total) in output and "共 12 个县(市)" in output
    assert AuditEvent.objects.filter(action="planning.assessment_compute", actor__isnull=True).count() == 12
    with pytest.raises(CommandError, match="请用 --year 指定考核年度"):
        run("assess")


def test_p16_assess_without_the_years_parameter_fails_in_chinese() -> None:
    with pytest.raises(CommandError, match="“县级考核评估权重、扣分与等次”参数未配置"):
        run("assess", "--year", "2019")
    assert not Assessment.objects.exists()
