"""Concurrent planning writes (P16) on PostgreSQL: threads, each on its own connection, released together by a
barrier — two freezes of one period (one freezes, the other is refused, the values written once), two
corrections of one value (one version 2, the other refused), two entries of one division's value (one row)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from tests.factories import division
from tests.planning.builders import TOWNSHIP, planning_users
from tests.race import race
from tests.race import refusals as _refusals
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict
from zhenxing.planning import freeze, services
from zhenxing.planning.models import Indicator, IndicatorReport, IndicatorValue

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"
    ),
]


def test_p16_two_freezes_of_one_period_write_its_values_once(shipped_data: None) -> None:
    # given the 2025 year, ended, not frozen
    users = planning_users()
    period = freeze.period_ensure(kind="year", year=2025, number=0)
    # when the prefecture and a colleague freeze it at the same moment
    outcomes = race(
        [lambda actor=actor: freeze.period_freeze(period=period, actor=actor)
         for actor in (users.prefecture, users.prefecture_colleague)]
    )  # fmt: skip
    # then one freezes, the other is refused as already frozen
    refusals = _refusals(outcomes)
    assert len(refusals) == 1 and isinstance(refusals[0], Conflict), refusals
    [written] = [result for result, error in outcomes if error is None]
    # and the values are written once, one audit row
    assert written > 0 and IndicatorValue.objects.filter(period=period).count() == written
    assert IndicatorValue.objects.filter(period=period, version__gt=1).count() == 0
    assert AuditEvent.objects.filter(action="planning.period_freeze").count() == 1


def test_p16_two_corrections_of_one_value_make_one_version_two(shipped_data: None) -> None:
    # given a frozen value
    users = planning_users()
    period = freeze.period_ensure(kind="year", year=2025, number=0)
    freeze.period_freeze(period=period, actor=users.prefecture)
    value = IndicatorValue.objects.filter(period=period, is_current=True).order_by("pk").first()
    assert value is not None
    # when two correct it at the same moment
    outcomes = race(
        [lambda actor=actor, n=n: freeze.indicator_value_correct(
            actor=actor, value=value, reason="核实后更正数据", new_value=Decimal(n))
         for n, actor in enumerate((users.prefecture, users.prefecture_colleague), start=7)]
    )  # fmt: skip
    # then one version 2, the other refused: correct the latest version
    refusals = _refusals(outcomes)
    assert len(refusals) == 1 and isinstance(refusals[0], Conflict), refusals
    versions = IndicatorValue.objects.filter(
        indicator=value.indicator_id, period=period, division=value.division_id
    ).order_by("version")
    assert [(v.version, v.is_current) for v in versions] == [(1, False), (2, True)]
    # one correction of the county's value (and one rebuild of the prefecture's total)
    assert AuditEvent.objects.filter(action="planning.value_correct", division=value.division_id).count() == 1


def test_p16_two_entries_of_one_divisions_value_store_one_report(shipped_data: None) -> None:
    # given a reported yearly indicator and the 2025 period
    users = planning_users()
    leaders = Indicator.objects.get(code="entrepreneurship_leaders")
    period = freeze.period_ensure(kind="year", year=2025, number=0)
    township = division(TOWNSHIP)
    # when two of the township's users enter its value at the same moment
    outcomes = race(
        [lambda actor=actor, n=n: services.report_enter(
            actor=actor, indicator=leaders, period=period, division=township, value=Decimal(n),
            evidence="乡镇创业致富带头人花名册")
         for n, actor in enumerate((users.township, users.township_colleague), start=12)]
    )  # fmt: skip
    # then one row, the other refused as already entered; one audit row
    refusals = _refusals(outcomes)
    assert len(refusals) == 1 and isinstance(refusals[0], Conflict), refusals
    assert IndicatorReport.objects.filter(indicator=leaders, period=period, division=township).count() == 1
    assert AuditEvent.objects.filter(action="planning.report_enter").count() == 1
