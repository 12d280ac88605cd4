"""The guards and effects of the asset workflows (transitions.py), named so that each declaration reads as the
procedure of P15. A guard raises a DomainError to refuse a move; an effect changes the locked subject through
`Transition.set` or writes what goes with the move."""

from __future__ import annotations

from typing import Any

from zhenxing.accounts.enums import Role
from zhenxing.assets.enums import (
    AssetCategory,
    AssetStatus,
    DisposalKind,
    DisposalStatus,
    MeetingKind,
    PostingKind,
)
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.workflow import Transition
from zhenxing.divisions.codes import covers
from zhenxing.policy.rules.assets import owner_kind_fits


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([ErrorDetail((field,), code, message)])


def _jurisdiction_code(actor: Any) -> str:
    jurisdiction = getattr(actor, "jurisdiction", None)
    return jurisdiction.code if jurisdiction is not None else ""


def actor_covers(actor: Any, division_code: str) -> bool:
    """A territorial actor's own division holds the place (the prefecture holds every place)."""
    code = _jurisdiction_code(actor)
    return bool(code) and covers(code, division_code)


# the asset itself


def require_manager(actor: Any, asset: Any) -> None:
    """The county's 乡村振兴局 over the asset's county, or the sector department that supervises it (谁主管、谁负责)."""
    if actor.role == Role.COUNTY_SECTOR:
        if actor.sector_id != asset.sector_id or actor.jurisdiction_id != asset.county_id:
            raise PermissionDenied("只有主管该资产的县(市)行业部门或县乡村振兴局可以办理")
    elif not actor_covers(actor, asset.county.code):
        raise PermissionDenied(f"{asset.county.name}的资产不在您的管辖范围内")


def manages_the_asset(t: Transition) -> None:
    require_manager(t.actor, t.subject)


def record_ownership(t: Transition) -> None:
    """确权: owner kind, owner (a registry household for 到户类), the document and its date (P15)."""
    owner = t.data["owner"]
    if not owner_kind_fits(category=t.subject.category, owner_kind=owner.kind):
        if t.subject.category == AssetCategory.HOUSEHOLD:
            raise _invalid("owner_kind", "household", "到户类资产的所有权人应为受益农户")
        raise _invalid(
            "owner_kind", "household", "公益性、经营性资产的所有权人应为村集体经济组织或县、乡镇单位"
        )
    t.set(
        owner_kind=owner.kind, owner_name=owner.name, owner_household=owner.household,
        ownership_document=owner.document, owned_on=owner.on,
    )  # fmt: skip
    t.new.update({"owner_kind": owner.kind, "owned_on": owner.on.isoformat()})
    t.decision["owner"] = {"kind": owner.kind, "household": owner.household.pk if owner.household else None}


def record_handover(t: Transition) -> None:
    """移交: date, receiving party, the care assignment if given, and the first inspection's due day."""
    handover = t.data["handover"]
    t.set(
        handed_over_on=handover.on, receiver=handover.receiver, inspection_due=handover.first_inspection_due
    )
    if handover.care is not None:
        care = handover.care
        t.set(care_unit=care.unit, care_person=care.person, care_phone=care.phone, care_rules=care.rules)
    t.new.update({"handed_over_on": handover.on.isoformat(), "receiver": handover.receiver})
    t.decision["asset_care"] = handover.citation


def household_asset(t: Transition) -> None:
    if t.subject.category != AssetCategory.HOUSEHOLD:
        raise Conflict("公益性和经营性资产不能由村直接变更，须按处置程序报批")


def village_of_the_asset(t: Transition) -> None:
    if not actor_covers(t.actor, t.subject.division.code):
        raise PermissionDenied("只有资产所在的村、乡镇或县可以记录到户类资产的变动")


def has_reason(t: Transition) -> None:
    if len(t.opinion) < 2:
        raise _invalid("reason", "required", "请填写原因")


def disposal_approved(t: Transition) -> None:
    """The register's own move (no role): only an approved disposal of the asset takes it off (P15)."""
    disposal = t.data.get("disposal")
    if disposal is None or disposal.asset_id != t.subject.pk or disposal.status != DisposalStatus.APPROVED:
        raise PermissionDenied("资产只能经批准的处置程序退出")


def record_end(t: Transition) -> None:
    t.set(ended_on=t.today, ended_reason=t.opinion)


# disposals


def applicant_is_not_the_approver(t: Transition) -> None:
    """Nobody approves their own application (P15: 不得随意处置)."""
    if t.actor is not None and t.subject.applied_by_id == t.actor.pk:
        raise PermissionDenied("申请人不能审批自己提出的处置申请")


def township_of_the_asset(t: Transition) -> None:
    if not actor_covers(t.actor, t.subject.asset.division.code):
        raise PermissionDenied("只有资产所在乡镇可以审核")


def sector_of_the_asset(t: Transition) -> None:
    asset = t.subject.asset
    if t.actor.sector_id != asset.sector_id or t.actor.jurisdiction_id != asset.county_id:
        raise PermissionDenied("只有主管该资产的县(市)行业部门可以审批")


def county_of_the_asset(t: Transition) -> None:
    if not actor_covers(t.actor, t.subject.county.code):
        raise PermissionDenied("只有资产所在县(市)可以审批")


def _needs_government(t: Transition) -> bool:
    from zhenxing.assets.care import asset_care_on
    from zhenxing.policy.rules.assets import disposal_needs_government

    values, citation = asset_care_on(t.today)
    needed = disposal_needs_government(t.subject.valuation_fen, above_wan=values["government_above_wan"])
    t.decision["asset_care"] = citation
    t.decision["government_above_wan"] = values["government_above_wan"]
    t.decision["valuation_fen"] = t.subject.valuation_fen
    t.set(needs_government=needed)
    return needed


