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


OPEN_STATUSES = (
    CaseStatus.APPLICATION,
    CaseStatus.ANALYSIS,
    CaseStatus.INVESTIGATION,
    CaseStatus.REVIEW,
    CaseStatus.TOWNSHIP_REVIEW,
    CaseStatus.COUNTY_DECISION,
)

# the step_deadlines parameter's key for each step's own limit (P8); the township and county steps have
# no limit of their own, only the whole procedure's
STEP_LIMIT_KEYS = {
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
