from zhenxing.assets.models.collective import CollectiveIncome
from zhenxing.assets.models.disposals import Disposal, DisposalStep
from zhenxing.assets.models.distribution import (
    DistributionPlan,
    PlanLine,
    PlanMeeting,
    PlanPayout,
    PlanPosting,
    PlanStep,
)
from zhenxing.assets.models.imports import AssetImport, AssetImportRow
from zhenxing.assets.models.register import (
    Asset,
    AssetAttachment,
    AssetFundShare,
    AssetIncome,
    AssetType,
    Inspection,
)

__all__ = [
    "Asset",
    "AssetAttachment",
    "AssetFundShare",
    "AssetImport",
    "AssetImportRow",
    "AssetIncome",
    "AssetType",
    "CollectiveIncome",
    "Disposal",
    "DisposalStep",
    "DistributionPlan",
    "Inspection",
    "PlanLine",
    "PlanMeeting",
    "PlanPayout",
    "PlanPosting",
    "PlanStep",
]
