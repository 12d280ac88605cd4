"""Assistance (P7): the plan made at confirmation, 帮扶责任人 through dated assignments, measures and their
states, per-person items. Each write is one transaction with its audit event."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhenxing.accounts.enums import ROLE_JURISDICTION_LEVEL, AssignmentKind
from zhenxing.accounts.models import Assignment
from zhenxing.accounts.scoping import active_assignments_filter
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.workflow import transition
from zhenxing.monitoring.assistance.transitions import HELPER_ROLES, MEASURE, measure_start_status
from zhenxing.monitoring.enums import MONITORED_STATUSES, CaseStatus, MeasureStatus, PersonItemKind
from zhenxing.monitoring.models import Case, Measure, PersonItem, Plan
from zhenxing.policy.household import Household as PolicyHousehold
from zhenxing.policy.rules.measures import is_comprehensive, recommend_measures
from zhenxing.policy.rules.people import household_has_labour
from zhenxing.policy.vocab import MEASURES
from zhenxing.policy.wording import object_name_on
from zhenxing.registry import facts
from zhenxing.registry.selectors import household_years, members_on

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.registry.models import Household, Person


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([ErrorDetail((field,), code, message)])


def _require_helper_role(actor: User) -> None:
    if actor.role not in HELPER_ROLES:
        raise PermissionDenied("帮扶措施由村、乡镇、县级干部（含帮扶责任人）办理")


def current_helper(household: Household, *, on: datetime.date) -> User | None:
    """The household's 帮扶责任人 on a date (the most recently started active assignment)."""
    assignment = (
        Assignment.objects.filter(household=household, kind=AssignmentKind.HELPER)
        .filter(active_assignments_filter(on))
        .select_related("user")
        .order_by("-starts_on", "-pk")
        .first()
    )
    return assignment.user if assignment else None


def plan_recommendation(household: Household, *, risk_types: list[str]) -> dict[str, Any]:
    """P7 on the confirmed risk types and the latest year's members; the facts and verdict are kept."""
    record = household_years(household).first()
    year = record.year if record else clock.today().year
    members = [
        facts.policy_member(m.person, m.relation) for m in members_on(household, datetime.date(year, 12, 31))
    ]
    stored = PolicyHousehold(kind=household.kind, members=tuple(members), is_monitoring_object=True)
    measures = recommend_measures(stored, year=year, risk_types=risk_types, eligible=True)
    return {
        "rule": "P7",
        "year": year,
        "risk_types": risk_types,
        "has_labour": household_has_labour(stored, year),
        "measures": measures,
        "comprehensive": is_comprehensive(risk_types),
    }


def plan_create(*, actor: User, case: Case) -> Plan:
    """一户一策 at confirmation: the recommended measures as planned measures, with the household's
    帮扶责任人 (if one is assigned) as the responsible person. Called inside the confirming transaction."""
    if case.household is None:
        raise Conflict("未关联农户的案件不能制定帮扶计划")
    today = clock.today()
    decision = plan_recommendation(case.household, risk_types=list(case.risk_types))
    plan = Plan.objects.create(
        case=case, household=case.household, recommended=decision["measures"],
        comprehensive=decision["comprehensive"], decision=decision, created_at=clock.now(), created_by=actor,
    )  # fmt: skip
    helper = current_helper(case.household, on=today)
    running = set(case.measures.values_list("category", flat=True))  # green-channel measures already begun
    for category in decision["measures"]:
        if category in running:
            continue
        Measure.objects.create(
            case=case, category=category, content=f"按风险类型推荐：{category}（请细化内容、资金和时限）",
            started_on=today, status=measure_start_status(before_confirmation=False),
            recommended=True, responsible_person=helper, recorded_by=actor,
        )  # fmt: skip
    audit.record(
        actor=actor, action="plan.create", target=plan, division=case.village,
        new={"case": case.pk, "measures": decision["measures"], "comprehensive": decision["comprehensive"]},
    )  # fmt: skip
    return plan


