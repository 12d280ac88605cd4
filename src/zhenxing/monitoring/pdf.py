"""The notice as a printable page and as a PDF (WeasyPrint, Noto CJK), from the same template."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from zhenxing.monitoring.models import Notice
from zhenxing.registry.models import Membership


def notice_context(notice: Notice) -> dict[str, Any]:
    """Each listed household: head's name, masked ID, members, type applied for. Never a full ID (PIPL)."""
    rows = []
    for entry in notice.entries.select_related("case__household").order_by("case_id"):
        case = entry.case
        head = (
            Membership.objects.filter(household=case.household, relation="户主", left_on__isnull=True)
            .select_related("person")
            .first()
            if case.household_id
            else None
        )
        members = case.household.memberships.filter(left_on__isnull=True).count() if case.household else 0
        rows.append(
            {
                "case": case,
                "head": head.person.name if head else "",
                "id_masked": head.person.id_number_masked if head else "",
                "members": members,
                "kind": case.household.kind if case.household else "",
            }
        )
    return {"notice": notice, "rows": rows}


def notice_pdf(notice: Notice) -> bytes:
    from weasyprint import HTML

    html = render_to_string("monitoring/notice_print.html", {**notice_context(notice), "for_pdf": True})
    return bytes(HTML(string=html).write_pdf())
