"""Importing an existing fund ledger workbook (P14; the columns of funds/workbook.py LEDGER_COLUMNS, the
template at /funds/import/template.xlsx): every row checked, every problem listed with its row, column and a
Chinese message, nothing stored while any row is wrong; all rows in one transaction otherwise.

Decisions, documented here once:
- Who: a finance bureau (ENTER_FUNDS), for the counties under it; its splits are in force at once.
- How a row is checked: by the services themselves (allocation_create, allocation_lines_add, split_create,
  payment_create, payment_reverse), row after row inside one transaction, each row in its own savepoint — so a
  row is refused for exactly what the pages and the API refuse (a project not in the library, above its plan
  or the line's balance, a payment above the split's balance or before the document's date, …), later rows
  see the money earlier rows used, and a row's refusal leaves no trace. When any row was refused the whole
  transaction is rolled back: nothing stored, every problem listed.
- Safe to repeat: an existing document (文号), line (文号, county, source), split (line and project number) or
  payment (split and voucher) is reused, not added again; so the same workbook imported twice adds nothing
  the second time. A row that names an existing one with another amount is refused (e.g. a second 下达金额 for
  the same 文号, county and source: P14's "unique on 文号, county, source").
- A reversal row (冲销的凭证号 filled, the amount negative or positive) reverses that voucher's payment of the
  same split, with its reason (冲销原因). A row whose 分配状态 is not 已分配 (an export's proposal or refused
  split) is skipped and counted.
- Size: synchronous, at most MAX_ROWS rows (a county's ledger is a few hundred payments a year); a bigger file
  is refused whole with a message to split it. Measured (2000 new payments on one split): about 9 s on SQLite
  and 25 s on PostgreSQL, nearly all of it in payment_create's locks and balance sums; the same file again
  (nothing to add) 1 s and 2.5 s."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.audit import services as audit
from zhenxing.common.errors import (
    Conflict,
    DomainError,
    ErrorDetail,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from zhenxing.funds import selectors as ledger
from zhenxing.funds import services
from zhenxing.funds.enums import FundSource, SplitStatus
from zhenxing.funds.inputs import AllocationInput, LineInput, fen_of
from zhenxing.funds.models import Allocation, AllocationLine, Split
from zhenxing.funds.workbook_rows import ACTIVE_LABEL, LedgerRow, header, parse_row, read_ledger
from zhenxing.policy.rules.projects import fen_to_wan
from zhenxing.projects.imports import Problem  # a row's problem, as the library's import reports it
from zhenxing.projects.models import Project
from zhenxing.transfer.reading import WorkbookError

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

MAX_ROWS = 3000
MAX_LISTED_PROBLEMS = 3000

# where a service's problem (ErrorDetail.loc, its last part) sits in the workbook, per step of a row
COLUMN_OF = {
    "allocation": {"doc_number": "doc_number", "issued_on": "issued_on", "level": "level",
                   "budget_year": "budget_year", "title": "doc_number", "county": "county", "source": "source",
                   "amount": "line_amount", "lines": "county"},
    "line": {"county": "county", "source": "source", "amount": "line_amount", "lines": "county"},
    "split": {"project": "project_code", "amount": "split_amount", "line": "county"},
    "payment": {"amount": "payment_amount", "paid_on": "paid_on", "on": "paid_on", "payee": "payee",
                "voucher": "voucher", "reason": "reason", "split": "project_code"},
}  # fmt: skip
# a refusal without a field (PermissionDenied, Conflict) is about the row's county, or the split it pays
COLUMN_OF_REFUSAL = {
    "allocation": "county",
    "line": "county",
    "split": "project_code",
    "payment": "project_code",
}


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[Problem] = field(default_factory=list)
    added: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0  # rows that added nothing (imported before)
    skipped: int = 0  # rows not imported on purpose (a split not 已分配)

    @property
    def stored(self) -> bool:
        return not self.errors


class RowRefused(Exception):
    """A row's problems; its savepoint is rolled back."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


