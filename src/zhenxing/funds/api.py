"""The fund ledger over HTTP (P14): allocation documents (list, one, create with lines), a split (create,
confirm, refuse), a payment (create, reverse) and a county's 支出进度 by source. Thin: parse, fetch through the
scoped selectors (out of scope is 404), call one service; domain errors take the one error shape
(zhenxing/api.py): an input problem 422 naming its field, a state conflict 409, a role without the capability
403."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse
from ninja import Query, Router

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.common.errors import PermissionDenied, not_found
from zhenxing.funds import progress, services, watch
from zhenxing.funds import selectors as ledger
from zhenxing.funds.enums import FundSource
from zhenxing.funds.inputs import AllocationInput, LineInput
from zhenxing.funds.models import Allocation, AllocationLine, Payment, Split
from zhenxing.funds.schemas import (
    AllocationFilterIn,
    AllocationIn,
    AllocationOut,
    AllocationPage,
    AllocationRow,
    LineOut,
    PaymentIn,
    PaymentOut,
    ProgressOut,
    ProgressRow,
    RefuseIn,
    ReverseIn,
    SplitIn,
    SplitOut,
)
from zhenxing.policy.rules.projects import fen_to_wan

router = Router(tags=["衔接资金 funds"])
UNCONFIGURED = "未配置"  # the schedule's month end when no schedule parameter covers the budget year
PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise not_found()  # department keys do not read the ledger
    return user


def _viewer(request: HttpRequest) -> User:
    user = _user(request)
    if not has_capability(user, Capability.VIEW_FUNDS):
        raise PermissionDenied("您的角色不能查看衔接资金")
    return user


def _wan(fen: int) -> str:
    return str(fen_to_wan(fen))


def _row(allocation: Allocation) -> AllocationRow:
    return AllocationRow(
        id=allocation.pk, doc_number=allocation.doc_number, title=allocation.title, issued_on=allocation.issued_on,
        level=allocation.level, level_label=allocation.get_level_display(), budget_year=allocation.budget_year,
        advance=allocation.advance,
    )  # fmt: skip


def _line(line: AllocationLine) -> LineOut:
    balance = ledger.line_balance(line)
    return LineOut(
        id=line.pk, county=line.county.code, county_name=line.county.name, source=line.source,
        source_label=line.get_source_display(), amount=_wan(balance.amount_fen), split=_wan(balance.split_fen),
        released=_wan(balance.released_fen), remaining=_wan(balance.remaining_fen), paid=_wan(balance.paid_fen),
    )  # fmt: skip


def _detail(user: User, allocation: Allocation) -> AllocationOut:
    lines = ledger.line_list_for_user(user=user).filter(allocation=allocation).select_related("county")
    return AllocationOut(
        **_row(allocation).dict(), lines=[_line(line) for line in lines.order_by("county__code", "source")]
    )


def _split(split: Split) -> SplitOut:
    balance = ledger.split_balance(split)
    return SplitOut(
        id=split.pk, line=split.line_id, project=split.project_id, project_code=split.project.code,
        project_name=split.project.name, county=split.county.code, source=split.source,
        amount=_wan(split.amount_fen), status=split.status, status_label=split.get_status_display(),
        paid=_wan(balance.paid_fen), unpaid=_wan(balance.unpaid_fen),
    )  # fmt: skip


def _payment(payment: Payment) -> PaymentOut:
    return PaymentOut(
        id=payment.pk, split=payment.split_id, county=payment.county.code, amount=_wan(payment.amount_fen),
        paid_on=payment.paid_on, payee=payment.payee, voucher=payment.voucher, reverses=payment.reverses_id,
        reason=payment.reason,
    )  # fmt: skip


def _created(body: object) -> JsonResponse:
    assert hasattr(body, "model_dump")
    return JsonResponse(body.model_dump(mode="json"), status=201, json_dumps_params={"ensure_ascii": False})


@router.get("/funds/allocations", response=AllocationPage, summary="资金下达文件列表（限管辖范围，每页50条）")
def allocation_list(request: HttpRequest, params: Query[AllocationFilterIn]) -> AllocationPage:
    user = _viewer(request)
    allocations = ledger.allocation_list_for_user(user=user)
    if params.budget_year:
        allocations = allocations.filter(budget_year=params.budget_year)
    if params.county:
        allocations = allocations.filter(lines__county__code=params.county).distinct()
    page = Paginator(allocations.order_by("-budget_year", "-issued_on", "doc_number"), PAGE_SIZE).get_page(
        params.page
    )
    return AllocationPage(
        total=page.paginator.count, page=page.number, pages=page.paginator.num_pages,
        items=[_row(a) for a in page.object_list],
    )  # fmt: skip


@router.get("/funds/allocations/{allocation_id}", response=AllocationOut, summary="一个资金下达文件及其指标余额",
            url_name="fund_allocation")  # fmt: skip
def allocation_detail(request: HttpRequest, allocation_id: int) -> AllocationOut:
    user = _viewer(request)
    return _detail(user, ledger.allocation_get_for_user(user=user, pk=allocation_id))


@router.post("/funds/allocations", response={201: AllocationOut},
             summary="录入资金下达文件及各县指标（财政；文号+县+资金来源唯一，金额为万元）")  # fmt: skip
def allocation_create(request: HttpRequest, payload: AllocationIn) -> JsonResponse:
    user = _user(request)
    data = AllocationInput(
        doc_number=payload.doc_number, title=payload.title, issued_on=payload.issued_on, level=payload.level,
        budget_year=payload.budget_year, advance=payload.advance,
        lines=tuple(LineInput(line.county_code, line.source, line.amount) for line in payload.lines),
    )  # fmt: skip
    allocation = services.allocation_create(actor=user, data=data)
    return _created(_detail(user, ledger.allocation_get_for_user(user=user, pk=allocation.pk)))


@router.post("/funds/splits", response={201: SplitOut},
             summary="分配资金到项目库项目（财政直接生效；县乡村振兴局提出建议待财政确认）")  # fmt: skip
def split_create(request: HttpRequest, payload: SplitIn) -> JsonResponse:
    user = _user(request)
    line = ledger.line_get_for_user(user=user, pk=payload.line)
    project = ledger.project_for_funds(user=user, pk=payload.project)
    split = services.split_create(actor=user, line=line, project=project, amount=payload.amount)
    return _created(_split(ledger.split_get_for_user(user=user, pk=split.pk)))


@router.post("/funds/splits/{split_id}/confirm", response=SplitOut, summary="财政确认资金分配建议",
             url_name="fund_split_confirm")  # fmt: skip
def split_confirm(request: HttpRequest, split_id: int) -> SplitOut:
    user = _user(request)
    split = services.split_confirm(actor=user, split=ledger.split_get_for_user(user=user, pk=split_id))
    return _split(ledger.split_get_for_user(user=user, pk=split.pk))


@router.post("/funds/splits/{split_id}/refuse", response=SplitOut, summary="财政退回资金分配建议（须写理由）",
             url_name="fund_split_refuse")  # fmt: skip
def split_refuse(request: HttpRequest, split_id: int, payload: RefuseIn) -> SplitOut:
    user = _user(request)
    split = ledger.split_get_for_user(user=user, pk=split_id)
    refused = services.split_refuse(actor=user, split=split, reason=payload.reason)
    return _split(ledger.split_get_for_user(user=user, pk=refused.pk))


@router.post("/funds/payments", response={201: PaymentOut},
             summary="录入资金支付（财政；不超过分配的未支付余额，不早于下达日期）")  # fmt: skip
def payment_create(request: HttpRequest, payload: PaymentIn) -> JsonResponse:
    user = _user(request)
    split = ledger.split_get_for_user(user=user, pk=payload.split)
    payment = services.payment_create(
        actor=user, split=split, amount=payload.amount, paid_on=payload.paid_on, payee=payload.payee,
        voucher=payload.voucher,
    )  # fmt: skip
    return _created(_payment(ledger.payment_get_for_user(user=user, pk=payment.pk)))


@router.post("/funds/payments/{payment_id}/reverse", response={201: PaymentOut},
             summary="冲销一笔支付（负数记录，须写原因；不改原记录）", url_name="fund_payment_reverse")  # fmt: skip
def payment_reverse(request: HttpRequest, payment_id: int, payload: ReverseIn) -> JsonResponse:
    user = _user(request)
    payment = ledger.payment_get_for_user(user=user, pk=payment_id)
    reversal = services.payment_reverse(
        actor=user, payment=payment, amount=payload.amount, reason=payload.reason, voucher=payload.voucher,
        on=payload.on or clock.today(),
    )  # fmt: skip
    return _created(_payment(ledger.payment_get_for_user(user=user, pk=reversal.pk)))


def _progress_row(source: str, sums: progress.Sums) -> ProgressRow:
    rate = sums.progress
    return ProgressRow(
        source=source, source_label=FundSource(source).label if source else "合计",
        allocated=_wan(sums.allocated_fen), split=_wan(sums.split_fen), paid=_wan(sums.paid_fen),
        progress=f"{rate:.2f}" if rate is not None else None,
    )  # fmt: skip


@router.get("/funds/progress/{county}/{year}", response=ProgressOut, summary="一个县(市)一个预算年度的支出进度（按资金来源）",
            url_name="fund_progress")  # fmt: skip
def county_progress(request: HttpRequest, county: str, year: int) -> ProgressOut:
    user = _viewer(request)
    chosen = ledger.county_get_for_user(user=user, code=county)
    if not 2000 <= year <= 2100:
        raise not_found()
    sums = progress.ledger_sums(counties=[chosen.pk], budget_year=year, by=("source",))
    order = {source: index for index, source in enumerate(FundSource.values)}
    rows = sorted(sums.items(), key=lambda item: order.get(item[0][0], 99))
    total = progress.Sums(
        allocated_fen=sum(s.allocated_fen for s in sums.values()), split_fen=sum(s.split_fen for s in sums.values()),
        paid_fen=sum(s.paid_fen for s in sums.values()),
    )  # fmt: skip
    # a budget year before the schedule parameter's first year has no target: 未配置, not a failure
    schedule = watch.schedule_of(year, today=clock.today())
    return ProgressOut(
        county=chosen.code, county_name=chosen.name, budget_year=year,
        target_percent=schedule.target_percent if schedule.citation else None,
        month_end=schedule.month_end if schedule.citation else UNCONFIGURED, total=_progress_row("", total),
        sources=[_progress_row(key[0], value) for key, value in rows],
    )  # fmt: skip
