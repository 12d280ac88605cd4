"""The outcomes sent back to 民政 (P17), in the layout of their roster — the civil_affairs adapter's columns
(id_number, assistance, start, end, county_code, snapshot_date) and the outcome's: one row per difference a
comparison found whose lead is closed (EXPORT_SCOPE). The rows carry full ID numbers (民政 matches by them): the caller has
checked the role and audited the export (services.lowincome_export_record). Written through common/xlsx.py,
so no cell can become a formula."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from django.db.models import Q, QuerySet
from django.utils import timezone

from zhenxing.common.crypto import decrypt_id_number
from zhenxing.common.xlsx import Workbook
from zhenxing.divisions.models import Division
from zhenxing.monitoring.models import LowIncomeDifference, LowIncomeOutcome
from zhenxing.policy.rules.lowincome import KINDS
from zhenxing.registry.models import Membership, Person
from zhenxing.screening.models import LeadStatus

# (the roster's field, its Chinese header): the adapter's columns first, as 民政 sends them, then the outcome
COLUMNS = (
    ("id_number", "身份证号"),
    ("assistance", "救助类别"),
    ("start", "开始日期"),
    ("end", "结束日期"),
    ("county_code", "县级区划代码"),
    ("snapshot_date", "名册日期"),
    ("", "核实结果"),
    ("", "核实日期"),
    ("", "核实说明"),
    ("", "走访日期"),
    ("", "走访人"),
)
SHEET = "核实结果"
KEY_SHEET = "字段对照"


@dataclass(frozen=True)
class Row:
    difference: LowIncomeDifference
    person: Person | None
    outcome: LowIncomeOutcome | None


def closed_differences(*, county: Division) -> QuerySet[LowIncomeDifference]:
    """Every difference of the county (the caller fetched it in scope) whose lead is closed."""
    return LowIncomeDifference.objects.filter(
        county=county, lead__status__in=[LeadStatus.CONFIRMED, LeadStatus.DISMISSED]
    )


def differences_to_export(*, county: Division, batch_id: int | None) -> QuerySet[LowIncomeDifference]:
    """What an export sends 民政 (EXPORT_SCOPE): the closed differences of the county's current roster snapshot,
    plus those of earlier snapshots not exported yet — not every closed difference of every roster again."""
    closed = closed_differences(county=county)
    return (
        closed.filter(Q(batch_id=batch_id) | Q(exported_at__isnull=True))
        .select_related("batch", "record", "person", "lead", "lead__closed_by")
        .order_by("batch__snapshot_on", "batch_id", "kind", "household_id", "pk")
    )


EXPORT_SCOPE = "导出本县当前名册中已核实的差异，以及以前名册中已核实、尚未导出过的差异"


def export_rows(*, county: Division, batch_id: int | None) -> list[Row]:
    differences = list(differences_to_export(county=county, batch_id=batch_id))
    outcomes = {
        o.lead_id: o
        for o in LowIncomeOutcome.objects.filter(lead_id__in={d.lead_id for d in differences}).select_related(
            "visit__visited_by"
        )
    }
    # M2 is about the household: its row names the head (户主) as the person 民政 would look up
    heads = {
        m.household_id: m.person
        for m in Membership.objects.filter(
            household_id__in={d.household_id for d in differences if d.person_id is None},
            relation="户主",
            left_on__isnull=True,
        ).select_related("person")
    }
    return [
        Row(d, d.person if d.person_id else heads.get(d.household_id), outcomes.get(d.lead_id or 0))
        for d in differences
    ]


NO_HEAD = "（该户无户主，请核对）"
NOT_DECRYPTABLE = "（号码无法解密，请核对）"


def _id_number(person: Person | None) -> str:
    """The full number 民政 matches by; said plainly when there is none (an M2 household without a head) or
    it cannot be decrypted — never a masked number that looks like a real one."""
    if person is None:
        return NO_HEAD
    if person.id_number_encrypted:
        try:
            return decrypt_id_number(bytes(person.id_number_encrypted))
        except (ValueError, InvalidTag):  # a key rotated away or a damaged cipher: said in the cell
            return NOT_DECRYPTABLE
    return NOT_DECRYPTABLE


def _values(row: Row) -> list[Any]:
    d, outcome = row.difference, row.outcome
    lead = d.lead
    assert lead is not None
    visit = outcome.visit if outcome else None
    closed_on = timezone.localtime(lead.closed_at).date() if lead.closed_at else None
    kind = KINDS[d.kind]
    outcome_word = {LeadStatus.CONFIRMED: kind.confirmed, LeadStatus.DISMISSED: kind.dismissed}.get(
        LeadStatus(lead.status), lead.get_status_display()
    )
    result = f"{outcome_word}（{kind.title}）"
    return [
        _id_number(row.person),
        d.category,
        d.record.record_date if d.record else None,
        d.record.end_date if d.record else None,
        d.county_id,
        d.batch.snapshot_on,
        result,
        closed_on,
        outcome.note if outcome else lead.reason,
        timezone.localtime(visit.visited_at).date() if visit else None,
        (visit.visited_by.display_name or visit.visited_by.get_username()) if visit else "",
    ]


def export_workbook(rows: list[Row]) -> bytes:
    book = Workbook()
    sheet = book.add_sheet(SHEET)
    sheet.row(0, 0, [header for _, header in COLUMNS], book.bold)
    for index, row in enumerate(rows, start=1):
        sheet.row(index, 0, _values(row))
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, len(COLUMNS) - 1, 14)
    sheet.freeze_panes(1, 0)
    key = book.add_sheet(KEY_SHEET)
    key.row(0, 0, ["列名", "民政名册字段"], book.bold)
    for index, (field, header) in enumerate(COLUMNS, start=1):
        key.row(index, 0, [header, field or "（核实结果，新增列）"])
    return book.finish()
