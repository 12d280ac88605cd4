"""核实纳入 on a lead opens the household's case in the same transaction (monitoring's case_open_from_lead
confirms the lead through screening's service and opens the case): both happen, or neither."""

from __future__ import annotations

import datetime

import pytest

from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict
from zhenxing.monitoring.enums import CaseSource
from zhenxing.monitoring.identification import services
from zhenxing.monitoring.models import Case
from zhenxing.screening.models import Lead, LeadStatus

from .helpers import START, people, poor_household

pytestmark = pytest.mark.django_db


def _lead(household: object) -> Lead:
    return Lead.objects.create(
        household=household, grade="橙", risk_types=["因病"], round="2025-09", village_due=datetime.date(2025, 9, 20),
        township_due=datetime.date(2025, 9, 25), county_due=datetime.date(2025, 9, 30),
    )  # fmt: skip


def test_confirming_a_lead_on_its_page_opens_the_households_case(client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    lead = _lead(poor_household())
    client.force_login(user["village"])
    response = client.post(f"/cases/from-lead/{lead.pk}/", {"note": "入户核实属实"})
    case = Case.objects.get(lead=lead)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.source == CaseSource.DEPARTMENT and case.summary.startswith("部门筛查预警（橙色）")
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.CONFIRMED


def test_a_lead_whose_household_cannot_be_opened_stays_open(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    household = poor_household()
    services.case_open_for_household(actor=user["village"], household=household, summary="干部排查发现")
    lead = _lead(household)
    with pytest.raises(Conflict, match="未办结"):
        services.case_open_from_lead(actor=user["village"], lead=lead, note="核实属实")
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.OPEN
    assert not Case.objects.filter(lead=lead).exists()
    assert not AuditEvent.objects.filter(action="lead.confirm").exists()
