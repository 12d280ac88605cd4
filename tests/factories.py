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
