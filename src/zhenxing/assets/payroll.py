"""The bank 代发 file of an income-distribution plan (P15 实施: paid to each beneficiary, never in cash by hand):
one row per person (payouts of the same person on several lines summed), with the full ID number the bank
needs. Only a role that may reveal ID numbers downloads it, from 决议公开 on; each download is audited as an
export (how many rows, never a number)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.assets.enums import LineKind, PlanStatus
from zhenxing.assets.models import DistributionPlan, PlanPayout
from zhenxing.audit import services as audit
from zhenxing.common.crypto import decrypt_id_number
from zhenxing.common.errors import Conflict, PermissionDenied
from zhenxing.common.xlsx import single_sheet

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

PAYROLL_STATES = (PlanStatus.PUBLISHED, PlanStatus.IMPLEMENTED, PlanStatus.CLOSED)
HEADER = ("序号", "姓名", "身份证号", "金额（元）", "资金用途", "备注")


@dataclass
class PayrollRow:
    person_pk: int
    name: str
    id_number: str
    household_code: str
    amount_fen: int = 0
    uses: list[str] = field(default_factory=list)


def payroll_rows(plan: DistributionPlan) -> list[PayrollRow]:
    """One row per person, in the order of their first payout; the ID number decrypted."""
    rows: dict[int, PayrollRow] = {}
    payouts = (
        PlanPayout.objects.filter(line__plan=plan)
        .select_related("person", "household", "line")
        .order_by("line_id", "pk")
    )
    for payout in payouts:
        person = payout.person
        row = rows.get(person.pk)
        if row is None:
            blob = person.id_number_encrypted
            number = decrypt_id_number(bytes(blob)) if blob is not None else ""
            row = rows[person.pk] = PayrollRow(person.pk, person.name, number, payout.household.code or "")
        row.amount_fen += payout.amount_fen
        label = LineKind(payout.line.kind).label
        if label not in row.uses:
            row.uses.append(label)
    return list(rows.values())


def plan_payroll_export(*, actor: User, plan: DistributionPlan) -> tuple[bytes, int]:
    """The workbook and its row count; the reveal of the numbers audited in the same transaction."""
    if not has_capability(actor, Capability.REVEAL_ID_NUMBER) or not has_capability(
        actor, Capability.TEND_ASSETS
    ):
        raise PermissionDenied("您的角色不能导出含完整身份证号的代发名单")
    if plan.status not in PAYROLL_STATES:
        raise Conflict("决议公开后才能导出银行代发名单")
    with transaction.atomic():
        rows = payroll_rows(plan)
        audit.record(actor=actor, action="asset.export", target=plan, division=plan.village,
                     new={"report": "payroll", "plan": plan.pk, "rows": len(rows)})  # fmt: skip
    content = single_sheet(
        "代发名单", HEADER,
        [(index, row.name, row.id_number, row.amount_fen / 100, "、".join(row.uses), row.household_code)
         for index, row in enumerate(rows, start=1)],
    )  # fmt: skip
    return content, len(rows)
