"""The reported values' pages (P16): who opens which route (REPORT_ROUTES, for the jurisdiction matrix), the list's
filters and 待我办理, the entry form (only reported indicators, a sector's own, the user's own division, errors
beside their fields, a duplicate pointing at the existing report), the report's page offering only the moves the
workflow allows the user, and its files served only in scope."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import division, make_user
from tests.planning.builders import COUNTY, TOWNSHIP, planning_users
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.planning import freeze, services
from zhenxing.planning.enums import ReportStatus
from zhenxing.planning.models import Indicator, IndicatorReport, PlanningAttachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name: str = "花名册.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


VIEWERS_IN_SCOPE = {"township": 200, "county": 200, "county_sector": 200, "prefecture": 200}
NO_PLANNING = {"village": 403, "finance": 403, "department": 403, "admin": 403}
ON_THE_REPORT = {**VIEWERS_IN_SCOPE, **NO_PLANNING, "other_county": 404}
# a form's POST route answers a GET in scope with 302 to the report's page
POST_ROUTE = {**dict.fromkeys(VIEWERS_IN_SCOPE, 302), **NO_PLANNING, "other_county": 404}

# (url name, kwargs from ids, {role: expected status of a GET}); ids: "report" (南涧 township 532926101's report),
# "file" (its evidence file)
REPORT_ROUTES: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = [
    ("planning:reports", lambda ids: {}, {**VIEWERS_IN_SCOPE, **NO_PLANNING, "other_county": 200}),
    (
        "planning:report_new",
        lambda ids: {},
        {
            "township": 200,
            "county": 200,
            "county_sector": 200,
            "prefecture": 403,
            **NO_PLANNING,
            "other_county": 200,
        },
    ),
    ("planning:report", lambda ids: {"pk": ids["report"]}, ON_THE_REPORT),
    ("planning:report_file", lambda ids: {"pk": ids["file"]}, ON_THE_REPORT),
    ("planning:report_move", lambda ids: {"pk": ids["report"]}, POST_ROUTE),
    ("planning:report_revise", lambda ids: {"pk": ids["report"]}, POST_ROUTE),
    ("planning:report_files_add", lambda ids: {"pk": ids["report"]}, POST_ROUTE),
]


def route_world() -> tuple[dict[str, User], dict[str, Any]]:
    """南涧's township 532926101 has entered its 2025 创业致富带头人 with a file."""
    people = planning_users()
    users = {
        "village": make_user(Role.VILLAGE, "532926101202", username="r_cun"),
        "township": people.township,
        "county": people.county,
        "county_sector": people.human_resources,
        "prefecture": people.prefecture,
        "finance": make_user(Role.FINANCE, COUNTY, username="r_caizheng"),
        "department": make_user(Role.DEPARTMENT, username="r_yibao"),
        "admin": make_user(Role.ADMIN, username="r_admin"),
        "other_county": people.other_county,
    }
    report = services.report_enter(
        actor=people.township_colleague, indicator=Indicator.objects.get(code="entrepreneurship_leaders"),
        period=freeze.period_ensure(kind="year", year=2025, number=0), division=division(TOWNSHIP),
        value=Decimal("12"), evidence="乡镇创业致富带头人花名册", files=[pdf()],
    )  # fmt: skip
    return users, {"report": report.pk, "file": report.attachments.get().pk}


def test_p16_report_routes_by_role() -> None:
    from django.urls import reverse

    users, ids = route_world()
    for name, kwargs, expected in REPORT_ROUTES:
        url = reverse(name, kwargs=kwargs(ids))
        for role, user in users.items():
            status = client_of(user).get(url).status_code
            assert status == expected[role], f"{role} {name}: {status}"


def test_p16_report_file_is_served_as_its_accepted_type() -> None:
    users, ids = route_world()
    response = client_of(users["county"]).get(f"/planning/reports/files/{ids['file']}/")
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]


