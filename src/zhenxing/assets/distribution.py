"""Income distribution (收益分配, P15), 四议两公开: the village's party organisation proposes a plan (its lines by
kind and, for each paying line, the amount to each beneficiary from the registry), the meetings and postings
move it through transitions.PLAN, 实施 pays every beneficiary and the bank 代发 file lists them.

Refused with the P15 reason (严禁简单发钱发物、一分了之): a cash or goods line with no work or condition type that
pays the same amount to at least the asset_care parameter's share of the village's households. Checked when the
plan is proposed or revised and again at 乡镇审核 (transitions.no_even_handout), citing the parameter version."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.assets.care import asset_care_on
from zhenxing.assets.enums import KEPT_KINDS, UNCONDITIONAL_KINDS, LineKind, MeetingKind, PlanStatus
from zhenxing.assets.guards import actor_covers
from zhenxing.assets.inputs import (
    MeetingInput,
    PlanInput,
    PlanLineInput,
    PostingInput,
    fen_of_yuan,
    invalid,
    text_of,
)
from zhenxing.assets.models import DistributionPlan, PlanLine, PlanMeeting, PlanPayout
from zhenxing.assets.transitions import PLAN
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.workflow import enter_step, transition
from zhenxing.divisions.codes import county_of, in_prefecture
from zhenxing.divisions.models import Division
from zhenxing.policy.rules.assets import (
    even_handout,
    households_paid_alike_per_person,
    meeting_can_decide,
    reaches_share,
)
from zhenxing.registry.models import Household, Membership

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

MAX_LINES = 20
MAX_PAYOUTS = 5000


def village_household_count(village: Division) -> int:
    """Households of the village with a current member (the 一分了之 share's whole)."""
    return (
        Household.objects.filter(village__code=village.code, memberships__left_on__isnull=True)
        .distinct()
        .count()
    )


def _line_problems(
    kind: str, amounts_by_household: dict[int, int], *, households: int, percent: int, at: str
) -> list[ErrorDetail]:
    if even_handout(
        unconditional=kind in UNCONDITIONAL_KINDS, amounts_by_household=amounts_by_household,
        village_households=households, share_percent=percent,
    ):  # fmt: skip
        equal = max(list(amounts_by_household.values()).count(a) for a in set(amounts_by_household.values()))
        return [
            ErrorDetail(
                (*at.split("."), "kind"), "even_handout",
                f"“{LineKind(kind).label}”向本村{households}户中的{equal}户平均发放，达到{percent}%以上，"
                "属于简单发钱发物、一分了之，不予通过（P15）。请改为劳动报酬、参与奖励或救助金等有劳动、有条件的分配方式",
            )
        ]  # fmt: skip
    return []


def _combined_problems(
    lines: list[tuple[str, dict[int, int]]], *, households: int, percent: int
) -> list[ErrorDetail]:
    """The plan's cash and goods lines together: split over several lines (each below the share) they are still
    one handout to the households (P15 一分了之 is the plan's, not one line's)."""
    unconditional = [totals for kind, totals in lines if kind in UNCONDITIONAL_KINDS]
    if len(unconditional) < 2:
        return []
    combined: dict[int, int] = defaultdict(int)
    for totals in unconditional:
        for household, fen in totals.items():
            combined[household] += fen
    if not even_handout(unconditional=True, amounts_by_household=dict(combined), village_households=households,
                        share_percent=percent):  # fmt: skip
        return []
    equal = max(list(combined.values()).count(a) for a in set(combined.values()))
    return [
        ErrorDetail(
            ("lines",), "even_handout",
            f"方案中的现金、实物分配合计向本村{households}户中的{equal}户平均发放，达到{percent}%以上，"
            "属于简单发钱发物、一分了之，不予通过（P15）。拆分为多条明细的，按合计计算",
        )
    ]  # fmt: skip


def _per_person_problems(
    payouts: list[tuple[int, int, int]], *, households: int, percent: int
) -> list[ErrorDetail]:
    """The plan's cash and goods payouts (household, person, fen) by head: the same amount to every person reaches
    the households although their totals differ (P15 一分了之)."""
    reached = households_paid_alike_per_person(payouts)
    if not reaches_share(reached, village_households=households, share_percent=percent):
        return []
    return [
        ErrorDetail(
            ("lines",), "even_handout",
            f"方案中的现金、实物分配按人平均发放，覆盖本村{households}户中的{reached}户，达到{percent}%以上，"
            "属于简单发钱发物、一分了之，不予通过（P15）",
        )
    ]  # fmt: skip


def even_handout_problems(plan: DistributionPlan) -> tuple[list[ErrorDetail], dict[str, Any]]:
    """The plan's lines as they stand, checked against the parameter in force (the 乡镇审核 guard)."""
    values, citation = asset_care_on()
    households = village_household_count(plan.village)
    percent = values["even_handout_percent"]
    problems: list[ErrorDetail] = []
    by_line: list[tuple[str, dict[int, int]]] = []
    for index, line in enumerate(plan.lines.order_by("pk")):
        totals: dict[int, int] = defaultdict(int)
        for household_id, amount in line.payouts.values_list("household_id", "amount_fen"):
            totals[household_id] += amount
        by_line.append((line.kind, dict(totals)))
        problems += _line_problems(line.kind, dict(totals), households=households, percent=percent,
                                   at=f"lines.{index}")  # fmt: skip
    if not problems:
        problems = _combined_problems(by_line, households=households, percent=percent)
    if not problems:
        unconditional = PlanPayout.objects.filter(line__plan=plan, line__kind__in=UNCONDITIONAL_KINDS)
        rows = list(unconditional.values_list("household_id", "person_id", "amount_fen"))
        problems = _per_person_problems(rows, households=households, percent=percent)
    return problems, citation


def _members_of_village(village: Division, person_pks: set[int]) -> dict[int, int]:
    """person pk → household pk for the requested people who are current members of a household of the village."""
    rows = Membership.objects.filter(
        person_id__in=person_pks, left_on__isnull=True, household__village__code=village.code
    ).values_list("person_id", "household_id")
    return dict(rows)


def _checked_lines(
    village: Division, lines: Sequence[PlanLineInput], *, percent: int
) -> list[tuple[PlanLineInput, int, list[tuple[int, int, int]]]]:
    """Each line with its total and its payouts (person, household, fen); every problem at once."""
    if not lines:
        raise invalid("lines", "required", "请至少填写一条分配明细")
    if len(lines) > MAX_LINES:
        raise invalid("lines", "too_many", f"分配明细最多{MAX_LINES}条")
    wanted = {p.person_pk for line in lines for p in line.payouts}
    if len(wanted) > MAX_PAYOUTS:
        raise invalid("lines", "too_many", f"领取人最多{MAX_PAYOUTS}人")
    members = _members_of_village(village, wanted)
    households = village_household_count(village)
    problems: list[ErrorDetail] = []
    checked = []
    by_line: list[tuple[str, dict[int, int]]] = []
    for index, line in enumerate(lines):
        at = f"lines.{index}"
        if line.kind not in LineKind.values:
            problems.append(ErrorDetail((*at.split("."), "kind"), "kind", f"不认识的分配类型“{line.kind}”"))
            continue
        try:
            text_of(line.description, field_name=f"{at}.description", label="说明", limit=200,
                    required=line.kind in (LineKind.LABOUR, LineKind.PARTICIPATION, LineKind.RELIEF))  # fmt: skip
        except InvalidInput as error:
            problems.extend(error.details)
        payouts: list[tuple[int, int, int]] = []
        seen: set[int] = set()
        if line.kind in KEPT_KINDS:
            if line.payouts:
                problems.append(
                    ErrorDetail(
                        (*at.split("."), "payouts"), "kept", "公积公益金和管护费用由村集体留存，不发放到人"
                    )
                )
            try:
                total = fen_of_yuan(line.amount, field_name=f"{at}.amount", label="金额")
            except InvalidInput as error:
                problems.extend(error.details)
                continue
            checked.append((line, total, payouts))
            continue
        if not line.payouts:
            problems.append(ErrorDetail((*at.split("."), "payouts"), "required", "请填写领取人和金额"))
            continue
        for number, payout in enumerate(line.payouts):
            where = f"{at}.payouts.{number}"
            if payout.person_pk not in members:
                problems.append(
                    ErrorDetail((*where.split("."), "person"), "person", "领取人不是本村农户的现有成员")
                )
                continue
            if payout.person_pk in seen:
                problems.append(
                    ErrorDetail((*where.split("."), "person"), "duplicate", "同一条明细中领取人重复")
                )
                continue
            seen.add(payout.person_pk)
            try:
                fen = fen_of_yuan(payout.amount, field_name=f"{where}.amount", label="金额")
            except InvalidInput as error:
                problems.extend(error.details)
                continue
            payouts.append((payout.person_pk, members[payout.person_pk], fen))
        totals: dict[int, int] = defaultdict(int)
        for _, household, fen in payouts:
            totals[household] += fen
        problems += _line_problems(line.kind, dict(totals), households=households, percent=percent, at=at)
        by_line.append((line.kind, dict(totals)))
        checked.append((line, sum(fen for _, _, fen in payouts), payouts))
    if not problems:
        problems = _combined_problems(by_line, households=households, percent=percent)
    if not problems:
        rows = [(household, person, fen) for line, _, payouts in checked if line.kind in UNCONDITIONAL_KINDS
                for person, household, fen in payouts]  # fmt: skip
        problems = _per_person_problems(rows, households=households, percent=percent)
    if problems:
        raise InvalidInput(problems)
    return checked


def _write_lines(
    plan: DistributionPlan, checked: list[tuple[PlanLineInput, int, list[tuple[int, int, int]]]]
) -> int:
    total = 0
    for line, amount, payouts in checked:
        row = PlanLine.objects.create(
            plan=plan, kind=line.kind, description=line.description.strip(), amount_fen=amount
        )
        PlanPayout.objects.bulk_create(
            [
                PlanPayout(line=row, person_id=person, household_id=household, amount_fen=fen)
                for person, household, fen in payouts
            ]
        )
        total += amount
    return total


def _village(code: str) -> Division:
    village = Division.objects.filter(code=code, level="village").first() if in_prefecture(code) else None
    if village is None:
        raise invalid("village_code", "village", f"“{code}”不是大理州的村级区划代码")
    return village


def _meeting_checked(meeting: MeetingInput | None, *, label: str) -> MeetingInput:
    if meeting is None:
        raise invalid("meeting", "required", f"请填写{label}的会议日期、应到实到人数和会议记录")
    problems = []
    if meeting.held_on > clock.today():
        problems.append(ErrorDetail(("meeting", "held_on"), "future", "会议日期不能晚于今天"))
    if meeting.expected <= 0 or meeting.attendees > meeting.expected or meeting.attendees <= 0:
        problems.append(
            ErrorDetail(("meeting", "attendees"), "attendance", "实到人数应大于0且不超过应到人数")
        )
    elif not meeting_can_decide(attendees=meeting.attendees, expected=meeting.expected):
        problems.append(
            ErrorDetail(
                ("meeting", "attendees"), "quorum", "实到人数不足应到人数的三分之二，会议不能作出决定"
            )
        )
    if len((meeting.minutes or "").strip()) < 4:
        problems.append(ErrorDetail(("meeting", "minutes"), "required", "请填写会议记录要点"))
    if problems:
        raise InvalidInput(problems)
    return meeting


def plan_create(*, actor: User, data: PlanInput, files: Sequence[Any] = ()) -> DistributionPlan:
    """村党组织提议 (P15): the plan with its lines and beneficiaries, and the proposal's meeting."""
    if not has_capability(actor, Capability.TEND_ASSETS):
        raise PermissionDenied("只有村、乡镇、县可以录入收益分配方案")
    village = _village((data.village_code or "").strip())
    if not actor_covers(actor, village.code) or actor.role != "village":
        raise PermissionDenied("收益分配方案由本村提出")
    problems: list[ErrorDetail] = []
    title = ""
    income = 0
    try:
        title = text_of(data.title, field_name="title", label="方案名称", limit=100)
    except InvalidInput as error:
        problems.extend(error.details)
    try:
        income = fen_of_yuan(data.income, field_name="income", label="可分配收益")
    except InvalidInput as error:
        problems.extend(error.details)
    if not 2000 <= data.year <= clock.today().year:
        problems.append(ErrorDetail(("year",), "year", f"收益年度应在2000至{clock.today().year}年之间"))
    meeting = None
    try:
        meeting = _meeting_checked(data.meeting, label=MeetingKind.PARTY_BRANCH.label)
    except InvalidInput as error:
        problems.extend(error.details)
    values, citation = asset_care_on()
    checked = None
    try:
        checked = _checked_lines(village, data.lines, percent=values["even_handout_percent"])
    except InvalidInput as error:
        problems.extend(error.details)
    if not problems and checked is not None:
        total = sum(amount for _, amount, _ in checked)
        if total > income:
            problems.append(
                ErrorDetail(
                    ("income",), "over", f"分配合计{total / 100:.2f}元，超过可分配收益{income / 100:.2f}元"
                )
            )
    if problems or checked is None or meeting is None:
        raise InvalidInput(problems)
    today = clock.today()
    with transaction.atomic():
        plan = DistributionPlan(
            village=village, county=Division.objects.get(code=county_of(village.code)), year=data.year,
            title=title, income_fen=income, status=PlanStatus.PROPOSED, proposed_by=actor,
        )  # fmt: skip
        enter_step(PLAN, plan, today=today, limits={})
        plan.save()
        total = _write_lines(plan, checked)
        PlanMeeting.objects.create(
            plan=plan, kind=MeetingKind.PARTY_BRANCH, held_on=meeting.held_on, attendees=meeting.attendees,
            expected=meeting.expected, minutes=meeting.minutes.strip(), recorded_by=actor,
        )  # fmt: skip
        audit.record(actor=actor, action="asset.plan_create", target=plan, division=village,
                     new={"year": data.year, "income_fen": income, "lines": len(checked), "total_fen": total,
                          "asset_care": citation})  # fmt: skip
        if files:
            from zhenxing.assets.services import attachments_store

            attachments_store(actor=actor, files=files, purpose="meeting", plan=plan)
    return plan


def plan_revise(
    *, actor: User, plan: DistributionPlan, lines: Sequence[PlanLineInput], reason: str
) -> DistributionPlan:
    """A plan sent back by the township: its lines replaced and proposed again (the meetings start over), in the
    move's transaction (guards.replace_the_lines)."""
    if not has_capability(actor, Capability.TEND_ASSETS):
        raise PermissionDenied("只有本村可以修改收益分配方案")
    values, _ = asset_care_on()
    if plan.status != PlanStatus.RETURNED:
        raise Conflict("只有乡镇退回的方案可以修改")
    checked = _checked_lines(plan.village, lines, percent=values["even_handout_percent"])
    total = sum(amount for _, amount, _ in checked)
    if total > plan.income_fen:
        raise invalid(
            "income", "over", f"分配合计{total / 100:.2f}元，超过可分配收益{plan.income_fen / 100:.2f}元"
        )
    with transaction.atomic():
        locked = DistributionPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.RETURNED:
            raise Conflict("只有乡镇退回的方案可以修改")
        old_total = sum(locked.lines.values_list("amount_fen", flat=True))
        locked.lines.all().delete()  # never approved; cascades to their payouts, the audit keeps both totals
        _write_lines(locked, checked)
        audit.record(actor=actor, action="asset.plan_lines", target=locked, division=locked.village,
                     new={"old_total_fen": old_total, "total_fen": total, "lines": len(checked)},
                     reason=reason.strip()[:200])  # fmt: skip
        return transition(PLAN, locked, to=PlanStatus.PROPOSED, actor=actor, opinion=reason,
                          data={"revised": True})  # fmt: skip


def plan_move(
    *, actor: User, plan: DistributionPlan, to: str, opinion: str = "", meeting: MeetingInput | None = None,
    posting: PostingInput | None = None, files: Sequence[Any] = (),
) -> DistributionPlan:  # fmt: skip
    """One step of 四议两公开 (transitions.PLAN), with its meeting or posting."""
    if not has_capability(actor, Capability.TEND_ASSETS):
        raise PermissionDenied("只有村、乡镇可以办理收益分配方案")
    data: dict[str, Any] = {}
    if meeting is not None:
        data["meeting"] = _meeting_checked(meeting, label="会议")
    if posting is not None:
        data["posting"] = _posting_checked(posting)
    with transaction.atomic():
        moved = transition(PLAN, plan, to=to, actor=actor, opinion=opinion, data=data)
        if files:
            from zhenxing.assets.services import attachments_store

            attachments_store(actor=actor, files=files, purpose=to, plan=moved)
    return moved


def _posting_checked(posting: PostingInput) -> PostingInput:
    problems = []
    if len((posting.place or "").strip()) < 2:
        problems.append(ErrorDetail(("posting", "place"), "required", "请填写公开地点（如村务公开栏）"))
    if posting.posted_until < posting.posted_from:
        problems.append(ErrorDetail(("posting", "posted_until"), "order", "公开结束日期不能早于开始日期"))
    if posting.posted_from > clock.today() + datetime.timedelta(days=30):
        problems.append(ErrorDetail(("posting", "posted_from"), "future", "公开开始日期过远"))
    if problems:
        raise InvalidInput(problems)
    return PostingInput(place=posting.place.strip()[:100], posted_from=posting.posted_from,
                        posted_until=posting.posted_until)  # fmt: skip
