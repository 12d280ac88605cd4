"""The project library's API shapes (P14). Amounts travel as text in 万元 (to the fen: at most six decimals),
exactly as typed on the form, so that no float ever carries money; the entry check (entry.check_proposal)
parses and refuses them with the field named."""

from __future__ import annotations

import datetime
from typing import Annotated

from ninja import Field, Schema

from zhenxing.common.typed_text import Text

RowId = Annotated[int, Field(ge=1, le=2_147_483_647)]  # a household's id: the column's range, not an overflow


class PlaceIn(Schema):
    village: Text = Field(description="行政村区划代码（12位）")
    natural_village: Text = Field("", description="自然村名称；不填为全村")


class TargetIn(Schema):
    kind: Text = Field(description="output 产出指标 / benefit 效益指标 / satisfaction 满意度指标")
    indicator: Text
    target_value: Text


class ProjectIn(Schema):
    """A proposal with the keys of ProjectInput (entry.py)."""

    name: Text = ""
    year: int | None = None
    category: Text = Field("", description="项目类别代码（ProjectCategory.code）")
    places: list[PlaceIn] = []
    implementing_unit: Text = ""
    content: Text = ""
    scale: Text = ""
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    total: Text = Field("", description='计划总投资，万元，最多6位小数（到分），如 "120.5"')
    sources: dict[str, Text] = Field(default_factory=dict, description="资金来源代码 → 万元（文本）")
    targets: list[TargetIn] = []
    linkage_mechanisms: list[Text] = []
    linked_tuopin_people: int | None = None
    linked_monitoring_people: int | None = None
    to_households: bool = False
    household_ids: list[RowId] = []
    emergency: bool = False
    emergency_kind: Text = ""
    emergency_reason: Text = ""


class AdjustIn(ProjectIn):
    """项目调整: the new version's proposal (the keys of ProjectInput) and why it changes."""

    adjustment_reason: Text = Field("", description="调整原因（建设内容、资金或地点的变化）")


class MoveIn(Schema):
    to: Text = Field(description="目标环节（ProjectStatus 代码），如 township_review")
    opinion: Text = ""
    on: datetime.date | None = Field(None, description="开工、竣工、验收的日期；不填为今天")


class ProjectFilterIn(Schema):
    county: Text = ""
    year: int | None = None
    status: Text = Field("", description="ProjectStatus 代码，或 library（在库：审定且未出库）")
    group: Text = Field("", description="类别大类，如 产业发展")
    level: Text = ""
    overdue: bool = False
    mine: bool = Field(False, description="只看待我办理（本角色办理的环节）")
    q: Text = ""
    page: int = Field(1, ge=1)


class PlaceOut(Schema):
    village: str
    village_name: str
    natural_village: str


class TargetOut(Schema):
    kind: str
    kind_label: str
    indicator: str
    target_value: str


class ProjectRow(Schema):
    id: int
    code: str
    version: int
    name: str
    year: int
    category: str
    category_label: str
    level: str
    level_label: str
    county: str
    division: str
    division_name: str
    total: str = Field(description="计划总投资，万元")
    status: str
    status_label: str
    step_due: datetime.date | None
    is_overdue: bool
    emergency: bool


class ProjectOut(ProjectRow):
    implementing_unit: str
    content: str
    scale: str
    starts_on: datetime.date
    ends_on: datetime.date
    sources: dict[str, str] = Field(description="资金来源代码 → 万元")
    places: list[PlaceOut]
    targets: list[TargetOut]
    linkage_mechanisms: list[str]
    linked_tuopin_people: int | None
    linked_monitoring_people: int | None
    to_households: bool
    household_count: int
    emergency_kind: str
    emergency_reason: str
    decided_on: datetime.date | None
    previous_id: int | None
    adjustment_reason: str


class ProjectPage(Schema):
    total: int
    page: int
    pages: int
    items: list[ProjectRow]
