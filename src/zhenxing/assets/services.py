"""Writes of the asset register (P15): registering assets from an accepted project (values and fund shares from
its payments, never more than was paid), entering an older asset with its document, 确权, 移交 (the project
moves to 资产移交 with its last asset), the care assignment, inspections with photos, an operating asset's yearly
income, a 到户类 asset's change recorded by the village, and the asset's side of an approved disposal. Each write
is one transaction with its audit event; a refused write stores nothing.

Registration locks the project's row first, so that two officers registering at once can never together take
more than was paid."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.assets import selectors
from zhenxing.assets.care import asset_care_on
from zhenxing.assets.enums import (
    AssetForm,
    AssetStatus,
    DisposalKind,
    OwnerKind,
)
from zhenxing.assets.guards import disposal_target
from zhenxing.assets.inputs import (
    AssetInput,
    CareInput,
    HandoverInput,
    OwnerInput,
    fen_of_wan,
    invalid,
    text_of,
)
from zhenxing.assets.models import (
    Asset,
    AssetAttachment,
    AssetFundShare,
    AssetType,
    Disposal,
)
from zhenxing.assets.transitions import ASSET
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.uploads import IMAGE_TYPES, upload_accept
from zhenxing.common.workflow import transition
from zhenxing.divisions.codes import county_of, covers, in_prefecture
from zhenxing.divisions.models import Division
from zhenxing.funds.enums import FundSource
from zhenxing.policy.rules.assets import inspection_due, remaining_by_source, shares_of_value
from zhenxing.policy.rules.projects import fen_to_wan
from zhenxing.projects.enums import ProjectStatus
from zhenxing.projects.models import Project
from zhenxing.projects.selectors import project_list_for_user
from zhenxing.projects.transitions import PROJECT
from zhenxing.registry.models import NaturalVillage

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
MAX_ASSETS_AT_ONCE = 50


def _wan(fen: int) -> str:
    return f"{fen_to_wan(fen)}万元"


def require_capability(actor: User, capability: Capability, message: str) -> None:
    if not has_capability(actor, capability):
        raise PermissionDenied(message)


def _f(at: str, name: str) -> str:
    return f"{at}.{name}" if at else name


def _quantity(raw: object, *, field_name: str) -> Decimal:
    if "e" in str(raw).lower():
        raise invalid(field_name, "quantity", "数量请直接填写数字，不要使用科学计数法")
    try:
        quantity = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as error:
        raise invalid(field_name, "quantity", "数量应为数字") from error
    if not quantity.is_finite() or quantity <= 0 or quantity >= Decimal("1e12"):
        raise invalid(field_name, "quantity", "数量应大于0")
    if quantity != quantity.quantize(Decimal("0.01")):
        raise invalid(field_name, "quantity", "数量最多两位小数")
    return quantity


def _place(data: AssetInput, *, county_code: str, at: str) -> tuple[Division, NaturalVillage | None]:
    code = (data.division_code or "").strip()
    division = Division.objects.filter(code=code).first() if in_prefecture(code) else None
    if division is None or not covers(county_code, code):
        raise invalid(_f(at, "division_code"), "division", f"“{code}”不是本县(市)的区划代码")
    if division.level not in ("township", "village"):
        # an asset stands in a township or a village (a county-wide asset in the township where it stands): the
        # township reviews its disposal first (transitions.DISPOSAL), so one without a township could never leave
        raise invalid(
            _f(at, "division_code"), "division", "请填写资产所在的乡镇或行政村（县城的资产填所在乡镇）"
        )
    natural = (data.natural_village or "").strip()
    if not natural:
        return division, None
    if division.level != "village":
        raise invalid(_f(at, "natural_village"), "natural_village", "自然村只能填在行政村下")
    if len(natural) > 60:
        raise invalid(_f(at, "natural_village"), "too_long", "自然村名称最多60个字")
    village, _ = NaturalVillage.objects.get_or_create(village=division, name=natural)
    return division, village


def _asset_type(code: str, *, at: str) -> AssetType:
    asset_type = (
        AssetType.objects.select_related("sector").filter(code=(code or "").strip(), active=True).first()
    )
    if asset_type is None:
        raise invalid(
            _f(at, "asset_type_code"), "asset_type", f"不认识的资产类型“{code}”，请从资产类型目录中选择"
        )
    return asset_type


def _form(data: AssetInput, *, at: str) -> tuple[str, str]:
    if data.form not in AssetForm.values:
        raise invalid(_f(at, "form"), "form", "资产形态应为实物资产或股权")
    exit_method = (data.equity_exit_method or "").strip()
    if data.form == AssetForm.EQUITY and not exit_method:
        raise invalid(_f(at, "equity_exit_method"), "required", "入股形成的股权须写明退出方式（P15）")
    return data.form, exit_method


def _next_code(county: Division, year: int) -> str:
    """ZC + county code + year + a five-digit number, under the county row's lock (services call it inside)."""
    Division.objects.select_for_update().filter(pk=county.pk).first()
    prefix = f"ZC{county.code}{year}"
    last = (
        Asset.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    )
    number = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{number:05d}"


