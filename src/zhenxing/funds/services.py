"""Writes of the fund ledger (P14): an allocation document with its lines, a split of a line to a library
project (entered by the finance bureau, or proposed by the county's 乡村振兴局 and confirmed by it), a payment
drawn on a split, and a reversal of a payment as a negative entry with its reason. Each is one transaction with
its audit event; a refused write stores nothing.

The balances (policy.rules.funds) are checked under row locks taken in one order — the project, then the line,
then the split — so that two writes at the same moment can never both pass a check that only one of them fits
(tests/funds/test_concurrency.py, on PostgreSQL)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.db import IntegrityError, transaction

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied, not_found
from zhenxing.common.workflow import transition
from zhenxing.divisions.codes import covers, in_prefecture
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.funds import selectors as ledger
from zhenxing.funds.enums import AllocationLevel, FundSource, SplitStatus
from zhenxing.funds.inputs import AllocationInput, LineInput, fen_of, invalid
from zhenxing.funds.models import Allocation, AllocationLine, Payment, Split
from zhenxing.funds.transitions import SPLIT
from zhenxing.policy.rules import funds as rules
from zhenxing.policy.rules.projects import fen_to_wan
from zhenxing.projects.enums import LIBRARY_STATES
from zhenxing.projects.models import Project

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

T = TypeVar("T")
TEXT_MAX = {"doc_number": 60, "title": 200, "payee": 100, "voucher": 60}


def _wan(fen: int) -> str:
    return f"{fen_to_wan(fen)}万元"


def _require_finance(actor: User) -> None:
    if not has_capability(actor, Capability.ENTER_FUNDS):
        raise PermissionDenied("只有财政部门可以录入资金下达、分配和支付")


def _require_covers(actor: User, county: Division) -> None:
    """A bureau writes only for the counties under it (a county's for its own, the prefecture's for all)."""
    jurisdiction = actor.jurisdiction
    if jurisdiction is None or not covers(jurisdiction.code, county.code):
        raise PermissionDenied(f"{county.name}不在您的管辖范围内")


def _text(raw: str, *, field_name: str, label: str) -> str:
    text = (raw or "").strip()
    if not text:
        raise invalid(field_name, "required", f"请填写{label}")
    limit = TEXT_MAX[field_name.rsplit(".", 1)[-1]]
    if len(text) > limit:
        raise invalid(field_name, "too_long", f"{label}最多{limit}个字")
    return text


def _not_future(day: datetime.date, *, field_name: str, label: str) -> None:
    if day > clock.today():
        raise invalid(field_name, "future", f"{label}不能晚于今天")


# allocation documents


def _county(code: str, *, field_name: str) -> Division:
    county = (
        Division.objects.filter(code=(code or "").strip(), level=DivisionLevel.COUNTY).first()
        if in_prefecture((code or "").strip())
        else None
    )
    if county is None:
        raise invalid(field_name, "county", f"“{code}”不是大理州的县(市)区划代码")
    return county


def _checked_lines(
    actor: User, lines: tuple[LineInput, ...], *, prefix: str = "lines"
) -> list[tuple[Division, str, int]]:
    if not lines:
        raise invalid(prefix, "required", "请至少填写一条资金指标（县、资金来源、金额）")
    checked: list[tuple[Division, str, int]] = []
    problems: list[ErrorDetail] = []
    seen: set[tuple[int, str]] = set()
    for index, line in enumerate(lines):
        at = f"{prefix}.{index}"
        try:
            county = _county(line.county_code, field_name=f"{at}.county")
            _require_covers(actor, county)
            if line.source not in FundSource.values:
                raise invalid(f"{at}.source", "source", f"不认识的资金来源“{line.source}”")
            fen = fen_of(line.amount, field_name=f"{at}.amount", label="下达金额")
        except InvalidInput as error:
            problems.extend(error.details)
            continue
        if (county.pk, line.source) in seen:
            problems.append(
                ErrorDetail((*at.split("."), "source"), "duplicate",
                            f"同一文号下{county.name}的“{FundSource(line.source).label}”只能有一条指标")
            )  # fmt: skip
        seen.add((county.pk, line.source))
        checked.append((county, line.source, fen))
    if problems:
        raise InvalidInput(problems)
    return checked


def _line_snapshot(line: AllocationLine) -> dict[str, object]:
    return {"county": line.county.code, "source": line.source, "amount_fen": line.amount_fen}


def allocation_create(*, actor: User, data: AllocationInput) -> Allocation:
    """A new allocation document (P14: 文号, date, level, budget year, 提前下达) with its lines."""
    _require_finance(actor)
    problems: list[ErrorDetail] = []  # every problem of the form at once, not one per submission

    def collect(check: Callable[[], T]) -> T | None:
        try:
            return check()
        except InvalidInput as error:
            problems.extend(error.details)
            return None

    doc_number = collect(lambda: _text(data.doc_number, field_name="doc_number", label="文号")) or ""
    title = (data.title or "").strip()
    if len(title) > TEXT_MAX["title"]:
        problems.append(ErrorDetail(("title",), "too_long", f"文件标题最多{TEXT_MAX['title']}个字"))
    if data.level not in AllocationLevel.values:
        problems.append(ErrorDetail(("level",), "level", "下达层级应为中央、省级、州级或县级"))
    collect(lambda: _not_future(data.issued_on, field_name="issued_on", label="下达日期"))
    if not 2000 <= data.budget_year <= clock.today().year + 1:
        problems.append(
            ErrorDetail(("budget_year",), "year", f"预算年度应在2000至{clock.today().year + 1}年之间")
        )
    lines = collect(lambda: _checked_lines(actor, data.lines))
    if problems or lines is None:
        raise InvalidInput(problems)
    if Allocation.objects.filter(doc_number=doc_number).exists():
        raise invalid("doc_number", "duplicate", f"文号“{doc_number}”已录入，请在该文件下增加指标")
    assert actor.jurisdiction is not None  # a finance bureau has one (accounts.User's constraint)
    try:
        with transaction.atomic():
            allocation = Allocation.objects.create(
                doc_number=doc_number, title=title, issued_on=data.issued_on, level=data.level,
                budget_year=data.budget_year, advance=data.advance, entered_in=actor.jurisdiction,
                created_by=actor,
            )  # fmt: skip
            created = [
                AllocationLine.objects.create(
                    allocation=allocation, county=county, source=source, amount_fen=fen, created_by=actor
                )
                for county, source, fen in lines
            ]
            audit.record(
                actor=actor, action="fund.allocation_create", target=allocation, division=actor.jurisdiction,
                new={"doc_number": doc_number, "issued_on": data.issued_on.isoformat(), "level": data.level,
                     "budget_year": data.budget_year, "advance": data.advance,
                     "lines": [_line_snapshot(line) for line in created]},
            )  # fmt: skip
    except IntegrityError as error:  # the same 文号 entered at the same moment by someone else
        raise invalid("doc_number", "duplicate", f"文号“{doc_number}”已录入") from error
    return allocation


def allocation_lines_add(
    *, actor: User, allocation: Allocation, lines: tuple[LineInput, ...]
) -> list[AllocationLine]:
    """More lines for a document already entered (e.g. a county's share of a province's document): only one the
    bureau can see (a line of it in its counties, or entered by a bureau in them)."""
    _require_finance(actor)
    if not ledger.allocation_list_for_user(user=actor).filter(pk=allocation.pk).exists():
        raise not_found()
    checked = _checked_lines(actor, lines)
    with transaction.atomic():
        Allocation.objects.select_for_update().get(pk=allocation.pk)
        taken = set(allocation.lines.values_list("county_id", "source"))
        clashes = [
            ErrorDetail(("lines", str(index), "source"), "duplicate",
                        f"文号“{allocation.doc_number}”下{county.name}的“{FundSource(source).label}”已有指标")
            for index, (county, source, _) in enumerate(checked) if (county.pk, source) in taken
        ]  # fmt: skip
        if clashes:
            raise InvalidInput(clashes)
        created = [
            AllocationLine.objects.create(
                allocation=allocation, county=county, source=source, amount_fen=fen, created_by=actor
            )
            for county, source, fen in checked
        ]
        for line in created:
            audit.record(
                actor=actor, action="fund.line_add", target=line, division=line.county,
                new={"doc_number": allocation.doc_number, **_line_snapshot(line)},
            )  # fmt: skip
    return created


# splits


def split_create(*, actor: User, line: AllocationLine, project: Project, amount: object) -> Split:
    """Part of `line` to `project` (P14): only a library project of the line's county, never above the project's
    planned amount for the line's source, never above the line's remaining balance. The finance bureau's split
    is in force at once; the county 乡村振兴局's is a proposal holding its amount until the bureau decides."""
    finance = has_capability(actor, Capability.ENTER_FUNDS)
    if not finance and not has_capability(actor, Capability.PROPOSE_SPLIT):
        raise PermissionDenied("只有财政部门或县乡村振兴部门可以分配资金")
    _require_covers(actor, line.county)
    fen = fen_of(amount, field_name="amount", label="分配金额")
    with transaction.atomic():
        locked_project = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
        locked_line = (
            AllocationLine.objects.select_for_update(of=("self",))
            .select_related("county", "allocation")
            .get(pk=line.pk)
        )
        source_label = FundSource(locked_line.source).label
        if locked_project.status not in LIBRARY_STATES:
            raise invalid("project", "not_in_library",
                          f"项目当前为“{locked_project.get_status_display()}”，不在项目库中，不能分配资金")  # fmt: skip
        if locked_project.county_id != locked_line.county_id:
            raise invalid("project", "county", f"项目不属于{locked_line.county.name}，不能使用该县的资金指标")
        planned = ledger.project_planned_fen(locked_project, source=locked_line.source)
        already = ledger.project_split_fen(locked_project, source=locked_line.source)
        if not rules.within_plan(planned_fen=planned, split_fen=already, amount_fen=fen):
            raise invalid("amount", "above_plan",
                          f"超过该项目的{source_label}计划投资：计划{_wan(planned)}，已分配{_wan(already)}，"
                          f"最多还可分配{_wan(max(planned - already, 0))}")  # fmt: skip
        balance = ledger.line_balance(locked_line)
        if not rules.line_has_room(line_fen=balance.amount_fen, committed_fen=balance.split_fen,
                                   returned_fen=balance.returned_fen, amount_fen=fen):  # fmt: skip
            raise invalid("amount", "above_balance",
                          f"超过资金指标余额：下达{_wan(balance.amount_fen)}，余额{_wan(balance.remaining_fen)}")  # fmt: skip
        split = Split.objects.create(
            line=locked_line, project=locked_project, county=locked_line.county, source=locked_line.source,
            budget_year=locked_line.allocation.budget_year, amount_fen=fen, status=SplitStatus.ACTIVE if finance else SplitStatus.PROPOSED, proposed_by=actor,
            decided_by=actor if finance else None, decided_on=clock.today() if finance else None,
        )  # fmt: skip
        audit.record(
            actor=actor, action="fund.split_create" if finance else "fund.split_propose", target=split,
            division=locked_line.county,
            new={"line": locked_line.pk, "project": locked_project.code, "source": locked_line.source,
                 "amount_fen": fen, "status": split.status},
        )  # fmt: skip
    return split


