from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from zhenxing.accounts.models import User
from zhenxing.common.errors import not_found
from zhenxing.divisions import selectors
from zhenxing.divisions.models import Division
from zhenxing.divisions.schemas import DivisionOut, DivisionWithChildrenOut

router = Router(tags=["行政区划 divisions"])


def _out(division: Division) -> DivisionOut:
    return DivisionOut(
        code=division.code,
        name=division.name,
        short_name=division.short_name,
        level=division.level,
        parent_code=division.code[: {6: 4, 9: 6, 12: 9}[len(division.code)]] if division.parent_id else None,
        edition=division.edition,
        is_tuopin_county=division.is_tuopin_county,
        is_key_county=division.is_key_county,
    )


@router.get("/{code}", response=DivisionWithChildrenOut, summary="一个区划及其下级（限管辖范围）")
def division_detail(request: HttpRequest, code: str) -> DivisionWithChildrenOut:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise not_found()  # department keys have no place in the division tree
    division = selectors.division_get_for_user(user=user, code=code)
    children = selectors.division_children_for_user(user=user, division=division)
    return DivisionWithChildrenOut(**_out(division).dict(), children=[_out(child) for child in children])
