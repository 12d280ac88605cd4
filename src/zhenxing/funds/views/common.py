"""What the ledger's pages share (P14): the capability each view asks first (VIEW_FUNDS to read; ENTER_FUNDS,
or PROPOSE_SPLIT for a split, to write), the choices of the forms, and a domain error put on the page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import request_user, require_capability
from zhenxing.common.errors import PermissionDenied
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.funds import selectors
from zhenxing.funds.enums import AllocationLevel, FundSource, SplitStatus
from zhenxing.funds.models import AllocationLine

C = Capability
MESSAGES = {
    C.VIEW_FUNDS: "您的角色不能查看资金台账",
    C.ENTER_FUNDS: "只有财政部门可以录入资金下达、分配和支付",
}


def require(request: HttpRequest, capability: Capability) -> User:
    return require_capability(request, capability, MESSAGES.get(capability, "您没有权限"))


def require_splitter(request: HttpRequest) -> User:
    """The finance bureau splits, the county's 乡村振兴局 proposes (P14); nobody else."""
    user = request_user(request)
    if not (has_capability(user, C.ENTER_FUNDS) or has_capability(user, C.PROPOSE_SPLIT)):
        raise PermissionDenied("只有财政部门或县乡村振兴部门可以分配资金")
    return user


def is_finance(user: User) -> bool:
    return has_capability(user, C.ENTER_FUNDS)


def may_split(user: User) -> bool:
    return has_capability(user, C.ENTER_FUNDS) or has_capability(user, C.PROPOSE_SPLIT)


def own_county(user: User) -> str:
    """A county bureau's own county code (pre-selected on its forms); "" for the prefecture's."""
    jurisdiction = user.jurisdiction
    return (
        jurisdiction.code if jurisdiction is not None and jurisdiction.level == DivisionLevel.COUNTY else ""
    )


SOURCES = FundSource.choices
LEVELS = AllocationLevel.choices


@dataclass(frozen=True)
class LineFigures:
    """A line's figures as every ledger page names them (P14): 已分配 counts the splits in force only, 待确认 the
    county's proposals apart (they hold money on the line but are not split yet, nor payable), 余额 what is left
    after both (plus what 出库 gave back)."""

    amount_fen: int
    split_fen: int
    proposed_fen: int
    released_fen: int
    remaining_fen: int
    paid_fen: int


def line_figures(line: AllocationLine) -> LineFigures:
    balance = selectors.line_balance(line)
    proposed = int(
        line.splits.filter(status=SplitStatus.PROPOSED).aggregate(total=Coalesce(Sum("amount_fen"), 0))[
            "total"
        ]
    )
    return LineFigures(
        amount_fen=balance.amount_fen, split_fen=balance.split_fen - proposed, proposed_fen=proposed,
        released_fen=balance.released_fen, remaining_fen=balance.remaining_fen, paid_fen=balance.paid_fen,
    )  # fmt: skip
