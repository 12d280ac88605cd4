"""Builders for project tests: a complete proposal (P14 entry conditions met), users of every project role, a
small PDF for minutes, and a helper that walks a village proposal through its announcement."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import COUNTY, TOWNSHIP, VILLAGE
from tests.factories import division, make_user
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import Sector, User
from zhenxing.common import clock
from zhenxing.projects import notices, services
from zhenxing.projects.entry import ProjectInput
from zhenxing.projects.enums import NoticeKind
from zhenxing.projects.models import Project

TARGETS = (
    ("output", "新建硬化道路长度", "≥2.5公里"),
    ("benefit", "受益脱贫人口", "≥120人"),
    ("satisfaction", "受益群众满意度", "≥90%"),
)


def project_input(**changes: Any) -> ProjectInput:
    """A village road project of 西山村 that meets every P14 entry condition."""
    today = clock.today()
    values: dict[str, Any] = {
        "name": "西山村委会大村组道路硬化", "year": today.year, "category": "construction_roads",
        "places": [(VILLAGE, "大村组")], "implementing_unit": "南涧镇人民政府", "content": "硬化村组道路",
        "scale": "2.5公里，宽4.5米", "starts_on": today + datetime.timedelta(days=60),
        "ends_on": today + datetime.timedelta(days=240), "total": "120.5", "sources": {"central": "100", "county": "20.5"},
        "targets": TARGETS,
    }  # fmt: skip
    values.update(changes)
    return ProjectInput(**values)


def industry_input(**changes: Any) -> ProjectInput:
    """A planting project: 产业发展 needs its 联农带农 mechanism."""
    values: dict[str, Any] = {
        "name": "西山村核桃提质增效", "category": "industry_planting", "linkage_mechanisms": ["employment", "dividend"],
        "linked_tuopin_people": 86, "linked_monitoring_people": 9,
    }  # fmt: skip
    values.update(changes)
    return project_input(**values)


def sector_user(code: str = "transport", county: str = COUNTY, **extra: Any) -> User:
    return make_user(Role.COUNTY_SECTOR, county, sector=Sector.objects.get(code=code), **extra)


def project_users() -> dict[str, User]:
    return {
        "village": make_user(Role.VILLAGE, VILLAGE, username="p_cun"),
        "township": make_user(Role.TOWNSHIP, TOWNSHIP, username="p_xiang"),
        "sector": sector_user(username="p_jiaotong"),
        "county": make_user(Role.COUNTY, COUNTY, username="p_xian"),
        "prefecture": make_user(Role.PREFECTURE, "5329", username="p_zhou"),
    }


def minutes_pdf(name: str = "纪要.pdf") -> SimpleUploadedFile:
    """A real (tiny) PDF, accepted by the upload check from its bytes."""
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return SimpleUploadedFile(name, io.BytesIO(body).read(), content_type="application/pdf")


def announce_proposal(project: Project, village_user: User, *, objection: bool = False) -> None:
    """Post the proposal's announcement, let it run out (answering an objection if asked), and come back to
    the day after it ended."""
    notice = notices.notice_create(
        actor=village_user,
        kind=NoticeKind.PROPOSAL,
        projects=[project],
        title="",
        object_to="西山村委会 0879-1234567",
    )
    notice = notices.notice_post(actor=village_user, notice=notice)
    if objection:
        raised = notices.objection_record(actor=village_user, notice=notice, content="道路走向占用了我家的地")
        notices.objection_answer(actor=village_user, objection=raised, answer="已调整走向，不占用耕地")
    assert notice.ends_on is not None
    clock.travel_to(notice.ends_on + datetime.timedelta(days=1))


def village(code: str = VILLAGE) -> Any:
    return division(code)


def to_library(project: Project, users: dict[str, User]) -> Project:
    """From 村申报 (announced) through every review and 州审定 to 储备."""
    announce_proposal(project, users["village"])
    project = services.project_move(actor=users["village"], project=project, to="township_review")
    project = services.project_move(
        actor=users["township"], project=project, to="department_review", opinion="同意"
    )
    project = services.project_move(
        actor=users["sector"], project=project, to="county_review", opinion="同意"
    )
    project = services.project_move(
        actor=users["county"],
        project=project,
        to="prefecture_decision",
        opinion="同意",
        files=[minutes_pdf()],
    )
    services.project_batch_decide(
        actor=users["prefecture"],
        county=project.county,
        projects=[project],
        opinion="同意入库",
        minutes=[minutes_pdf()],
    )
    project.refresh_from_db()
    return project
