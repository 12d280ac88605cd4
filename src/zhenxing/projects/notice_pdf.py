"""A project announcement as a printable page and as a PDF (WeasyPrint, Noto CJK), from the same template and the
same print sheet as identification's notices (monitoring/notices/pdf.py), so that what is posted on the wall
is what the page shows.

Per project it shows P14's public facts: name, place down to the natural villages, category, content and
scale, planned investment by fund source in 万元, implementing unit, 绩效目标, 联农带农. A 到户 project's
households (head's name and natural village, nothing else) are listed only while the notice runs — posted
and not past its last day (P17); before posting and after the period the printed page leaves the names out.
Who may print the names is the caller's decision (`name_households`): the view grants it only to the offices
that post the notice on the wall (views/notices.py); anyone else gets the count of households."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse

from zhenxing.divisions.models import Division
from zhenxing.paths import PACKAGE_DIR
from zhenxing.policy.rules.projects import LINKAGE_MECHANISMS, fen_to_wan
from zhenxing.projects.models import Project, ProjectNotice, ProjectPlace
from zhenxing.projects.notices import notice_running
from zhenxing.projects.procedure import notice_period_days
from zhenxing.projects.qr import qr_svg
from zhenxing.registry.models import Membership

PRINT_STYLESHEET = "zhenxing/css/notice_print.css"


@dataclass
class ProjectRow:
    """What a notice says of one project."""

    project: Project
    places: list[str]  # "西山村委会（大村组、小村组）", or the village alone when it serves the whole village
    category: str
    money: list[tuple[str, Any]]  # (fund source, 万元)
    total_wan: Any
    targets: list[str]
    linkage: str
    households: list[tuple[str, str]] = field(default_factory=list)  # (head's name, natural village)


def _places(project: Project) -> list[str]:
    by_village: dict[str, list[str]] = {}
    for place in project.places.all():
        names = by_village.setdefault(place.village.name, [])
        if place.natural_village is not None:
            names.append(place.natural_village.name)
    return [f"{village}（{'、'.join(names)}）" if names else village for village, names in by_village.items()]


def _linkage(project: Project) -> str:
    mechanisms = "、".join(LINKAGE_MECHANISMS.get(m, m) for m in project.linkage_mechanisms or [])
    if not mechanisms:
        return ""
    counts = []
    if project.linked_tuopin_people is not None:
        counts.append(f"带动脱贫人口{project.linked_tuopin_people}人")
    if project.linked_monitoring_people is not None:
        counts.append(f"监测对象{project.linked_monitoring_people}人")
    return f"{mechanisms}（{'，'.join(counts)}）" if counts else mechanisms


def _households(project: Project) -> list[tuple[str, str]]:
    """The heads' names and natural villages of a 到户 project's households (for the running notice only)."""
    rows = []
    for beneficiary in project.beneficiaries.select_related("household__natural_village").order_by("pk"):
        household = beneficiary.household
        head = (
            Membership.objects.filter(household=household, relation="户主", left_on__isnull=True)
            .select_related("person")
            .first()
        )
        natural = household.natural_village.name if household.natural_village else ""
        rows.append((head.person.name if head else "", natural))
    return rows


def project_rows(projects: list[Project], *, with_households: bool) -> list[ProjectRow]:
    rows = []
    for project in projects:
        rows.append(
            ProjectRow(
                project=project, places=_places(project), category=str(project.category),
                money=[(f.get_source_display(), fen_to_wan(f.amount_fen)) for f in project.fundings.all()],
                total_wan=fen_to_wan(project.total_fen),
                targets=[f"{t.indicator}{t.target_value}" for t in project.targets.all()],
                linkage=_linkage(project),
                households=_households(project) if with_households and project.to_households else [],
            )
        )  # fmt: skip
    return rows


def notice_projects(notice: ProjectNotice) -> list[Project]:
    return list(
        Project.objects.filter(notice_entries__notice=notice)
        .select_related("category")
        .prefetch_related("places__village", "places__natural_village", "fundings", "targets")
        .order_by("code", "version")
    )


def shows_households(notice: ProjectNotice, today: datetime.date | None = None) -> bool:
    """P17: named 到户 lists only on the printed notice, and only during its period."""
    return notice_running(notice, today)


def public_page_path(notice: ProjectNotice) -> str | None:
    """The village page the QR code points at: the notice's village, or (a township's or county's notice) none
    — a notice posted above a village reaches many villages, each with its own page (village_pages)."""
    if notice.division.level != "village":
        return None
    return reverse("village:page", args=[notice.division.code])


# a township's or county's notice prints one QR code per village of its projects, for the first ones; a county's
# library may reach a hundred villages, so the rest are named with their codes under the address pattern
QR_VILLAGES_SHOWN = 12
QR_PER_ROW = 3  # three codes across A4 (and across a phone's print page)


def village_pages(notice: ProjectNotice, *, base_url: str, shown: int = QR_VILLAGES_SHOWN) -> dict[str, Any]:
    """The villages of the projects of a notice posted above the villages (within its area), in code order:
    the first `shown` with their QR codes, in rows of QR_PER_ROW, the others by name and code."""
    if notice.division.level == "village":
        return {"village_qr_rows": [], "other_villages": [], "village_url_pattern": ""}
    villages = list(
        Division.objects.filter(
            level="village",
            code__startswith=notice.division.code,
            pk__in=ProjectPlace.objects.filter(project__notice_entries__notice=notice).values("village_id"),
        ).order_by("code")
    )
    base = base_url.rstrip("/")
    coded = [
        (v.name, v.code, qr_svg(f"{base}{reverse('village:page', args=[v.code])}", scale=2))
        for v in villages[:shown]
    ]
    return {
        "village_qr_rows": [coded[i : i + QR_PER_ROW] for i in range(0, len(coded), QR_PER_ROW)],
        "other_villages": [(v.name, v.code) for v in villages[shown:]],
        "village_url_pattern": f"{base}{reverse('village:page', args=['CODE'])}".replace("CODE", "<村代码>"),
    }


def notice_context(notice: ProjectNotice, *, base_url: str, name_households: bool) -> dict[str, Any]:
    """What the print page and the PDF show. `base_url` is the site's address as the request reached it
    (scheme and host), so that the printed short URL and its QR code work from a phone. `name_households`:
    the reader may see the 到户 heads' names at all (P17); they are then printed only while the notice runs."""
    running = name_households and shows_households(notice)
    path = public_page_path(notice)
    public_url = f"{base_url.rstrip('/')}{path}" if path else ""
    return {
        "notice": notice, "rows": project_rows(notice_projects(notice), with_households=running),
        "shows_households": running, "print_stylesheet": PRINT_STYLESHEET, "public_url": public_url,
        "qr": qr_svg(public_url) if public_url else "",
        **village_pages(notice, base_url=base_url),
        # a draft tells the period it will run (the parameter in force today); a posted notice its own
        "period_days": notice.period_days or notice_period_days()[0],
    }  # fmt: skip


def notice_pdf(notice: ProjectNotice, *, base_url: str, name_households: bool) -> bytes:
    # not a cycle: WeasyPrint loads Pango and its fonts (a third of a second), so only when a PDF is asked for
    from weasyprint import CSS, HTML

    html = render_to_string(
        "projects/notices/notice_print.html",
        {**notice_context(notice, base_url=base_url, name_households=name_households), "for_pdf": True},
    )
    stylesheet = CSS(filename=str(PACKAGE_DIR / "static" / PRINT_STYLESHEET))
    return bytes(HTML(string=html).write_pdf(stylesheets=[stylesheet]))
