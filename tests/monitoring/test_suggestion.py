"""The county's prefilled confirmation follows the case's evidence: a lead's risks stand beside the policy
verdict on the household's year, and the suggestion says on which grounds (P6, P10)."""

from __future__ import annotations

import datetime

import pytest

from zhenxing.monitoring.decisions import case_suggestion
from zhenxing.monitoring.identification import services
from zhenxing.screening.models import Lead, LeadSignal, RuleSet, ScreeningRun

from .helpers import START, people, poor_household

pytestmark = pytest.mark.django_db


def test_a_case_from_a_medical_lead_is_suggested_as_because_of_illness_with_its_grounds(clock_at) -> None:  # type: ignore[no-untyped-def]
    # given a household whose registry shows no medical expense, and a lead the medical-insurance records
    # raised (R03: 5.3万 out of pocket)
    clock_at(START)
    user = people()
    household = poor_household()
    lead = Lead.objects.create(
        household=household, grade="橙", risk_types=["因病"], round="2025-09", village_due=datetime.date(2025, 9, 20),
        township_due=datetime.date(2025, 9, 25), county_due=datetime.date(2025, 9, 30),
    )  # fmt: skip
    run = ScreeningRun.objects.create(year=2025, engine="db", rule_set=RuleSet.objects.get(is_current=True),
                                      status="done")  # fmt: skip
    LeadSignal.objects.create(lead=lead, run=run, rule_code="R03", rule_name="医保目录内个人自付超过监测范围",
                              rule_set_version=1, grade="橙", risk_type="因病",
                              evidence={"value": 5_300_000, "threshold": 870_000})  # fmt: skip
    case = services.case_open_from_lead(actor=user["village"], lead=lead, note="核实属实")
    # when the suggestion is made
    suggestion = case_suggestion(case)
    # then 因病 is suggested, and the grounds name the year's income test and the lead's rule
    assert "因病" in suggestion.risk_types and "其他" not in suggestion.risk_types
    assert any("2025年收支" in ground for ground in suggestion.grounds)
    # in yuan with separators, as every money figure on screen (not 8700.0)
    assert any("监测范围 8,700.00 元" in ground for ground in suggestion.grounds), suggestion.grounds
    assert any("R03" in ground and "因病" in ground for ground in suggestion.grounds)
