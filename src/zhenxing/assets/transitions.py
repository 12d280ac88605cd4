"""The asset workflows of P15, declared on the workflow kernel; these tables are the only place an asset's, a
disposal's or a distribution plan's status changes.

- ASSET: 登记 → 确权 → 移交 (管护), by the county's 乡村振兴局 or the supervising sector department; off the held
  register only by an approved disposal (the register's own move, no role) or, for a 到户类 asset, by a
  change the village records with a reason.
- DISPOSAL: the owner applies → 乡镇审核 → 县行业主管部门审批 → (above the asset_care parameter's value) 县人民政府
  审批 — the chain P15 calls unverified: its threshold is data, the county government's step is done by the
  county's 乡村振兴局 for it. Each step may refuse with a reason.
- PLAN: 村党组织提议 (the plan's creation) → 村两委会议商议 → 党员大会审议 → 村民(代表)会议决议 → 乡镇审核 → 决议公开
  → 实施 → 实施结果公开 (四议两公开); 乡镇 may send it back, the village revises and proposes again."""

from __future__ import annotations

from zhenxing.accounts.enums import Role
from zhenxing.assets import guards as g
from zhenxing.assets.care import no_step_limits
from zhenxing.assets.enums import AssetStatus, DisposalStatus, PlanStatus
from zhenxing.assets.models import DisposalStep, PlanStep
from zhenxing.audit import services as audit
from zhenxing.common.workflow import Move, StepClock, Workflow

A, D, P, R = AssetStatus, DisposalStatus, PlanStatus, Role
MANAGERS = (R.COUNTY, R.COUNTY_SECTOR)
TERRITORIAL = (R.VILLAGE, R.TOWNSHIP, R.COUNTY)

ASSET = Workflow(
    name="资产",
    labels=dict(AssetStatus.choices),
    role_labels=dict(Role.choices),
    moves=[
        *(Move(A.REGISTERED, A.OWNED, role, "确权", guards=(g.manages_the_asset,), effects=(g.record_ownership,),
               action="asset.confirm") for role in MANAGERS),
        *(Move(A.OWNED, A.HANDED_OVER, role, "移交", guards=(g.manages_the_asset,), effects=(g.record_handover,),
               action="asset.hand_over") for role in MANAGERS),
        # 到户类: the village (or its township, county) records the household's asset leaving use, with a reason
        *(Move(source, A.ENDED, role, "到户类资产变动", guards=(g.household_asset, g.village_of_the_asset, g.has_reason),
               effects=(g.record_end,), action="asset.household_end")
          for role in TERRITORIAL for source in (A.HANDED_OVER,)),
        # only an approved disposal takes a 公益性 or 经营性 asset off (no role: the approval does it)
        *(Move(source, target, None, "经批准处置", guards=(g.disposal_approved,), effects=(g.record_end,),
               action="asset.disposed")
          for source in (A.OWNED, A.HANDED_OVER) for target in (A.DISPOSED, A.WRITTEN_OFF)),
    ],
    audit=audit.record,
    action_prefix="asset",
    division="division",
    lock_related=("county", "sector"),
    conflict_message="资产当前为“{source}”，不能转为“{target}”",
)  # fmt: skip

_REFUSAL = (g.applicant_is_not_the_approver, g.has_reason)

