"""Reading an uploaded asset workbook (the layout of assets/workbook.py) and checking one row the way
services.asset_enter_legacy, asset_confirm and asset_hand_over check their input — without writing anything
(the service itself creates a 自然村 while it checks, so staging cannot call it). Each problem names its row and
column in Chinese; a row without problems becomes a JSON payload (no household, no ID number), applied by the
services on confirm (assets/imports.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from zhenxing.assets.enums import AssetForm, OwnerKind
from zhenxing.assets.inputs import AssetInput, CareInput, OwnerInput, fen_of_wan
from zhenxing.assets.models import AssetType
from zhenxing.assets.workbook import (
    BY_KEY,
    COLUMNS,
    FORM_OF_LABEL,
    HEADER_LOOKUP,
    IMPORTED_OWNER_KINDS,
    ITEM,
    PAIR,
    SOURCE_OF_LABEL,
)
from zhenxing.common import clock
from zhenxing.common.errors import InvalidInput
from zhenxing.common.xlsx import unquoted
from zhenxing.divisions.codes import covers, in_prefecture
from zhenxing.divisions.models import Division
from zhenxing.projects.workbook import as_date
from zhenxing.transfer.reading import WorkbookError, labelled_sheets

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

Fail = Callable[[str, str], None]  # (column key, message)


@dataclass(frozen=True)
class AssetSheet:
    name: str
    rows: list[tuple[int, dict[str, Any]]]  # (1-based Excel row, values by column key)


def read_assets(data: bytes, *, max_bytes: int, max_rows: int) -> AssetSheet:
    """The first sheet whose header row names 资产名称 and 资产价值（万元）: its data rows by column key (columns
    it does not know are ignored). Raises WorkbookError, in Chinese, for the whole file."""
    for sheet in labelled_sheets(data, max_bytes=max_bytes, lookup=HEADER_LOOKUP, anchors=("name", "value")):
        missing = [c.header for c in COLUMNS if c.required and c.key not in sheet.columns]
        if missing:
            raise WorkbookError(f"工作表“{sheet.name}”的表头缺少列：{'、'.join(missing)}")
        rows = []
        for number, row in enumerate(sheet.values[sheet.header_row + 1 :], start=sheet.header_row + 2):
            cells = {key: row[at] if at < len(row) else None for key, at in sheet.columns.items()}
            if any(value not in (None, "") for value in cells.values()):
                rows.append((number, cells))
        if not rows:
            raise WorkbookError(f"工作表“{sheet.name}”中没有数据行")
        if len(rows) > max_rows:
            raise WorkbookError(
                f"共 {len(rows)} 行，超过一次导入的上限 {max_rows} 行，请分批导入（如按乡镇）"
            )
        return AssetSheet(name=sheet.name, rows=rows)
    raise WorkbookError(
        "找不到资产台账表头：须有一行列名，含“资产名称”和“资产价值（万元）”等（可先下载导入模板）"
    )


def text(value: Any) -> str:
    """A cell as text: a whole number typed into a code cell loses its ".0"; an export's quote comes off."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    return unquoted(str(value).strip())


def _number(value: Any) -> str:
    """A numeric cell as its shortest decimal text (calamine reads numbers as floats)."""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return text(value)


@dataclass(frozen=True)
class Catalogue:
    """What the rows are checked against, read once per file."""

    county: Division
    types: dict[str, AssetType]  # by name and by code
    divisions: dict[str, Division]  # the county's divisions by code


def catalogue_of(county: Division) -> Catalogue:
    types: dict[str, AssetType] = {}
    for asset_type in AssetType.objects.filter(active=True).select_related("sector"):
        types.setdefault(asset_type.name, asset_type)
        types[asset_type.code] = asset_type
    divisions = {d.code: d for d in Division.objects.filter(code__startswith=county.code)}
    return Catalogue(county=county, types=types, divisions=divisions)


def _date(cells: dict[str, Any], key: str, fail: Fail) -> datetime.date | None:
    try:
        day = as_date(cells.get(key))
    except (ValueError, TypeError):
        fail(key, f"“{text(cells.get(key))}”不是日期，请按 2019-06-30 的格式填写")
        return None
    if day is not None and day > clock.today():
        fail(key, f"{BY_KEY[key].header}不能晚于今天")
    return day


