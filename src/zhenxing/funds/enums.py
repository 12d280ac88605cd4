"""The linkage funds' vocabularies (P14), each code with the label a person sees. The fund sources are the
project library's (projects.enums.FundSource): a line of an allocation document and a project's planned
investment speak of the same sources."""

from django.db import models

from zhenxing.projects.enums import FundSource

__all__ = ["AllocationLevel", "FundSource", "ReleaseKind", "SplitStatus"]


class AllocationLevel(models.TextChoices):
    """Who issued the allocation document (资金下达的层级)."""

    CENTRAL = "central", "中央"
    PROVINCE = "province", "省级"
    PREFECTURE = "prefecture", "州级"
    COUNTY = "county", "县级"


class SplitStatus(models.TextChoices):
    """A split entered by the finance bureau is in force at once; one the county's 乡村振兴局 proposes waits for
    the finance bureau's confirmation (P14: 财政 enters, 乡村振兴局 proposes). A proposal holds its amount on the
    line until it is confirmed or sent back."""

    PROPOSED = "proposed", "待财政确认"
    ACTIVE = "active", "已分配"
    REFUSED = "refused", "财政退回"


class ReleaseKind(models.TextChoices):
    """What happened to a split's unpaid part when its project left the library (P14)."""

    RETURNED = "returned", "出库退回"
    RECOVERED = "recovered", "终止收回"
