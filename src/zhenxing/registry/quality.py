"""The standing data-quality report (P1): the checks of policy/rules/quality.py as queries, so that a county
or the prefecture is counted inside the database. tests/registry/test_quality.py proves both forms agree."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from zhenxing.common.dates import years_before
from zhenxing.policy.rules.quality import CHECKS
from zhenxing.registry.models import Household, HouseholdYear, Membership, Person

PERSON_CHECKS = (
    "education_xor_schooling", "work_place_months", "phone_format", "health_empty", "insurance_both",
    "healthy_adult_no_labour", "no_labour_working",
)  # fmt: skip
HOUSEHOLD_CHECKS = ("head_count", "spouse_count", "spouse_sex", "year_without_members")


def _person_condition(code: str, today: datetime.date) -> Q:
    conditions = {
        "education_xor_schooling": Q(education="", schooling="") | (~Q(education="") & ~Q(schooling="")),
        "work_place_months": Q(work_place="", work_months__gt=0) | (~Q(work_place="") & Q(work_months=0)),
        # the phone is encrypted: the format was checked on write and kept as a flag (registry/phones.py)
        "phone_format": Q(phone_malformed=True),
        "health_empty": Q(health=""),
        "insurance_both": Q(resident_medical_insurance=True, employee_medical_insurance=True),
        "healthy_adult_no_labour": Q(
            health="健康",
            schooling="",
            labour__in=("无劳动力", "弱劳动力或半劳动力"),
            birth_date__lte=years_before(today, 16),
            birth_date__gt=years_before(today, 60),
        ),
        "no_labour_working": Q(labour__in=("无劳动力", "丧失劳动力")) & ~Q(work_place=""),
    }
    return conditions[code]


def households_with_issue(
    households: QuerySet[Household], code: str, *, today: datetime.date
) -> QuerySet[Household]:
    current = Membership.objects.filter(household=OuterRef("pk"), left_on__isnull=True)
    if code in PERSON_CHECKS:
        people = Person.objects.filter(_person_condition(code, today))
        return households.filter(Exists(current.filter(person__in=people)))
    if code == "head_count":
        return households.annotate(
            heads=Count(
                "memberships", filter=Q(memberships__left_on__isnull=True, memberships__relation="户主")
            )
        ).exclude(heads=1)
    if code == "spouse_count":
        return households.annotate(
            spouses=Count(
                "memberships", filter=Q(memberships__left_on__isnull=True, memberships__relation="配偶")
            )
        ).filter(spouses__gt=1)
    if code == "spouse_sex":
        head_sex = current.filter(relation="户主").values("person__sex")[:1]
        return households.filter(Exists(current.filter(relation="配偶", person__sex=head_sex)))
    if code == "year_without_members":
        return households.filter(Exists(_years_without_members()))
    raise KeyError(code)


def _years_without_members() -> QuerySet[HouseholdYear]:
    """A household's yearly records with nobody in the household on 31 December of that year (P1)."""
    # joined on or before 31 December of the year ⟺ joined in that year or before; left after it ⟺ left later
    members_at_year_end = Membership.objects.filter(
        household=OuterRef("household"), joined_on__year__lte=OuterRef("year")
    ).filter(Q(left_on__isnull=True) | Q(left_on__year__gt=OuterRef("year")))
    return HouseholdYear.objects.filter(household=OuterRef("pk")).exclude(Exists(members_at_year_end))


def quality_counts(
    households: QuerySet[Household], *, today: datetime.date
) -> list[tuple[str, str, str, int]]:
    """(code, severity, description, households affected) for every check that has a query form."""
    rows = []
    for code in (*HOUSEHOLD_CHECKS, *PERSON_CHECKS):
        severity, description = CHECKS[code]
        rows.append(
            (code, severity, description, households_with_issue(households, code, today=today).count())
        )
    return rows