def _asset_snapshot(asset: Asset) -> dict[str, Any]:
    return {"code": asset.code, "name": asset.name, "type": asset.asset_type.code, "category": asset.category,
            "division": asset.division.code, "value_fen": asset.value_fen,
            "project": asset.project.code if asset.project else None}  # fmt: skip


def _collect(checks: list[ErrorDetail], action: Any) -> Any:
    try:
        return action()
    except InvalidInput as error:
        checks.extend(error.details)
        return None


def _checked_item(
    item: AssetInput, *, at: str, county_code: str, problems: list[ErrorDetail]
) -> tuple[AssetInput, AssetType, Decimal, Division, NaturalVillage | None, int, str, str] | None:
    """One item of a registration form, its problems added to `problems` (all of them, not the first)."""
    name = _collect(
        problems, lambda: text_of(item.name, field_name=f"{at}.name", label="资产名称", limit=100)
    )
    asset_type = _collect(problems, lambda: _asset_type(item.asset_type_code, at=at))
    quantity = _collect(problems, lambda: _quantity(item.quantity, field_name=f"{at}.quantity"))
    place = _collect(problems, lambda: _place(item, county_code=county_code, at=at))
    fen = _collect(problems, lambda: fen_of_wan(item.value, field_name=f"{at}.value", label="资产价值"))
    form = _collect(problems, lambda: _form(item, at=at))
    if None in (name, asset_type, quantity, place, fen, form):
        return None
    return (item, asset_type, quantity, *place, fen, *form)


