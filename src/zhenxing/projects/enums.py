"""The project library's vocabularies (P14), each code with the label a person sees."""

from django.db import models


class ProjectLevel(models.TextChoices):
    """Who proposes: a village's project starts at 村申报, a township's or a county department's at its own
    level (the plan's 县(市)统筹)."""

    VILLAGE = "village", "村级"
    TOWNSHIP = "township", "乡级"
    COUNTY = "county", "县级部门"


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", "村申报"
    TOWNSHIP_REVIEW = "township_review", "乡审核"
    DEPARTMENT_REVIEW = "department_review", "县(市)部门审查"
    COUNTY_REVIEW = "county_review", "县市领导小组审核"
    PREFECTURE_DECISION = "prefecture_decision", "州领导小组审定"
    RETURNED = "returned", "退回修改"
    CANCELLED = "cancelled", "已撤销申报"
    RESERVED = "reserved", "储备"
    STARTED = "started", "开工"
    BUILDING = "building", "在建"
    COMPLETED = "completed", "竣工"
    ACCEPTED = "accepted", "验收"
    HANDED_OVER = "handed_over", "资产移交"
    WITHDRAWN = "withdrawn", "出库"
    TERMINATED = "terminated", "终止"
    ADJUSTED = "adjusted", "已调整（旧版本）"


S = ProjectStatus
# the approval chain, in order (P14 申报程序)
APPROVAL_STATES = (S.PROPOSED, S.TOWNSHIP_REVIEW, S.DEPARTMENT_REVIEW, S.COUNTY_REVIEW, S.PREFECTURE_DECISION)
REVIEW_STATES = (S.TOWNSHIP_REVIEW, S.DEPARTMENT_REVIEW, S.COUNTY_REVIEW, S.PREFECTURE_DECISION)
# "In the library" means 审定 and not 出库 (P14); an adjusted project's old version has left it for its new one
LIBRARY_STATES = (S.RESERVED, S.STARTED, S.BUILDING, S.COMPLETED, S.ACCEPTED, S.HANDED_OVER)
# after 审定, in order: 储备 → 开工 → 在建 → 竣工 → 验收 → 资产移交
EXECUTION_STATES = LIBRARY_STATES
# a project may be taken out (出库) or adjusted (项目调整) while its work is not finished
WITHDRAWABLE_STATES = (S.RESERVED, S.STARTED, S.BUILDING, S.COMPLETED)
ADJUSTABLE_STATES = WITHDRAWABLE_STATES
# a proposal under way (one per project code at a time: the first version or an adjustment)
PENDING_STATES = (*APPROVAL_STATES, S.RETURNED)


class FundSource(models.TextChoices):
    """P14's fund sources, the columns of the county officers' library workbook."""

    CENTRAL = "central", "中央财政衔接资金"
    PROVINCE = "province", "省级财政衔接资金"
    PREFECTURE = "prefecture", "州级财政衔接资金"
    COUNTY = "county", "县级财政衔接资金"
    EAST_WEST = "east_west", "沪滇东西部协作资金"
    INTEGRATED = "integrated", "统筹整合涉农资金"
    BONDS = "bonds", "地方政府债券"
    SOCIAL = "social", "定点帮扶与社会帮扶资金"
    SELF_RAISED = "self_raised", "群众自筹及其他"


class TargetKind(models.TextChoices):
    OUTPUT = "output", "产出指标"
    BENEFIT = "benefit", "效益指标"
    SATISFACTION = "satisfaction", "满意度指标"


class EmergencyKind(models.TextChoices):
    EPIDEMIC = "epidemic", "疫情"
    DISASTER = "disaster", "灾情"
    OTHER = "other", "其他突发事件"


class NoticeKind(models.TextChoices):
    """P14's announcements: the village's proposals, the approved county library, each project's plan and its
    result."""

    PROPOSAL = "proposal", "村级项目申报公示"
    LIBRARY = "library", "县级项目库公告"
    PLAN = "plan", "项目实施计划公示"
    RESULT = "result", "项目实施结果公示"


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    POSTED = "posted", "公示中"
    ENDED = "ended", "公示期满"


class ObjectionKind(models.TextChoices):
    OBJECTION = "objection", "异议"
    QUESTION = "question", "咨询"


class ObjectionChannel(models.TextChoices):
    IN_PERSON = "in_person", "现场"
    PHONE = "phone", "电话"
    WEB = "web", "网页留言"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"
