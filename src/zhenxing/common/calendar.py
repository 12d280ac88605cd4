"""Reading and loading the working-day calendar. Seeded from the `chinesecalendar` package (its data ends
with the last year the State Council published); the administrator adds the next year each December in the
admin (节假日年度, 节假日与调休) or with `zhenxing calendar --load` after upgrading the package."""

from __future__ import annotations

import datetime
from typing import Any

from zhenxing.common.workdays import WorkCalendar

PACKAGE_SOURCE = "chinesecalendar {version}（国务院办公厅节假日安排）"


def work_calendar() -> WorkCalendar:
    from zhenxing.common.models import CalendarDay, CalendarYear

    return WorkCalendar(
        exceptions=dict(CalendarDay.objects.values_list("day", "is_working_day")),
        known_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
    )


def package_calendar() -> tuple[dict[datetime.date, tuple[bool, str]], set[int], str]:
    """Every weekday holiday and weekend make-up day the package knows, the years it covers, its version."""
    from importlib.metadata import version

    from chinese_calendar import constants

    days: dict[datetime.date, tuple[bool, str]] = {}
    for day, name in constants.holidays.items():
        if day.weekday() < 5:
            days[day] = (False, _chinese(constants, name))
    for day, name in constants.workdays.items():
        if day.weekday() >= 5:
            days[day] = (True, _chinese(constants, name))
    years = {day.year for day in constants.holidays}
    return days, years, version("chinesecalendar")


def _chinese(constants: Any, english: str) -> str:
    return str(constants.Holiday(english).chinese)


def calendar_load(calendar_day_model: Any, calendar_year_model: Any) -> tuple[int, int]:
    """Add the years the package knows and the database does not (a year already there is left as the
    administrator keeps it). Returns (years added, days added). Models passed in for data migrations."""
    days, years, package_version = package_calendar()
    have = set(calendar_year_model.objects.values_list("year", flat=True))
    new_years = sorted(years - have)
    calendar_year_model.objects.bulk_create(
        [
            calendar_year_model(year=year, source=PACKAGE_SOURCE.format(version=package_version))
            for year in new_years
        ]
    )
    rows = [
        calendar_day_model(day=day, is_working_day=working, name=name)
        for day, (working, name) in sorted(days.items())
        if day.year in new_years
    ]
    calendar_day_model.objects.bulk_create(rows, ignore_conflicts=True)
    return len(new_years), len(rows)
