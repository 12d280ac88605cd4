"""The registry in the 台账 workbook layout (registry/layout.py), for the search page's export (P13: an
export is what the search found, ID numbers and phones masked unless revealed and audited)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from zhenxing.common.xlsx import Workbook
from zhenxing.registry.layout import MEMBER_COLUMNS, MEMBER_SHEET, YEAR_COLUMNS, YEAR_SHEET, YES_NO, Column
from zhenxing.registry.models import Household, HouseholdYear, Membership


def _cell(column: Column, value: Any) -> Any:
    if column.kind == "bool":
        return YES_NO[0] if value else YES_NO[1]
    if column.kind == "money":
        return float(Decimal(value) / 100)
    return value if value is not None else ""


def export_workbook(households: Iterable[Household], *, full_ids: dict[int, str] | None = None) -> bytes:
    """The households in the import layout. ID numbers masked, unless `full_ids` (person id → number) is given
    by a caller that checked the capability and audited the export; phones always masked."""
    book = Workbook(constant_memory=True)
    members_sheet = book.add_sheet(MEMBER_SHEET)
    years_sheet = book.add_sheet(YEAR_SHEET)
    members_sheet.row(0, 0, [c.header for c in MEMBER_COLUMNS])
    years_sheet.row(0, 0, [c.header for c in YEAR_COLUMNS])
    member_row = year_row = 1
    for household in households:
        memberships = (
            Membership.objects.filter(household=household, left_on__isnull=True)
            .select_related("person")
            .order_by("id")
        )
        for membership in memberships:
            person = membership.person
            values = {
                "household_code": household.code or "", "village_code": household.village.code,
                "natural_village": household.natural_village.name if household.natural_village else "",
                "kind": household.kind, "address": household.address, "contact_phone": household.contact_phone_masked,
                "id_number": (full_ids or {}).get(person.pk, person.id_number_masked), "relation": membership.relation,
                "phone": person.phone_masked,
                **{c.field: getattr(person, c.field) for c in MEMBER_COLUMNS if hasattr(person, c.field) and c.field not in ("id_number", "phone")},
            }  # fmt: skip
            members_sheet.row(member_row, 0, [_cell(c, values.get(c.field)) for c in MEMBER_COLUMNS])
            member_row += 1
        for record in HouseholdYear.objects.filter(household=household).order_by("year"):
            values = {
                "household_code": household.code or "",
                **{c.field: getattr(record, c.field) for c in YEAR_COLUMNS[1:]},
            }
            years_sheet.row(year_row, 0, [_cell(c, values.get(c.field)) for c in YEAR_COLUMNS])
            year_row += 1
    return book.finish()