def asset_register_from_project(*, actor: User, project: Project, items: Sequence[AssetInput]) -> list[Asset]:
    """Register one or more assets from an accepted (验收) project (P15): each one's value is split over the fund
    sources of what the project paid that earlier assets have not taken; together they never exceed it. Every
    problem of the form is named at once; nothing is stored unless all items pass."""
    require_capability(actor, Capability.MANAGE_ASSETS, "只有县乡村振兴局或县行业主管部门可以登记资产")
    if not selectors.accepted_projects_for_user(user=actor).filter(pk=project.pk).exists():
        # outside the actor's scope the refusal says only that, never the project's state
        if not project_list_for_user(user=actor).filter(pk=project.pk).exists():
            raise PermissionDenied("该项目不在您的管辖范围内")
        raise Conflict(f"项目当前为“{project.get_status_display()}”，验收后才能登记资产")
    if not items:
        raise invalid("assets.0.name", "required", "请至少填写一项资产")
    if len(items) > MAX_ASSETS_AT_ONCE:
        raise invalid("assets", "too_many", f"一次最多登记{MAX_ASSETS_AT_ONCE}项资产")
    today = clock.today()
    with transaction.atomic():
        locked = Project.objects.select_for_update().select_related("county").get(pk=project.pk)
        if locked.status != ProjectStatus.ACCEPTED:
            raise Conflict(f"项目当前为“{locked.get_status_display()}”，验收后才能登记资产")
        remaining = remaining_by_source(selectors.paid_by_source(locked), selectors.taken_by_source(locked))
        problems: list[ErrorDetail] = []
        planned: list[
            tuple[AssetInput, AssetType, Decimal, Division, NaturalVillage | None, int, str, str]
        ] = []
        for index, item in enumerate(items):
            row = _checked_item(item, at=f"assets.{index}", county_code=locked.county.code, problems=problems)
            if row is not None:
                planned.append(row)
        total = sum(row[5] for row in planned)
        available = sum(remaining.values())
        if not problems and total > available:
            problems.append(
                ErrorDetail(("assets",), "over_paid",
                            f"资产价值合计{_wan(total)}，超过项目已支付且尚未形成资产的{_wan(available)}"
                            "（P15：一个项目形成的资产价值合计不超过已支付金额）")
            )  # fmt: skip
        if problems:
            raise InvalidInput(problems)
        created: list[Asset] = []
        for item, asset_type, quantity, division, natural, fen, form, exit_method in planned:
            shares = shares_of_value(fen, remaining)
            assert shares is not None  # the total was checked against the remainder above
            for source, amount in shares.items():
                remaining[source] -= amount
            asset = Asset.objects.create(
                code=_next_code(locked.county, today.year), name=item.name.strip(), asset_type=asset_type,
                category=asset_type.category, sector=asset_type.sector, form=form, equity_exit_method=exit_method,
                quantity=quantity, unit=asset_type.unit, county=locked.county, division=division,
                natural_village=natural, location=(item.location or "").strip()[:200], project=locked,
                formed_on=locked.accepted_on or today, value_fen=fen, status=AssetStatus.REGISTERED,
                created_by=actor,
            )  # fmt: skip
            AssetFundShare.objects.bulk_create(
                [
                    AssetFundShare(asset=asset, source=source, amount_fen=amount)
                    for source, amount in shares.items()
                ]
            )
            audit.record(
                actor=actor, action="asset.register", target=asset, division=division,
                new={**_asset_snapshot(asset), "shares": shares},
            )  # fmt: skip
            created.append(asset)
    return created


def asset_enter_legacy(*, actor: User, data: AssetInput, county: Division | None = None) -> Asset:
    """An older asset (formed before this system) entered with its document; its fund source if known."""
    require_capability(actor, Capability.MANAGE_ASSETS, "只有县乡村振兴局或县行业主管部门可以登记资产")
    jurisdiction = actor.jurisdiction
    code = (data.division_code or "").strip()
    county_code = county.code if county is not None else county_of(code) if in_prefecture(code) else ""
    if jurisdiction is None or not county_code or not covers(jurisdiction.code, county_code):
        raise invalid("division_code", "division", f"“{code}”不在您管辖的县(市)内")
    with transaction.atomic():  # _place may create the natural village: a refusal takes it back
        return _enter_legacy_checked(actor=actor, data=data, county_code=county_code)


def _enter_legacy_checked(*, actor: User, data: AssetInput, county_code: str) -> Asset:
    problems: list[ErrorDetail] = []
    name = _collect(problems, lambda: text_of(data.name, field_name="name", label="资产名称", limit=100))
    asset_type = _collect(problems, lambda: _asset_type(data.asset_type_code, at=""))
    quantity = _collect(problems, lambda: _quantity(data.quantity, field_name="quantity"))
    place = _collect(problems, lambda: _place(data, county_code=county_code, at=""))
    fen = _collect(problems, lambda: fen_of_wan(data.value, field_name="value", label="资产价值"))
    form = _collect(problems, lambda: _form(data, at=""))
    document = _collect(
        problems, lambda: text_of(data.source_document, field_name="source_document", label="形成依据（文件或项目）",
                                  limit=200)
    )  # fmt: skip
    if data.formed_on is None or data.formed_on > clock.today():
        problems.append(ErrorDetail(("formed_on",), "date", "请填写形成日期（不晚于今天）"))
    if data.legacy_source and data.legacy_source not in FundSource.values:
        problems.append(ErrorDetail(("legacy_source",), "source", f"不认识的资金来源“{data.legacy_source}”"))
    if (
        asset_type is not None
        and actor.role == Role.COUNTY_SECTOR
        and asset_type.sector_id != actor.sector_id
    ):
        problems.append(ErrorDetail(("asset_type_code",), "sector", "只能登记本行业主管的资产类型"))
    if problems:
        raise InvalidInput(problems)
    assert data.formed_on is not None
    the_county = Division.objects.get(code=county_code)
    asset = Asset.objects.create(
        code=_next_code(the_county, clock.today().year), name=name, asset_type=asset_type,
        category=asset_type.category, sector=asset_type.sector, form=form[0], equity_exit_method=form[1],
        quantity=quantity, unit=asset_type.unit, county=the_county, division=place[0], natural_village=place[1],
        location=(data.location or "").strip()[:200], source_document=document, formed_on=data.formed_on,
        value_fen=fen, status=AssetStatus.REGISTERED, created_by=actor,
    )  # fmt: skip
    if data.legacy_source:
        AssetFundShare.objects.create(asset=asset, source=data.legacy_source, amount_fen=fen)
    audit.record(actor=actor, action="asset.enter", target=asset, division=place[0],
                 new={**_asset_snapshot(asset), "document": document})  # fmt: skip
    return asset


