from zhenxing.projects.models.imports import LibraryImport, LibraryImportRow, LibraryImportStatus
from zhenxing.projects.models.library import (
    PrefectureBatch,
    Project,
    ProjectAttachment,
    ProjectCategory,
    ProjectFunding,
    ProjectHousehold,
    ProjectPlace,
    ProjectStep,
    ProjectTarget,
)
from zhenxing.projects.models.notices import ProjectNotice, ProjectNoticeEntry, ProjectObjection

__all__ = [
    "LibraryImport",
    "LibraryImportRow",
    "LibraryImportStatus",
    "PrefectureBatch",
    "Project",
    "ProjectAttachment",
    "ProjectCategory",
    "ProjectFunding",
    "ProjectHousehold",
    "ProjectNotice",
    "ProjectNoticeEntry",
    "ProjectObjection",
    "ProjectPlace",
    "ProjectStep",
    "ProjectTarget",
]
