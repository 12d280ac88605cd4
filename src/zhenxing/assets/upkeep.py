"""管护 (P15): the responsible unit and person of a held asset, its inspections with photos (each sets the asset's
condition and its next due day), an operating asset's yearly income (kept in the village's collective income as
its project-asset part), and a 到户类 asset's change recorded by the village. One transaction each, audited."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhenxing.accounts.capabilities import Capability
from zhenxing.assets.care import asset_care_on
from zhenxing.assets.enums import HELD_STATES, AssetCategory, AssetStatus, Condition
from zhenxing.assets.guards import actor_covers, require_manager
from zhenxing.assets.inputs import CareInput, fen_of_yuan, invalid, text_of
from zhenxing.assets.models import Asset, AssetIncome, Inspection
from zhenxing.assets.services import ATTACHMENT_MAX_BYTES, checked_care, require_capability, store_audited
from zhenxing.assets.transitions import ASSET
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, PermissionDenied
from zhenxing.common.uploads import IMAGE_TYPES, upload_accept
from zhenxing.common.workflow import transition
from zhenxing.policy.rules.assets import PLAUSIBLE_YEARLY_INCOME_FEN, inspection_due

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def asset_assign_care(*, actor: User, asset: Asset, care: CareInput) -> Asset:
    """管护: the responsible unit and person and the rules (谁主管、谁负责), changed at any time while held."""
    require_capability(actor, Capability.MANAGE_ASSETS, "只有县乡村振兴局或县行业主管部门可以落实管护责任")
    care = checked_care(care)
    with transaction.atomic():
        locked = Asset.objects.select_for_update().select_related("division").get(pk=asset.pk)
        require_manager(actor, locked)
        if locked.status not in HELD_STATES:
            raise Conflict("资产已退出，不能再落实管护责任")
        old = {"care_unit": locked.care_unit, "care_person": locked.care_person}
        locked.care_unit, locked.care_person, locked.care_phone, locked.care_rules = (
            care.unit, care.person, care.phone, care.rules,
        )  # fmt: skip
        locked.save(update_fields=["care_unit", "care_person", "care_phone", "care_rules"])
        audit.record(actor=actor, action="asset.care", target=locked, division=locked.division, old=old,
                     new={"care_unit": care.unit, "care_person": care.person})  # fmt: skip
    return locked


def inspection_record(
    *, actor: User, asset: Asset, on: datetime.date, outcome: str, notes: str = "", photos: Sequence[Any] = ()
) -> Inspection:
    """A 管护 inspection (P15) with photos: its outcome becomes the asset's condition (损毁 recorded when found),
    and the next inspection falls due one interval later."""
    require_capability(actor, Capability.TEND_ASSETS, "只有村、乡镇、县可以录入管护巡查")
    if outcome not in Condition.values:
        raise invalid("outcome", "outcome", "巡查结果应为完好、损毁、灭失、闲置或低效")
    notes = (notes or "").strip()
    if outcome != Condition.GOOD and len(notes) < 2:
        raise invalid("notes", "required", f"巡查发现“{Condition(outcome).label}”，请写明情况")
    if len(notes) > 2000:
        raise invalid("notes", "too_long", "情况说明最多2000字")
    if on > clock.today():
        raise invalid("inspected_on", "future", "巡查日期不能晚于今天")
    accepted = [
        upload_accept(f, field="photos", allowed=IMAGE_TYPES, max_bytes=ATTACHMENT_MAX_BYTES) for f in photos
    ]
    values, citation = asset_care_on(on)
    with transaction.atomic():
        locked = Asset.objects.select_for_update().select_related("division").get(pk=asset.pk)
        if not actor_covers(actor, locked.division.code):
            raise PermissionDenied("只有资产所在的村、乡镇或县可以录入巡查")
        if locked.status not in HELD_STATES:
            raise Conflict("资产已退出，不再巡查")
        if locked.status != AssetStatus.HANDED_OVER:
            # P15: 移交 → 管护 — the care party inspects what it received
            raise Conflict("资产移交后才能录入管护巡查")
        if locked.handed_over_on is not None and on < locked.handed_over_on:
            raise invalid("inspected_on", "order", "巡查日期不能早于移交日期")
        inspection = Inspection.objects.create(
            asset=locked, inspected_on=on, outcome=outcome, notes=notes, inspector=actor
        )
        old = {"condition": locked.condition, "inspection_due": str(locked.inspection_due or "")}
        if locked.last_inspected_on is None or on >= locked.last_inspected_on:
            locked.condition, locked.last_inspected_on = outcome, on
            locked.inspection_due = inspection_due(on, interval_days=values["inspection_interval_days"])
            locked.save(update_fields=["condition", "last_inspected_on", "inspection_due"])
        store_audited(
            photos, accepted, actor=actor, purpose="inspection", asset=locked, inspection=inspection
        )
        audit.record(actor=actor, action="asset.inspect", target=locked, division=locked.division, old=old,
                     new={"inspection": inspection.pk, "outcome": outcome, "inspected_on": on.isoformat(),
                          "inspection_due": str(locked.inspection_due or ""), "photos": len(accepted),
                          "asset_care": citation})  # fmt: skip
    return inspection


def asset_income_record(
    *, actor: User, asset: Asset, year: int, amount: object, evidence: str
) -> AssetIncome:
    """An operating asset's income for a year (P15 收益); entered again, the year's figure is corrected (the
    audit keeps the old one)."""
    require_capability(actor, Capability.TEND_ASSETS, "只有村、乡镇、县可以录入资产收益")
    if asset.category != AssetCategory.OPERATING:
        raise Conflict("只有经营性资产登记收益")
    fen = fen_of_yuan(amount, field_name="amount", label="年度收益", allow_zero=True)
    if fen > PLAUSIBLE_YEARLY_INCOME_FEN:
        raise invalid("amount", "implausible", "年度收益超过1亿元，请核对金额（单位：元）")
    evidence = text_of(evidence, field_name="evidence", label="收益依据（合同、凭证）", limit=200)
    if not 2000 <= year <= clock.today().year:
        raise invalid("year", "year", f"年度应在2000至{clock.today().year}年之间")
    with transaction.atomic():
        locked = Asset.objects.select_for_update().select_related("division").get(pk=asset.pk)
        if not actor_covers(actor, locked.division.code):
            raise PermissionDenied("只有资产所在的村、乡镇或县可以录入收益")
        if year < locked.formed_on.year:
            raise invalid("year", "year", f"资产{locked.formed_on.year}年形成，不能录入此前年度的收益")
        income = AssetIncome.objects.filter(asset=locked, year=year).first()
        old = {"amount_fen": income.amount_fen, "evidence": income.evidence} if income else None
        if income is None:
            income = AssetIncome(asset=locked, year=year)
        income.amount_fen, income.evidence, income.entered_by = fen, evidence, actor
        income.save()
        _refresh_collective_income(locked, year)
        audit.record(actor=actor, action="asset.income", target=locked, division=locked.division, old=old,
                     new={"year": year, "amount_fen": fen, "evidence": evidence})  # fmt: skip
    return income


def _refresh_collective_income(asset: Asset, year: int) -> None:
    """The village's 村级集体经济收入 of that year, if entered, shows the project-asset part as it now stands."""
    from zhenxing.assets.collective import asset_income_of_village
    from zhenxing.assets.models import CollectiveIncome

    if asset.owner_kind != "collective" or asset.division.level != "village":
        return
    CollectiveIncome.objects.filter(village=asset.division, year=year).update(
        asset_income_fen=asset_income_of_village(asset.division.code, year)
    )


def asset_household_end(*, actor: User, asset: Asset, reason: str) -> Asset:
    """A 到户类 asset leaves use (sold, died, lost …): the village records it with a reason (P15)."""
    require_capability(actor, Capability.TEND_ASSETS, "只有村、乡镇、县可以记录到户类资产变动")
    return transition(ASSET, asset, to=AssetStatus.ENDED, actor=actor, opinion=reason)
