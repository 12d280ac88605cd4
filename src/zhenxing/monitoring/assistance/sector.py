"""P11 sector rules for one household and year, as the household page shows them: each member's
medical-insurance subsidy, who gets the transport subsidy, and who qualifies for extra medical assistance."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Sum

from zhenxing.common.enums import Department
from zhenxing.common.errors import InvalidInput
from zhenxing.feeds.models import FeedRecord
from zhenxing.monitoring.enums import MONITORED_STATUSES
from zhenxing.monitoring.models import Case
from zhenxing.policy.contract import evaluate_with_parameters
from zhenxing.policy.rules.money import fen_to_yuan
from zhenxing.policy.rules.sector import extra_medical_assistance
from zhenxing.policy.vocab import TUOPIN_HOUSEHOLD
from zhenxing.registry import facts
from zhenxing.registry.selectors import household_years, members_on

if TYPE_CHECKING:
    from zhenxing.registry.models import Household


def household_sector(household: Household) -> dict[str, Any]:
    """The latest year with a record. A household is a monitoring object while a case of it is confirmed or
    in elimination (the subsidy differs, P11)."""
    record = household_years(household).first()
    if record is None:
        return {"error": "该户没有年度收支记录"}
    monitored = Case.objects.filter(household=household, status__in=MONITORED_STATUSES).exists()
    year = record.year
    memberships = list(members_on(household, datetime.date(year, 12, 31)))
    try:
        evaluation = evaluate_with_parameters(
            facts.policy_household(household, record, is_monitoring_object=monitored), year=year
        )
    except InvalidInput as error:
        return {"error": error.message, "year": year}
    verdict = evaluation.verdict
    spent = dict(
        FeedRecord.objects.filter(
            department=Department.MEDICAL_INSURANCE, record_date__year=year,
            person_id__in=[m.person_id for m in memberships],
        ).values_list("person_id").annotate(total=Sum("amount_fen")).values_list("person_id", "total")
    )  # fmt: skip
    subsidies = verdict.medical_insurance_subsidy
    # P17: a year without the rule answers 未配置 (None), never a silent "no one"
    transport = None if verdict.transport_subsidy_members is None else set(verdict.transport_subsidy_members)
    low_income = monitored or household.kind == TUOPIN_HOUSEHOLD  # the plan's 农村低收入人口
    rows = []
    for index, membership in enumerate(memberships):
        out_of_pocket = int(spent.get(membership.person_id) or 0)
        rows.append({
            "name": membership.person.name, "relation": membership.relation,
            "subsidy": subsidies[index] if subsidies is not None else None,
            "transport": None if transport is None else index in transport,
            "out_of_pocket": fen_to_yuan(out_of_pocket),
            "extra_medical": low_income and extra_medical_assistance(out_of_pocket, line_fen=verdict.line_fen),
        })  # fmt: skip
    return {
        "year": year, "monitored": monitored, "rows": rows, "line": fen_to_yuan(verdict.line_fen),
        "parameters": {kind: used.as_dict() for kind, used in evaluation.parameters.items()},
        # the page shows a 未配置 badge before each: the message without its own leading 未配置
        "unconfigured": [
            (rule.message or "").removeprefix("未配置")
            for rule in (evaluation.sector_rules or {}).values() if not rule.configured
        ],
        "line_note": evaluation.line_note,
    }  # fmt: skip