def asset_confirm(*, actor: User, asset: Asset, owner: OwnerInput) -> Asset:
    """确权 (P15): the owner — the village collective economic organisation, a household (到户类), or a county or
    township unit — with the document and its date."""
    problems: list[ErrorDetail] = []
    if owner.kind not in OwnerKind.values:  # the column has no check of its own
        problems.append(
            ErrorDetail(("owner_kind",), "owner_kind", "所有权人类型应为村集体经济组织、农户或县、乡镇单位")
        )
    if owner.kind != OwnerKind.HOUSEHOLD and owner.household is not None:
        problems.append(ErrorDetail(("owner_household",), "kind", "只有农户所有的资产填写受益农户"))
    _collect(problems, lambda: text_of(owner.name, field_name="owner_name", label="所有权人", limit=100))
    _collect(
        problems,
        lambda: text_of(owner.document, field_name="ownership_document", label="确权文书", limit=200),
    )
    if owner.on > clock.today():
        problems.append(ErrorDetail(("owned_on",), "future", "确权日期不能晚于今天"))
    if owner.kind == "household" and owner.household is None:
        problems.append(ErrorDetail(("owner_household",), "required", "请填写受益农户的户编号"))
    if owner.household is not None and not covers(asset.division.code, owner.household.village_id):
        problems.append(ErrorDetail(("owner_household",), "division", "受益农户不在资产所在的村"))
    if problems:
        raise InvalidInput(problems)
    return transition(ASSET, asset, to=AssetStatus.OWNED, actor=actor, data={"owner": owner})


def asset_hand_over(
    *, actor: User, asset: Asset, on: datetime.date, receiver: str, care: CareInput | None,
    files: Sequence[Any] = (),
) -> Asset:  # fmt: skip
    """移交 (P15): the date, the receiving party and the signed record; the care assignment if known; the first
    inspection falls due one interval (asset_care) after the hand-over. The project moves to 资产移交 with its
    last asset."""
    receiver = text_of(receiver, field_name="receiver", label="接收方", limit=100)
    if on > clock.today():
        raise invalid("handed_over_on", "future", "移交日期不能晚于今天")
    if asset.owned_on is not None and on < asset.owned_on:
        raise invalid("handed_over_on", "order", "移交日期不能早于确权日期")
    if care is not None:
        care = checked_care(care)
    accepted = [upload_accept(f, field="files", max_bytes=ATTACHMENT_MAX_BYTES) for f in files]
    values, citation = asset_care_on(on)
    handover = HandoverInput(
        on=on, receiver=receiver, care=care, citation=citation,
        first_inspection_due=inspection_due(on, interval_days=values["inspection_interval_days"]),
    )  # fmt: skip
    with transaction.atomic():
        if asset.project_id is not None:
            _lock_project_versions(asset.project_id)
        moved = transition(ASSET, asset, to=AssetStatus.HANDED_OVER, actor=actor, data={"handover": handover})
        store_audited(files, accepted, actor=actor, purpose="handover", asset=moved)
        if moved.project is not None:
            _project_handed_over_when_all(moved.project, actor=actor)
    return moved


