"""Ingesting a department's batch: validate each row, quarantine the bad ones (nothing personal kept),
match the rest to the rural registry by the ID's blind index, count what matches no one, all or nothing."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction

from zhenxing.audit import services as audit
from zhenxing.common.bulk import allocate_ids, insert_rows
from zhenxing.common.crypto import derived_key
from zhenxing.common.enums import Department
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput
from zhenxing.divisions.models import Division
from zhenxing.feeds.adapters import ADAPTERS
from zhenxing.feeds.models import FeedBatch, QuarantinedRow
from zhenxing.feeds.parsing import canonical_bytes, clean_rows
from zhenxing.feeds.snapshots import (
    current_snapshot,
    refuse_roster_rows,
    refuse_unless_newer,
    snapshot_of,
    supersede,
)
from zhenxing.registry.models import Household

if TYPE_CHECKING:
    from zhenxing.accounts.models import DepartmentApiKey, User

RECORD_COLUMNS = (
    "id", "batch_id", "department", "row_number", "person_id", "household_id", "village_code", "record_date",
    "end_date", "amount_fen", "amount2_fen", "code", "number", "flag",
)  # fmt: skip
MAX_ROWS = 200_000


_EMPTY_COLUMNS: dict[str, Any] = {
    "amount_fen": None, "amount2_fen": None, "code": "", "number": None, "flag": None, "end_date": None,
    "record_date": None,
}  # fmt: skip


@dataclass(frozen=True)
class IngestResult:
    batch: FeedBatch
    created: bool


def _chunks(values: list[Any], size: int = 2000) -> list[list[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


class _IdIndex:
    """common/crypto.id_number_index of each number (already normalised by parse_id_number), with the keyed
    HMAC state set up once per batch and each distinct number hashed once (a person has many settlements)."""

    def __init__(self) -> None:
        self.base = hmac.new(derived_key("id-index"), digestmod=hashlib.sha256)
        self.seen: dict[str, str] = {}

    def __call__(self, number: str) -> str:
        index = self.seen.get(number)
        if index is None:
            mac = self.base.copy()
            mac.update(number.encode("utf-8"))
            index = self.seen[number] = mac.hexdigest()
        return index


_PEOPLE_SQL = (
    "SELECT p.id_number_index, p.id, m.household_id FROM registry_person p"
    " LEFT JOIN registry_membership m ON m.person_id = p.id AND m.left_on IS NULL"
    " WHERE p.id_number_index = ANY(%s)"
)


def _people_and_homes(indexes: list[str]) -> tuple[dict[str, int], dict[int, int]]:
    """Blind index → person, and person → current household: on PostgreSQL one statement with the indexes
    as one array parameter (not 2,000 bound values a query), elsewhere in chunks."""
    people: dict[str, int] = {}
    homes: dict[int, int] = {}
    if not indexes:
        return people, homes
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PEOPLE_SQL, [indexes])
            parts: list[list[tuple[Any, ...]]] = [cursor.fetchall()]
        else:
            parts = []
            for part in _chunks(indexes):
                marks = ", ".join(["%s"] * len(part))  # placeholders only; the values are bound
                cursor.execute(_PEOPLE_SQL.replace("= ANY(%s)", f"IN ({marks})"), part)
                parts.append(cursor.fetchall())
    for part in parts:
        for index, person_id, household_id in part:
            people[index] = person_id
            if household_id is not None:
                homes[person_id] = household_id
    return people, homes


def _households(codes: list[str]) -> dict[str, int]:
    if not codes:
        return {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT code, id FROM registry_household WHERE code = ANY(%s)", [codes])
            return dict(cursor.fetchall())
    households: dict[str, int] = {}
    for part in _chunks(codes):
        households.update(Household.objects.filter(code__in=part).values_list("code", "id"))  # type: ignore[arg-type]
    return households


def feed_batch_ingest(
    *,
    department: str,
    rows: list[dict[str, Any]],
    source: str,
    actor: User | None = None,
    api_key: DepartmentApiKey | None = None,
    file_name: str = "",
) -> IngestResult:
    if department not in ADAPTERS:
        raise InvalidInput(
            [
                ErrorDetail(
                    ("department",),
                    "department_unknown",
                    f"未知部门 {department}，允许：{'、'.join(Department.values)}",
                )
            ]
        )
    if not rows:
        raise InvalidInput([ErrorDetail(("records",), "empty", "批次中没有记录")])
    if len(rows) > MAX_ROWS:
        raise InvalidInput(
            [ErrorDetail(("records",), "too_many", f"一个批次最多 {MAX_ROWS} 条记录，请分批推送")]
        )
    adapter = ADAPTERS[department]
    checksum = hashlib.sha256(canonical_bytes(rows)).hexdigest()
    existing = FeedBatch.objects.filter(department=department, checksum=checksum).first()
    if existing is not None:
        return IngestResult(existing, created=False)

    # a row is numbered as its sender sees it: an uploaded file's first record is line 2, under the header
    # line; a pushed batch numbers its records from 1
    first = 2 if source == "upload" else 1
    # a county's dated roster (P17): refused whole when its rows disagree, or when it is not newer than the
    # county's current roster — before any work, and again under the lock below
    snapshot = snapshot_of(adapter=adapter, rows=rows, first=first)
    if snapshot is not None:
        refuse_unless_newer(
            snapshot=snapshot,
            current=current_snapshot(department=department, county_code=snapshot.county.code),
        )
    date_field = next(f for f in adapter.fields if f.target == "record_date")

    cleaned: list[tuple[int, dict[str, Any]]] = []
    quarantine: list[tuple[int, str, str]] = []
    dated_by_roster: set[int] = set()
    for number, (values, problems) in enumerate(clean_rows(adapter, rows), start=first):
        if not problems and values.get(date_field.name) is None:
            if snapshot is not None:  # a roster row without its own start counts from the roster's date
                values[date_field.name] = snapshot.on
                dated_by_roster.add(number)
            else:
                problems.append((date_field.name, f"{date_field.label}：必填"))
        if problems:
            quarantine.extend((number, field, reason) for field, reason in problems)
        else:
            cleaned.append((number, values))
    if snapshot is not None and quarantine:
        # P17: a roster is a full list; stored without its bad rows it would make false differences (M3) and a
        # file whose rows are all bad would empty the county's roster: refused whole, nothing stored
        raise refuse_roster_rows(snapshot=snapshot, quarantine=quarantine)

    # match: ID (or disability certificate) → person → current household; 户编号 → household; village code
    index_of = _IdIndex()
    indexes = {}
    for number, values in cleaned:
        id_value = values.get("id_number") or (
            values["certificate"].id_number.number if values.get("certificate") else None
        )
        if id_value:
            indexes[number] = index_of(id_value)
    people, homes = _people_and_homes(sorted(set(indexes.values())))
    households = _households(sorted({v["household_code"] for _, v in cleaned if v.get("household_code")}))
    villages = set(
        Division.objects.filter(
            code__in={v["village_code"] for _, v in cleaned if v.get("village_code")}, level="village"
        ).values_list("code", flat=True)
    )

    records: list[tuple[Any, ...]] = []
    unmatched = 0
    targets = [(field.name, field.target) for field in adapter.fields if field.target]
    roster_flag = snapshot is not None and department == Department.CIVIL_AFFAIRS
    for number, values in cleaned:
        person_id = people.get(indexes.get(number, ""))
        household_id = households.get(values.get("household_code") or "") or (
            homes.get(person_id) if person_id else None
        )
        village_code = values.get("village_code") if values.get("village_code") in villages else ""
        if household_id is None and not village_code:
            unmatched += 1  # counted back to the department; nothing else about it is kept
            continue
        columns: dict[str, Any] = dict(_EMPTY_COLUMNS)
        for name, target in targets:
            value = values.get(name)
            if value is not None:
                columns[target] = value
        if roster_flag:
            # whether 民政 gave the start (P17): a row dated by the roster is no 新纳入 event (R12 skips it)
            columns["flag"] = number not in dated_by_roster
        certificate = values.get("certificate")
        if certificate:
            columns["code"], columns["number"] = str(certificate.category), certificate.grade
        records.append(
            (number, person_id, household_id, village_code, columns["record_date"], columns["end_date"], columns["amount_fen"],
             columns["amount2_fen"], columns["code"], columns["number"], columns["flag"])
        )  # fmt: skip

    actor_label = f"apikey:{api_key.prefix}" if api_key else None
    try:
        with transaction.atomic():
            if snapshot is not None:
                current = current_snapshot(department=department, county_code=snapshot.county.code, lock=True)
                refuse_unless_newer(snapshot=snapshot, current=current)
                if current is not None:
                    supersede(current=current, snapshot=snapshot, actor=actor, actor_label=actor_label)
            batch = FeedBatch.objects.create(
                department=department,
                county_code=snapshot.county.code if snapshot else "",
                snapshot_on=snapshot.on if snapshot else None,
                checksum=checksum,
                source=source,
                submitted_by=actor,
                api_key=api_key,
                file_name=file_name[:200],
                rows=len(rows),
                accepted=len(records),
                quarantined=len({number for number, _, _ in quarantine}),
                unmatched=unmatched,
            )
            ids = allocate_ids("feeds_feedrecord", len(records))
            insert_rows(
                "feeds_feedrecord",
                RECORD_COLUMNS,
                [(pk, batch.pk, department, *record) for pk, record in zip(ids, records, strict=True)],
            )
            QuarantinedRow.objects.bulk_create(
                [
                    QuarantinedRow(batch=batch, row_number=n, field=f, reason=r[:200])
                    for n, f, r in quarantine
                ],
                batch_size=2000,
            )
            audit.record(
                actor=actor,
                actor_label=actor_label,
                action="feed.ingest",
                target=batch,
                division=snapshot.county if snapshot else None,
                new={
                    "department": department,
                    "rows": batch.rows,
                    "accepted": batch.accepted,
                    "quarantined": batch.quarantined,
                    "unmatched": unmatched,
                    **(
                        {"county_code": snapshot.county.code, "snapshot_on": snapshot.on.isoformat()}
                        if snapshot
                        else {}
                    ),
                },
            )
    except IntegrityError as error:
        # the same batch arrived twice at the same moment; or two rosters of one county did
        same = FeedBatch.objects.filter(department=department, checksum=checksum).first()
        if same is not None:
            return IngestResult(same, created=False)
        if snapshot is not None:
            raise Conflict(
                f"同时收到了 {snapshot.county.name} 的另一份名册，本批未入库，请稍后重新报送",
                code="snapshot_concurrent",
            ) from error
        raise
    return IngestResult(batch, created=True)