def split_confirm(*, actor: User, split: Split) -> Split:
    _require_finance(actor)
    return transition(SPLIT, split, to=SplitStatus.ACTIVE, actor=actor)


def split_refuse(*, actor: User, split: Split, reason: str) -> Split:
    _require_finance(actor)
    return transition(SPLIT, split, to=SplitStatus.REFUSED, actor=actor, opinion=reason)


# payments


def _lock_for_payment(split: Split) -> tuple[Project, Split]:
    """The project (every write on its money takes its row first), then the split."""
    project = ledger.current_version(split.project)
    locked_project = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    locked_split = (
        Split.objects.select_for_update(of=("self",))
        .select_related("line__allocation", "county")
        .get(pk=split.pk)
    )
    return locked_project, locked_split


def payment_create(
    *, actor: User, split: Split, amount: object, paid_on: datetime.date, payee: str, voucher: str
) -> Payment:  # fmt: skip
    """A payment (支付) drawn on one split (P14): names the payee and the voucher, never exceeds the split's
    unpaid balance, never before the allocation's date, never to a project that left the library."""
    _require_finance(actor)
    _require_covers(actor, split.county)
    fen = fen_of(amount, field_name="amount", label="支付金额")
    payee_text = _text(payee, field_name="payee", label="收款单位")
    voucher_text = _text(voucher, field_name="voucher", label="凭证号")
    _not_future(paid_on, field_name="paid_on", label="支付日期")
    with transaction.atomic():
        project, locked = _lock_for_payment(split)
        if locked.status != SplitStatus.ACTIVE:
            raise Conflict(f"资金分配当前为“{locked.get_status_display()}”，不能支付")
        if project.status not in LIBRARY_STATES:
            raise invalid("split", "project_out",
                          f"项目当前为“{project.get_status_display()}”，不能再支付")  # fmt: skip
        issued_on = locked.line.allocation.issued_on
        if paid_on < issued_on:
            raise invalid("paid_on", "before_allocation",
                          f"支付日期不能早于资金下达日期（{issued_on.isoformat()}）")  # fmt: skip
        balance = ledger.split_balance(locked)
        if fen > balance.unpaid_fen:
            raise invalid("amount", "above_unpaid",
                          f"超过该笔分配的未支付余额：分配{_wan(balance.amount_fen)}，未支付{_wan(balance.unpaid_fen)}")  # fmt: skip
        if Payment.objects.filter(split=locked, voucher=voucher_text).exists():
            raise invalid("voucher", "duplicate", f"凭证号“{voucher_text}”在该笔分配下已录入")
        payment = Payment.objects.create(
            split=locked, county=locked.county, source=locked.source, budget_year=locked.budget_year, amount_fen=fen, paid_on=paid_on, payee=payee_text,
            voucher=voucher_text, created_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, action="fund.pay", target=payment, division=locked.county,
            new={"split": locked.pk, "project": project.code, "amount_fen": fen, "paid_on": paid_on.isoformat(),
                 "payee": payee_text, "voucher": voucher_text},
        )  # fmt: skip
    return payment