def within_sector_authority(t: Transition) -> None:
    if _needs_government(t):
        raise Conflict("评估价值超过县行业主管部门审批权限，应报县人民政府审批")


def above_sector_authority(t: Transition) -> None:
    if not _needs_government(t):
        raise Conflict("评估价值未超过县行业主管部门审批权限，由行业主管部门直接审批")


def record_approval(t: Transition) -> None:
    t.set(decided_on=t.today)


def apply_the_disposal(t: Transition) -> None:
    """Follow-up of the last approval: the asset leaves the held register (报废/转让/拍卖 → 已处置, 核销 → 已核销),
    or a mortgage is marked on it with its legal basis; each through the asset's own workflow and audit."""
    from zhenxing.assets.services import asset_apply_disposal

    asset_apply_disposal(disposal=t.subject, actor=t.actor)


def write_off_follows_a_loss(asset: Any) -> None:
    from zhenxing.assets.enums import LOSS_CONDITIONS

    if asset.condition not in LOSS_CONDITIONS:
        raise Conflict("只有巡查记录为损毁或灭失的资产可以申请核销")


def disposal_target(kind: str) -> str:
    return AssetStatus.WRITTEN_OFF if kind == DisposalKind.WRITE_OFF else AssetStatus.DISPOSED


# distribution plans (四议两公开)


def village_cadre_of_the_plan(t: Transition) -> None:
    if not actor_covers(t.actor, t.subject.village.code):
        raise PermissionDenied("只有本村可以办理本村的收益分配方案")


def township_of_the_plan(t: Transition) -> None:
    if not actor_covers(t.actor, t.subject.village.code):
        raise PermissionDenied("只有本村所在乡镇可以审核")


def _meeting(kind: str):  # type: ignore[no-untyped-def]
    def record_meeting(t: Transition) -> None:
        from zhenxing.assets.models import PlanMeeting

        meeting = t.data.get("meeting")
        if meeting is None:
            raise _invalid(
                "meeting", "required", f"请填写{MeetingKind(kind).label}的会议日期、应到实到人数和会议记录"
            )
        PlanMeeting.objects.create(
            plan=t.subject, kind=kind, held_on=meeting.held_on, attendees=meeting.attendees,
            expected=meeting.expected, minutes=meeting.minutes, recorded_by=t.actor,
        )  # fmt: skip
        t.decision["meeting"] = {"kind": kind, "held_on": meeting.held_on.isoformat(),
                                 "attendees": meeting.attendees, "expected": meeting.expected}  # fmt: skip

    record_meeting.__name__ = f"record_meeting_{kind}"
    return record_meeting


record_committees_meeting = _meeting(MeetingKind.COMMITTEES)
record_party_members_meeting = _meeting(MeetingKind.PARTY_MEMBERS)
record_villagers_meeting = _meeting(MeetingKind.VILLAGERS)


def _posting(kind: str):  # type: ignore[no-untyped-def]
    def record_posting(t: Transition) -> None:
        from zhenxing.assets.models import PlanPosting

        posting = t.data.get("posting")
        if posting is None:
            raise _invalid("posting", "required", f"请填写{PostingKind(kind).label}的地点和起止日期")
        PlanPosting.objects.create(
            plan=t.subject, kind=kind, place=posting.place, posted_from=posting.posted_from,
            posted_until=posting.posted_until, recorded_by=t.actor,
        )  # fmt: skip
        t.decision["posting"] = {"kind": kind, "place": posting.place, "from": posting.posted_from.isoformat(),
                                 "until": posting.posted_until.isoformat()}  # fmt: skip

    record_posting.__name__ = f"record_posting_{kind}"
    return record_posting


record_resolution_posting = _posting(PostingKind.RESOLUTION)
record_result_posting = _posting(PostingKind.RESULT)


def no_even_handout(t: Transition) -> None:
    """P15 严禁简单发钱发物、一分了之: checked again at 乡镇审核 on the plan as it stands."""
    from zhenxing.assets.distribution import even_handout_problems

    problems, citation = even_handout_problems(t.subject)
    t.decision["asset_care"] = citation
    if problems:
        raise InvalidInput(problems)


def revised_lines(t: Transition) -> None:
    """A returned plan is proposed again only through its revision (distribution.plan_revise replaces its lines
    in the same transaction): re-proposing the same plan would skip what the township sent it back for."""
    if not t.data.get("revised"):
        raise Conflict("被退回的方案须修改分配明细后重新提议")


def resolution_posting_started(t: Transition) -> None:
    """实施 after the resolution has been public (P15 决议公开 before 实施): not before its posting's first day."""
    from zhenxing.assets.models import PlanPosting

    posting = PlanPosting.objects.filter(plan=t.subject, kind=PostingKind.RESOLUTION).first()
    if posting is None or posting.posted_from > t.today:
        raise Conflict("决议公开开始后才能实施分配")


def has_opinion(t: Transition) -> None:
    if len(t.opinion) < 2:
        raise _invalid("opinion", "required", "请填写审核意见")


def record_payouts(t: Transition) -> None:
    """实施: every planned payout is paid on the day recorded."""
    from zhenxing.assets.models import PlanPayout

    paid = PlanPayout.objects.filter(line__plan=t.subject, paid_on__isnull=True).update(paid_on=t.today)
    t.set(implemented_on=t.today)
    t.new["payouts_paid"] = paid
