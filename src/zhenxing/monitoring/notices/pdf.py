"""The notice as a printable page and as a PDF (WeasyPrint, Noto CJK), from the same template.

What a notice shows is P17's list and nothing more: the head's name, the natural village, the household's
size and its (proposed) monitoring type; the risk category only where the county turned it on. No ID number
(not even masked), no phone, no bank account, no health details: a notice is posted on the village wall."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from zhenxing.common import clock
from zhenxing.monitoring.decisions import suggested_classification
from zhenxing.monitoring.enums import CaseStatus, NoticePurpose
from zhenxing.monitoring.models import Case, Notice
from zhenxing.monitoring.notices.services import notice_days, notice_shows_risk_types
from zhenxing.paths import PACKAGE_DIR
from zhenxing.policy.wording import object_name_in_full, object_name_on
from zhenxing.registry.models import Membership

PRINT_STYLESHEET = "zhenxing/css/notice_print.css"


def _classification(case: Case, purpose: str) -> tuple[str, list[str]]:
    """The monitoring type and risk types to show: the county's for an elimination notice, the policy
    engine's suggestion kept at 研判 for an identification notice (the county has not decided yet)."""
    if purpose == NoticePurpose.ELIMINATION or case.monitoring_type:
        return case.monitoring_type, list(case.risk_types or [])
    analysed = case.steps.filter(step=CaseStatus.ANALYSIS).order_by("-done_at", "-pk").first()
    return suggested_classification(analysed.decision if analysed else {})


def notice_context(notice: Notice) -> dict[str, Any]:
    show_risks = notice_shows_risk_types(notice)
    rows = []
    entries = notice.entries.select_related("case__household__natural_village").order_by("case_id")
    for entry in entries:
        case = entry.case
        household = case.household
        head = (
            Membership.objects.filter(household=household, relation="户主", left_on__isnull=True)
            .select_related("person")
            .first()
            if household is not None
            else None
        )
        monitoring_type, risk_types = _classification(case, notice.purpose)
        rows.append(
            {
                "case": case,
                "head": head.person.name if head else "",
                "natural_village": household.natural_village.name
                if household and household.natural_village
                else "",
                "members": household.memberships.filter(left_on__isnull=True).count() if household else 0,
                "monitoring_type": monitoring_type,
                "risk_types": "、".join(risk_types) if show_risks else "",
            }
        )
    # P17: a notice speaks the regime of its posting date (a draft: today's), however late it is read
    object_name = object_name_on(notice.posted_on or clock.today())
    return {
        "notice": notice, "rows": rows, "show_risks": show_risks, "print_stylesheet": PRINT_STYLESHEET,
        "notice_days": notice_days(notice),
        "notice_object_name": object_name, "notice_object_full": object_name_in_full(object_name),
    }  # fmt: skip


def notice_pdf(notice: Notice) -> bytes:
    # not a cycle: WeasyPrint loads Pango and its fonts (a third of a second), so only when a PDF is asked for
    from weasyprint import CSS, HTML

    html = render_to_string(
        "monitoring/notices/notice_print.html", {**notice_context(notice), "for_pdf": True}
    )
    stylesheet = CSS(filename=str(PACKAGE_DIR / "static" / PRINT_STYLESHEET))
    return bytes(HTML(string=html).write_pdf(stylesheets=[stylesheet]))
