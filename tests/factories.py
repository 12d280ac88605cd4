"""Factories for tests. Passwords are hashed once (argon2 is deliberately slow) and shared."""

from __future__ import annotations

import datetime
from functools import cache

import factory
from django.contrib.auth.hashers import make_password

from zhenxing.accounts.enums import AssignmentKind, Role
from zhenxing.accounts.models import Assignment, User
from zhenxing.divisions.models import Division

TEST_PASSWORD = "correct-horse-battery-9"


@cache
def _hashed_password() -> str:
    return make_password(TEST_PASSWORD)


def division(code: str) -> Division:
    return Division.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.VILLAGE
    jurisdiction = factory.LazyFunction(lambda: division("532926101202"))
    department = ""
    password = factory.LazyFunction(_hashed_password)


def make_user(role: Role, code: str | None = None, department: str = "", **extra: object) -> User:
    if role == Role.DEPARTMENT:
        return UserFactory(
            role=role, jurisdiction=None, department=department or "medical_insurance", **extra
        )
    if role == Role.ADMIN:
        return UserFactory(role=role, jurisdiction=None, is_staff=True, is_superuser=True, **extra)
    assert code is not None
    return UserFactory(role=role, jurisdiction=division(code), **extra)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    kind = AssignmentKind.WORK_TEAM
    starts_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    ends_on = None
    created_by = factory.SelfAttribute("user")


def id_number_for(county: str, birth: datetime.date, sequence: int) -> str:
    from zhenxing.policy.rules.idnumber import check_character

    first17 = f"{county}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def make_household(
    village_code: str,
    *,
    code: str | None = None,
    head_name: str = "杨建国",
    kind: str = "脱贫户",
    year: int | None = 2025,
) -> object:
    """A household with a head and a spouse, through the services (so the audit rows exist too)."""
    from zhenxing.registry import services

    village = division(village_code)
    household = services.household_create(
        actor=None, village=village, kind=kind, code=code or f"{village_code}{make_household.counter:05d}"
    )  # type: ignore[attr-defined]
    make_household.counter += 1  # type: ignore[attr-defined]
    county = village_code[:6]
    base = {
        "ethnicity": "白族", "education": "初中", "health": "健康", "labour": "普通劳动力", "work_place": "县外省内", "work_months": 6,
        "resident_medical_insurance": True,
    }  # fmt: skip
    services.person_add_to_household(
        actor=None, household=household, relation="户主", joined_on=datetime.date(2014, 1, 1), name=head_name, sex="男",
        birth_date=datetime.date(1975, 3, 8), id_number=id_number_for(county, datetime.date(1975, 3, 8), (11 + 2 * make_household.counter) % 1000), **base,  # type: ignore[attr-defined]
    )  # fmt: skip
    services.person_add_to_household(
        actor=None, household=household, relation="配偶", joined_on=datetime.date(2014, 1, 1), name="李秀英", sex="女",
        birth_date=datetime.date(1978, 6, 1), id_number=id_number_for(county, datetime.date(1978, 6, 1), (12 + 2 * make_household.counter) % 1000), **base,  # type: ignore[attr-defined]
    )  # fmt: skip
    if year is not None:
        services.household_year_upsert(
            actor=None, household=household, year=year, values={"wage": 1_500_000, "business": 500_000}
        )
    return household


make_household.counter = 1  # type: ignore[attr-defined]
# the ID's sequence has three digits: it wraps after 500 households (one test never makes that many), keeping
# its parity, the sex
