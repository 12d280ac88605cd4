"""Planted households for the 民政比对 tests (P17): each kind of difference once, and clean households."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from zhenxing.common.crypto import decrypt_id_number
from zhenxing.feeds.models import FeedBatch
from zhenxing.feeds.services import feed_batch_ingest
from zhenxing.monitoring.models import Case
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.services import parameter_create
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household, Person

from ..conftest import COUNTY, SAME_TOWNSHIP_VILLAGE, VILLAGE
from ..factories import id_number_for, make_household

SNAPSHOT = datetime.date(2026, 11, 30)
DAY = datetime.date(2026, 12, 3)  # before the 15th: the December round (P10)
STANDARD_YUAN = 5000  # the county's 2025 低保 standard planted here (per person and year)


def head(household: Household) -> Person:
    return household.memberships.get(relation="户主").person


def id_of(person: Person) -> str:
    return decrypt_id_number(bytes(person.id_number_encrypted))  # type: ignore[arg-type]


def roster(
    rows: list[tuple[Person | str, str]], *, on: datetime.date = SNAPSHOT, county: str = COUNTY
) -> FeedBatch:
    """民政's full roster of the county on `on`: (person or ID number, category) rows."""
    body: list[dict[str, Any]] = [
        {
            "id_number": who if isinstance(who, str) else id_of(who), "assistance": category, "start": "2025-03-01",
            "county_code": county, "snapshot_date": on.isoformat(),
        }
        for who, category in rows
    ]  # fmt: skip
    return feed_batch_ingest(department="civil_affairs", rows=body, source="api").batch


def monitored(household: Household, *, risk_types: list[str] | None = None) -> Case:
    return Case.objects.create(
        household=household, village_id=household.village_id, source="cadre", status="confirmed",
        step_started_on=datetime.date(2025, 9, 1), due=datetime.date(2025, 10, 20),
        opened_at=datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC), identified_on=datetime.date(2025, 9, 1),
        risk_types=risk_types or ["因病"],
    )  # fmt: skip


def income(household: Household, *, wage: int, transfer: int = 0, assistance_benefit: int = 0) -> None:
    registry.household_year_upsert(
        actor=None, household=household, year=2025,
        values={"wage": wage, "business": 0, "transfer": transfer, "assistance_benefit": assistance_benefit},
    )  # fmt: skip


def county_standard(admin: Any) -> None:
    parameter_create(
        actor=admin, kind=ParameterKind.DIBAO_STANDARD, year=2025, value=STANDARD_YUAN,
        document="南涧县2025年农村低保标准（测试用）", verified=False, region=COUNTY,
    )  # fmt: skip


@dataclass
class Planted:
    h: dict[str, Household]
    expected: set[tuple[str, str]]  # (household code, kind)


def plant(admin: Any) -> Planted:
    """Clean households (no difference of any kind) and one household per kind; the roster names them."""
    county_standard(admin)
    h: dict[str, Household] = {}
    for name in (
        "clean_plain", "clean_dibao", "clean_monitored", "clean_covered", "clean_open_case", "clean_at_line",
        "m1", "m2", "m3", "m4",
    ):  # fmt: skip
        household = make_household(VILLAGE if name != "m4" else SAME_TOWNSHIP_VILLAGE, code=f"L-{name}")
        assert isinstance(household, Household)
        h[name] = household
    # clean: on the roster as 低保 and so in the registry, income well above the line (no risk)
    Person.objects.filter(pk=head(h["clean_dibao"]).pk).update(dibao=True)
    # clean: a monitoring object above the 低保 standard
    monitored(h["clean_monitored"])
    # clean: a monitoring object below the standard, but its head is on the roster as 低保 (and the registry)
    monitored(h["clean_covered"])
    income(h["clean_covered"], wage=300_000)
    Person.objects.filter(pk=head(h["clean_covered"]).pk).update(dibao=True)
    # clean: on the roster, within the monitoring range, but already being identified (an open case)
    income(h["clean_open_case"], wage=600_000)
    Case.objects.create(
        household=h["clean_open_case"], village_id=VILLAGE, source="cadre", status="analysis",
        step_started_on=datetime.date(2026, 11, 20), due=datetime.date(2026, 12, 30),
        opened_at=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC),
    )  # fmt: skip
    # clean: a monitoring object exactly at the standard once 低保金 is left out: 10,000 yuan for 2 people
    monitored(h["clean_at_line"])
    income(h["clean_at_line"], wage=1_000_000, transfer=200_000, assistance_benefit=200_000)
    # M1: on the roster as 低保边缘, not monitored, within the monitoring range (5,000 yuan a head < 8,700)
    income(h["m1"], wage=1_000_000)
    # M2: a monitoring object, not on the roster; 12,000 yuan of income, 9,999.99 without its 低保金
    monitored(h["m2"], risk_types=["因病"])
    income(h["m2"], wage=999_999, transfer=200_000, assistance_benefit=200_000)
    # M3: the registry says 低保, the roster does not list the person
    Person.objects.filter(pk=head(h["m3"]).pk).update(dibao=True)
    # M4 (another village): the roster says 特困, the registry does not
    stranger = id_number_for(COUNTY, datetime.date(1960, 1, 1), 777)  # nobody here
    roster(
        [
            (head(h["clean_dibao"]), "低保"), (head(h["clean_covered"]), "低保"),
            (head(h["clean_open_case"]), "低保边缘"), (head(h["m1"]), "低保边缘"), (head(h["m4"]), "特困"),
            (stranger, "低保"), (head(h["clean_plain"]), "临时救助"),
        ]
    )  # fmt: skip
    return Planted(h, {("L-m1", "M1"), ("L-m2", "M2"), ("L-m3", "M3"), ("L-m4", "M4")})
