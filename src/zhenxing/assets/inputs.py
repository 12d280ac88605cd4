"""What a person enters for the asset register, before any check against the records: asset values and
valuations in 万元 (as project money is), incomes, plan lines and payouts in 元, dates, owners, care, meetings
and postings. The pages, the API and the workbook import build these; the services check them and name the
field of each problem."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zhenxing.funds.inputs import fen_of, invalid
from zhenxing.policy.rules.assets import yuan_to_fen

if TYPE_CHECKING:
    from zhenxing.registry.models import Household


# an amount in 万元 as integer fen, and a one-field error: the fund ledger's, as project money is entered there
fen_of_wan = fen_of
__all__ = ["fen_of_wan", "invalid"]


def fen_of_yuan(raw: object, *, field_name: str, label: str, allow_zero: bool = False) -> int:
    try:
        fen = yuan_to_fen(raw, label=label)
    except ValueError as error:
        raise invalid(field_name, "amount", str(error)) from error
    if fen == 0 and not allow_zero:
        raise invalid(field_name, "amount", f"{label}应大于0")
    return fen


def text_of(raw: object, *, field_name: str, label: str, limit: int, required: bool = True) -> str:
    text = str(raw or "").strip()
    if required and not text:
        raise invalid(field_name, "required", f"请填写{label}")
    if len(text) > limit:
        raise invalid(field_name, "too_long", f"{label}最多{limit}个字")
    return text


@dataclass(frozen=True)
class AssetInput:
    """One asset to register: from an accepted project (its value in 万元, split over the sources of what the
    project paid), or an older one entered with its document (its value and source stated)."""

    name: str
    asset_type_code: str
    quantity: object
    division_code: str  # the administrative village (or township, county) where it stands
    natural_village: str = ""  # 自然村 name under the village, created if new
    location: str = ""
    value: object = ""  # 万元
    form: str = "physical"
    equity_exit_method: str = ""
    formed_on: datetime.date | None = None
    source_document: str = ""  # an older asset's document (文件、批复、台账编号)
    legacy_source: str = ""  # an older asset's fund source (projects.enums.FundSource), if known


@dataclass(frozen=True)
class OwnerInput:
    kind: str
    name: str
    document: str
    on: datetime.date
    household: Household | None = None


@dataclass(frozen=True)
class CareInput:
    unit: str
    person: str
    phone: str = ""
    rules: str = ""


@dataclass(frozen=True)
class HandoverInput:
    on: datetime.date
    receiver: str
    care: CareInput | None
    first_inspection_due: datetime.date | None = None  # set by the service from the asset_care parameter
    citation: dict[str, object] | None = None


@dataclass(frozen=True)
class MeetingInput:
    held_on: datetime.date
    attendees: int
    expected: int
    minutes: str


@dataclass(frozen=True)
class PostingInput:
    place: str
    posted_from: datetime.date
    posted_until: datetime.date


@dataclass(frozen=True)
class PayoutInput:
    person_pk: int
    amount: object  # 元


@dataclass(frozen=True)
class PlanLineInput:
    kind: str
    description: str
    amount: object  # 元: the line's total (for a kept line) — a paying line's total is its payouts' sum
    payouts: tuple[PayoutInput, ...] = ()


@dataclass(frozen=True)
class PlanInput:
    village_code: str
    year: int
    title: str
    income: object  # 元: the income being distributed
    lines: tuple[PlanLineInput, ...]
    meeting: MeetingInput | None = None  # 村党组织提议's meeting


@dataclass(frozen=True)
class DisposalInput:
    kind: str
    reason: str
    valuation: object  # 万元
    valuation_basis: str
    legal_basis: str = ""
