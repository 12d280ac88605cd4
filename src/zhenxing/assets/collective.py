"""The villages' yearly 村级集体经济收入 (P11, P15): entered by the township with its evidence; the tier is the
collective_economy_tiers parameter's, cited on the row; the project-asset income of the village's collective
assets that year is shown as one part of it. Entered again, a year's figure is corrected (the audit keeps the
old one). Tier changes between years and the prefecture's tier table are read in reports.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Sum

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.assets.enums import OwnerKind
from zhenxing.assets.guards import actor_covers
from zhenxing.assets.inputs import fen_of_yuan, invalid, text_of
from zhenxing.assets.models import AssetIncome, CollectiveIncome
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import PermissionDenied
from zhenxing.divisions.codes import county_of, in_prefecture
from zhenxing.divisions.models import Division
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.rules.assets import PLAUSIBLE_YEARLY_INCOME_FEN, collective_tier
from zhenxing.policy.selectors import parameter_for

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def asset_income_of_village(village_code: str, year: int) -> int:
    """The year's income of the operating assets the village's collective owns (P15: one part of the whole)."""
    total = AssetIncome.objects.filter(
        year=year, asset__division__code__startswith=village_code, asset__owner_kind=OwnerKind.COLLECTIVE
    ).aggregate(total=Sum("amount_fen"))["total"]
    return int(total or 0)


def collective_income_record(
    *, actor: User, village_code: str, year: int, amount: object, evidence: str,
    has_tuopin_population: bool = True, files: Sequence[Any] = (),
) -> CollectiveIncome:  # fmt: skip
    """One village's income for a year, by its township (P15), with its tier (P11) and the parameter cited."""
    if not has_capability(actor, Capability.ENTER_COLLECTIVE_INCOME):
        raise PermissionDenied("村级集体经济收入由乡镇录入")
    code = (village_code or "").strip()
    village = Division.objects.filter(code=code, level="village").first() if in_prefecture(code) else None
    if village is None:
        raise invalid("village_code", "village", f"“{village_code}”不是大理州的村级区划代码")
    if not actor_covers(actor, village.code):
        raise PermissionDenied(f"{village.name}不在您的管辖范围内")
    if not 2000 <= year <= clock.today().year:
        raise invalid("year", "year", f"年度应在2000至{clock.today().year}年之间")
    fen = fen_of_yuan(amount, field_name="amount", label="村级集体经济收入", allow_zero=True)
    if fen > PLAUSIBLE_YEARLY_INCOME_FEN:
        raise invalid("amount", "implausible", "村级集体经济收入超过1亿元，请核对金额（单位：元）")
    evidence = text_of(evidence, field_name="evidence", label="依据（账簿、报表）", limit=200)
    parameter = parameter_for(ParameterKind.COLLECTIVE_TIERS, year=year)
    tier = collective_tier(fen, [int(bound) for bound in parameter.value])
    asset_part = asset_income_of_village(village.code, year)
    with transaction.atomic():
        row = CollectiveIncome.objects.select_for_update().filter(village=village, year=year).first()
        old = {"amount_fen": row.amount_fen, "tier": row.tier, "evidence": row.evidence} if row else None
        if row is None:
            row = CollectiveIncome(
                village=village, year=year, county=Division.objects.get(code=county_of(code))
            )
        row.amount_fen, row.asset_income_fen, row.tier, row.tier_parameter = fen, asset_part, tier, parameter
        row.evidence, row.has_tuopin_population, row.entered_by = evidence, has_tuopin_population, actor
        row.save()
        audit.record(
            actor=actor, action="asset.collective_income", target=row, division=village, old=old,
            new={"year": year, "amount_fen": fen, "asset_income_fen": asset_part, "tier": tier,
                 "parameter": {"id": parameter.pk, "version": parameter.version}},
        )  # fmt: skip
        if files:
            from zhenxing.assets.services import attachments_store

            attachments_store(actor=actor, files=files, purpose="collective", collective_income=row)
    return row
