"""What the ledger's pages share (P14): the capability each view asks first (VIEW_FUNDS to read; ENTER_FUNDS,
or PROPOSE_SPLIT for a split, to write), the choices of the forms, and a domain error put on the page."""

from __future__ import annotations

from django.http import HttpRequest

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import request_user, require_capability
from zhenxing.common.errors import PermissionDenied
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.funds.enums import AllocationLevel, FundSource

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
