from zhenxing.planning.models.assessment import (
    Assessment,
    FieldFinding,
    PlanningAttachment,
    RectificationTask,
    StatsTemplate,
    Supervision,
    TaskStep,
)
from zhenxing.planning.models.indicators import (
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    IndicatorValue,
    Period,
    ReportStep,
)
from zhenxing.planning.models.teams import VillageProfile, WorkTeamMember

__all__ = [
    "Assessment",
    "FieldFinding",
    "Indicator",
    "IndicatorReport",
    "IndicatorTarget",
    "IndicatorValue",
    "Period",
    "PlanningAttachment",
    "RectificationTask",
    "ReportStep",
    "StatsTemplate",
    "Supervision",
    "TaskStep",
    "VillageProfile",
    "WorkTeamMember",
]
