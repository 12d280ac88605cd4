"""P6/P10: the risks a lead raised join the household's own, in the P6 order; 其他 gives way to a named risk."""

from __future__ import annotations

from zhenxing.policy.rules.risks import with_lead_evidence


def test_a_leads_named_risk_replaces_other_and_keeps_the_p6_order() -> None:
    assert with_lead_evidence(["其他"], ["因病"]) == ["因病"]
    assert with_lead_evidence(["缺劳动力"], ["因病", "因病"]) == ["因病", "缺劳动力"]
    assert with_lead_evidence([], []) == []
    assert with_lead_evidence(["其他"], []) == ["其他"]
