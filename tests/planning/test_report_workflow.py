"""The review of a reported value through its pages (P16): a township's value reviewed by a township colleague,
the county and the prefecture (CSRF enforced); a county's value skipping the township; returned with a reason and
revised by the entering side; nobody reviews their own; a sector department only its own sector's indicators; a
computed indicator never entered by hand (一数一源); a forged upload refused by its bytes; each write audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import division
from tests.planning.builders import COUNTY, TOWNSHIP, PlanningUsers, planning_users
from tests.planning.test_report_pages import PDF, client_of, pdf
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.planning.enums import ReportStatus
from zhenxing.planning.models import IndicatorReport, PlanningAttachment

pytestmark = pytest.mark.django_db

NEW = "/planning/reports/new/"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def csrf_client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def token_of(client: Client, page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(page).content.decode())
    assert found, "the page's form carries a CSRF token"
    return found.group(1)


def post_with_token(client: Client, page: str, url: str, data: dict[str, Any]) -> Any:
    """Open the page as a browser would, then send its form with the token the page gave."""
    return client.post(url, {**data, "csrfmiddlewaretoken": token_of(client, page)})


def enter(user: User, **changes: Any) -> Any:
    data = {"indicator": "entrepreneurship_leaders", "year": "2025", "value": "12",
            "evidence": "乡镇创业致富带头人花名册（2025年12月）", **changes}  # fmt: skip
    return client_of(user).post(NEW, data)


def the_report() -> IndicatorReport:
    return IndicatorReport.objects.select_related("division").get()


def move(user: User, report: IndicatorReport, to: str, opinion: str = "") -> Any:
    return client_of(user).post(f"/planning/reports/{report.pk}/move/", {"to": to, "opinion": opinion})


def audited(action: str, report: IndicatorReport) -> int:
    return AuditEvent.objects.filter(action=action, target_id=str(report.pk)).count()


def test_p16_township_value_reviewed_by_colleague_county_and_prefecture_through_the_pages() -> None:
    users: PlanningUsers = planning_users()
    # given the township officer opens the form (CSRF enforced) and sends 12 with the roster as a PDF
    client = csrf_client(users.township)
    assert (
        client.post(NEW, {"indicator": "entrepreneurship_leaders"}).status_code == 403
    )  # no token, no write
    response = client.post(NEW, {
        "indicator": "entrepreneurship_leaders", "year": "2025", "value": "12", "evidence": "乡镇花名册",
        "files": pdf(), "csrfmiddlewaretoken": token_of(client, NEW),
    })  # fmt: skip
    report = the_report()
    assert response.status_code == 302 and response["Location"] == f"/planning/reports/{report.pk}/"
    assert (report.division.code, report.county.code, report.status) == (
        TOWNSHIP,
        COUNTY,
        ReportStatus.ENTERED,
    )
    assert report.period.year == 2025 and report.attachments.count() == 1
    assert audited("planning.report_enter", report) == 1
    # when a township colleague, the county and the prefecture each pass it on their page (CSRF enforced)
    page = f"/planning/reports/{report.pk}/"
    steps = [
        (users.township_colleague, ReportStatus.TOWNSHIP_REVIEWED, "核实无误"),
        (users.county, ReportStatus.COUNTY_REVIEWED, "同意"),
        (users.prefecture, ReportStatus.ACCEPTED, "确认"),
    ]
    for user, to, opinion in steps:
        client = csrf_client(user)
        assert f'data-testid="move-{to}"' in client.get(page).content.decode()
        response = post_with_token(client, page, f"{page}move/", {"to": to, "opinion": opinion})
        assert response.status_code == 302, response.content.decode()[:400]
    # then it is accepted, each step recorded with who and the opinion, and each audited
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    html = client_of(users.county).get(page).content.decode()
    assert "州级确认" in html and "核实无误" in html and 'data-testid="move-' not in html
    assert list(report.steps.values_list("actor__username", flat=True)) == ["p_xiang2", "p_xian", "p_zhou"]
    assert audited("planning.report_review", report) == 2 and audited("planning.report_accept", report) == 1
    # accepted: no more files from the township
    assert 'data-testid="files-form"' not in client_of(users.township).get(page).content.decode()


def test_p16_county_value_goes_straight_to_county_review() -> None:
    users = planning_users()
    # given the county enters 财政食堂预留比例 (no sector reports it) for itself
    response = enter(users.county, indicator="canteen_reserve_share", value="12.5", evidence="县财政局统计")
    report = the_report()
    assert response.status_code == 302 and report.division.code == COUNTY
    # the township sees none of it; its county colleague reviews it directly
    assert client_of(users.township).get(f"/planning/reports/{report.pk}/").status_code == 404
    refused = move(users.county_colleague, report, ReportStatus.TOWNSHIP_REVIEWED, "同意")
    assert refused.status_code == 403 and "须由乡镇办理" in refused.content.decode()
    assert move(users.county_colleague, report, ReportStatus.COUNTY_REVIEWED, "同意").status_code == 302
    assert move(users.prefecture, report, ReportStatus.ACCEPTED, "确认").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert [s.action for s in report.steps.order_by("done_at", "pk")] == ["县级审核通过", "州级确认"]


def test_p16_returned_with_reason_and_revised_by_the_entering_side() -> None:
    users = planning_users()
    enter(users.township)
    report = the_report()
    # when the colleague returns it without a reason: the error beside the field
    response = move(users.township_colleague, report, ReportStatus.RETURNED, "")
    assert response.status_code == 422 and 'data-error="opinion"' in response.content.decode()
    assert "请填写原因" in response.content.decode()
    assert move(users.township_colleague, report, ReportStatus.RETURNED, "请附花名册").status_code == 302
    # then the enterer sees the revise form; the county does not
    page = f"/planning/reports/{report.pk}/"
    assert 'data-testid="move-entered"' in client_of(users.township).get(page).content.decode()
    assert 'data-testid="move-entered"' not in client_of(users.county).get(page).content.decode()
    # a revision with a bad number is refused beside the field; then sent with a new value and its reason
    revise = f"{page}revise/"
    bad = client_of(users.township).post(revise, {"value": "abc", "evidence": "花名册", "reason": "补充"})
    assert bad.status_code == 422 and 'data-error="value"' in bad.content.decode()
    other = client_of(users.county).post(revise, {"value": "13", "evidence": "花名册", "reason": "补充"})
    assert other.status_code == 403 and "只有填报单位可以修改退回的数值" in other.content.decode()
    done = client_of(users.township).post(
        revise, {"value": "13", "evidence": "花名册已附", "reason": "新增1人"}
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.status, str(report.value.normalize())) == (ReportStatus.ENTERED, "13")
    assert report.evidence == "花名册已附"
    event = AuditEvent.objects.get(action="planning.report_revise", target_id=str(report.pk))
    assert event.new_values is not None and event.new_values["value"] == "13" and event.reason == "新增1人"
    assert audited("planning.report_return", report) == 1


def test_p16_nobody_reviews_their_own_value() -> None:
    users = planning_users()
    enter(users.township)
    report = the_report()
    response = move(users.township, report, ReportStatus.TOWNSHIP_REVIEWED, "同意")
    assert response.status_code == 403 and "不能审核自己填报的数值" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.ENTERED and audited("planning.report_review", report) == 0


def test_p16_a_sector_department_reports_only_its_own_sectors_indicators() -> None:
    users = planning_users()
    # 人社 sends 农业农村's 卫生户厕普及率 (not on its form) by hand
    response = enter(users.human_resources, indicator="sanitary_toilets", value="71", evidence="人社局统计")
    html = response.content.decode()
    assert response.status_code == 403 and "由农业农村填报" in html
    assert not IndicatorReport.objects.exists()
    # one no sector reports is its to enter, for its county
    assert enter(users.human_resources, indicator="canteen_reserve_share", evidence="统计").status_code == 302
    assert the_report().division.code == COUNTY


def test_p16_a_computed_indicator_is_never_entered_by_hand() -> None:
    users = planning_users()
    response = enter(users.county, indicator="monitoring_households", value="100", evidence="手工统计")
    assert response.status_code == 409 and "一数一源" in response.content.decode()
    assert not IndicatorReport.objects.exists()


def test_p16_forged_uploads_are_refused_by_their_bytes() -> None:
    users = planning_users()
    svg = SimpleUploadedFile("花名册.png", SVG, content_type="image/png")
    response = client_of(users.township).post(
        NEW, {"indicator": "entrepreneurship_leaders", "year": "2025", "value": "12", "evidence": "花名册",
              "files": svg},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 422 and 'data-error="files"' in html and "不是可接受的格式" in html
    assert not IndicatorReport.objects.exists() and not PlanningAttachment.objects.exists()
    # on a report under review: an SVG added later is refused too; a PDF is stored and audited
    enter(users.township)
    report = the_report()
    files = f"/planning/reports/{report.pk}/files/"
    forged = SimpleUploadedFile("x.pdf", SVG, content_type="application/pdf")
    refused = client_of(users.township).post(files, {"files": forged})
    assert refused.status_code == 422 and 'data-error="files"' in refused.content.decode()
    ok = client_of(users.township_colleague).post(files, {"files": SimpleUploadedFile("补充.pdf", PDF)})
    assert ok.status_code == 302 and report.attachments.count() == 1
    assert AuditEvent.objects.filter(action="planning.attachment").count() == 1
    # the county reviews, it does not add the township's evidence
    county = client_of(users.county).post(files, {"files": pdf()})
    assert county.status_code == 403 and report.attachments.count() == 1


def test_p16_other_county_cannot_touch_the_report() -> None:
    users = planning_users()
    enter(users.township)
    report = the_report()
    assert move(users.other_county, report, ReportStatus.COUNTY_REVIEWED, "同意").status_code == 404
    assert client_of(users.other_county).post(f"/planning/reports/{report.pk}/revise/", {}).status_code == 404
    assert the_report().status == ReportStatus.ENTERED
    assert division(TOWNSHIP).code == report.division.code
