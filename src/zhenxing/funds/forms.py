"""The fund ledger's page forms (P14): what the clerk typed, kept as typed so that a refused form comes back
filled in, read into the services' inputs (funds/inputs.py), and each problem placed beside its field by the loc
the service gives it ("amount", ("lines", "2", "amount") …). Amounts stay strings in 万元 (the services turn them
into fen); only dates and years are read here."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zhenxing.common.errors import ErrorDetail, InvalidInput
from zhenxing.funds.inputs import AllocationInput, LineInput

LINE_ROWS = 6  # empty line rows on a new document (blank rows are ignored)
ADD_LINE_ROWS = 3  # on the document's page, to add lines


def _detail(key: str, code: str, message: str) -> ErrorDetail:
    return ErrorDetail(tuple(key.split(".")), code, message)


def read_date(raw: str, *, key: str, label: str, problems: list[ErrorDetail]) -> datetime.date | None:
    text = (raw or "").strip()
    if not text:
        problems.append(_detail(key, "required", f"请填写{label}"))
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        problems.append(_detail(key, "date", f"{label}“{text[:20]}”不是有效日期（如 2026-03-15）"))
        return None


@dataclass
class Errors:
    """Problems by dotted key: "doc_number", "lines.2.amount"; those of no known field go above the form."""

    by_key: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add_details(self, details: Iterable[ErrorDetail]) -> None:
        for detail in details:
            self.by_key[".".join(str(part) for part in detail.loc) or "form"].append(detail.message)

    def get(self, key: str) -> list[str]:
        return list(self.by_key.get(key, []))

    def fields(self, keys: Iterable[str]) -> dict[str, list[str]]:
        return {key: self.get(key) for key in keys if self.get(key)}

    def others(self, shown: Iterable[str]) -> list[str]:
        known = set(shown)
        return [m for key, messages in self.by_key.items() if key not in known for m in messages]

    def all(self) -> list[str]:
        return [m for messages in self.by_key.values() for m in messages]


@dataclass
class LineRows:
    """Rows of (county, source, amount) as typed; a row with nothing in it is ignored. `row_of` maps the index
    of a line sent to the service back to its row on the page (blank rows in between are skipped)."""

    rows: list[dict[str, str]]
    row_of: list[int] = field(default_factory=list)

    @classmethod
    def blank(cls, count: int, *, county: str = "") -> LineRows:
        return cls([{"county": county, "source": "", "amount": ""} for _ in range(count)])

    @classmethod
    def from_post(cls, post: Mapping[str, Any], *, count: int) -> LineRows:
        rows = [
            {name: str(post.get(f"line-{i}-{name}", "")).strip() for name in ("county", "source", "amount")}
            for i in range(count)
        ]
        return cls(rows)

    def inputs(self) -> tuple[LineInput, ...]:
        """The filled rows; a row counts as filled when its amount or its source was given (a county chosen
        beforehand alone is not a line)."""
        self.row_of = [i for i, row in enumerate(self.rows) if row["amount"] or row["source"]]
        return tuple(
            LineInput(self.rows[i]["county"], self.rows[i]["source"], self.rows[i]["amount"])
            for i in self.row_of
        )

    def on_page(self, errors: Errors) -> list[dict[str, Any]]:
        """The rows for the template, each with its own problems (the service's index mapped to the row)."""
        by_row: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for key, messages in errors.by_key.items():
            parts = key.split(".")
            if (
                parts[0] == "lines"
                and len(parts) >= 2
                and parts[1].isdigit()
                and int(parts[1]) < len(self.row_of)
            ):
                name = parts[2] if len(parts) > 2 else "amount"
                by_row[self.row_of[int(parts[1])]][name].extend(messages)
        return [{"index": i, **row, "errors": dict(by_row.get(i, {}))} for i, row in enumerate(self.rows)]

    def shown_keys(self) -> list[str]:
        return [
            f"lines.{n}.{name}" for n in range(len(self.row_of)) for name in ("county", "source", "amount")
        ] + [f"lines.{n}" for n in range(len(self.row_of))]


HEADER = ("doc_number", "title", "issued_on", "level", "budget_year", "advance")


@dataclass
class AllocationForm:
    values: dict[str, str]
    lines: LineRows
    errors: Errors = field(default_factory=Errors)

    @classmethod
    def blank(cls, *, year: int, county: str = "") -> AllocationForm:
        values = dict.fromkeys(HEADER, "")
        values["budget_year"] = str(year)
        return cls(values, LineRows.blank(LINE_ROWS, county=county))

    @classmethod
    def from_post(cls, post: Mapping[str, Any]) -> AllocationForm:
        values = {name: str(post.get(name, "")).strip() for name in HEADER}
        return cls(values, LineRows.from_post(post, count=LINE_ROWS))

    def to_input(self) -> AllocationInput:
        """The document as the service takes it, or InvalidInput naming each field that could not be read."""
        problems: list[ErrorDetail] = []
        issued_on = read_date(self.values["issued_on"], key="issued_on", label="下达日期", problems=problems)
        year_text = self.values["budget_year"]
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
        if year is None:
            problems.append(_detail("budget_year", "year", "请填写四位数的预算年度，如 2026"))
        lines = self.lines.inputs()
        if problems or issued_on is None or year is None:
            raise InvalidInput(problems)
        return AllocationInput(
            doc_number=self.values["doc_number"], issued_on=issued_on, level=self.values["level"],
            budget_year=year, advance=self.values["advance"] in ("1", "on", "true"), title=self.values["title"],
            lines=lines,
        )  # fmt: skip

    def context(self) -> dict[str, Any]:
        shown = [*HEADER, *self.lines.shown_keys()]
        return {
            "form": self, "errors": self.errors.fields(HEADER), "general_errors": self.errors.others(shown),
            "all_errors": self.errors.all(), "line_rows": self.lines.on_page(self.errors),
        }  # fmt: skip


@dataclass
class SimpleForm:
    """A small form of one write (a split, a payment, a reversal, a refusal): its values as typed and its
    problems by field."""

    values: dict[str, str]
    errors: Errors = field(default_factory=Errors)

    @classmethod
    def from_post(cls, post: Mapping[str, Any], names: Iterable[str]) -> SimpleForm:
        return cls({name: str(post.get(name, "")).strip() for name in names})

    def date(self, name: str, label: str) -> datetime.date:
        problems: list[ErrorDetail] = []
        day = read_date(self.values.get(name, ""), key=name, label=label, problems=problems)
        if day is None:
            raise InvalidInput(problems)
        return day

    def context(self) -> dict[str, Any]:
        return {
            "values": self.values, "errors": self.errors.fields(self.values),
            "general_errors": self.errors.others(self.values), "all_errors": self.errors.all(),
        }  # fmt: skip


SPLIT_FIELDS = ("project", "amount")
PAYMENT_FIELDS = ("amount", "paid_on", "payee", "voucher")
REVERSE_FIELDS = ("amount", "reason", "voucher", "on")
REFUSE_FIELDS = ("reason",)
