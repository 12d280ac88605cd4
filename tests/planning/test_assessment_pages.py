"""The county assessment pages (P16, grades P11): who opens which route (ASSESSMENT_ROUTES, for the jurisdiction
matrix), the counties' scores with the prefecture's 计算, one assessment explained down to the records behind an
item (read through each app's own scoped selector), the what-if (nothing written, a changed grade shown, an
unusable scheme refused in Chinese), and the assessors' findings added and withdrawn from the page."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.factories import division, make_household, make_user
from tests.planning.builders import COUNTY, OTHER_COUNTY, VILLAGE, days_from_today, planning_users
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.monitoring.models import HousingLedgerEntry
from zhenxing.planning import assessment as engine
from zhenxing.planning import services
from zhenxing.planning.enums import Dimension, SupervisionKind, TaskStatus
from zhenxing.planning.freeze import period_ensure
from zhenxing.planning.models import Assessment, FieldFinding, Period, RectificationTask, Supervision

pytestmark = pytest.mark.django_db

YEAR = 2025
# "other_county" is 大理市's county user: its own lists open, 南涧's objects are not found
VIEWERS = {"township": 200, "county": 200, "county_sector": 200, "prefecture": 200, "other_county": 200}
OUTSIDERS = {"village": 403, "finance": 403, "department": 403, "admin": 403}
# an object of 南涧 (532926): its township reads its county's assessment (county figures, no household)
IN_COUNTY = {
    **OUTSIDERS,
    "township": 200,
    "county": 200,
    "county_sector": 200,
    "prefecture": 200,
    "other_county": 404,
}
POST_ONLY = dict.fromkeys(("village", "township", "county", "county_sector", "prefecture", "finance",
                           "department", "admin", "other_county"), 405)  # fmt: skip

# (url name, kwargs from the world's ids, {role: status of a GET})
ASSESSMENT_ROUTES: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = [
    ("planning:assessments", lambda ids: {}, {**OUTSIDERS, **VIEWERS}),
    ("planning:assessment_compute", lambda ids: {}, POST_ONLY),
    ("planning:assessment_xlsx", lambda ids: {}, {**OUTSIDERS, **VIEWERS}),
    ("planning:what_if", lambda ids: {}, {**OUTSIDERS, **VIEWERS}),
    ("planning:assessment", lambda ids: {"pk": ids["assessment"]}, IN_COUNTY),
    ("planning:assessment_item", lambda ids: {"pk": ids["assessment"], "key": "housing_open"}, IN_COUNTY),
    ("planning:findings", lambda ids: {}, {**OUTSIDERS, **VIEWERS}),
    ("planning:finding_add", lambda ids: {}, POST_ONLY),
    ("planning:finding_withdraw", lambda ids: {"pk": ids["finding"]}, POST_ONLY),
    ("planning:finding_file", lambda ids: {"pk": ids["finding_file"]}, IN_COUNTY),
]


@pytest.fixture(autouse=True)
def frozen_year() -> None:
    """The assessed year frozen (the assessment reads frozen values only)."""
    period = period_ensure(kind="year", year=YEAR, number=0)
    Period.objects.filter(pk=period.pk).update(frozen_at=clock.now())


def png(name: str = "抽查照片.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (30, 120, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def role_users() -> dict[str, User]:
    users = planning_users()
    return {
        "village": make_user(Role.VILLAGE, VILLAGE, username="p_cun"),
        "township": users.township,
        "county": users.county,
        "county_sector": users.human_resources,
        "prefecture": users.prefecture,
        "finance": make_user(Role.FINANCE, COUNTY, username="p_caizheng"),
        "department": make_user(Role.DEPARTMENT, username="p_yibao"),
        "admin": make_user(Role.ADMIN, username="p_admin"),
        "other_county": users.other_county,
        "prefecture_colleague": users.prefecture_colleague,
    }


def open_housing_entry(opened_by: User) -> HousingLedgerEntry:
    """A C-grade house of 西山村 registered in the year and never closed: one record behind housing_open."""
    household: Any = make_household(VILLAGE, code="PA-HOUSE-1")
    return HousingLedgerEntry.objects.create(
        village=division(VILLAGE), household=household, grade="C", way="修缮加固", opened_on=datetime.date(YEAR, 3, 2),
        opened_by=opened_by, guarantee_years=15,
    )  # fmt: skip


def assessed_world() -> tuple[dict[str, User], dict[str, Any]]:
    """The 12 counties assessed for 2025 by the prefecture, 南涧 with an open housing entry and a field finding
    (with a photo) of 100 points in 巩固成效 that takes it to 一般 (约谈提醒 and 挂牌督办 opened)."""
    users = role_users()
    entry = open_housing_entry(users["county"])
    finding = services.finding_record(
        actor=users["prefecture"], county=division(COUNTY), year=YEAR, dimension=Dimension.RESULTS,
        description="抽查10户，3户收入核算不实", deduction=Decimal("100"), files=[png()],
    )  # fmt: skip
    engine.assessment_compute_all(year=YEAR, actor=users["prefecture"])
    assessment = Assessment.objects.get(county__code=COUNTY, year=YEAR, is_current=True)
    ids = {
        "assessment": assessment.pk, "finding": finding.pk, "finding_file": finding.attachments.get().pk,
        "entry": entry.pk,
    }  # fmt: skip
    return users, ids


def test_p16_assessment_routes_by_role() -> None:
    users, ids = assessed_world()
    for name, kwargs, expected in ASSESSMENT_ROUTES:
        url = reverse(name, kwargs=kwargs(ids) or None)
        for role, status in expected.items():
            response = client_of(users[role]).get(url)
            assert response.status_code == status, f"{role} {name}: {response.status_code}"
    # another county's assessment, item and evidence are not found
    other = client_of(users["other_county"])
    for name, kwargs, _ in ASSESSMENT_ROUTES:
        if "pk" in kwargs(ids) and name not in ("planning:finding_withdraw",):
            assert other.get(reverse(name, kwargs=kwargs(ids))).status_code == 404, name


def test_p16_the_list_shows_the_scores_and_the_prefecture_computes_a_new_version() -> None:
    # given the world assessed once
    users, _ = assessed_world()
    # when the county opens the list
    html = client_of(users["county"]).get(f"/planning/assessment/?year={YEAR}").content.decode()
    # then its own row only, graded 一般 with the finding's deduction, and no compute button
    assert f'data-county="{COUNTY}"' in html and f'data-county="{OTHER_COUNTY}"' not in html
    assert 'data-testid="grade">一般<' in html and "抽查扣100.00" in html
    assert 'data-testid="compute"' not in html and "第1版" in html
    # when the prefecture opens it: the 12 counties, the export and the button
    html = client_of(users["prefecture"]).get(f"/planning/assessment/?year={YEAR}").content.decode()
    assert html.count("data-county=") == 12 and 'data-testid="compute"' in html and "重新计算" in html
    assert 'data-testid="export"' in html
    # when it recomputes from the page
    before = AuditEvent.objects.filter(action="planning.assessment_compute").count()
    response = client_of(users["prefecture"]).post("/planning/assessment/compute/", {"year": str(YEAR)})
    # then every county has a second version, audited, the first kept
    assert response.status_code == 302 and response["Location"] == f"/planning/assessment/?year={YEAR}"
    assert AuditEvent.objects.filter(action="planning.assessment_compute").count() == before + 12
    assert Assessment.objects.filter(year=YEAR, version=2, is_current=True).count() == 12
    assert Assessment.objects.filter(year=YEAR, version=1, is_current=False).count() == 12
    # the county may not compute
    assert (
        client_of(users["county"]).post("/planning/assessment/compute/", {"year": str(YEAR)}).status_code
        == 403
    )


def test_p16_an_assessment_is_explained_down_to_the_records_behind_an_item() -> None:
    users, ids = assessed_world()
    url = f"/planning/assessment/{ids['assessment']}/"
    html = client_of(users["county"]).get(url).content.decode()
    # every dimension, the housing item's explanation and its drill-down, the finding, supervision, versions
    for _, label in Dimension.choices:
        assert label in html
    assert "住房安全问题未销号 1 户" in html
    assert f'href="{url}items/housing_open/"' in html and "查看 1 条记录" in html
    assert (
        "抽查10户，3户收入核算不实" in html
        and f'href="/planning/findings/files/{ids["finding_file"]}/"' in html
    )
    assert 'data-testid="supervisions"' in html and "约谈提醒" in html and "挂牌督办" in html
    assert 'data-testid="versions"' in html and "现行" in html
    # the item's page lists the entry through the housing ledger's own selector, linked to the household page
    entry = HousingLedgerEntry.objects.get(pk=ids["entry"])
    html = client_of(users["county"]).get(f"{url}items/housing_open/").content.decode()
    assert "住房安全台账（1）" in html and f'href="/households/{entry.household_id}/"' in html
    assert "PA-HOUSE-1" in html and "西山村" in html
    # the prefecture reads it as well; the other county cannot
    assert "PA-HOUSE-1" in client_of(users["prefecture"]).get(f"{url}items/housing_open/").content.decode()
    assert client_of(users["other_county"]).get(f"{url}items/housing_open/").status_code == 404
    # a target item shows its value and target; an unknown item is not found
    html = client_of(users["county"]).get(f"{url}items/fund_progress/").content.decode()
    assert 'data-testid="target"' in html and 'data-testid="value"' in html
    assert client_of(users["county"]).get(f"{url}items/nothing/").status_code == 404


def test_p16_the_records_of_an_item_are_those_the_user_may_see() -> None:
    # given an overdue rectification task behind 南涧's rectification_overdue item
    users, _ = assessed_world()
    supervision = Supervision.objects.get(county__code=COUNTY, year=YEAR, kind=SupervisionKind.TALK)
    task = services.task_add(
        actor=users["prefecture"], supervision=supervision, title="补齐收入核算台账", detail="", owner="县乡村振兴局",
        owner_person="张三", due_on=days_from_today(10),
    )  # fmt: skip
    RectificationTask.objects.filter(pk=task.pk).update(due_on=clock.today() - datetime.timedelta(days=3))
    engine.assessment_compute(county=division(COUNTY), year=YEAR, actor=users["prefecture"])
    current = Assessment.objects.get(county__code=COUNTY, year=YEAR, is_current=True)
    url = f"/planning/assessment/{current.pk}/items/rectification_overdue/"
    # then the county sees the task linked to its page; the sector department too (same county)
    for role in ("county", "county_sector", "prefecture"):
        html = client_of(users[role]).get(url).content.decode()
        assert f'href="/planning/supervision/tasks/{task.pk}/"' in html, role
        assert "整改任务（1）" in html


def test_p16_the_what_if_shows_a_changed_grade_and_writes_nothing() -> None:
    # given 2025 assessed (南涧 一般 after its finding, the others 好 at 100)
    users, _ = assessed_world()
    client = client_of(users["prefecture"])
    html = client.get(f"/planning/assessment/what-if/?year={YEAR}").content.decode()
    assert 'name="weight_results"' in html and 'value="30"' in html and 'name="overdue_leads_per"' in html
    assert 'data-testid="what-if-result"' not in html
    events, rows = AuditEvent.objects.count(), Assessment.objects.count()
    # when the 巩固成效 weight drops to 0 (the others take its 30 points)
    query = (
        f"?year={YEAR}&weight_responsibility=30&weight_policy=35&weight_work=35&weight_results=0"
        "&good_from=90&fair_from=80"
    )
    response = client.get(f"/planning/assessment/what-if/{query}")
    html = response.content.decode()
    # then 南涧 (70 → 100) goes from 一般 to 好, the others stay, nothing is written
    assert response.status_code == 200
    assert f'data-county="{COUNTY}" data-changed="1"' in html and "一般 → 好" in html
    assert html.count('data-changed="1"') == 1 and "等次变化的县(市)：1 个" in html
    assert "巩固成效权重（%） 30 → 0" in html
    assert (AuditEvent.objects.count(), Assessment.objects.count()) == (events, rows)
    # a county user sees its own county only
    html = client_of(users["county"]).get(f"/planning/assessment/what-if/{query}").content.decode()
    assert html.count("data-county=") == 1


def test_p16_the_what_if_refuses_an_unusable_scheme_in_chinese() -> None:
    users, _ = assessed_world()
    client = client_of(users["county"])
    response = client.get(f"/planning/assessment/what-if/?year={YEAR}&weight_results=50")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="scheme-problem"' in html and "四项权重合计应为100，现为 120" in html
    response = client.get(f"/planning/assessment/what-if/?year={YEAR}&good_from=abc")
    assert response.status_code == 422 and 'data-error="good_from"' in response.content.decode()
    response = client.get(f"/planning/assessment/what-if/?year={YEAR}&good_from=70&fair_from=80")
    assert "等次分数线应满足" in response.content.decode()


def test_p16_a_finding_is_added_and_withdrawn_from_the_page() -> None:
    users = role_users()
    client = client_of(users["prefecture"])
    # when the prefecture records a finding with a photo
    response = client.post(
        "/planning/findings/new/",
        {"county": COUNTY, "year": str(YEAR), "dimension": Dimension.WORK, "description": "台账与系统数据不一致",
         "deduction": "2.5", "files": [png()]},
    )  # fmt: skip
    finding = FieldFinding.objects.get(county__code=COUNTY, year=YEAR)
    # then it is stored, audited, and listed with its evidence for the county (not the other county)
    assert (
        response.status_code == 302
        and response["Location"] == f"/planning/findings/?year={YEAR}#finding-{finding.pk}"
    )
    assert finding.deduction == Decimal("2.5") and finding.attachments.count() == 1
    assert AuditEvent.objects.filter(action="planning.finding_record", target_id=str(finding.pk)).exists()
    html = client_of(users["county"]).get(f"/planning/findings/?year={YEAR}").content.decode()
    assert "台账与系统数据不一致" in html and 'data-testid="finding-add"' not in html
    file_url = f"/planning/findings/files/{finding.attachments.get().pk}/"
    assert file_url in html and client_of(users["county"]).get(file_url).status_code == 200
    assert client_of(users["other_county"]).get(file_url).status_code == 404
    assert (
        "台账与系统数据不一致"
        not in client_of(users["other_county"]).get(f"/planning/findings/?year={YEAR}").content.decode()
    )
    # a bad deduction comes back beside its field
    response = client.post(
        "/planning/findings/new/",
        {"county": COUNTY, "year": str(YEAR), "dimension": Dimension.WORK, "description": "问题描述充分", "deduction": "0"},
    )  # fmt: skip
    assert response.status_code == 422 and 'data-error="deduction"' in response.content.decode()
    # the county may not withdraw; the prefecture withdraws with a reason
    assert (
        client_of(users["county"])
        .post(f"/planning/findings/{finding.pk}/withdraw/", {"reason": "复核"})
        .status_code
        == 403
    )
    response = client.post(f"/planning/findings/{finding.pk}/withdraw/", {"reason": ""})
    assert response.status_code == 422 and 'data-error="reason"' in response.content.decode()
    response = client.post(f"/planning/findings/{finding.pk}/withdraw/", {"reason": "县里补充材料后复核无误"})
    finding.refresh_from_db()
    assert response.status_code == 302 and finding.withdrawn_reason == "县里补充材料后复核无误"
    assert AuditEvent.objects.filter(action="planning.finding_withdraw", target_id=str(finding.pk)).exists()
    html = client.get(f"/planning/findings/?year={YEAR}").content.decode()
    assert 'data-withdrawn="1"' in html and "已撤销" in html


def test_p16_pages_with_no_assessment_yet_say_so() -> None:
    users = role_users()
    html = client_of(users["prefecture"]).get("/planning/assessment/?year=2024").content.decode()
    assert "2024年尚未计算" in html and html.count("data-county=") == 12 and "计算2024年考核评估" in html
    html = (
        client_of(users["prefecture"])
        .get("/planning/assessment/what-if/?year=2024&good_from=85")
        .content.decode()
    )
    assert "2024年尚未计算考核评估" in html
    assert TaskStatus.OPEN  # the enum the supervision pages use is importable from here too
