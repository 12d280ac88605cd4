"""Writes on policy parameters: creating a new one (say next year's line) and revising one. Both audited."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.audit import services as audit
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.divisions.codes import PREFECTURE_CODE
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.policy.enums import KIND_YEAR_RULE, YUNNAN, ParameterKind, YearRule
from zhenxing.policy.models import Parameter
from zhenxing.policy.values import clean_value

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def _require_manager(actor: User | None) -> None:
    if actor is not None and not has_capability(actor, Capability.MANAGE_PARAMETERS):
        raise PermissionDenied("只有系统管理员可以修改政策参数")


def _snapshot(parameter: Parameter) -> dict[str, Any]:
    return {
        "kind": parameter.kind,
        "region": parameter.region,
        "year": parameter.year,
        "version": parameter.version,
        "value": parameter.value,
        "document": parameter.document,
        "verified": parameter.verified,
        "effective_from": parameter.effective_from.isoformat() if parameter.effective_from else None,
    }


def _check_region(kind: str, region: str) -> list[ErrorDetail]:
    """P17: the 低保 standard is set per county and year; every other parameter is the province's."""
    if region == YUNNAN:
        return []
    if kind != ParameterKind.DIBAO_STANDARD:
        return [
            ErrorDetail(("region",), "region_province_only", "只有农村低保标准可以按县设置，此参数适用全省")
        ]
    is_dali_county = Division.objects.filter(
        level=DivisionLevel.COUNTY, code=region, code__startswith=PREFECTURE_CODE
    ).exists()
    if not is_dali_county:
        return [
            ErrorDetail(("region",), "region_not_county", f"“{region}”不是大理州12个县（市）的县级区划代码")
        ]
    return []


def _check_provenance(document: str, reason: str | None) -> list[ErrorDetail]:
    problems = []
    if not document.strip():
        problems.append(ErrorDetail(("document",), "required", "请填写依据文件（文号或来源）"))
    if reason is not None and not reason.strip():
        problems.append(ErrorDetail(("reason",), "required", "请填写修改理由"))
    return problems


def parameter_create(
    *,
    actor: User | None,
    kind: ParameterKind,
    year: int | None,
    value: Any,
    document: str,
    verified: bool,
    note: str = "",
    effective_from: datetime.date | None = None,
    region: str = YUNNAN,
) -> Parameter:
    """Add a parameter that has no current value yet, e.g. the 2024 line once its document is known.
    `region` is the province ("53"), or for the 低保 standard one of Dali's counties (P17: per county)."""
    _require_manager(actor)
    problems = _check_provenance(document, None) + _check_region(kind, region)
    if KIND_YEAR_RULE[kind] == YearRule.ALL_YEARS:
        year = None
    elif year is None or not 2000 <= year <= 2100:
        problems.append(
            ErrorDetail(("year",), "year_required", "该参数按年度设置，请填写2000至2100之间的年度")
        )
    if KIND_YEAR_RULE[kind] == YearRule.FROM_DATE and year is not None:
        # P17: a regime starts on a date of its year (1 January unless a document says otherwise)
        effective_from = effective_from or datetime.date(year, 1, 1)
        if effective_from.year != year:
            problems.append(
                ErrorDetail(("effective_from",), "effective_from_year", f"执行日期应在{year}年内")
            )
    try:
        cleaned = clean_value(kind, value)
    except InvalidInput as error:
        problems.extend(error.details)
    if problems:
        raise InvalidInput(problems)
    if Parameter.objects.filter(kind=kind, region=region, year=year, is_current=True).exists():
        place = "" if region == YUNNAN else f" {region}"
        raise Conflict(
            f"{ParameterKind(kind).label}{place}{f' {year}年' if year else ''}已有现行值，请使用“修改”"
        )
    try:
        with transaction.atomic():
            parameter = Parameter.objects.create(
                kind=kind,
                region=region,
                year=year,
                effective_from=effective_from,
                value=cleaned,
                document=document.strip(),
                verified=verified,
                note=note,
                created_by=actor,
            )
            audit.record(actor=actor, action="parameter.create", target=parameter, new=_snapshot(parameter))
    except IntegrityError as error:  # a concurrent create of the same parameter won the race
        raise Conflict("该参数刚刚已被他人录入，请刷新后查看") from error
    return parameter


def parameter_revise(
    *,
    actor: User | None,
    parameter: Parameter,
    value: Any,
    document: str,
    verified: bool,
    reason: str,
    note: str | None = None,
    effective_from: datetime.date | None = None,
) -> Parameter:
    """Supersede the current version with a new one. The old version stays, so decisions citing it still
    explain themselves (P8, P13)."""
    _require_manager(actor)
    problems = _check_provenance(document, reason)
    try:
        cleaned = clean_value(parameter.kind, value)
    except InvalidInput as error:
        problems.extend(error.details)
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        current = Parameter.objects.select_for_update().get(pk=parameter.pk)
        if not current.is_current:
            raise Conflict("该参数已被修改过，请在最新版本上修改")
        current.is_current = False
        current.superseded_at = timezone.now()
        current.save(update_fields=["is_current", "superseded_at"])
        revised = Parameter.objects.create(
            kind=current.kind,
            region=current.region,
            year=current.year,
            effective_from=effective_from or current.effective_from,
            value=cleaned,
            document=document.strip(),
            verified=verified,
            note=current.note if note is None else note,
            version=current.version + 1,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="parameter.revise",
            target=revised,
            old=_snapshot(current),
            new=_snapshot(revised),
            reason=reason.strip(),
        )
    return revised