def helper_assign(
    *, actor: User, household: Household, helper: User, starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> Assignment:  # fmt: skip
    """Link a 帮扶责任人 to a household through a dated assignment: the household is then in the helper's
    scope (a county-bureau cadre sees households outside their own division)."""
    if actor.role not in HELPER_ROLES or actor.role == "village":
        raise PermissionDenied("帮扶责任人由乡镇或县级确定")
    if helper.role not in ROLE_JURISDICTION_LEVEL or not helper.is_active:
        raise _invalid("helper", "not_territorial", "帮扶责任人须为在岗的村、乡镇、县、州干部账号")
    if ends_on is not None and ends_on < starts_on:
        raise _invalid("ends_on", "ends_before_start", "结束日期不能早于开始日期")
    with transaction.atomic():
        assignment = Assignment.objects.create(
            user=helper, kind=AssignmentKind.HELPER, household=household, starts_on=starts_on, ends_on=ends_on,
            created_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, action="assignment.create", target=assignment, division=household.village,
            new={"user": helper.username, "kind": AssignmentKind.HELPER, "household": household.pk,
                 "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat() if ends_on else None},
        )  # fmt: skip
    return assignment


def measure_record(
    *, actor: User, case: Case, category: str, content: str, started_on: datetime.date,
    ends_on: datetime.date | None = None, motivation: bool = False, responsible_unit: str = "",
    responsible_person: User | None = None, funds_fen: int = 0, funds_source: str = "",
    continues_after_elimination: bool = False,
) -> Measure:  # fmt: skip
    """A measure on a monitored household's plan, or before confirmation through the green channel (P8)."""
    _require_helper_role(actor)
    if category not in MEASURES:
        raise _invalid("category", "invalid", "请选择帮扶措施类别")
    if len(content.strip()) < 2:
        raise _invalid("content", "required", "请填写措施内容")
    if ends_on is not None and ends_on < started_on:
        raise _invalid("ends_on", "ends_before_start", "结束日期不能早于开始日期")
    if funds_fen < 0:
        raise _invalid("funds", "negative", "资金不能为负数")
    before = case.status not in MONITORED_STATUSES
    if case.status in (CaseStatus.REJECTED, CaseStatus.ELIMINATED):
        raise Conflict(f"该户不是{object_name_on(clock.today())}（未纳入或风险已消除），不能新增帮扶措施")
    if before and not case.green_channel:
        raise Conflict("确定纳入前录入帮扶措施须先开启绿色通道（仅限灾害、意外事故）")
    with transaction.atomic():
        measure = Measure.objects.create(
            case=case, category=category, content=content.strip(), started_on=started_on, ends_on=ends_on,
            motivation=motivation, responsible_unit=responsible_unit.strip(), responsible_person=responsible_person,
            funds_fen=funds_fen, funds_source=funds_source.strip(), before_confirmation=before,
            continues_after_elimination=continues_after_elimination,
            status=measure_start_status(before_confirmation=before), recorded_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, action="measure.create", target=measure, division=case.village,
            new={"case": case.pk, "category": category, "status": measure.status, "before_confirmation": before,
                 "funds_fen": funds_fen, "responsible_person": responsible_person.pk if responsible_person else None},
        )  # fmt: skip
    return measure


# What a measure's details are, in the order the audit event lists them.
DETAIL_FIELDS = (
    "content", "started_on", "ends_on", "motivation", "responsible_unit", "responsible_person_id", "funds_fen",
    "funds_source", "continues_after_elimination",
)  # fmt: skip


def _detail_value(measure: Measure, field: str) -> Any:
    value = getattr(measure, field)
    return value.isoformat() if isinstance(value, datetime.date) else value


def measure_detail(
    *, actor: User, measure: Measure, content: str, started_on: datetime.date, ends_on: datetime.date | None = None,
    motivation: bool = False, responsible_unit: str = "", responsible_person: User | None = None,
    funds_fen: int = 0, funds_source: str = "", continues_after_elimination: bool = False,
) -> Measure:  # fmt: skip
    """细化: a planned measure (a P7 recommendation reads "请细化内容、资金和时限") gets its content, funds,
    dates and responsible person before it starts. Only while 计划: once running, what was done is the record
    and only its state moves (MEASURE workflow). The status does not change; the category stays (another
    category is another measure)."""
    _require_helper_role(actor)
    problems = []
    if len(content.strip()) < 2:
        problems.append(ErrorDetail(("content",), "required", "请填写措施内容"))
    if ends_on is not None and ends_on < started_on:
        problems.append(ErrorDetail(("ends_on",), "ends_before_start", "结束日期不能早于开始日期"))
    if funds_fen < 0:
        problems.append(ErrorDetail(("funds",), "negative", "资金不能为负数"))
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        locked = Measure.objects.select_for_update().select_related("case__village").get(pk=measure.pk)
        if locked.status != MeasureStatus.PLANNED:
            raise Conflict(f"措施已{locked.status}，只有计划中的措施可以细化")
        if locked.case.status in (CaseStatus.REJECTED, CaseStatus.ELIMINATED):
            raise Conflict(f"该户已不是{object_name_on(clock.today())}，不能细化帮扶措施")
        old = {field: _detail_value(locked, field) for field in DETAIL_FIELDS}
        locked.content, locked.started_on, locked.ends_on = content.strip(), started_on, ends_on
        locked.motivation, locked.responsible_unit = motivation, responsible_unit.strip()
        locked.responsible_person, locked.funds_fen = responsible_person, funds_fen
        locked.funds_source, locked.continues_after_elimination = (
            funds_source.strip(),
            continues_after_elimination,
        )
        new = {field: _detail_value(locked, field) for field in DETAIL_FIELDS}
        changed = [field for field in DETAIL_FIELDS if old[field] != new[field]]
        if not changed:
            return locked
        locked.save(update_fields=[f.removesuffix("_id") for f in changed] + ["updated_at"])
        audit.record(
            actor=actor, action="measure.detail", target=locked, division=locked.case.village,
            old={f: old[f] for f in changed}, new={"case": locked.case_id, **{f: new[f] for f in changed}},
        )  # fmt: skip
    return locked


def measure_move(*, actor: User, measure: Measure, to: str, outcome: str = "") -> Measure:
    """计划 → 实施中 → 已完成 / 已终止, by the MEASURE workflow; closing a measure needs its outcome."""
    return transition(MEASURE, measure, to=to, actor=actor, opinion=outcome)


def measures_close_at_elimination(*, actor: User, case: Case) -> dict[str, list[int]]:
    """P9 at elimination: planned measures end unstarted; running ones finish with the monitoring unless
    they continue after elimination (small loans, asset-income shares, welfare jobs, 雨露计划). Called inside
    the eliminating transaction; recorded as one audit event on the case."""
    closed: dict[str, list[int]] = {"terminated": [], "completed": []}
    for measure in case.measures.select_for_update().filter(
        status__in=[MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS], continues_after_elimination=False
    ):
        if measure.status == MeasureStatus.PLANNED:
            MEASURE.assign(measure, to=MeasureStatus.TERMINATED, role=actor.role)
            measure.outcome = "风险已消除，计划未实施"
            closed["terminated"].append(measure.pk)
        else:
            MEASURE.assign(measure, to=MeasureStatus.COMPLETED, role=actor.role)
            measure.outcome = "随风险消除结束"
            closed["completed"].append(measure.pk)
        measure.save(update_fields=["status", "outcome", "updated_at"])
    if closed["terminated"] or closed["completed"]:
        audit.record(
            actor=actor, action="measure.close_at_elimination", target=case, division=case.village, new=closed
        )
    return closed


def person_item_add(
    *, actor: User, measure: Measure, person: Person, kind: str, detail: str, started_on: datetime.date,
    amount_fen: int = 0, ends_on: datetime.date | None = None,
) -> PersonItem:  # fmt: skip
    """一人一方案: a member's own item under a measure."""
    _require_helper_role(actor)
    if kind not in PersonItemKind.values:
        raise _invalid("kind", "invalid", "请选择到人帮扶类型")
    if len(detail.strip()) < 2:
        raise _invalid("detail", "required", "请填写到人帮扶内容")
    if amount_fen < 0:
        raise _invalid("amount", "negative", "金额不能为负数")
    household = measure.case.household
    if household is None or not household.memberships.filter(person=person, left_on__isnull=True).exists():
        raise _invalid("person", "not_member", "该人员不是本户现有家庭成员")
    with transaction.atomic():
        item = PersonItem.objects.create(
            measure=measure, person=person, kind=kind, detail=detail.strip(), amount_fen=amount_fen,
            started_on=started_on, ends_on=ends_on, recorded_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, action="person_item.create", target=item, division=measure.case.village,
            new={"measure": measure.pk, "person": person.pk, "kind": kind, "amount_fen": amount_fen},
        )  # fmt: skip
    return item