def _short(cells: dict[str, Any], key: str, limit: int, fail: Fail, *, required: bool = False) -> str:
    value = text(cells.get(key))
    if required and not value:
        fail(key, f"请填写{BY_KEY[key].header}")
    elif len(value) > limit:
        fail(key, f"{BY_KEY[key].header}最多{limit}个字")
    return value


def _quantity(cells: dict[str, Any], fail: Fail) -> str:
    raw = _number(cells.get("quantity"))
    if not raw:
        fail("quantity", "请填写数量")
        return ""
    try:
        quantity = Decimal(raw)
    except InvalidOperation:
        fail("quantity", f"数量应为数字，收到“{raw}”")
        return ""
    if not quantity.is_finite() or quantity <= 0 or quantity >= Decimal("1e12"):
        fail("quantity", "数量应大于0")
    elif quantity != quantity.quantize(Decimal("0.01")):
        fail("quantity", "数量最多两位小数")
    return raw


def _value(cells: dict[str, Any], fail: Fail) -> str:
    raw = _number(cells.get("value"))
    try:
        fen_of_wan(raw, field_name="value", label="资产价值")
    except InvalidInput as error:
        fail("value", error.details[0].message)
    return raw


def _place(cells: dict[str, Any], book: Catalogue, fail: Fail) -> tuple[str, str]:
    code = text(cells.get("village"))
    natural = _short(cells, "natural", 60, fail)
    division = book.divisions.get(code) if in_prefecture(code) else None
    if not code:
        fail("village", "请填写行政村的区划代码")
    elif division is None or not covers(book.county.code, code):
        fail("village", f"“{code}”不是本县(市)的区划代码（应为12位行政村代码，或乡镇、县的代码）")
    elif natural and division.level != "village":
        fail("natural", "自然村只能填在行政村下")
    return code, natural


def _source(cells: dict[str, Any], fail: Fail) -> str:
    """An older asset's one fund source; an export's "来源：万元" reads as its source."""
    raw = text(cells.get("sources"))
    if not raw:
        return ""
    parts = [part.split(PAIR)[0].strip() for part in raw.split(ITEM) if part.strip()]
    if len(parts) > 1:
        fail("sources", "旧资产只能填写一个资金来源（资金构成不明的请留空）")
        return ""
    source = SOURCE_OF_LABEL.get(parts[0]) if parts else None
    if source is None:
        fail("sources", f"不认识的资金来源“{raw}”，请按“填写说明”中的资金来源填写")
        return ""
    return source


def _form(cells: dict[str, Any], fail: Fail) -> tuple[str, str]:
    label = text(cells.get("form"))
    form = FORM_OF_LABEL.get(label, "") if label else AssetForm.PHYSICAL
    if not form:
        fail("form", "资产形态应为实物资产或股权")
    exit_method = _short(cells, "exit_method", 2000, fail)
    if form == AssetForm.EQUITY and not exit_method:
        fail("exit_method", "入股形成的股权须写明退出方式（P15）")
    return form, exit_method


def _owner(cells: dict[str, Any], fail: Fail) -> dict[str, str] | None:
    """确权 when the row states it: kind, owner, document and date, all four."""
    keys = ("owner_kind", "owner_name", "owner_document", "owned_on")
    if all(text(cells.get(key)) == "" for key in keys):
        return None
    label = text(cells.get("owner_kind"))
    kind = IMPORTED_OWNER_KINDS.get(label, "")
    if label == OwnerKind.HOUSEHOLD.label:
        fail("owner_kind", "所有权人为农户的到户类资产，请导入后在系统中确权（表格不含农户信息）")
    elif not label:
        fail("owner_kind", "已确权的资产请填写所有权人类型")
    elif not kind:
        fail("owner_kind", f"所有权人类型应为{OwnerKind.COLLECTIVE.label}或{OwnerKind.UNIT.label}")
    name = _short(cells, "owner_name", 100, fail, required=True)
    document = _short(cells, "owner_document", 200, fail, required=True)
    on = _date(cells, "owned_on", fail)
    if on is None and text(cells.get("owned_on")) == "":
        fail("owned_on", "已确权的资产请填写确权日期")
    return {"kind": kind, "name": name, "document": document, "on": on.isoformat() if on else ""}


