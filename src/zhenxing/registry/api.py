from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.common.errors import PermissionDenied, not_found
from zhenxing.policy.rules.money import fen_to_yuan, yuan_to_fen
from zhenxing.registry import selectors, services
from zhenxing.registry.models import Household, Membership, Person
from zhenxing.registry.schemas import HouseholdOut, HouseholdRow, PersonOut, YearIn, YearOut

router = Router(tags=["农户台账 registry"])


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise not_found()  # department keys do not read the registry
    return user


class SearchParams(Schema):
    name: str = ""
    code: str = ""
    village: str = ""
    kind: str = ""
    after: int | None = None


def _row(household: Household, head: str | None) -> HouseholdRow:
    return HouseholdRow(
        id=household.pk, code=household.code, kind=household.kind, village_code=household.village.code,
        village_name=household.village.name, head_name=head,
    )  # fmt: skip


def _person(person: Person, relation: str | None, sensitive: bool) -> PersonOut:
    extra: dict[str, Any] = (
        {
            "health": person.health,
            "disability_category": person.disability_category,
            "disability_grade": person.disability_grade,
            "dibao": person.dibao,
            "tekun": person.tekun,
        }
        if sensitive
        else {}
    )
    return PersonOut(
        id=person.pk, name=person.name, sex=person.sex, birth_date=person.birth_date, relation=relation,
        id_number_masked=person.id_number_masked, phone_masked=person.phone_masked, labour=person.labour, work_place=person.work_place,
        work_months=person.work_months, **extra,
    )  # fmt: skip


@router.get(
    "/households",
    response=list[HouseholdRow],
    summary="查询农户（限管辖范围，按 id 翻页：after=上一页最后一个 id）",
)
def household_list(request: HttpRequest, params: Query[SearchParams]) -> list[HouseholdRow]:
    query = selectors.HouseholdSearch(
        name=params.name, code=params.code, village_code=params.village, kind=params.kind
    )
    found = selectors.household_search(user=_user(request), query=query, after=params.after)
    return [_row(h, h.current_heads[0].person.name if h.current_heads else None) for h in found]  # type: ignore[attr-defined]


@router.get("/households/{household_id}", response=HouseholdOut, summary="一户详情（证件号码脱敏）")
def household_detail(request: HttpRequest, household_id: int) -> HouseholdOut:
    user = _user(request)
    household = selectors.household_get_for_user(user=user, pk=household_id)
    sensitive = selectors.can_view_sensitive(user)
    members = list(selectors.current_memberships(household))
    head = next((m.person.name for m in members if m.relation == "户主"), None)
    years = (
        [
            YearOut(
                year=y.year,
                **{
                    f: fen_to_yuan(getattr(y, f))
                    for f in ("wage", "business", "property", "transfer", "business_cost")
                },
            )
            for y in selectors.household_years(household)
        ]
        if sensitive
        else None
    )
    return HouseholdOut(
        **_row(household, head).dict(), address=household.address,
        contact_phone_masked=household.contact_phone_masked, is_relocated=household.is_relocated,
        members=[_person(m.person, m.relation, sensitive) for m in members], years=years,
    )  # fmt: skip


@router.get("/persons/{person_id}", response=PersonOut, summary="一名人员（证件号码脱敏）")
def person_detail(request: HttpRequest, person_id: int) -> PersonOut:
    user = _user(request)
    person = selectors.person_get_for_user(user=user, pk=person_id)
    current = Membership.objects.filter(person=person, left_on__isnull=True).first()
    return _person(person, current.relation if current else None, selectors.can_view_sensitive(user))


@router.put(
    "/households/{household_id}/years/{year}", response=YearOut, summary="录入或修改一户某年度收支（元）"
)
def household_year_put(
    request: HttpRequest, household_id: int, payload: YearIn, year: int = Path(..., ge=2000, le=2100)
) -> YearOut:
    user = _user(request)
    household = selectors.household_get_for_user(user=user, pk=household_id)
    if not has_capability(user, Capability.EDIT_REGISTRY):
        raise PermissionDenied("您的角色不能修改农户台账")
    values = {field: yuan_to_fen(value) for field, value in payload.dict().items()}
    record = services.household_year_upsert(actor=user, household=household, year=year, values=values)
    return YearOut(
        year=record.year,
        **{
            f: fen_to_yuan(getattr(record, f))
            for f in ("wage", "business", "property", "transfer", "business_cost")
        },
    )
