from django.db import models


class DivisionLevel(models.TextChoices):
    PREFECTURE = "prefecture", "州(市)"
    COUNTY = "county", "县(市)"
    TOWNSHIP = "township", "乡镇(街道)"
    VILLAGE = "village", "村(社区)"


# Parent level of each level; a tree walk and the loader both rely on it.
PARENT_LEVEL: dict[str, str | None] = {
    DivisionLevel.PREFECTURE: None,
    DivisionLevel.COUNTY: DivisionLevel.PREFECTURE,
    DivisionLevel.TOWNSHIP: DivisionLevel.COUNTY,
    DivisionLevel.VILLAGE: DivisionLevel.TOWNSHIP,
}
CODE_LENGTH: dict[str, int] = {
    DivisionLevel.PREFECTURE: 4,
    DivisionLevel.COUNTY: 6,
    DivisionLevel.TOWNSHIP: 9,
    DivisionLevel.VILLAGE: 12,
}