def _handover(
    cells: dict[str, Any], owner: dict[str, str] | None, fail: Fail
) -> dict[str, str] | None:  # fmt: skip
    """移交 (and 管护) when the row states it: after 确权, the date and the receiver; the care unit and person
    together if known."""
    stated = [text(cells.get(key)) for key in ("handed_over_on", "receiver", "care_unit", "care_person")]
    if not any(stated):
        return None
    if owner is None:
        fail("owner_kind", "移交前须先确权：请填写所有权人类型、所有权人、确权文书和确权日期")
    on = _date(cells, "handed_over_on", fail)
    if on is None and not stated[0]:
        fail("handed_over_on", "已移交的资产请填写移交日期")
    receiver = _short(cells, "receiver", 100, fail, required=True)
    owned_on = owner.get("on") if owner else ""
    if on is not None and owned_on and on.isoformat() < owned_on:
        fail("handed_over_on", "移交日期不能早于确权日期")
    unit = _short(cells, "care_unit", 100, fail)
    person = _short(cells, "care_person", 50, fail)
    if bool(unit) != bool(person):
        fail("care_unit" if not unit else "care_person", "管护责任单位和管护责任人请一并填写")
    return {
        "on": on.isoformat() if on else "",
        "receiver": receiver,
        "care_unit": unit,
        "care_person": person,
    }


def check_row(cells: dict[str, Any], *, actor: User, book: Catalogue, fail: Fail) -> dict[str, Any]:
    """One row checked as asset_enter_legacy (and 确权, 移交) would check it; its payload (meaningful only when
    `fail` was not called)."""
    name = _short(cells, "name", 100, fail, required=True)
    type_name = text(cells.get("type"))
    asset_type = book.types.get(type_name)
    if not type_name:
        fail("type", "请填写资产类型")
    elif asset_type is None:
        fail("type", f"不认识的资产类型“{type_name}”，请按“填写说明”中的资产类型目录填写")
    elif actor.sector_id is not None and asset_type.sector_id != actor.sector_id:
        fail("type", f"“{asset_type.name}”不由本行业主管，只能导入本行业主管的资产类型")
    quantity = _quantity(cells, fail)
    code, natural = _place(cells, book, fail)
    location = _short(cells, "location", 200, fail)
    document = _short(cells, "document", 200, fail, required=True)
    formed_on = _date(cells, "formed_on", fail)
    if formed_on is None and text(cells.get("formed_on")) == "":
        fail("formed_on", "请填写形成日期")
    value = _value(cells, fail)
    form, exit_method = _form(cells, fail)
    owner = _owner(cells, fail)
    return {
        "name": name, "type": asset_type.code if asset_type else "", "quantity": quantity, "division": code,
        "natural": natural, "location": location, "document": document,
        "formed_on": formed_on.isoformat() if formed_on else "", "value": value, "source": _source(cells, fail),
        "form": form, "exit_method": exit_method, "owner": owner, "handover": _handover(cells, owner, fail),
    }  # fmt: skip


def natural_key(name: str, division: str, document: str, formed_on: str) -> tuple[str, str, str, str]:
    """An asset is the same as one of its county with the same name, place, document and formation date."""
    return (name.strip(), division, document.strip(), formed_on)


def key_of(payload: dict[str, Any]) -> tuple[str, str, str, str]:
    return natural_key(payload["name"], payload["division"], payload["document"], payload["formed_on"])


# --- a staged payload back into the services' inputs ---


def asset_input_of(payload: dict[str, Any]) -> AssetInput:
    return AssetInput(
        name=payload["name"], asset_type_code=payload["type"], quantity=payload["quantity"],
        division_code=payload["division"], natural_village=payload["natural"], location=payload["location"],
        value=payload["value"], form=payload["form"], equity_exit_method=payload["exit_method"],
        formed_on=datetime.date.fromisoformat(payload["formed_on"]), source_document=payload["document"],
        legacy_source=payload["source"],
    )  # fmt: skip


def owner_input_of(payload: dict[str, Any]) -> OwnerInput | None:
    owner = payload.get("owner")
    if not owner:
        return None
    return OwnerInput(kind=owner["kind"], name=owner["name"], document=owner["document"],
                      on=datetime.date.fromisoformat(owner["on"]))  # fmt: skip


def handover_of(payload: dict[str, Any]) -> tuple[datetime.date, str, CareInput | None] | None:
    handover = payload.get("handover")
    if not handover:
        return None
    care = (
        CareInput(unit=handover["care_unit"], person=handover["care_person"])
        if handover["care_unit"]
        else None
    )
    return datetime.date.fromisoformat(handover["on"]), handover["receiver"], care
