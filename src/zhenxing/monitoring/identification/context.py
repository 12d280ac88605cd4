"""What the case page shows about assistance and elimination: the plan, its measures and items, the plan
check, evaluations, the next periodic evaluation, and the forms the user's role may use now."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zhenxing.accounts.enums import Role
from zhenxing.common import clock
from zhenxing.monitoring.assistance.forms import HelperForm, MeasureDetailForm, MeasureForm, PersonItemForm
from zhenxing.monitoring.assistance.selectors import plan_flag_message, plan_flags
from zhenxing.monitoring.assistance.services import current_helper
from zhenxing.monitoring.assistance.transitions import HELPER_ROLES, MEASURE
from zhenxing.monitoring.decisions import assistance_checks
from zhenxing.monitoring.elimination.forms import ConsentForm
from zhenxing.monitoring.elimination.services import next_evaluation_on
from zhenxing.monitoring.enums import MONITORED_STATUSES, CaseStatus, EliminationMethod, MeasureStatus
from zhenxing.monitoring.identification.forms import MeetingForm
from zhenxing.monitoring.models import Case, Plan

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def assistance_context(case: Case, *, user: User) -> dict[str, Any]:
    today = clock.today()
    monitored = case.status in MONITORED_STATUSES
    plan = Plan.objects.filter(case=case).first()
    measures = list(case.measures.select_related("responsible_person").prefetch_related("items__person"))
    for measure in measures:
        measure.moves = MEASURE.moves_from(measure.status, user.role)  # type: ignore[attr-defined]
        # 细化 before it starts: only a planned measure (assistance.services.measure_detail)
        measure.detail_form = (  # type: ignore[attr-defined]
            MeasureDetailForm.for_measure(measure) if measure.status == MeasureStatus.PLANNED else None
        )
    flag = plan_flags([case], today=today).get(case.pk, "") if monitored else ""
    checks, _ = assistance_checks()
    members = (
        list(case.household.memberships.filter(left_on__isnull=True).select_related("person"))
        if case.household
        else []
    )
    can_act = user.role in HELPER_ROLES
    return {
        "monitored": monitored,
        "plan": plan,
        "measures": measures,
        "plan_flag": flag,
        "plan_flag_message": plan_flag_message(flag),
        "evaluations": case.evaluations.select_related("evaluated_by").order_by("-evaluated_at", "-pk"),
        "next_evaluation": next_evaluation_on(case, interval_months=checks["evaluation_interval_months"])
        if case.status == CaseStatus.CONFIRMED
        else None,
        "helper": current_helper(case.household, on=today) if case.household else None,
        "can_act": can_act,
        "can_assign_helper": monitored and user.role in (Role.TOWNSHIP, Role.COUNTY),
        "measure_form": MeasureForm(initial={"started_on": today}),
        "item_form": PersonItemForm(initial={"started_on": today}),
        "members": members,
        "consent_form": ConsentForm(initial={"consent_on": today}),
        "helper_form": HelperForm(initial={"starts_on": today}),
        "elimination_meeting_form": MeetingForm(initial={"held_on": today}),
        "elimination_methods": EliminationMethod.choices,
        "can_evaluate": case.status == CaseStatus.CONFIRMED and can_act,
        "can_start_elimination": case.status == CaseStatus.CONFIRMED and user.role == Role.VILLAGE,
    }
