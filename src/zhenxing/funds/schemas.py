"""The fund ledger's API shapes (P14). Amounts travel in 万元 as text or as a JSON number, parsed by the
services (inputs.fen_of: at most six decimals, to the fen), so that "1.0000001" is a 422 naming its field;
amounts go out as text in 万元, exact."""

from __future__ import annotations

import datetime
from typing import Annotated

from ninja import Field, Schema

from zhenxing.common.typed_text import Text

RowId = Annotated[int, Field(ge=1, le=2_147_483_647)]
Amount = Text | int | float  # 万元; a number is read by its shortest decimal form (1.0000001 stays refused)
Year = Annotated[int, Field(ge=2000, le=2100)]


class LineIn(Schema):
    county_code: Text = Field(description="县(市)区划代码（6位），如 532926")
    source: Text = Field(description="资金来源代码（central / province / prefecture / county …）")
    amount: Amount = Field(description='下达金额，万元，最多6位小数，如 "150" 或 "12.345678"')


class AllocationIn(Schema):
    doc_number: Text = Field(description="文号")
    title: Text = ""
    issued_on: datetime.date = Field(description="下达日期")
    level: Text = Field(description="下达层级：central 中央 / province 省级 / prefecture 州级 / county 县级")
    budget_year: Year
    advance: bool = Field(False, description="提前下达")
    lines: list[LineIn] = Field(default_factory=list, description="资金指标：每县每个资金来源一条")


class SplitIn(Schema):
    line: RowId = Field(description="资金指标（AllocationLine）的 id")
    project: RowId = Field(description="项目的 id（须在项目库中）")
    amount: Amount = Field(description="分配金额，万元")


class RefuseIn(Schema):
    reason: Text = Field(description="退回理由")


class PaymentIn(Schema):
    split: RowId = Field(description="资金分配（Split）的 id")
    amount: Amount = Field(description="支付金额，万元")
    paid_on: datetime.date
    payee: Text = Field(description="收款单位")
    voucher: Text = Field(description="凭证号")


class ReverseIn(Schema):
    amount: Amount = Field(description="冲销金额，万元（正数，不超过原支付可冲销的金额）")
    reason: Text = Field(description="冲销原因")
    voucher: Text = Field(description="冲销凭证号")
    on: datetime.date | None = Field(None, description="冲销日期；不填为今天")


class AllocationFilterIn(Schema):
    budget_year: int | None = None
    county: Text = Field("", description="只看有该县(市)指标的文件")
    page: int = Field(1, ge=1)


class LineOut(Schema):
    id: int
    county: str
    county_name: str
    source: str
    source_label: str
    amount: str = Field(description="下达金额，万元")
    split: str = Field(description="已分配（含待确认），万元")
    released: str = Field(description="出库退回和终止收回，万元")
    remaining: str = Field(description="指标余额，万元")
    paid: str = Field(description="已支付（冲销后），万元")


class AllocationRow(Schema):
    id: int
    doc_number: str
    title: str
    issued_on: datetime.date
    level: str
    level_label: str
    budget_year: int
    advance: bool


class AllocationOut(AllocationRow):
    lines: list[LineOut] = Field(description="您管辖范围内各县的指标")


class AllocationPage(Schema):
    total: int
    page: int
    pages: int
    items: list[AllocationRow]


class SplitOut(Schema):
    id: int
    line: int
    project: int
    project_code: str
    project_name: str
    county: str
    source: str
    amount: str = Field(description="分配金额，万元")
    status: str
    status_label: str
    paid: str = Field(description="已支付（冲销后），万元")
    unpaid: str = Field(description="未支付余额，万元")


class PaymentOut(Schema):
    id: int
    split: int
    county: str
    amount: str = Field(description="支付金额，万元；冲销为负数")
    paid_on: datetime.date
    payee: str
    voucher: str
    reverses: int | None
    reason: str


class ProgressRow(Schema):
    source: str
    source_label: str
    allocated: str = Field(description="下达，万元")
    split: str = Field(description="已分配到项目，万元")
    paid: str = Field(description="已支付，万元")
    progress: str | None = Field(description="支出进度（%，两位小数）；未下达时为空")


class ProgressOut(Schema):
    county: str
    county_name: str
    budget_year: int
    target_percent: int | None = Field(
        description="进度要求：到本月末应达到的百分比；该年度未配置进度要求时为 null"
    )
    month_end: str
    total: ProgressRow
    sources: list[ProgressRow]
