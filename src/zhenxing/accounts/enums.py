from django.db import models

from zhenxing.divisions.enums import DivisionLevel


class Role(models.TextChoices):
    VILLAGE = "village", "村"
    TOWNSHIP = "township", "乡镇"
    COUNTY = "county", "县"
    PREFECTURE = "prefecture", "州"
    DEPARTMENT = "department", "行业部门"
    COUNTY_SECTOR = "county_sector", "县行业部门"
    FINANCE = "finance", "财政"
    ADMIN = "admin", "系统管理员"


# A territorial role's jurisdiction is a division of exactly this level.
ROLE_JURISDICTION_LEVEL: dict[str, str] = {
    Role.VILLAGE: DivisionLevel.VILLAGE,
    Role.TOWNSHIP: DivisionLevel.TOWNSHIP,
    Role.COUNTY: DivisionLevel.COUNTY,
    Role.PREFECTURE: DivisionLevel.PREFECTURE,
}
TERRITORIAL_ROLES = frozenset(ROLE_JURISDICTION_LEVEL)
# A county sector department (县行业部门, P14) is bound to one county and one sector (accounts.Sector); it is
# not territorial: it sees no household or case, only its sector's projects in its county (projects.selectors).
SECTOR_JURISDICTION_LEVEL = DivisionLevel.COUNTY
# A finance bureau (财政, P14 funds) is a county's or the prefecture's: it enters the allocation documents, splits
# and payments of the counties under it. Not territorial either: it sees money and library projects, no household.
FINANCE_JURISDICTION_LEVELS = (DivisionLevel.COUNTY, DivisionLevel.PREFECTURE)


class AssignmentKind(models.TextChoices):
    HELPER = "helper", "帮扶责任人"
    WORK_TEAM = "work_team", "驻村工作队"