def _lock_project_versions(project_pk: int) -> None:
    """Hand-overs of one project's assets take turns: two last assets handed over at once would each count the
    other as waiting and neither would move the project (P15: 资产移交 with the last asset)."""
    code = Project.objects.filter(pk=project_pk).values_list("code", flat=True).first()
    list(Project.objects.select_for_update().filter(code=code).order_by("pk").values_list("pk", flat=True))


def _project_handed_over_when_all(project: Project, *, actor: User) -> None:
    """The project's last asset handed over: the project is 资产移交 (the project workflow's no-role move, P15)."""
    current = Project.objects.filter(code=project.code, status=ProjectStatus.ACCEPTED).first()
    if current is None:
        return
    registered, waiting = selectors.project_asset_counts(current)
    if registered and not waiting:
        transition(
            PROJECT, current, to=ProjectStatus.HANDED_OVER, actor=None,
            opinion=f"项目形成的{registered}项资产已全部移交", actor_label=f"{actor.username}（资产移交）",
        )  # fmt: skip


def checked_care(care: CareInput) -> CareInput:
    problems: list[ErrorDetail] = []
    unit = _collect(
        problems, lambda: text_of(care.unit, field_name="care_unit", label="管护责任单位", limit=100)
    )
    person = _collect(
        problems, lambda: text_of(care.person, field_name="care_person", label="管护责任人", limit=50)
    )
    phone = (care.phone or "").strip()
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        problems.append(ErrorDetail(("care_phone",), "phone", "联系电话应为7到12位数字"))
    if problems:
        raise InvalidInput(problems)
    return CareInput(unit=unit, person=person, phone=phone, rules=(care.rules or "").strip()[:2000])


def asset_apply_disposal(*, disposal: Disposal, actor: User | None) -> Asset:
    """The asset's side of an approved disposal (the disposal workflow's follow-up, in its transaction)."""
    asset = disposal.asset
    if disposal.kind == DisposalKind.MORTGAGE:
        locked = Asset.objects.select_for_update().select_related("division").get(pk=asset.pk)
        locked.mortgaged, locked.mortgage_basis = True, disposal.legal_basis
        locked.save(update_fields=["mortgaged", "mortgage_basis"])
        audit.record(actor=actor, action="asset.mortgage", target=locked, division=locked.division,
                     old={"mortgaged": False}, new={"mortgaged": True, "disposal": disposal.pk})  # fmt: skip
        return locked
    return transition(
        ASSET, asset, to=disposal_target(disposal.kind), actor=None, data={"disposal": disposal},
        opinion=f"{disposal.get_kind_display()}：{disposal.reason}"[:500],
        actor_label=f"{actor.username}（批准处置）" if actor is not None else None,
    )  # fmt: skip


def _store_files(
    files: Sequence[Any], accepted: list[Any], *, actor: User, purpose: str, **owner: Any
) -> list[AssetAttachment]:
    stored = []
    for upload, checked in zip(files, accepted, strict=True):
        upload.name = checked.stored_name
        attachment = AssetAttachment.objects.create(
            file=upload, name=checked.display_name, content_type=checked.content_type, size=checked.size,
            purpose=purpose, uploaded_by=actor, **owner,
        )  # fmt: skip
        stored.append(attachment)
    return stored


def attachments_store(
    *, actor: User, files: Sequence[Any], purpose: str, images_only: bool = False, **owner: Any
) -> list[AssetAttachment]:
    """Files for an asset, a disposal, a plan or a collective income, accepted by their bytes; audited."""
    allowed = IMAGE_TYPES if images_only else None
    accepted = [
        upload_accept(
            f, field="files", max_bytes=ATTACHMENT_MAX_BYTES, **({"allowed": allowed} if allowed else {})
        )
        for f in files
    ]
    return store_audited(files, accepted, actor=actor, purpose=purpose, **owner)


def store_audited(
    files: Sequence[Any], accepted: list[Any], *, actor: User, purpose: str, **owner: Any
) -> list[AssetAttachment]:
    with transaction.atomic():
        stored = _store_files(files, accepted, actor=actor, purpose=purpose, **owner)
        for attachment in stored:
            audit.record(actor=actor, action="asset.attachment", target=attachment,
                         new={"purpose": purpose, "size": attachment.size,
                              "content_type": attachment.content_type})  # fmt: skip
    return stored
