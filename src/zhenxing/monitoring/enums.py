from django.db import models


class CaseSource(models.TextChoices):
    """P8 discovery channels."""

    SELF_APPLICATION = "self_application", "群众自主申报"
    CADRE = "cadre", "干部排查"
    DEPARTMENT = "department", "部门筛查"


class CaseStatus(models.TextChoices):
    """The P8 steps in order; a case is at one of them until it ends confirmed or rejected."""

    APPLICATION = "application", "申报"
    ANALYSIS = "analysis", "综合分析研判"
    INVESTIGATION = "investigation", "实地调查"
    REVIEW = "review", "评议公示"
    TOWNSHIP_REVIEW = "township_review", "乡镇审核"
    COUNTY_DECISION = "county_decision", "县级确定"
    CONFIRMED = "confirmed", "已纳入监测"
    REJECTED = "rejected", "未纳入"
    # risk elimination (P9), in the plan's order; 帮扶成效评议 is the evaluation that starts it
    ELIMINATION_MEETING = "elim_meeting", "消除评议会"
    ELIMINATION_CONSENT = "elim_consent", "户主知情同意"
    ELIMINATION_VISIT = "elim_visit", "消除实地调查"
    ELIMINATION_NOTICE = "elim_notice", "消除公示"
    ELIMINATION_TOWNSHIP = "elim_township", "消除乡镇审核"
    ELIMINATION_COUNTY = "elim_county", "消除县级审定"
    ELIMINATED = "eliminated", "风险消除"


OPEN_STATUSES = (
    CaseStatus.APPLICATION,
    CaseStatus.ANALYSIS,
    CaseStatus.INVESTIGATION,
    CaseStatus.REVIEW,
    CaseStatus.TOWNSHIP_REVIEW,
    CaseStatus.COUNTY_DECISION,
)

ELIMINATION_STEPS = (
    CaseStatus.ELIMINATION_MEETING,
    CaseStatus.ELIMINATION_CONSENT,
    CaseStatus.ELIMINATION_VISIT,
    CaseStatus.ELIMINATION_NOTICE,
    CaseStatus.ELIMINATION_TOWNSHIP,
    CaseStatus.ELIMINATION_COUNTY,
)
# a monitoring object: confirmed and not (yet) eliminated
MONITORED_STATUSES = (CaseStatus.CONFIRMED, *ELIMINATION_STEPS)

# the step_deadlines parameter's key for each step's own limit (P8); the township and county steps have
# no limit of their own, only the whole procedure's
STEP_LIMIT_KEYS: dict[str, str] = {
    CaseStatus.ANALYSIS: "analysis",
    CaseStatus.INVESTIGATION: "investigation",
    CaseStatus.REVIEW: "review_meeting",
}


class Difficulty(models.TextChoices):
    LIVING = "生活", "生活"
    EMPLOYMENT = "就业", "就业"
    EDUCATION = "教育", "教育"
    MEDICAL = "医疗", "医疗"
    HOUSING = "住房", "住房"
    WATER = "饮水", "饮水"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待处理"
    RESOLVED = "resolved", "已处理"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", "照片"
    FORM = "form", "采集表"
    AUTHORIZATION = "authorization", "授权书"
    MINUTES = "minutes", "会议记录"
    OTHER = "other", "其他"


GREEN_CHANNEL_RISKS = ("因自然灾害", "因意外事故")


class EliminationMethod(models.TextChoices):
    """P9: how the risk went away."""

    ASSISTED = "帮扶消除", "帮扶消除"
    NATURAL = "自然消除", "自然消除"


class MeasureStatus(models.TextChoices):
    """P7: a measure counts as implemented when it is 实施中 or 已完成."""

    PLANNED = "计划", "计划"
    IN_PROGRESS = "实施中", "实施中"
    COMPLETED = "已完成", "已完成"
    TERMINATED = "已终止", "已终止"


class PersonItemKind(models.TextChoices):
    TRAINING = "培训", "技能培训"
    JOB = "就业岗位", "就业岗位"
    SCHOOL_SUBSIDY = "助学补助", "助学补助（雨露计划等）"
    WELFARE_JOB = "公益岗位", "公益性岗位"
    OTHER = "其他", "其他"


class EvaluationKind(models.TextChoices):
    PERIODIC = "periodic", "定期评估"
    ON_DEMAND = "on_demand", "随时评估"
    ELIMINATION = "elimination", "帮扶成效评议"


class NoticePurpose(models.TextChoices):
    IDENTIFICATION = "identification", "识别纳入"
    ELIMINATION = "elimination", "风险消除"


class HousingWay(models.TextChoices):
    """P11: C-grade houses are repaired and reinforced, D-grade houses rebuilt."""

    REPAIR = "修缮加固", "修缮加固"
    REBUILD = "拆除重建", "拆除重建"


class LedgerStatus(models.TextChoices):
    OPEN = "open", "未解决"
    CLOSED = "closed", "已销号"