def test_p16_list_filters_and_waiting_for_me() -> None:
    # given a township report entered by one township officer, and a county report entered by the county
    users, ids = route_world()
    people_county = users["county"]
    county_report = services.report_enter(
        actor=people_county, indicator=Indicator.objects.get(code="canteen_reserve_share"),
        period=freeze.period_ensure(kind="year", year=2025, number=0), division=division(COUNTY),
        value=Decimal("12.5"), evidence="县财政局统计",
    )  # fmt: skip
    # when the township opens the list: its own township's report, with the 填报 button
    html = client_of(users["township"]).get("/planning/reports/").content.decode()
    assert f'data-report="{ids["report"]}"' in html and f'data-report="{county_report.pk}"' not in html
    assert 'data-testid="report-new"' in html and "已填报" in html
    # the county sees both; 待我办理 shows only the county-level one (the township's waits for the township)
    html = client_of(users["county"]).get("/planning/reports/").content.decode()
    assert f'data-report="{ids["report"]}"' in html and f'data-report="{county_report.pk}"' in html
    assert "12.5 %" in html  # no trailing zeros
    html = client_of(users["county"]).get("/planning/reports/?waiting=1").content.decode()
    assert f'data-report="{ids["report"]}"' not in html and f'data-report="{county_report.pk}"' not in html
    # (the county entered it itself: nobody reviews their own) — the colleague has it waiting
    colleague = make_user(Role.COUNTY, COUNTY, username="r_xian3")
    html = client_of(colleague).get("/planning/reports/?waiting=1").content.decode()
    assert f'data-report="{county_report.pk}"' in html and f'data-report="{ids["report"]}"' not in html
    # filters by indicator and status
    html = (
        client_of(users["county"]).get("/planning/reports/?indicator=canteen_reserve_share").content.decode()
    )
    assert f'data-report="{county_report.pk}"' in html and f'data-report="{ids["report"]}"' not in html
    html = client_of(users["county"]).get("/planning/reports/?status=accepted").content.decode()
    assert "没有符合条件的填报" in html
    # the prefecture has no 填报 button; another county sees none of 南涧's
    assert (
        'data-testid="report-new"'
        not in client_of(users["prefecture"]).get("/planning/reports/").content.decode()
    )
    html = client_of(users["other_county"]).get("/planning/reports/").content.decode()
    assert f'data-report="{ids["report"]}"' not in html and "尚无填报" in html


def test_p16_new_form_offers_reported_indicators_of_the_sector_and_the_users_division() -> None:
    users, _ = route_world()
    township = client_of(users["township"]).get("/planning/reports/new/").content.decode()
    assert 'value="entrepreneurship_leaders"' in township and 'value="monitoring_households"' not in township
    assert f"为{division(TOWNSHIP).name}填报" in township  # its own township, no choice
    assert 'value="2025" selected' in township  # last year by default
    sector = client_of(users["county_sector"]).get("/planning/reports/new/").content.decode()
    assert 'value="canteen_reserve_share"' in sector  # no sector reports it
    assert 'value="sanitary_toilets"' not in sector  # 农业农村's


def test_p16_new_form_errors_beside_fields_and_duplicate_links_the_existing() -> None:
    users, ids = route_world()
    client = client_of(users["township"])
    # when the form is sent empty of value and evidence
    response = client.post(
        "/planning/reports/new/", {"indicator": "entrepreneurship_leaders", "year": "2025", "value": "十二"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-error="value"' in html and "不是数字" in html and 'data-error="evidence"' in html
    # when the same indicator, year and township is sent again
    response = client.post(
        "/planning/reports/new/",
        {"indicator": "entrepreneurship_leaders", "year": "2025", "value": "13", "evidence": "重复填报"},
    )
    html = response.content.decode()
    assert response.status_code == 409 and "已填报，请在原填报上修改" in html
    assert f'href="/planning/reports/{ids["report"]}/"' in html
    assert IndicatorReport.objects.count() == 1


def test_p16_report_page_offers_only_the_moves_of_the_users_role() -> None:
    users, ids = route_world()
    url = f"/planning/reports/{ids['report']}/"
    # the township (not the enterer) reviews or returns; the county waits for the township
    township = client_of(users["township"]).get(url).content.decode()
    assert 'data-testid="move-township_reviewed"' in township and 'data-testid="move-returned"' in township
    assert 'data-testid="move-entered"' not in township
    assert f'data-file="{ids["file"]}"' in township
    county = client_of(users["county"]).get(url).content.decode()
    assert 'data-testid="move-' not in county and "乡镇填报的数值须先经乡镇审核" in county
    prefecture = client_of(users["prefecture"]).get(url).content.decode()
    assert 'data-testid="move-' not in prefecture and 'data-testid="files-form"' not in prefecture
    # the enterer has no review form, says why, and may add files
    enterer = User.objects.get(username="p_xiang2")
    mine = client_of(enterer).get(url).content.decode()
    assert 'data-testid="move-township_reviewed"' not in mine and "不能审核自己填报的数值" in mine
    assert 'data-testid="files-form"' in mine
    assert PlanningAttachment.objects.count() == 1
    assert IndicatorReport.objects.get().status == ReportStatus.ENTERED