def may_import(user: User) -> bool:
    return has_capability(user, Capability.ENTER_FUNDS) and user.jurisdiction is not None


def _wan(fen: int) -> str:
    return f"{fen_to_wan(fen)}万元"


def _refused(step: str, error: DomainError) -> RowRefused:
    columns = COLUMN_OF[step]
    if isinstance(error, InvalidInput):
        problems = []
        for detail in error.details:
            names = [str(part) for part in detail.loc if not str(part).isdigit()]
            key = next(
                (columns[name] for name in reversed(names) if name in columns), COLUMN_OF_REFUSAL[step]
            )
            problems.append((key, detail.message))
        return RowRefused(problems)
    return RowRefused([(COLUMN_OF_REFUSAL[step], error.message)])


def _required(row: LedgerRow, keys: tuple[str, ...]) -> None:
    missing = [(key, f"请填写{header(key)}") for key in keys if getattr(row, key) in (None, "")]
    if missing:
        raise RowRefused(missing)


class _Rows:
    """Applies rows through the services; counts what each row added. What rows found or made (documents, lines,
    splits, vouchers) is remembered for the rows after them — only once the row's savepoint has held (`keep`):
    a refused row's objects were rolled back and must not be found again."""

    def __init__(self, actor: User, result: ImportResult) -> None:
        self.actor = actor
        self.result = result
        self.visible = ledger.allocation_list_for_user(user=actor)
        self.scope = ledger.county_filter(actor)
        # every line, split and payment a row may find is read through the actor's scope: a row naming another
        # county must learn nothing of that county's amounts (nor be counted as "already there")
        self.counties = set(ledger.counties_for_user(actor).values_list("code", flat=True))
        self.lines = ledger.line_list_for_user(user=actor)
        self.splits = ledger.split_list_for_user(user=actor)
        self.payments = ledger.payment_list_for_user(user=actor)
        self._known: dict[str, dict[Any, Any]] = {
            "document": {},
            "line": {},
            "split": {},
            "voucher": {},
            "loaded": {},
        }
        self._pending: dict[str, dict[Any, Any]] = {name: {} for name in self._known}

    def _get(self, kind: str, key: Any) -> Any:
        pending = self._pending[kind]
        return pending[key] if key in pending else self._known[kind].get(key)

    def _put(self, kind: str, key: Any, value: Any) -> Any:
        self._pending[kind][key] = value
        return value

    def keep(self) -> None:
        for kind, pending in self._pending.items():
            self._known[kind].update(pending)
            pending.clear()

    def forget(self) -> None:
        for pending in self._pending.values():
            pending.clear()

    def apply(self, row: LedgerRow) -> None:
        added_before = sum(self.result.added.values())
        if row.county and row.county not in self.counties:  # before any lookup: nothing of it is shown
            raise RowRefused([("county", f"县(市)代码“{row.county}”不在您的管辖范围内")])
        document = self._document(row)
        line = self._line(row, document)
        if row.split_status and row.split_status != ACTIVE_LABEL:
            self.result.skipped += 1  # an export's proposal or refused split: not the finance bureau's entry
            return
        if row.has_split or row.has_payment:
            split = self._split(row, line)
            if row.has_payment:
                self._payment(row, split)
        if sum(self.result.added.values()) == added_before:
            self.result.unchanged += 1

    def _call(self, step: str, action: Any) -> Any:
        try:
            return action()
        except (InvalidInput, Conflict, PermissionDenied, NotFound) as error:
            raise _refused(step, error) from error

    def _document(self, row: LedgerRow) -> Allocation:
        _required(row, ("doc_number", "issued_on", "level", "budget_year", "county", "source", "line_amount"))
        known = self._get("document", row.doc_number)
        document = known or Allocation.objects.filter(doc_number=row.doc_number).first()
        if document is None:
            assert row.issued_on is not None
            assert row.budget_year is not None
            data = AllocationInput(
                doc_number=row.doc_number, issued_on=row.issued_on, level=row.level, budget_year=row.budget_year,
                advance=row.advance, lines=(LineInput(row.county, row.source, row.line_amount),),
            )  # fmt: skip
            document = self._call(
                "allocation", lambda: services.allocation_create(actor=self.actor, data=data)
            )
            self.result.added["资金下达文件"] += 1
            self.result.added["资金指标"] += 1
            return document
        if not self.visible.filter(pk=document.pk).exists():
            raise RowRefused([("doc_number", f"文号“{row.doc_number}”已由其他单位录入，不在您的管辖范围内")])
        differs = [
            (key, f"与已录入的文件“{row.doc_number}”不一致（已录入：{shown}）")
            for key, mine, theirs, shown in (
                ("issued_on", row.issued_on, document.issued_on, document.issued_on.isoformat()),
                ("level", row.level, document.level, document.get_level_display()),
                ("budget_year", row.budget_year, document.budget_year, str(document.budget_year)),
            )
            if mine != theirs
        ]
        if differs:
            raise RowRefused(differs)
        return self._put("document", row.doc_number, document)

    def _line(self, row: LedgerRow, document: Allocation) -> AllocationLine:
        key = (document.pk, row.county, row.source)
        line = self._get("line", key) or (
            self.lines.filter(allocation=document, county__code=row.county, source=row.source)
            .select_related("county")
            .first()
        )
        if line is None:
            lines = (LineInput(row.county, row.source, row.line_amount),)
            created = self._call(
                "line",
                lambda: services.allocation_lines_add(actor=self.actor, allocation=document, lines=lines),
            )
            self.result.added["资金指标"] += 1
            return self._put("line", key, created[0])
        fen = self._call("line", lambda: fen_of(row.line_amount, field_name="amount", label="下达金额"))
        if fen != line.amount_fen:
            raise RowRefused([("line_amount",
                f"文号“{row.doc_number}”下{line.county.name}的“{FundSource(row.source).label}”已有指标"
                f"{_wan(line.amount_fen)}，与本行的{_wan(fen)}不一致（同一文号、县、资金来源只能有一条指标）")])  # fmt: skip
        return self._put("line", key, line)

    def _project(self, row: LedgerRow) -> Project:
        found = (
            Project.objects.filter(self.scope, code=row.project_code).order_by("-version").first()
            if self.scope is not None
            else None
        )
        if found is None:
            raise RowRefused(
                [("project_code", f"项目库中没有编号为“{row.project_code}”的项目（或不在您的管辖范围内）")]
            )
        return ledger.current_version(found)

    def _split(self, row: LedgerRow, line: AllocationLine) -> Split:
        _required(row, ("project_code", "split_amount"))
        fen = self._call("split", lambda: fen_of(row.split_amount, field_name="amount", label="分配金额"))
        key = (line.pk, row.project_code, fen)
        if known := self._get("split", key):
            return known
        held = self.splits.filter(line=line, project__code=row.project_code, status__in=ledger.HOLDING_STATES)
        existing = held.filter(amount_fen=fen).order_by("pk").first() or held.order_by("pk").first()
        if existing is not None:
            if existing.status != SplitStatus.ACTIVE:
                raise RowRefused(
                    [("project_code", "该项目在该指标下有待财政确认的分配建议，请先在系统中确认或退回")]
                )
            if existing.amount_fen != fen:
                raise RowRefused([("split_amount",
                    f"该指标已分配给项目“{row.project_code}”{_wan(existing.amount_fen)}，与本行的{_wan(fen)}不一致")])  # fmt: skip
            return self._put("split", key, existing)
        project = self._project(row)
        split = self._call(
            "split",
            lambda: services.split_create(
                actor=self.actor, line=line, project=project, amount=row.split_amount
            ),
        )
        self.result.added["资金分配"] += 1
        return self._put("split", key, split)

    def _payment(self, row: LedgerRow, split: Split) -> None:
        _required(row, ("paid_on", "voucher", "payment_amount") if row.reverses else
                  ("paid_on", "payee", "voucher", "payment_amount"))  # fmt: skip
        assert row.paid_on is not None
        amount = row.payment_amount.removeprefix("-") if row.reverses else row.payment_amount
        fen = self._call("payment", lambda: fen_of(amount, field_name="amount", label="支付金额"))
        if not self._get("loaded", split.pk):  # the split's vouchers, read once
            for voucher, entered in self.payments.filter(split=split).values_list("voucher", "amount_fen"):
                self._put("voucher", (split.pk, voucher), entered)
            self._put("loaded", split.pk, True)
        entered = self._get("voucher", (split.pk, row.voucher))
        if entered is not None:
            if abs(entered) != fen:
                raise RowRefused([("voucher",
                    f"凭证号“{row.voucher}”在该笔分配下已录入{_wan(abs(entered))}，与本行的{_wan(fen)}不一致")])  # fmt: skip
            return
        self._put("voucher", (split.pk, row.voucher), -fen if row.reverses else fen)
        if row.reverses:
            original = self.payments.filter(split=split, voucher=row.reverses, amount_fen__gt=0).first()
            if original is None:
                raise RowRefused([("reverses", f"该笔分配下没有凭证号为“{row.reverses}”的支付，无法冲销")])
            self._call("payment", lambda: services.payment_reverse(
                actor=self.actor, payment=original, amount=amount, reason=row.reason, voucher=row.voucher,
                on=row.paid_on))  # fmt: skip
            self.result.added["冲销"] += 1
            return
        self._call("payment", lambda: services.payment_create(
            actor=self.actor, split=split, amount=row.payment_amount, paid_on=row.paid_on, payee=row.payee,
            voucher=row.voucher))  # fmt: skip
        self.result.added["资金支付"] += 1


