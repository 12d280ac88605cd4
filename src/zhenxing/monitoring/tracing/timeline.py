"""A case's 办理记录 on its page: every application, step, visit, notice, objection and measure as one list
in time order (not grouped by kind), each step citing the parameters it used by name ("监测范围 2025年 第1版")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from zhenxing.monitoring.tracing.selectors import cited_parameters, on_day

if TYPE_CHECKING:
    from zhenxing.monitoring.models import Case


@dataclass(frozen=True)
class Link:
    url: str
    name: str


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    text: str
    date_only: bool = False  # a day (公示, 异议, 措施), not a moment
    step: str = ""
    overdue: bool = False
    parameters: str = ""
    links: tuple[Link, ...] = field(default=())


def _name(user: Any) -> str:
    if user is None:
        return "系统"
    return str(getattr(user, "display_name", "") or getattr(user, "username", ""))


def _attachments(record: Any) -> tuple[Link, ...]:
    return tuple(
        Link(reverse("monitoring:attachment", args=[a.pk]), a.name) for a in record.attachments.all()
    )


def case_timeline(case: Case, *, measures: list[Any] | None = None) -> list[TimelineEntry]:
    entries = [TimelineEntry(at=case.opened_at, text=f"发起（{case.get_source_display()}）")]
    for app in case.applications.all():
        behalf = f"（他人代举：{app.reporter_name}）" if app.on_behalf else ""
        entries.append(
            TimelineEntry(
                at=app.created_at,
                text=f"自主申报 {app.tracking_code}：{'、'.join(app.difficulties)}{behalf}",
            )
        )
    for step in case.steps.select_related("actor").prefetch_related("attachments"):
        findings = f"：{step.findings}" if step.findings else ""
        entries.append(
            TimelineEntry(
                at=step.done_at, step=step.step, overdue=step.overdue, links=_attachments(step),
                text=f"{step.get_step_display()} → {step.action}（{_name(step.actor)}）{findings}",
                parameters=cited_parameters(step.decision or {}),
            )
        )  # fmt: skip
    for visit in case.visits.select_related("visited_by").prefetch_related("attachments"):
        signed = "；已签授权书" if visit.authorization_signed else ""
        entries.append(
            TimelineEntry(
                at=visit.visited_at, links=_attachments(visit),
                text=f"走访（{_name(visit.visited_by)}，{visit.place}）：{visit.findings}{signed}",
            )
        )  # fmt: skip
    for notice in case.notices.all():
        link = (Link(reverse("monitoring:notice", args=[notice.pk]), notice.title),)
        if notice.posted_on:
            ends = f"{notice.ends_on:%Y-%m-%d}" if notice.ends_on else ""
            entries.append(
                TimelineEntry(
                    at=on_day(notice.posted_on), date_only=True, links=link, text=f"公示（至 {ends}）："
                )
            )
        else:
            entries.append(TimelineEntry(at=notice.created_at, links=link, text="公示（未发布）："))
    for objection in case.objections.all():
        resolution = f"：{objection.resolution}" if objection.resolution else ""
        entries.append(
            TimelineEntry(
                at=on_day(objection.received_on), date_only=True,
                text=f"异议（{objection.raised_by}）：{objection.content} — {objection.get_status_display()}{resolution}",
            )
        )  # fmt: skip
    for measure in measures if measures is not None else case.measures.all():
        early = "，绿色通道先行" if measure.before_confirmation else ""
        entries.append(
            TimelineEntry(
                at=on_day(measure.started_on), date_only=True,
                text=f"帮扶措施：{measure.category} {measure.content}（{measure.started_on:%Y-%m-%d}起{early}）",
            )
        )  # fmt: skip
    return sorted(entries, key=lambda entry: entry.at)
