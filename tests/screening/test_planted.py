"""Planted cases (P5, P6, P10): every planted case raises its rule and grade; clean households raise nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.crypto import decrypt_id_number
from zhenxing.feeds.models import FeedRecord, QuarantinedRow
from zhenxing.feeds.services import feed_batch_ingest
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household, Person
from zhenxing.screening.models import Lead, LeadSignal, LeadStatus
from zhenxing.screening.services import lead_dismiss, screening_run

from ..conftest import SAME_TOWNSHIP_VILLAGE, VILLAGE
from ..factories import id_number_for, make_household, make_user

pytestmark = pytest.mark.django_db
YEAR = 2025
DAY = datetime.date(2025, 11, 10)


def _id(household: Household, relation: str = "户主") -> str:
    person = household.memberships.get(relation=relation).person
    return decrypt_id_number(bytes(person.id_number_encrypted))  # type: ignore[arg-type]


def _ingest(department: str, rows: list[dict[str, Any]]) -> Any:
    return feed_batch_ingest(department=department, rows=rows, source="api").batch


def _signals() -> set[tuple[str, str, str]]:
    return {
        (s.lead.household.code, s.rule_code, s.grade)
        for s in LeadSignal.objects.select_related("lead__household")
    }  # type: ignore[misc]


def _planted() -> tuple[dict[str, Household], set[tuple[str, str, str]]]:
    h: dict[str, Household] = {}
    for name in (
        "income",
        "hardship",
        "medical",
        "dropout",
        "housing",
        "disaster",
        "disability",
        "health",
        "unemployed",
        "death",
        "dibao",
        "clean1",
        "clean2",
        "lowcost",
    ):
        household = make_household(VILLAGE, code=f"P-{name}")
        assert isinstance(household, Household)
        h[name] = household
    water = make_household(SAME_TOWNSHIP_VILLAGE, code="P-water")
    assert isinstance(water, Household)
    h["water"] = water
    registry.household_year_upsert(
        actor=None, household=h["income"], year=YEAR, values={"wage": 1_000_000, "business": 0}
    )
    registry.household_year_upsert(
        actor=None, household=h["hardship"], year=YEAR, values={"medical_expense": 500_000}
    )
    child_id = id_number_for("532926", datetime.date(YEAR - 12, 5, 1), 201)
    registry.person_add_to_household(
        actor=None, household=h["dropout"], relation="之子", joined_on=datetime.date(2013, 5, 1), name="杨小", sex="男",
        birth_date=datetime.date(YEAR - 12, 5, 1), id_number=child_id, health="健康", labour="无劳动力", schooling="七年级",
    )  # fmt: skip
    registry.household_year_upsert(
        actor=None, household=h["dropout"], year=YEAR, values={"wage": 2_500_000}
    )  # 3 people now
    Person.objects.filter(memberships__household=h["death"], memberships__relation="配偶").update(
        labour="丧失劳动力"
    )
    _ingest("medical_insurance", [
        {"id_number": _id(h["medical"]), "period": "2025-03-01", "total_cost": 30000, "out_of_pocket": 9000, "insured": "是"},
        {"id_number": _id(h["lowcost"]), "period": "2025-03-01", "total_cost": 300, "out_of_pocket": 100, "insured": "是"},
    ])  # fmt: skip
    _ingest(
        "education", [{"id_number": child_id, "school": "南涧一中", "status": "辍学", "date": "2025-09-01"}]
    )
    _ingest("housing", [{"household_code": "P-housing", "grade": "D", "date": "2025-06-01"}])
    _ingest(
        "water",
        [{"village_code": SAME_TOWNSHIP_VILLAGE, "problem": "断水", "days_cut": 45, "date": "2025-04-01"}],
    )
    _ingest(
        "emergency",
        [
            {
                "household_code": "P-disaster",
                "disaster": "洪涝",
                "loss": 20000,
                "house_damaged": "否",
                "date": "2025-07-01",
            }
        ],
    )
    _ingest("disability", [{"certificate": _id(h["disability"], "配偶") + "41", "date": "2025-02-01"}])
    _ingest("health", [{"id_number": _id(h["health"]), "disease_class": "大病", "date": "2025-05-01"}])
    _ingest(
        "human_resources",
        [
            {
                "id_number": _id(h["unemployed"]),
                "status": "失业",
                "months": 0,
                "registered_unemployed": "是",
                "date": "2025-08-01",
            }
        ],
    )
    _ingest("public_security", [{"id_number": _id(h["death"]), "event": "死亡", "date": "2025-10-01"}])
    _ingest("civil_affairs", [{"id_number": _id(h["dibao"]), "assistance": "低保", "start": "2025-01-01"}])
    expected = {
        ("P-income", "R01", "橙"), ("P-hardship", "R02", "橙"), ("P-medical", "R03", "橙"), ("P-dropout", "R04", "红"),
        ("P-housing", "R05", "红"), ("P-water", "R06", "红"), ("P-disaster", "R07", "橙"), ("P-disability", "R08", "黄"),
        ("P-health", "R09", "黄"), ("P-unemployed", "R10", "黄"), ("P-death", "R11", "橙"), ("P-dibao", "R12", "黄"),
    }  # fmt: skip
    return h, expected


def test_p10_every_planted_case_found_and_clean_households_quiet() -> None:
    # given
    _households, expected = _planted()
    # when
    run = screening_run(year=YEAR, today=DAY)
    # then: exactly the planted (household, rule, grade), nothing on the clean ones
    assert _signals() == expected
    assert run.summary["new"] == len(expected)
    assert not Lead.objects.filter(household__code__in=["P-clean1", "P-clean2", "P-lowcost"]).exists()
    # leads are routed with the P10 deadlines: raised on 10 November → November round
    lead = Lead.objects.get(household__code="P-housing")
    assert (lead.round, lead.village_due, lead.township_due, lead.county_due) == (
        "2025-11",
        datetime.date(2025, 11, 20),
        datetime.date(2025, 11, 25),
        datetime.date(2025, 11, 30),
    )
    assert AuditEvent.objects.filter(action="screening.run").count() == 1


def test_p10_a_second_round_changes_nothing_and_after_the_15th_joins_next_month() -> None:
    _planted()
    screening_run(year=YEAR, today=DAY)
    again = screening_run(year=YEAR, today=datetime.date(2025, 11, 20))
    assert (again.summary["new"], again.summary["merged"], again.summary["unchanged"]) == (0, 0, 12)


def test_p10_new_signals_merge_into_the_open_lead_with_the_highest_grade() -> None:
    _households, _ = _planted()
    screening_run(year=YEAR, today=DAY)
    _ingest("housing", [{"household_code": "P-health", "grade": "C", "date": "2025-11-01"}])
    run = screening_run(year=YEAR, today=DAY)
    assert run.summary["merged"] == 1
    lead = Lead.objects.get(household__code="P-health")
    merge = AuditEvent.objects.get(action="lead.merge", target_id=str(lead.pk))
    assert (merge.old_values["grade"], merge.new_values["grade"]) == ("黄", "红")
    assert lead.grade == "红"
    assert sorted(lead.signals.values_list("rule_code", flat=True)) == ["R05", "R09"]
    assert Lead.objects.filter(household__code="P-health", status=LeadStatus.OPEN).count() == 1


def test_p10_dismissal_suppresses_the_rule_unless_the_evidence_worsens() -> None:
    _planted()
    screening_run(year=YEAR, today=DAY)
    village_user = make_user(Role.VILLAGE, VILLAGE)
    lead = Lead.objects.get(household__code="P-medical")
    lead_dismiss(actor=village_user, lead=lead, reason="医保报销后实际负担不重，已核实", today=DAY)
    assert AuditEvent.objects.get(action="lead.dismiss").reason.startswith("医保报销后")
    quiet = screening_run(year=YEAR, today=DAY)
    assert quiet.summary["suppressed"] == 1
    assert not Lead.objects.filter(household__code="P-medical", status=LeadStatus.OPEN).exists()
    # worse: another large bill in the same year
    _ingest(
        "medical_insurance",
        [
            {
                "id_number": _id(Household.objects.get(code="P-medical")),
                "period": "2025-10-01",
                "total_cost": 20000,
                "out_of_pocket": 4000,
                "insured": "是",
            }
        ],
    )
    worse = screening_run(year=YEAR, today=DAY)
    assert worse.summary["new"] == 1
    assert Lead.objects.filter(household__code="P-medical", status=LeadStatus.OPEN).exists()


def test_feed_batch_twice_adds_nothing_and_bad_rows_are_quarantined() -> None:
    households, _ = _planted()
    rows = [
        {"id_number": _id(households["clean1"]), "disease_class": "慢病", "date": "2025-05-01"},
        {
            "id_number": "110105194912310021",
            "disease_class": "大病",
            "date": "2025-05-01",
        },  # bad check character
        {
            "id_number": _id(households["clean2"]),
            "disease_class": "感冒",
            "date": "2025-05-01",
        },  # unknown value
        {
            "id_number": "11010519491231002X",
            "disease_class": "大病",
            "date": "2025-05-01",
        },  # valid, nobody here
    ]
    first = feed_batch_ingest(department="health", rows=rows, source="api")
    second = feed_batch_ingest(department="health", rows=rows, source="api")
    assert first.created and not second.created
    assert second.batch.pk == first.batch.pk
    batch = first.batch
    assert (batch.rows, batch.accepted, batch.quarantined, batch.unmatched) == (4, 1, 2, 1)
    assert FeedRecord.objects.filter(batch=batch).count() == 1
    reasons = " ".join(QuarantinedRow.objects.filter(batch=batch).values_list("reason", flat=True))
    assert "校验位" in reasons and "感冒" in reasons
    assert "110105194912310021" not in reasons