def ledger_import(*, actor: User, file_name: str, data: bytes) -> ImportResult:
    """Import an uploaded fund ledger workbook: all rows, or — when any row is refused — nothing, with every
    row's problems. Audited ("fund.import") when something was stored or found already there."""
    if not may_import(actor):
        raise PermissionDenied("资金台账由财政部门导入")
    try:
        sheet = read_ledger(data, max_bytes=settings.ZHENXING_IMPORT_MAX_BYTES, max_rows=MAX_ROWS)
    except WorkbookError as error:
        raise InvalidInput([ErrorDetail(("file",), "bad_file", str(error))]) from error
    result = ImportResult(rows=len(sheet.rows))
    parsed: list[LedgerRow] = []
    for number, cells in sheet.rows:
        problems: list[Problem] = []

        def fail(key: str, message: str, number: int = number, problems: list[Problem] = problems) -> None:
            problems.append(Problem(number, header(key), message))

        row = parse_row(number, cells, fail)
        if problems:
            result.errors.extend(problems)
        else:
            parsed.append(row)
    with transaction.atomic():
        rows = _Rows(actor, result)
        for row in parsed:
            try:
                with transaction.atomic():  # the row's savepoint: a refused row leaves nothing
                    rows.apply(row)
                rows.keep()
            except RowRefused as refused:
                rows.forget()
                result.errors.extend(
                    Problem(row.number, header(key), message) for key, message in refused.problems
                )
        if result.errors:
            result.errors.sort(key=lambda problem: problem.row)
            del result.errors[MAX_LISTED_PROBLEMS:]
            result.added.clear()
            result.unchanged = result.skipped = 0
            transaction.set_rollback(True)  # nothing stored: not the rows that passed, nor their audit rows
            return result
        audit.record(
            actor=actor, action="fund.import", target=("funds.allocation", "*"), division=actor.jurisdiction,
            new={"file": file_name[:200], "rows": result.rows, "added": dict(result.added),
                 "unchanged_rows": result.unchanged, "skipped": result.skipped},
        )  # fmt: skip
    return result


__all__ = ["MAX_ROWS", "ImportResult", "Problem", "ledger_import", "may_import"]
