"""P8 working days: weekends and public holidays off, make-up days on; beyond the known calendar the answer is
computed on weekends only and flagged provisional, never an error."""

from __future__ import annotations

import datetime

import pytest

from zhenxing.common import clock
from zhenxing.common.calendar import work_calendar
from zhenxing.common.workdays import add_working_days, working_days_between

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_seeded_calendar_knows_the_2025_national_day_holiday_and_its_make_up_days() -> None:
    calendar = work_calendar()
    assert 2025 in calendar.known_years and 2026 in calendar.known_years
    assert not calendar.is_working_day(D(2025, 10, 1))  # Wednesday, National Day
    assert not calendar.is_working_day(D(2025, 10, 8))
    assert calendar.is_working_day(D(2025, 9, 28))  # Sunday, make-up working day
    assert calendar.is_working_day(D(2025, 10, 11))  # Saturday, make-up working day


def test_p8_a_step_limit_counts_a_make_up_sunday_and_skips_the_holiday() -> None:
    calendar = work_calendar()
    # begun Friday 26 September, 3 working days: Sunday the 28th (make-up), Monday 29th, Tuesday 30th
    assert add_working_days(calendar, D(2025, 9, 26), 3).day == D(2025, 9, 30)
    # begun the 30th, 1 working day: 1-8 October are off, so Thursday the 9th
    deadline = add_working_days(calendar, D(2025, 9, 30), 1)
    assert deadline.day == D(2025, 10, 9) and not deadline.provisional
    # 5 working days from the 9th: 10th, 11th (Saturday, make-up), 13th, 14th, 15th
    assert add_working_days(calendar, D(2025, 10, 9), 5).day == D(2025, 10, 15)
    assert working_days_between(calendar, D(2025, 9, 30), D(2025, 10, 9)) == 1


def test_p8_a_deadline_beyond_the_known_calendar_is_provisional_not_an_error() -> None:
    calendar = work_calendar()
    # the package knows 2026; 20 working days from 15 December 2026 end in January 2027
    deadline = add_working_days(calendar, D(2026, 12, 15), 20)
    assert deadline.provisional
    assert deadline.day == D(2027, 1, 12)  # weekends only: 1 January 2027 is counted as a working day
    assert not add_working_days(calendar, D(2026, 12, 1), 5).provisional


def test_the_test_clock_moves_today_and_comes_back() -> None:
    real = clock.today()
    with clock.travel(D(2030, 1, 1)):
        assert clock.today() == D(2030, 1, 1)
    assert clock.today() == real


def test_loading_a_missing_year_from_the_package_is_audited() -> None:
    from django.core.management import call_command

    from zhenxing.audit.models import AuditEvent
    from zhenxing.common.models import CalendarDay, CalendarYear

    CalendarDay.objects.filter(day__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()
    assert 2026 not in work_calendar().known_years
    call_command("calendar", "--load")
    assert 2026 in work_calendar().known_years and not work_calendar().is_working_day(D(2026, 10, 1))
    assert AuditEvent.objects.get(action="calendar.load").new_values["years"] == 1
