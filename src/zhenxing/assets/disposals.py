"""Disposal only by approval (P15): the owner applies with a valuation and a reason, the chain of transitions.py
decides, and an approved 报废/转让/拍卖/核销 takes the asset off the held register (services.asset_apply_disposal).
损毁 is recorded by an inspection when found; its write-off (核销) is applied for and goes up the same chain.
Proceeds of a village collective's asset are recorded after approval with their re-allocation to 巩固拓展 or
乡村振兴 use. 到户类 assets are not disposed of here: the village records their changes (services)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.assets.enums import (
    HELD_STATES,
    LOSS_CONDITIONS,
    OPEN_DISPOSAL_STATES,
    PROCEEDS_KINDS,
    AssetCategory,
    DisposalKind,
    DisposalStatus,
    OwnerKind,
    ProceedsUse,
)
from zhenxing.assets.guards import actor_covers
from zhenxing.assets.inputs import DisposalInput, fen_of_wan, fen_of_yuan, invalid, text_of
from zhenxing.assets.models import Asset, Disposal
from zhenxing.assets.services import attachments_store
from zhenxing.assets.transitions import DISPOSAL
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.workflow import enter_step, transition

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def disposal_apply(
    *,
    actor: User,
    asset: Asset,
    data: DisposalInput,
    files: Sequence[Any] = (),
    on: datetime.date | None = None,
) -> Disposal:
    """The owner's application (P15: nobody disposes at will): a 公益性 or 经营性 asset still held, one
    application at a time, a write-off only after 损毁 or 灭失 was recorded, a mortgage with its legal basis."""
    if not has_capability(actor, Capability.TEND_ASSETS):
        raise PermissionDenied("只有资产所有权人所在的村、乡镇或县可以申请处置")
    day = on or clock.today()
    problems: list[ErrorDetail] = []
    if data.kind not in DisposalKind.values:
        problems.append(ErrorDetail(("kind",), "kind", "处置方式应为报废、转让、拍卖、抵押或损毁核销"))
    for check in (
        lambda: text_of(data.reason, field_name="reason", label="处置理由", limit=2000),
        lambda: text_of(data.valuation_basis, field_name="valuation_basis", label="评估依据", limit=200),
        lambda: fen_of_wan(data.valuation, field_name="valuation", label="评估价值", allow_zero=True),
    ):
        try:
            check()
        except InvalidInput as error:
            problems.extend(error.details)
    if data.kind == DisposalKind.MORTGAGE and len((data.legal_basis or "").strip()) < 2:
        problems.append(ErrorDetail(("legal_basis",), "required", "抵押须写明法律依据（P15）"))
    if problems:
        raise InvalidInput(problems)
    valuation = fen_of_wan(data.valuation, field_name="valuation", label="评估价值", allow_zero=True)
    with transaction.atomic():
        locked = Asset.objects.select_for_update().select_related("division", "county").get(pk=asset.pk)
        if not actor_covers(actor, locked.division.code):
            raise PermissionDenied("只有资产所在的村、乡镇或县可以申请处置")
        if locked.category == AssetCategory.HOUSEHOLD:
            raise Conflict("到户类资产归农户所有，由村记录其变动，不走处置审批")
        if locked.status not in HELD_STATES:
            raise Conflict(f"资产当前为“{locked.get_status_display()}”，不能申请处置")
        if not locked.owner_kind:  # P15: the owner applies; an asset not yet 确权 has none
            raise Conflict("资产确权后才能由所有权人申请处置")
        if data.kind == DisposalKind.WRITE_OFF and locked.condition not in LOSS_CONDITIONS:
            raise Conflict("只有巡查记录为损毁或灭失的资产可以申请核销，请先录入巡查结果")
        if data.kind == DisposalKind.MORTGAGE and locked.mortgaged:
            raise Conflict("资产已抵押")
        if Disposal.objects.filter(asset=locked, status__in=OPEN_DISPOSAL_STATES).exists():
            raise Conflict("该资产已有处置申请在审批中")
        disposal = Disposal(
            asset=locked, county=locked.county, kind=data.kind, reason=data.reason.strip(), valuation_fen=valuation,
            valuation_basis=data.valuation_basis.strip(), legal_basis=(data.legal_basis or "").strip(),
            status=DisposalStatus.APPLIED, applied_by=actor, applied_on=day,
        )  # fmt: skip
        enter_step(DISPOSAL, disposal, today=day, limits={})
        try:
            with transaction.atomic():
                disposal.save()
        except IntegrityError as error:  # another application at the same moment
            raise Conflict("该资产已有处置申请在审批中") from error
        audit.record(actor=actor, action="asset.disposal_apply", target=disposal, division=locked.county,
                     new={"asset": locked.code, "kind": data.kind, "valuation_fen": valuation,
                          "reason": disposal.reason[:200]})  # fmt: skip
        if files:
            attachments_store(actor=actor, files=files, purpose="disposal", asset=locked, disposal=disposal)
    return disposal


def disposal_move(*, actor: User, disposal: Disposal, to: str, opinion: str = "") -> Disposal:
    """One step of the chain (transitions.DISPOSAL): approve, pass up, or refuse with a reason."""
    return transition(DISPOSAL, disposal, to=to, actor=actor, opinion=opinion)


def disposal_record_proceeds(
    *, actor: User, disposal: Disposal, amount: object, use: str, note: str = ""
) -> Disposal:
    """Proceeds of an approved transfer, auction or scrapping of a village collective's asset, re-allocated to
    巩固拓展 or 乡村振兴 use (P15)."""
    if not has_capability(actor, Capability.TEND_ASSETS):
        raise PermissionDenied("只有村、乡镇、县可以登记处置收入")
    fen = fen_of_yuan(amount, field_name="proceeds", label="处置收入", allow_zero=True)
    if use not in ProceedsUse.values:
        raise invalid("proceeds_use", "use", "处置收入应用于巩固拓展脱贫攻坚成果或乡村振兴")
    note = (note or "").strip()[:2000]
    with transaction.atomic():
        locked = (
            Disposal.objects.select_for_update()
            .select_related("asset", "asset__division", "county")
            .get(pk=disposal.pk)
        )
        if not actor_covers(actor, locked.asset.division.code):
            raise PermissionDenied("只有资产所在的村、乡镇或县可以登记处置收入")
        if locked.status != DisposalStatus.APPROVED or locked.kind not in PROCEEDS_KINDS:
            raise Conflict("只有已批准的报废、转让、拍卖可以登记处置收入")
        if locked.asset.owner_kind != OwnerKind.COLLECTIVE:
            raise Conflict("处置收入再分配只适用于村集体资产")
        old = {"proceeds_fen": locked.proceeds_fen, "proceeds_use": locked.proceeds_use}
        locked.proceeds_fen, locked.proceeds_use, locked.proceeds_note = fen, use, note
        locked.save(update_fields=["proceeds_fen", "proceeds_use", "proceeds_note"])
        audit.record(actor=actor, action="asset.disposal_proceeds", target=locked, division=locked.county, old=old,
                     new={"proceeds_fen": fen, "proceeds_use": use})  # fmt: skip
    return locked
