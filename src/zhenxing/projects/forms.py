"""The proposal form (申报, 项目调整) as typed: read from a POST into the entry's ProjectInput, kept as typed for
a re-render, and the service's errors (ErrorDetail.loc, the form's own keys) put next to their fields. The
entry conditions themselves are checked once, by entry.check_proposal; here only what cannot even be read
(a date that is no date, a count that is no number) is named."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms

from zhenxing.common.errors import ErrorDetail
from zhenxing.policy.rules.projects import LINKAGE_MECHANISMS, fen_to_wan
from zhenxing.projects.entry import ProjectInput
from zhenxing.projects.enums import EmergencyKind, FundSource, TargetKind
from zhenxing.projects.models import Project

PLACE_ROWS = 3  # blank place rows offered (a project may serve several villages and natural villages)
TARGET_ROWS = 3  # at least one row per kind of 绩效目标
HOUSEHOLD_MAX = 500
# the keys an error names that have a place on the form; any other is shown above the form
FIELD_KEYS = (
    "name", "year", "category", "places", "implementing_unit", "content", "scale", "starts_on", "ends_on",
    "total", "sources", "targets", "linkage_mechanisms", "linked_tuopin_people", "linked_monitoring_people",
    "households", "emergency", "emergency_kind", "emergency_reason", "adjustment_reason",
)  # fmt: skip
DEFAULT_TARGET_KINDS = (TargetKind.OUTPUT, TargetKind.BENEFIT, TargetKind.SATISFACTION)


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _count(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


@dataclass
class ProposalForm:
    """What the person typed, every value as text, and the problems found, by the error's key."""

    values: dict[str, str] = field(default_factory=dict)
    places: list[tuple[str, str]] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    targets: list[tuple[str, str, str]] = field(default_factory=list)
    linkage: list[str] = field(default_factory=list)
    household_ids: list[int] = field(default_factory=list)
    to_households: bool = False
    emergency: bool = False
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def blank(cls, *, year: int) -> ProposalForm:
        return cls(values={"year": str(year)}, targets=[(kind, "", "") for kind in DEFAULT_TARGET_KINDS])

    @classmethod
    def from_post(cls, post: Any) -> ProposalForm:
        values = {
            key: str(post.get(key, "")).strip()
            for key in ("name", "year", "category", "implementing_unit", "content", "scale", "starts_on",
                        "ends_on", "total", "linked_tuopin_people", "linked_monitoring_people",
                        "emergency_kind", "emergency_reason", "adjustment_reason")
        }  # fmt: skip
        villages, naturals = post.getlist("place_village"), post.getlist("place_natural")
        places = [
            (v.strip(), n.strip()) for v, n in zip(villages, naturals, strict=False) if v.strip() or n.strip()
        ]
        kinds, indicators = post.getlist("target_kind"), post.getlist("target_indicator")
        target_values = post.getlist("target_value")
        targets = [
            (k, i.strip(), v.strip())
            for k, i, v in zip(kinds, indicators, target_values, strict=False)
            if i.strip() or v.strip()
        ]
        ids: list[int] = []
        for raw in post.getlist("households")[:HOUSEHOLD_MAX]:
            if str(raw).isdigit() and int(raw) not in ids:
                ids.append(int(raw))
        return cls(
            values=values, places=places,
            sources={source: str(post.get(f"source_{source}", "")).strip() for source in FundSource.values},
            targets=targets, linkage=[m for m in post.getlist("linkage_mechanisms") if m],
            household_ids=ids, to_households=post.get("to_households") == "on",
            emergency=post.get("emergency") == "on",
        )  # fmt: skip

    @classmethod
    def from_project(cls, project: Project) -> ProposalForm:
        """An adjustment starts from the version it changes."""
        values = {
            "name": project.name, "year": str(project.year), "category": project.category.code,
            "implementing_unit": project.implementing_unit, "content": project.content, "scale": project.scale,
            "starts_on": project.starts_on.isoformat(), "ends_on": project.ends_on.isoformat(),
            "total": str(fen_to_wan(project.total_fen)),
            "linked_tuopin_people": "" if project.linked_tuopin_people is None else str(project.linked_tuopin_people),
            "linked_monitoring_people": (
                "" if project.linked_monitoring_people is None else str(project.linked_monitoring_people)
            ),
        }  # fmt: skip
        places = [
            (place.village.code, place.natural_village.name if place.natural_village else "")
            for place in project.places.select_related("village", "natural_village").order_by("pk")
        ]
        return cls(
            values=values, places=places,
            sources={f.source: str(fen_to_wan(f.amount_fen)) for f in project.fundings.all()},
            targets=[(t.kind, t.indicator, t.target_value) for t in project.targets.order_by("pk")],
            linkage=list(project.linkage_mechanisms or []),
            household_ids=list(project.beneficiaries.order_by("pk").values_list("household_id", flat=True)),
            to_households=project.to_households,
        )  # fmt: skip

    def to_input(self) -> ProjectInput:
        """The ProjectInput to check; what cannot be read is left empty and named in `errors`."""
        v = self.values
        year = int(v["year"]) if v.get("year", "").isdigit() else None
        if v.get("year") and year is None:
            self.add("year", "项目年度应为四位数字，如 2026")
        dates: dict[str, datetime.date | None] = {}
        for key, label in (("starts_on", "计划开工日期"), ("ends_on", "计划完工日期")):
            dates[key] = _date(v.get(key, ""))
            if v.get(key) and dates[key] is None:
                self.add(key, f"{label}应为日期，如 2026-03-01")
        counts: dict[str, int | None] = {}
        for key in ("linked_tuopin_people", "linked_monitoring_people"):
            counts[key] = _count(v.get(key, ""))
            if v.get(key) and counts[key] is None:
                self.add(key, "人数应为不小于0的整数")
        return ProjectInput(
            name=v.get("name", ""), year=year, category=v.get("category", ""), places=self.places,
            implementing_unit=v.get("implementing_unit", ""), content=v.get("content", ""),
            scale=v.get("scale", ""), starts_on=dates["starts_on"], ends_on=dates["ends_on"],
            total=v.get("total", ""), sources=self.sources, targets=self.targets,
            linkage_mechanisms=self.linkage, linked_tuopin_people=counts["linked_tuopin_people"],
            linked_monitoring_people=counts["linked_monitoring_people"], to_households=self.to_households,
            household_ids=self.household_ids if self.to_households else [], emergency=self.emergency,
            emergency_kind=v.get("emergency_kind", ""), emergency_reason=v.get("emergency_reason", ""),
        )  # fmt: skip

    def add(self, key: str, message: str) -> None:
        if message not in self.errors[key]:
            self.errors[key].append(message)

    def add_details(self, details: Iterable[ErrorDetail]) -> None:
        for detail in details:
            self.add(".".join(str(part) for part in detail.loc) or "form", detail.message)

    @property
    def has_errors(self) -> bool:
        return any(self.errors.values())

    # for the template: the errors beside each field, each row's own, and the rest above the form

    def field_errors(self) -> dict[str, list[str]]:
        shown: dict[str, list[str]] = defaultdict(list)
        for key, messages in self.errors.items():
            head = key.split(".")[0]
            if head in ("places", "sources") and "." in key:
                continue  # beside its row
            if head in FIELD_KEYS:
                shown[head].extend(messages)
        return dict(shown)

    def general_errors(self) -> list[str]:
        return [
            m
            for key, messages in self.errors.items()
            if key.split(".")[0] not in FIELD_KEYS
            for m in messages
        ]

    def all_errors(self) -> list[str]:
        return [m for messages in self.errors.values() for m in messages]

    def place_rows(self) -> list[dict[str, Any]]:
        rows = list(self.places) + [("", "")] * max(PLACE_ROWS - len(self.places), 1)
        return [
            {"index": i, "village": village, "natural": natural, "errors": self.errors.get(f"places.{i}", [])}
            for i, (village, natural) in enumerate(rows)
        ]

    def source_rows(self) -> list[dict[str, Any]]:
        return [
            {"key": key, "label": label, "value": self.sources.get(key, ""),
             "errors": self.errors.get(f"sources.{key}", [])}
            for key, label in FundSource.choices
        ]  # fmt: skip

    def target_rows(self) -> list[tuple[str, str, str]]:
        rows = list(self.targets)
        kinds = {kind for kind, _, _ in rows}
        rows += [(kind, "", "") for kind in DEFAULT_TARGET_KINDS if kind not in kinds]
        return rows + [("", "", "")] * max(TARGET_ROWS - len(rows), 1)


def linkage_choices() -> list[tuple[str, str]]:
    return list(LINKAGE_MECHANISMS.items())


def target_kind_choices() -> list[tuple[str, str]]:
    return list(TargetKind.choices)


def emergency_kind_choices() -> list[tuple[str, str]]:
    return list(EmergencyKind.choices)


class MoveForm(forms.Form):
    """One step on a project's page: the target, the opinion, the day of 开工/竣工/验收 (today when empty)."""

    to = forms.CharField(max_length=30)
    opinion = forms.CharField(required=False, max_length=2000)
    on = forms.DateField(required=False, error_messages={"invalid": "日期格式应为 2026-03-01"})


class BatchForm(forms.Form):
    opinion = forms.CharField(required=False, max_length=2000)
    projects = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args: Any, project_ids: Iterable[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projects"].choices = [(pk, pk) for pk in project_ids]  # type: ignore[attr-defined]
        self.fields["projects"].error_messages["invalid_choice"] = "所选项目不在本县州审定环节，请刷新后重试"
