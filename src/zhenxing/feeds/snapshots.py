"""Roster snapshots (P17): 民政 sends its 低保, 特困, 低保边缘 and 刚性支出困难 rosters as one full list per county
and date. A batch whose rows name a county and a date is such a snapshot; it must name one real Dali county
and one date on every row, or it is refused whole. The newest snapshot of a county is its current roster: a
later one supersedes it in the same transaction (audited), an older or same-dated one is refused."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from zhenxing.audit import services as audit
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput
from zhenxing.divisions.codes import PREFECTURE_CODE
from zhenxing.divisions.models import Division
from zhenxing.feeds.adapters import SNAPSHOT_FIELDS, Adapter
from zhenxing.feeds.models import FeedBatch
from zhenxing.feeds.parsing import clean

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

SHOWN_ROWS = 5  # rows named in a refusal; the rest are counted


@dataclass(frozen=True)
class Snapshot:
    county: Division
    on: datetime.date


def _rows_named(numbers: list[int]) -> str:
    shown = "、".join(f"第{n}行" for n in numbers[:SHOWN_ROWS])
    return shown + (f"等 {len(numbers)} 行" if len(numbers) > SHOWN_ROWS else "")


def snapshot_of(*, adapter: Adapter, rows: list[dict[str, Any]], first: int) -> Snapshot | None:
    """The county and date the batch is a roster of; None for an event-style batch (no row names either).
    Refused (InvalidInput, Chinese) when the rows disagree, leave them out, or name no Dali county."""
    fields = {f.name: f for f in adapter.fields if f.name in SNAPSHOT_FIELDS}
    if len(fields) != len(SNAPSHOT_FIELDS):
        return None
    county_field, date_field = fields["county_code"], fields["snapshot_date"]
    counties: dict[str, list[int]] = {}
    dates: dict[datetime.date, list[int]] = {}
    incomplete: list[int] = []
    problems: list[ErrorDetail] = []
    for number, row in enumerate(rows, start=first):
        try:
            county = clean(county_field, row.get("county_code"))
            on = clean(date_field, row.get("snapshot_date"))
        except ValueError as error:
            if len(problems) < SHOWN_ROWS:
                problems.append(
                    ErrorDetail(("records", number), "snapshot_field_invalid", f"第{number}行：{error}")
                )
            continue
        if county:
            counties.setdefault(county, []).append(number)
        if on:
            dates.setdefault(on, []).append(number)
        if not county or not on:
            incomplete.append(number)
    if not counties and not dates and not problems:
        return None
    if incomplete:
        problems.append(
            ErrorDetail(
                ("records",),
                "snapshot_incomplete",
                f"名册的每一行都应填写县级区划代码和名册日期，{_rows_named(incomplete)}未填全",
            )
        )
    if len(counties) > 1:
        named = "；".join(f"{code}（{_rows_named(numbers)}）" for code, numbers in sorted(counties.items()))
        problems.append(
            ErrorDetail(
                ("records",), "snapshot_counties_mixed", f"一份名册只能是一个县的，这批记录含多个县：{named}"
            )
        )
    if len(dates) > 1:
        named = "；".join(
            f"{on.isoformat()}（{_rows_named(numbers)}）" for on, numbers in sorted(dates.items())
        )
        problems.append(
            ErrorDetail(
                ("records",),
                "snapshot_dates_mixed",
                f"一份名册只能有一个名册日期，这批记录含多个日期：{named}",
            )
        )
    county_division = None
    if len(counties) == 1:
        (code,) = counties
        county_division = Division.objects.filter(
            level="county", code=code, code__startswith=PREFECTURE_CODE
        ).first()
        if county_division is None:
            problems.append(
                ErrorDetail(("records",), "snapshot_county_unknown", f"{code} 不是大理州的县级区划代码")
            )
    if problems:
        raise InvalidInput(problems)
    assert county_division is not None
    (on,) = dates
    return Snapshot(county=county_division, on=on)


def current_snapshot(*, department: str, county_code: str, lock: bool = False) -> FeedBatch | None:
    batches = FeedBatch.objects.filter(
        department=department, county_code=county_code, superseded_at__isnull=True
    ).exclude(county_code="")
    return (batches.select_for_update() if lock else batches).first()


REFUSED_ROWS_SHOWN = 20  # rows (with their reasons) a refused roster names; the rest are counted


def refuse_roster_rows(*, snapshot: Snapshot, quarantine: list[tuple[int, str, str]]) -> InvalidInput:
    """P17: a roster is the county's full list, so a roster with any rejected row is refused whole (an event-style
    batch keeps its good rows and quarantines the bad ones). The error names the first rows and why."""
    reasons: dict[int, list[str]] = {}
    for number, _field, reason in quarantine:
        reasons.setdefault(number, []).append(reason)
    numbers = sorted(reasons)
    shown = "；".join(f"第{n}行：{'，'.join(reasons[n])}" for n in numbers[:REFUSED_ROWS_SHOWN])
    more = f"；等共 {len(numbers)} 行" if len(numbers) > REFUSED_ROWS_SHOWN else ""
    message = (
        f"{snapshot.county.name} {snapshot.on.isoformat()} 的名册有 {len(numbers)} 行不合格，整份名册未接收"
        f"（名册是全量名单，缺行会造成虚假差异）。请更正后重新报送：{shown}{more}"
    )
    return InvalidInput([ErrorDetail(("records",), "roster_rows_rejected", message)])


def refuse_unless_newer(*, snapshot: Snapshot, current: FeedBatch | None) -> None:
    """P17: only a later roster replaces the county's current one; nothing is stored otherwise."""
    if current is None or current.snapshot_on is None or snapshot.on > current.snapshot_on:
        return
    county, on, held = snapshot.county.name, snapshot.on.isoformat(), current.snapshot_on.isoformat()
    if snapshot.on == current.snapshot_on:
        message = (
            f"{county} {on} 的名册已由第 {current.pk} 批接收，内容与本批不同；"
            "如需更正，请以更新的名册日期重新报送"
        )
        raise Conflict(message, code="snapshot_same_date")
    message = f"{county} 已有 {held} 的名册（第 {current.pk} 批），早于它的 {on} 名册不再接收"
    raise Conflict(message, code="snapshot_outdated")


def supersede(*, current: FeedBatch, snapshot: Snapshot, actor: User | None, actor_label: str | None) -> None:
    """Mark the county's current roster replaced; inside the new roster's transaction, the row locked."""
    old = {"superseded_at": None}
    current.superseded_at = timezone.now()
    current.save(update_fields=["superseded_at"])
    audit.record(
        actor=actor,
        actor_label=actor_label,
        action="feed.roster_supersede",
        target=current,
        division=snapshot.county,
        old=old,
        new={
            "superseded_at": current.superseded_at.isoformat(),
            "county_code": current.county_code,
            "snapshot_on": current.snapshot_on.isoformat() if current.snapshot_on else None,
            "replaced_by_snapshot_on": snapshot.on.isoformat(),
        },
    )
