"""The 到户类 assets a household owns, as the household page and its 责任追溯 show them (P15: 到户类 assets link to
their household); installed into registry.household_extras by assets.apps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from zhenxing.assets.selectors import household_assets
from zhenxing.policy.rules.projects import fen_to_wan
from zhenxing.registry.household_extras import HouseholdRecord

if TYPE_CHECKING:
    from zhenxing.registry.models import Household


def household_asset_records(household: Household) -> list[HouseholdRecord]:
    records = []
    for asset in household_assets(household.pk).order_by("formed_on", "pk"):
        source = f"项目 {asset.project.code}" if asset.project else asset.source_document
        events = [(asset.formed_on, f"登记到户类资产 {asset.code} {asset.name}", source)]
        if asset.owned_on:
            events.append((asset.owned_on, "确权到户", asset.ownership_document))
        if asset.handed_over_on:
            events.append((asset.handed_over_on, "移交到户", asset.receiver))
        if asset.ended_on:
            events.append((asset.ended_on, f"资产变动：{asset.get_status_display()}", asset.ended_reason))
        records.append(
            HouseholdRecord(
                section="到户类资产",
                title=f"{asset.name}（{asset.asset_type.name}，{asset.quantity.normalize():f}{asset.unit}，"
                f"{fen_to_wan(asset.value_fen)}万元，{source}）",
                status=asset.get_status_display(),
                url=reverse("assets:detail", args=[asset.pk]),
                events=tuple(events),
            )
        )
    return records
