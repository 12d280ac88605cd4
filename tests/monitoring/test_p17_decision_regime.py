"""P17: a decision keeps its regime. The same household decided on 31 December 2025 and on 5 January 2026
keeps each decision's date and regime in its snapshot, and 责任追溯 and the case page explain each decision with
the regime's name and version; a January 2026 decision on 2025 income still uses the 2025 line."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from zhenxing.audit.models import AuditEvent
from zhenxing.monitoring.decisions import case_suggestion, policy_decision
from zhenxing.monitoring.identification import services
from zhenxing.monitoring.models import Case, CaseStep
from zhenxing.monitoring.tracing.selectors import cited_parameters, household_trace

from .helpers import people, poor_household

pytestmark = pytest.mark.django_db

OLD_YEAR, NEW_YEAR = datetime.date(2025, 12, 31), datetime.date(2026, 1, 5)
TRANSITION = "政策阶段：巩固拓展脱贫攻坚成果过渡期 第1版（决定日期 2025-12-31）"
NORMALISED = "政策阶段：常态化防止返贫致贫 第1版（决定日期 2026-01-05）"


def test_p17_policy_decision_keeps_the_date_and_the_regime_of_each_decision() -> None:
    # given one household with 2025 income
    household = poor_household("P17-snap")
    # when it is decided on either side of new year
    before = policy_decision(household, decided_on=OLD_YEAR)
    after = policy_decision(household, decided_on=NEW_YEAR)
    # then each snapshot keeps its date and regime, and both judged 2025 income on the 2025 line
    assert (before["decided_on"], before["regime"]["name"]) == ("2025-12-31", "巩固拓展脱贫攻坚成果过渡期")
    assert (after["decided_on"], after["regime"]["name"]) == ("2026-01-05", "常态化防止返贫致贫")
    for snapshot in (before, after):
        assert snapshot["year"] == 2025 and snapshot["parameters"]["monitoring_line"]["year"] == 2025
        assert snapshot["verdict"]["monitoring_line"] == 8700.0
        assert snapshot["verdict"]["monitoring_line_provisional"] is False
    assert cited_parameters(before).startswith(TRANSITION)
    assert cited_parameters(after).startswith(NORMALISED)


def test_p17_case_steps_on_either_side_of_new_year_explain_themselves_with_their_regime(
    client: Client, clock_at: Callable[[datetime.date], None]
) -> None:
    # given a household analysed on 31 December 2025 (its case then not taken in) and again on 5 January 2026
    household = poor_household("P17-trace")
    clock_at(OLD_YEAR)
    user = people()
    first = services.case_open_for_household(actor=user["village"], household=household, summary="因病支出大")
    first = services.case_move(actor=user["village"], case=first, to="analysis")
    first = services.case_move(
        actor=user["village"], case=first, to="investigation", findings="已比对部门数据"
    )
    first = services.case_move(
        actor=user["village"], case=first, to="rejected", findings="收入已恢复，不予纳入"
    )
    clock_at(NEW_YEAR)
    second = services.case_open_for_household(actor=user["village"], household=household, summary="再次申报")
    second = services.case_move(actor=user["village"], case=second, to="analysis")
    second = services.case_move(actor=user["village"], case=second, to="investigation", findings="已比对")
    # then each step's snapshot keeps the regime of its own date (the steps are audited)
    analysed = {
        step.case_id: step.decision
        for step in CaseStep.objects.filter(case__household=household, step="analysis").order_by("done_at")
    }
    assert analysed[first.pk]["regime"]["name"] == "巩固拓展脱贫攻坚成果过渡期"
    assert analysed[second.pk]["regime"]["name"] == "常态化防止返贫致贫"
    assert analysed[second.pk]["parameters"]["monitoring_line"]["year"] == 2025  # 2025 income, 2025 line
    assert AuditEvent.objects.filter(target_type="monitoring.case", target_id=str(second.pk)).exists()
    # and 责任追溯 explains each decision with its regime's name and version
    cited = [entry.versions for entry in household_trace(household) if entry.versions]
    assert any(text.startswith(TRANSITION) for text in cited), cited
    assert any(text.startswith(NORMALISED) for text in cited), cited
    client.force_login(user["county"])
    trace = client.get(f"/cases/trace/{household.pk}/").content.decode()
    assert TRANSITION in trace and NORMALISED in trace
    case_page = client.get(f"/cases/{second.pk}/").content.decode()
    assert NORMALISED in case_page
    # the county's suggestion names the regime too (P17)
    assert any(
        "常态化防止返贫致贫" in ground for ground in case_suggestion(Case.objects.get(pk=second.pk)).grounds
    )