DISPOSAL = Workflow(
    name="资产处置",
    labels=dict(DisposalStatus.choices),
    role_labels=dict(Role.choices),
    moves=[
        Move(D.APPLIED, D.TOWNSHIP_APPROVED, R.TOWNSHIP, "乡镇审核通过",
             guards=(g.applicant_is_not_the_approver, g.township_of_the_asset, g.has_opinion),
             action="asset.disposal_review"),
        Move(D.APPLIED, D.REFUSED, R.TOWNSHIP, "乡镇审核不通过",
             guards=(g.township_of_the_asset, *_REFUSAL), action="asset.disposal_refuse"),
        Move(D.TOWNSHIP_APPROVED, D.APPROVED, R.COUNTY_SECTOR, "县行业主管部门批准",
             guards=(g.applicant_is_not_the_approver, g.sector_of_the_asset, g.has_opinion,
                     g.within_sector_authority),
             effects=(g.record_approval,), follow_ups=(g.apply_the_disposal,), action="asset.disposal_approve"),
        Move(D.TOWNSHIP_APPROVED, D.SECTOR_APPROVED, R.COUNTY_SECTOR, "县行业主管部门同意，报县人民政府",
             guards=(g.applicant_is_not_the_approver, g.sector_of_the_asset, g.has_opinion,
                     g.above_sector_authority),
             action="asset.disposal_review"),
        Move(D.TOWNSHIP_APPROVED, D.REFUSED, R.COUNTY_SECTOR, "县行业主管部门不批准",
             guards=(g.sector_of_the_asset, *_REFUSAL), action="asset.disposal_refuse"),
        Move(D.SECTOR_APPROVED, D.APPROVED, R.COUNTY, "县人民政府批准",
             guards=(g.applicant_is_not_the_approver, g.county_of_the_asset, g.has_opinion),
             effects=(g.record_approval,), follow_ups=(g.apply_the_disposal,), action="asset.disposal_approve"),
        Move(D.SECTOR_APPROVED, D.REFUSED, R.COUNTY, "县人民政府不批准",
             guards=(g.county_of_the_asset, *_REFUSAL), action="asset.disposal_refuse"),
    ],
    clock=StepClock(limits=no_step_limits, deadlines={}, cite_as="asset_care"),
    step_model=DisposalStep,
    audit=audit.record,
    action_prefix="asset",
    division="county",
    lock_related=("asset", "asset__division", "county"),
    conflict_message="处置申请当前为“{source}”，不能转为“{target}”",
)  # fmt: skip

_VILLAGE = (g.village_cadre_of_the_plan,)

PLAN = Workflow(
    name="收益分配方案",
    labels=dict(PlanStatus.choices),
    role_labels=dict(Role.choices),
    moves=[
        Move(P.PROPOSED, P.DISCUSSED, R.VILLAGE, "村两委会议商议", guards=_VILLAGE,
             effects=(g.record_committees_meeting,), action="asset.plan_step"),
        Move(P.DISCUSSED, P.REVIEWED, R.VILLAGE, "党员大会审议", guards=_VILLAGE,
             effects=(g.record_party_members_meeting,), action="asset.plan_step"),
        Move(P.REVIEWED, P.RESOLVED, R.VILLAGE, "村民(代表)会议决议", guards=_VILLAGE,
             effects=(g.record_villagers_meeting,), action="asset.plan_step"),
        Move(P.RESOLVED, P.AUDITED, R.TOWNSHIP, "乡镇审核通过",
             guards=(g.township_of_the_plan, g.has_opinion, g.no_even_handout), action="asset.plan_audit"),
        Move(P.RESOLVED, P.RETURNED, R.TOWNSHIP, "乡镇退回修改",
             guards=(g.township_of_the_plan, g.has_reason), action="asset.plan_return"),
        Move(P.RETURNED, P.PROPOSED, R.VILLAGE, "修改后重新提议", guards=(*_VILLAGE, g.has_reason, g.revised_lines),
             action="asset.plan_revise"),
        Move(P.AUDITED, P.PUBLISHED, R.VILLAGE, "决议公开", guards=_VILLAGE,
             effects=(g.record_resolution_posting,), action="asset.plan_step"),
        Move(P.PUBLISHED, P.IMPLEMENTED, R.VILLAGE, "实施（发放到人）", guards=(*_VILLAGE, g.resolution_posting_started),
             effects=(g.record_payouts,), action="asset.plan_implement"),
        Move(P.IMPLEMENTED, P.CLOSED, R.VILLAGE, "实施结果公开", guards=_VILLAGE,
             effects=(g.record_result_posting,), action="asset.plan_step"),
    ],
    clock=StepClock(limits=no_step_limits, deadlines={}, cite_as="asset_care"),
    step_model=PlanStep,
    audit=audit.record,
    action_prefix="asset",
    division="village",
    lock_related=("village", "county"),
    conflict_message="收益分配方案当前为“{source}”，不能转为“{target}”",
)  # fmt: skip