def payment_reverse(
    *, actor: User, payment: Payment, amount: object, reason: str, voucher: str, on: datetime.date
) -> Payment:  # fmt: skip
    """A reversal (冲销): never overwrites; a negative payment on the same split pointing at `payment`, with its
    reason and voucher, never taking back more than the payment has left."""
    _require_finance(actor)
    _require_covers(actor, payment.county)
    if payment.amount_fen < 0:
        raise Conflict("冲销记录本身不能再冲销")
    fen = fen_of(amount, field_name="amount", label="冲销金额")
    reason_text = (reason or "").strip()
    if len(reason_text) < 2:
        raise invalid("reason", "required", "请填写冲销原因")
    voucher_text = _text(voucher, field_name="voucher", label="冲销凭证号")
    _not_future(on, field_name="on", label="冲销日期")
    if on < payment.paid_on:
        raise invalid("on", "before_payment", f"冲销日期不能早于原支付日期（{payment.paid_on.isoformat()}）")
    with transaction.atomic():
        project, locked_split = _lock_for_payment(payment.split)
        if project.status not in LIBRARY_STATES:
            # 终止 recovered the split's unspent part once (one release per split): money a reversal gave back
            # now would stay on the split, neither paid nor recovered
            raise invalid("payment", "project_out",
                          f"项目当前为“{project.get_status_display()}”，未支付部分已收回，不能再冲销支付")  # fmt: skip
        original = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
        left = original.amount_fen - ledger.payment_reversed_fen(original)
        if fen > left:
            raise invalid("amount", "above_payment",
                          f"冲销金额超过原支付可冲销的金额：原支付{_wan(original.amount_fen)}，可冲销{_wan(left)}")  # fmt: skip
        if Payment.objects.filter(split=locked_split, voucher=voucher_text).exists():
            raise invalid("voucher", "duplicate", f"凭证号“{voucher_text}”在该笔分配下已录入")
        reversal = Payment.objects.create(
            split=locked_split, county=locked_split.county, source=locked_split.source,
            budget_year=locked_split.budget_year, amount_fen=-fen, paid_on=on, payee=original.payee,
            voucher=voucher_text, reverses=original, reason=reason_text, created_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, action="fund.reverse", target=reversal, division=locked_split.county,
            old={"payment": original.pk, "amount_fen": original.amount_fen},
            new={"reverses": original.pk, "amount_fen": -fen, "voucher": voucher_text, "paid_on": on.isoformat()},
            reason=reason_text,
        )  # fmt: skip
    return reversal


__all__ = [
    "Role",
    "allocation_create",
    "allocation_lines_add",
    "payment_create",
    "payment_reverse",
    "split_confirm",
    "split_create",
    "split_refuse",
]
