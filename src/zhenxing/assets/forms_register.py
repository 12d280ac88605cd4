"""The asset register's page forms (P15): the rows of a registration from an accepted project, an older asset's
form, and the small forms of an asset's life (确权, 移交, 管护, 巡查, 收益, 到户类变动). Values stay as typed so that
a refused form comes back filled in; each problem is placed beside its field by the path the service names
("assets.2.value", "owner_name" …). Money stays a string (万元 for values, 元 for incomes): the services read it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zhenxing.assets.inputs import AssetInput
from zhenxing.funds.forms import Errors

ROW_FIELDS = (
    "name",
    "asset_type_code",
    "quantity",
    "division_code",
    "natural_village",
    "location",
    "value",
    "form",
    "equity_exit_method",
)
BLANK_ROWS = 3  # rows on a new registration form; "再加一行" asks for one more (?rows=N)
MAX_ROWS = 50  # the service's MAX_ASSETS_AT_ONCE

LEGACY_FIELDS = (*ROW_FIELDS, "formed_on", "source_document", "legacy_source")
CONFIRM_FIELDS = ("owner_kind", "owner_name", "owner_household", "ownership_document", "owned_on")
HANDOVER_FIELDS = (
    "handed_over_on",
    "receiver",
    "files",
    "care_unit",
    "care_person",
    "care_phone",
    "care_rules",
)
CARE_FIELDS = ("care_unit", "care_person", "care_phone", "care_rules")
INSPECT_FIELDS = ("inspected_on", "outcome", "notes", "photos")
INCOME_FIELDS = ("year", "amount", "evidence")
END_FIELDS = ("reason",)


def row_count(raw: object, *, default: int = BLANK_ROWS) -> int:
    """The number of rows asked for (?rows=N or the form's hidden field), between 1 and MAX_ROWS."""
    text = str(raw or "").strip()
    count = int(text) if text.isdigit() else default
    return max(1, min(count, MAX_ROWS))


@dataclass
class AssetRows:
    """The registration form's rows as typed; a row with no name, type or value is ignored. `row_of` maps the
    index of an asset sent to the service back to its row on the page."""

    rows: list[dict[str, str]]
    errors: Errors = field(default_factory=Errors)
    row_of: list[int] = field(default_factory=list)

    @classmethod
    def blank(cls, count: int, *, division_code: str = "") -> AssetRows:
        return cls([_blank_row(division_code) for _ in range(count)])

    @classmethod
    def from_post(cls, post: Mapping[str, Any]) -> AssetRows:
        count = row_count(post.get("rows"))
        rows = [
            {name: str(post.get(f"asset-{i}-{name}", "")).strip() for name in ROW_FIELDS}
            for i in range(count)
        ]
        return cls(rows)

    def inputs(self) -> list[AssetInput]:
        self.row_of = [
            i for i, row in enumerate(self.rows) if row["name"] or row["asset_type_code"] or row["value"]
        ]
        return [
            AssetInput(**{name: self.rows[i][name] for name in ROW_FIELDS})  # type: ignore[arg-type]
            for i in self.row_of
        ]

    def on_page(self) -> list[dict[str, Any]]:
        """The rows for the template, each with its own problems (the service's index mapped to the row)."""
        by_row: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for key, messages in self.errors.by_key.items():
            row = self._row_of_key(key)
            if row is not None:
                parts = key.split(".")
                by_row[row][parts[2] if len(parts) > 2 else "name"].extend(messages)
        return [
            {"index": i, **row, "errors": dict(by_row.get(i, {})), "type_id": f"a{i}-type",
             "type_name": f"asset-{i}-asset_type_code"}
            for i, row in enumerate(self.rows)
        ]  # fmt: skip

    def general_errors(self) -> list[str]:
        return [
            m
            for key, messages in self.errors.by_key.items()
            if self._row_of_key(key) is None
            for m in messages
        ]

    def _row_of_key(self, key: str) -> int | None:
        parts = key.split(".")
        if parts[0] != "assets" or len(parts) < 2 or not parts[1].isdigit():
            return None
        index = int(parts[1])
        mapping = self.row_of or list(range(len(self.rows)))
        return mapping[index] if index < len(mapping) else None


def _blank_row(division_code: str) -> dict[str, str]:
    row = dict.fromkeys(ROW_FIELDS, "")
    row["form"], row["division_code"] = "physical", division_code
    return row


def legacy_input(values: Mapping[str, str], formed_on: Any) -> AssetInput:
    return AssetInput(
        name=values["name"], asset_type_code=values["asset_type_code"], quantity=values["quantity"],
        division_code=values["division_code"], natural_village=values["natural_village"],
        location=values["location"], value=values["value"], form=values["form"] or "physical",
        equity_exit_method=values["equity_exit_method"], formed_on=formed_on,
        source_document=values["source_document"], legacy_source=values["legacy_source"],
    )  # fmt: skip
