"""The assets app's choices (P15): categories, life-cycle states, owners, inspection outcomes, disposals, the
income-distribution plan's eight steps and the kinds of line a plan may have."""

from __future__ import annotations

from django.db import models


class AssetCategory(models.TextChoices):
    PUBLIC = "public", "公益性"
    OPERATING = "operating", "经营性"
    HOUSEHOLD = "household", "到户类"


class AssetForm(models.TextChoices):
    PHYSICAL = "physical", "实物资产"
    EQUITY = "equity", "股权（入股分红）"


class AssetStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    OWNED = "owned", "已确权"
    HANDED_OVER = "handed_over", "已移交（管护中）"
    DISPOSED = "disposed", "已处置"
    WRITTEN_OFF = "written_off", "已核销"
    ENDED = "ended", "已退出（到户类）"


# an asset in one of these is still held by its owner and cared for (inspections, income, disposal)
HELD_STATES = (AssetStatus.REGISTERED, AssetStatus.OWNED, AssetStatus.HANDED_OVER)


class OwnerKind(models.TextChoices):
    COLLECTIVE = "collective", "村集体经济组织"
    HOUSEHOLD = "household", "农户"
    UNIT = "unit", "县、乡镇单位"


class Condition(models.TextChoices):
    """An inspection's outcome, and an asset's condition as its latest inspection found it (P15)."""

    GOOD = "good", "完好"
    DAMAGED = "damaged", "损毁"
    LOST = "lost", "灭失"
    IDLE = "idle", "闲置"
    UNDERUSED = "underused", "低效"


# what the county acts on (idle and under-used: the auditors' usual finding)
IDLE_CONDITIONS = (Condition.IDLE, Condition.UNDERUSED)
# what a write-off (核销) may follow
LOSS_CONDITIONS = (Condition.DAMAGED, Condition.LOST)


class DisposalKind(models.TextChoices):
    SCRAP = "scrap", "报废"
    TRANSFER = "transfer", "转让"
    AUCTION = "auction", "拍卖"
    MORTGAGE = "mortgage", "抵押"
    WRITE_OFF = "write_off", "损毁核销"


# an approved disposal of these takes the asset off the register's held assets; a mortgage keeps it held
LEAVING_KINDS = (DisposalKind.SCRAP, DisposalKind.TRANSFER, DisposalKind.AUCTION, DisposalKind.WRITE_OFF)
# these may bring money in (proceeds, re-allocated to 巩固拓展 / 乡村振兴 use)
PROCEEDS_KINDS = (DisposalKind.TRANSFER, DisposalKind.AUCTION, DisposalKind.SCRAP)


class DisposalStatus(models.TextChoices):
    APPLIED = "applied", "待乡镇审核"
    TOWNSHIP_APPROVED = "township_ok", "待县行业主管部门审批"
    SECTOR_APPROVED = "sector_ok", "待县人民政府审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


OPEN_DISPOSAL_STATES = (
    DisposalStatus.APPLIED,
    DisposalStatus.TOWNSHIP_APPROVED,
    DisposalStatus.SECTOR_APPROVED,
)


class ProceedsUse(models.TextChoices):
    CONSOLIDATION = "consolidation", "巩固拓展脱贫攻坚成果"
    REVITALIZATION = "revitalization", "乡村振兴"


class PlanStatus(models.TextChoices):
    """四议两公开 (P15): the state names what has been done; the next step is the one after it."""

    PROPOSED = "proposed", "村党组织已提议"
    DISCUSSED = "discussed", "村两委会议已商议"
    REVIEWED = "reviewed", "党员大会已审议"
    RESOLVED = "resolved", "村民(代表)会议已决议"
    AUDITED = "audited", "乡镇已审核"
    PUBLISHED = "published", "决议已公开"
    IMPLEMENTED = "implemented", "已实施"
    CLOSED = "closed", "实施结果已公开"
    RETURNED = "returned", "乡镇退回修改"


OPEN_PLAN_STATES = tuple(s for s in PlanStatus.values if s != PlanStatus.CLOSED)


class MeetingKind(models.TextChoices):
    PARTY_BRANCH = "party_branch", "村党组织提议"
    COMMITTEES = "committees", "村两委会议商议"
    PARTY_MEMBERS = "party_members", "党员大会审议"
    VILLAGERS = "villagers", "村民(代表)会议决议"


class PostingKind(models.TextChoices):
    RESOLUTION = "resolution", "决议公开"
    RESULT = "result", "实施结果公开"


class LineKind(models.TextChoices):
    """What a plan may pay (P15): for work, for taking part, a relief fund, the public fund, upkeep — and a
    plain cash or goods share, which is refused when it pays most households the same (一分了之)."""

    LABOUR = "labour", "劳动报酬（参与村内项目、公益岗位）"
    PARTICIPATION = "participation", "参与奖励"
    RELIEF = "relief", "救助金（脱贫人口、低收入人口）"
    PUBLIC_FUND = "public_fund", "公积公益金"
    UPKEEP = "upkeep", "资产管护费用"
    CASH = "cash", "现金分配（无劳动、无条件）"
    GOODS = "goods", "实物分配（无劳动、无条件）"


# lines the village keeps (no beneficiary); every other line pays named households
KEPT_KINDS = (LineKind.PUBLIC_FUND, LineKind.UPKEEP)
# a cash or goods line with no work or condition type: the one P15 may refuse (一分了之)
UNCONDITIONAL_KINDS = (LineKind.CASH, LineKind.GOODS)


class ImportStatus(models.TextChoices):
    STAGED = "staged", "已校验，待确认"
    COMMITTED = "committed", "已导入"
    FAILED = "failed", "校验未通过"
