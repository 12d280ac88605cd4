"""P17 民政比对 outcomes: a comparison lead is closed with the outcomes of a department lead, citing an existing
visit of the household instead of a new one (one visit serves both); the outcomes go back to 民政 as an xlsx
in their roster's layout — a reveal of ID numbers: county staff only, with a reason, audited, no formulas."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from typing import Any

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import InvalidInput, PermissionDenied
from zhenxing.common.paging import paginate
from zhenxing.divisions.models import Division
from zhenxing.monitoring.lowincome.services import (
    lowincome_compare,
    lowincome_export_record,
    lowincome_lead_close,
)
from zhenxing.monitoring.models import Case, LowIncomeOutcome, Visit
from zhenxing.screening.models import Lead, LeadStatus, ScreeningRun

from ..conftest import PREFECTURE, SAME_TOWNSHIP_VILLAGE, VILLAGE
from ..factories import make_user
from ..screening.jobs import run_queued_jobs
from .lowincome_helpers import DAY, SNAPSHOT, head, id_of, plant

pytestmark = pytest.mark.django_db
HEADER = [
    "身份证号", "救助类别", "开始日期", "结束日期", "县级区划代码", "名册日期", "核实结果", "核实日期", "核实说明",
    "走访日期", "走访人",
]  # fmt: skip


def _sheets(content: bytes) -> dict[str, list[list[Any]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(r"<f[ >]", archive.read(name).decode()), f"formula in {name}"
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _visit(household: Any, by: Any, *, days_ago: int) -> Visit:
    return Visit.objects.create(
        household=household, visited_by=by, place="家中", findings="入户核实家庭收入和救助情况",
        visited_at=clock.now() - datetime.timedelta(days=days_ago),
    )  # fmt: skip


@pytest.fixture
def compared(county_user, admin_user, clock_at) -> Any:  # type: ignore[no-untyped-def]
    clock_at(DAY)
    planted = plant(admin_user)
    lowincome_compare(county_code="532926", actor=county_user)
    return planted


def test_p17_closing_a_comparison_lead_cites_an_existing_visit(compared) -> None:  # type: ignore[no-untyped-def]
    # given the M1 household was visited 20 days ago (for another matter) and its comparison lead is open
    cadre = make_user(Role.VILLAGE, VILLAGE, display_name="王村干")
    visit = _visit(compared.h["m1"], cadre, days_ago=20)
    lead = Lead.objects.get(household__code="L-m1")

    # when the cadre closes it 核实不纳入, citing that visit instead of visiting again
    outcome = lowincome_lead_close(
        actor=cadre, lead=lead, confirmed=False, note="引用近期走访：务工收入已恢复", visit=visit
    )

    # then the lead is dismissed with the note as its reason, the outcome keeps the visit, both audited
    lead.refresh_from_db()
    assert (lead.status, lead.reason) == (LeadStatus.DISMISSED, "引用近期走访：务工收入已恢复")
    assert LowIncomeOutcome.objects.get(lead=lead).visit == visit == outcome.visit
    event = AuditEvent.objects.get(action="lowincome.outcome")
    assert event.target_id == str(outcome.pk) and event.new_values["visit"] == visit.pk
    assert AuditEvent.objects.filter(action="lead.dismiss", target_id=str(lead.pk)).exists()


def test_p17_confirming_an_unmonitored_household_opens_its_identification_case(compared) -> None:  # type: ignore[no-untyped-def]
    cadre = make_user(Role.VILLAGE, VILLAGE)
    lead = Lead.objects.get(household__code="L-m1")

    lowincome_lead_close(actor=cadre, lead=lead, confirmed=True, note="入户核实属实，纳入识别")

    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONFIRMED
    case = Case.objects.get(household=compared.h["m1"])
    assert (case.source, case.lead) == ("department", lead)
    # a monitoring object's M2 lead is confirmed without a second case
    lowincome_lead_close(
        actor=cadre, lead=Lead.objects.get(household__code="L-m2"), confirmed=True, note="属实，转民政"
    )
    assert Case.objects.filter(household=compared.h["m2"]).count() == 1


def test_p17_confirming_a_data_check_lead_opens_no_case_and_says_the_outcome_of_its_kind(compared) -> None:  # type: ignore[no-untyped-def]
    """P17: a confirmed M4 (民政名册有而台账无, 数据核实) is 台账已更正 — no identification case (P8)."""
    cadre = make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE)
    lead = Lead.objects.get(household__code="L-m4")

    lowincome_lead_close(actor=cadre, lead=lead, confirmed=True, note="台账漏登特困，已更正")

    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONFIRMED
    assert not Case.objects.filter(household=compared.h["m4"]).exists()
    event = AuditEvent.objects.get(action="lowincome.outcome")
    assert (event.new_values["kind"], event.new_values["outcome"]) == ("M4", "台账已更正")
    assert AuditEvent.objects.filter(action="lead.confirm", target_id=str(lead.pk)).exists()
    # and a confirmed M3 neither
    other = make_user(Role.VILLAGE, VILLAGE)
    lowincome_lead_close(
        actor=other, lead=Lead.objects.get(household__code="L-m3"), confirmed=True, note="已更正"
    )
    assert not Case.objects.filter(household=compared.h["m3"]).exists()


def test_p17_a_comparison_lead_is_closed_only_on_its_own_page_and_only_once(client, compared) -> None:  # type: ignore[no-untyped-def]
    """P17: the ordinary 核实纳入/核实不纳入 buttons would lose the outcome for 民政 and the cited visit: the lead
    page links the comparison close page instead, which words the result per kind; a second close says so."""
    cadre = make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE)
    lead = Lead.objects.get(household__code="L-m4")
    client.force_login(cadre)
    detail = client.get(f"/leads/{lead.pk}/").content.decode()
    assert 'data-testid="confirm-lead"' not in detail and 'data-testid="dismiss-lead"' not in detail
    assert f"/cases/lowincome/leads/{lead.pk}/close/" in detail and "民政名册有而台账无" in detail
    page = client.get(f"/cases/lowincome/leads/{lead.pk}/close/").content.decode()
    assert "台账已更正" in page and "台账无误，请民政核定" in page and "数据核实" in page
    assert "可能符合，请核实" not in page and "核实纳入" not in page
    url = f"/cases/lowincome/leads/{lead.pk}/close/"
    assert client.post(url, {"result": "dismissed", "note": "台账无误"}).status_code == 302
    again = client.post(url, {"result": "confirmed", "note": "再次提交"}, follow=True)
    assert "该线索已办结" in again.content.decode()
    assert LowIncomeOutcome.objects.filter(lead=lead).count() == 1
    # an M2 lead's close page offers 民政's determination
    m2 = Lead.objects.get(household__code="L-m2")
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    m2_page = client.get(f"/cases/lowincome/leads/{m2.pk}/close/").content.decode()
    assert "已告知民政核定" in m2_page and "核实不符合" in m2_page and "可能符合低保条件，请核实" in m2_page


def test_p17_only_a_recent_visit_of_the_same_household_may_be_cited(compared) -> None:  # type: ignore[no-untyped-def]
    cadre = make_user(Role.VILLAGE, VILLAGE)
    lead = Lead.objects.get(household__code="L-m1")
    old = _visit(compared.h["m1"], cadre, days_ago=91)
    elsewhere = _visit(compared.h["m3"], cadre, days_ago=5)

    for visit, code in ((old, "too_old"), (elsewhere, "other_household")):
        with pytest.raises(InvalidInput) as error:
            lowincome_lead_close(actor=cadre, lead=lead, confirmed=False, note="核实", visit=visit)
        assert error.value.errors()[0].code == code
    lead.refresh_from_db()
    assert lead.status == LeadStatus.OPEN and not LowIncomeOutcome.objects.exists()


def test_p17_the_close_page_offers_the_households_recent_visits(client, compared) -> None:  # type: ignore[no-untyped-def]
    # given
    cadre = make_user(Role.VILLAGE, VILLAGE, display_name="王村干")
    visit = _visit(compared.h["m1"], cadre, days_ago=3)
    _visit(compared.h["m1"], cadre, days_ago=120)  # too old to be offered
    lead = Lead.objects.get(household__code="L-m1")
    client.force_login(cadre)

    # when the cadre opens the lead and its comparison form
    detail = client.get(f"/leads/{lead.pk}/").content.decode()
    page = client.get(f"/cases/lowincome/leads/{lead.pk}/close/")

    # then the lead page links the form, which offers the recent visit only
    assert f"/cases/lowincome/leads/{lead.pk}/close/" in detail
    assert page.status_code == 200
    html = page.content.decode()
    assert "一次走访、两边使用" in html and html.count("王村干：家中") == 1
    # and submitting it closes the lead citing the visit
    response = client.post(
        f"/cases/lowincome/leads/{lead.pk}/close/",
        {"result": "dismissed", "note": "引用走访，收入已恢复", "visit": visit.pk},
    )
    assert response.status_code == 302
    assert LowIncomeOutcome.objects.get(lead=lead).visit == visit


def test_p17_the_export_goes_back_to_civil_affairs_in_their_roster_layout(
    client, compared, county_user
) -> None:  # type: ignore[no-untyped-def]
    # given two comparison leads closed, one citing a visit, one with a note that looks like a formula
    cadre = make_user(Role.VILLAGE, VILLAGE, display_name="王村干")
    visit = _visit(compared.h["m1"], cadre, days_ago=10)
    lowincome_lead_close(
        actor=cadre,
        lead=Lead.objects.get(household__code="L-m1"),
        confirmed=False,
        note="收入已恢复",
        visit=visit,
    )
    other = make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE)
    lowincome_lead_close(
        actor=other,
        lead=Lead.objects.get(household__code="L-m4"),
        confirmed=True,
        note='=HYPERLINK("x")台账漏登',
    )
    client.force_login(county_user)

    # when the county exports the outcomes with a reason
    response = client.post("/cases/lowincome/532926/export/", {"reason": "按季度反馈民政"})

    # then one row per closed difference, in the roster's columns plus the outcome, ID numbers in full
    assert response.status_code == 200
    sheets = _sheets(response.content)
    rows = sheets["核实结果"]
    assert rows[0] == HEADER
    body = {row[0]: row for row in rows[1:]}
    assert len(body) == 2
    m1 = body[id_of(head(compared.h["m1"]))]
    assert m1[1:6] == ["低保边缘", datetime.date(2025, 3, 1), "", "532926", SNAPSHOT]
    assert (
        m1[6] == "核实不纳入（民政救助对象有返贫致贫风险未纳入监测）"
        and m1[7] == DAY
        and m1[8] == "收入已恢复"
    )
    assert m1[9] == timezone.localtime(visit.visited_at).date()
    assert m1[10] == "王村干"
    m4 = body[id_of(head(compared.h["m4"]))]
    assert m4[1] == "特困" and m4[6] == "台账已更正（民政名册有而台账无）"
    assert m4[8] == '\'=HYPERLINK("x")台账漏登' and m4[9:] == ["", ""]
    # the key sheet maps each column to the roster's field
    assert ["身份证号", "id_number"] in sheets["字段对照"]
    # and the reveal is audited with its reason and row count
    event = AuditEvent.objects.get(action="lowincome.export")
    assert (event.actor, event.reason, event.new_values["rows"]) == (county_user, "按季度反馈民政", 2)
    # and a second export sends the current snapshot's closed differences again, nothing more
    again = _sheets(client.post("/cases/lowincome/532926/export/", {"reason": "补发"}).content)["核实结果"]
    assert len(again) == 3


def test_p17_the_export_is_refused_to_village_and_prefecture_and_without_a_reason(
    client, compared, county_user
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    assert client.post("/cases/lowincome/532926/export/", {"reason": "看看"}).status_code == 403
    client.force_login(make_user(Role.PREFECTURE, PREFECTURE))
    assert client.post("/cases/lowincome/532926/export/", {"reason": "看看"}).status_code == 403
    client.force_login(county_user)
    response = client.post("/cases/lowincome/532926/export/", {"reason": ""})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="lowincome.export").exists()
    township = make_user(Role.TOWNSHIP, "532926101")
    county = Division.objects.get(code="532926")
    with pytest.raises(PermissionDenied):
        lowincome_export_record(actor=township, county=county, difference_ids=[], reason="看看")


def test_p17_the_county_page_lists_snapshot_comparison_counts_and_leads(
    client, county_user, admin_user, clock_at
) -> None:  # type: ignore[no-untyped-def]
    # given the planted county, not yet compared
    clock_at(DAY)
    plant(admin_user)
    client.force_login(county_user)

    # when the county opens the overview and compares from its page (POST with CSRF handled by the client)
    overview = client.get("/cases/lowincome/").content.decode()
    response = client.post("/cases/lowincome/532926/compare/")
    run = ScreeningRun.objects.get()
    waiting = client.get(f"/leads/runs/{run.pk}/").content.decode()
    assert run_queued_jobs() == 1  # the worker compares
    page = client.get("/cases/lowincome/532926/")

    # then the comparison ran as a background job of its own, shown on the runs page until done
    assert "民政低收入人口比对" in overview and "南涧彝族自治县" in overview and "2026-11-30" in overview
    assert response.status_code == 302 and response["Location"] == f"/leads/runs/{run.pk}/"
    assert 'data-status="running"' in waiting and "/cases/lowincome/532926/" in waiting
    assert AuditEvent.objects.filter(action="lowincome.start", target_id=str(run.pk)).exists()
    html = page.content.decode()
    assert page.status_code == 200 and "2026-11-30" in html
    for code in ("M1", "M2", "M3", "M4"):
        assert f'data-testid="count-{code}">1<' in html
    for lead in Lead.objects.all():
        assert f"/leads/{lead.pk}/" in html
    assert "导出核实结果" in html
    assert "名册记录未匹配到本平台人员：1" in html  # the stranger on the roster
    # a lead's page says what was compared, in words and yuan
    m2 = client.get(f"/leads/{Lead.objects.get(household__code='L-m2').pk}/").content.decode()
    assert "可能符合低保条件，请核实" in m2 and "低保金、特困供养金 2,000.00 元不计入，计 9,999.99 元" in m2
    assert "低保标准 5,000.00 元 × 2 人 = 10,000.00 元" in m2
    m4 = client.get(f"/leads/{Lead.objects.get(household__code='L-m4').pk}/").content.decode()
    assert "数据核实；民政名册 2026-11-30（民政名册有）" in m4 and "特困（2025-03-01 起）" in m4
    # the comparison is a run of its own on the runs page, named as such
    done = client.get(f"/leads/runs/{run.pk}/").content.decode()
    assert "民政低收入人口比对" in done and 'data-testid="summary-new">4<' in done
    # the leads page links here for county staff
    assert "/cases/lowincome/" in client.get("/leads/").content.decode()


def test_p17_the_pages_are_scoped(client, county_user) -> None:  # type: ignore[no-untyped-def]
    client.force_login(county_user)
    assert client.get("/cases/lowincome/532901/").status_code == 404
    assert client.post("/cases/lowincome/532901/compare/").status_code == 404
    client.force_login(make_user(Role.VILLAGE, VILLAGE))
    assert client.get("/cases/lowincome/").status_code == 403
    assert client.post("/cases/lowincome/532926/compare/").status_code == 403


def test_p17_a_comparison_waits_for_a_running_one_and_a_failed_job_says_why(
    client, county_user, admin_user, clock_at
) -> None:  # type: ignore[no-untyped-def]
    # given a comparison started and not yet run by a worker
    from zhenxing.common.errors import Conflict
    from zhenxing.feeds.models import FeedBatch
    from zhenxing.monitoring.lowincome.services import lowincome_start

    clock_at(DAY)
    plant(admin_user)
    run = lowincome_start(county_code="532926", actor=county_user)

    # when a second is asked for, it is refused in Chinese while the first runs
    with pytest.raises(Conflict) as error:
        lowincome_start(county_code="532926", actor=county_user)
    assert "民政比对" in error.value.message and "正在进行" in error.value.message

    # and when the county's roster is withdrawn before the worker gets to it, the job fails the run with why
    FeedBatch.objects.update(superseded_at=clock.now())
    run_queued_jobs()
    run.refresh_from_db()
    assert run.status == "failed" and "尚无民政低收入人口名册" in run.failure
    assert not Lead.objects.exists()
    assert AuditEvent.objects.filter(action="screening.fail", target_id=str(run.pk)).exists()


def test_p17_the_county_page_counts_every_difference_of_the_snapshot_after_a_repeat_comparison(
    client, compared, county_user
) -> None:  # type: ignore[no-untyped-def]
    """P17: comparing the same snapshot again finds nothing new; the page still counts the snapshot's
    differences by kind (and those still open), and says the last run's status."""
    lowincome_compare(county_code="532926", actor=county_user)
    lowincome_lead_close(
        actor=make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE), lead=Lead.objects.get(household__code="L-m4"),
        confirmed=False, note="台账无误",
    )  # fmt: skip
    client.force_login(county_user)
    html = client.get("/cases/lowincome/532926/").content.decode()
    for code in ("M1", "M2", "M3", "M4"):
        assert f'data-testid="count-{code}">1<' in html
    assert 'data-testid="open-M4">0<' in html and 'data-testid="open-M1">1<' in html
    assert "已完成" in html and "民政救助对象有返贫致贫风险未纳入监测" in html and "可能符合低保条件" in html


def test_p17_an_export_sends_earlier_snapshots_differences_only_once(client, compared, county_user) -> None:  # type: ignore[no-untyped-def]
    """P17: the export holds the current snapshot's closed differences and earlier ones not yet exported."""
    from .lowincome_helpers import roster

    village = make_user(Role.VILLAGE, VILLAGE)
    lowincome_lead_close(
        actor=make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE), lead=Lead.objects.get(household__code="L-m4"),
        confirmed=True, note="已更正",
    )  # fmt: skip
    client.force_login(county_user)
    first = _sheets(client.post("/cases/lowincome/532926/export/", {"reason": "反馈"}).content)["核实结果"]
    assert len(first) == 2
    # given a newer roster (the same people) compared, and then the M3 lead closed
    newer = SNAPSHOT + datetime.timedelta(days=1)
    h = compared.h
    roster(
        [(head(h["clean_dibao"]), "低保"), (head(h["clean_covered"]), "低保"), (head(h["m1"]), "低保边缘"),
         (head(h["m4"]), "特困")],
        on=newer,
    )  # fmt: skip
    lowincome_compare(county_code="532926", actor=county_user)
    lowincome_lead_close(
        actor=village, lead=Lead.objects.get(household__code="L-m3"), confirmed=False, note="无误"
    )
    # when the county exports again
    again = _sheets(client.post("/cases/lowincome/532926/export/", {"reason": "反馈"}).content)["核实结果"]
    # then the M4 difference of the earlier roster, exported already, is not sent again
    m4 = id_of(head(h["m4"]))
    assert not [row for row in again[1:] if row[0] == m4 and row[5] == SNAPSHOT]
    m3_rows = sorted(row[5] for row in again[1:] if row[0] == id_of(head(h["m3"])))
    assert m3_rows == [SNAPSHOT, newer]  # the earlier one never exported, and the current one
    page = client.get("/cases/lowincome/532926/").content.decode()
    assert "尚未导出过的差异" in page


def test_p17_an_export_row_without_a_usable_id_number_says_so() -> None:
    """P17: an M2 household without a head, or a number that cannot be decrypted, is said in the cell —
    never an empty cell or a masked number that looks real."""
    from zhenxing.monitoring.lowincome.export import NO_HEAD, NOT_DECRYPTABLE, _id_number
    from zhenxing.registry.models import Person

    assert _id_number(None) == NO_HEAD == "（该户无户主，请核对）"
    person = Person(id_number_masked="5329**********1234", id_number_encrypted=b"\x09broken")
    assert _id_number(person) == NOT_DECRYPTABLE == "（号码无法解密，请核对）"


def test_p17_the_ordinary_lead_endpoints_refuse_a_comparison_lead(client, compared) -> None:  # type: ignore[no-untyped-def]
    """P17: a direct POST to 核实纳入 or 核实不纳入 of the ordinary lead page would close a 民政比对 lead without its
    outcome for 民政: both refuse it (409), and nothing changes."""
    cadre = make_user(Role.VILLAGE, VILLAGE)
    lead = Lead.objects.get(household__code="L-m1")
    client.force_login(cadre)
    opened = client.post(f"/cases/from-lead/{lead.pk}/", {"note": "直接纳入"})
    dismissed = client.post(f"/leads/{lead.pk}/dismiss/", {"reason": "直接排除"})
    assert (opened.status_code, dismissed.status_code) == (409, 409)
    assert "民政比对核实" in opened.content.decode()
    lead.refresh_from_db()
    assert lead.status == LeadStatus.OPEN
    assert not Case.objects.filter(household=lead.household).exists()
    assert not LowIncomeOutcome.objects.filter(lead=lead).exists()


def test_p17_the_county_page_says_why_it_lists_nothing_and_pages_its_differences(
    client, county_user, admin_user, clock_at, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """P17: before a roster arrives, and before it is compared, the page says so (not "no difference"); a
    county's differences are paged like every list, each page reaching the rest."""
    clock_at(DAY)
    client.force_login(county_user)
    # given no roster yet
    empty = client.get("/cases/lowincome/532926/").content.decode()
    assert "尚未收到本县民政名册" in empty
    # given the planted roster, not yet compared
    plant(admin_user)
    waiting = client.get("/cases/lowincome/532926/").content.decode()
    assert "尚未比对现行名册" in waiting
    # when it is compared, with pages of two rows
    lowincome_compare(county_code="532926", actor=county_user)
    monkeypatch.setattr(
        "zhenxing.monitoring.lowincome.views.paginate", lambda request, items: paginate(request, items, 2)
    )
    first = client.get("/cases/lowincome/532926/").content.decode()
    second = client.get("/cases/lowincome/532926/?page=2").content.decode()
    # then the four differences are on two pages, with the total
    assert 'data-testid="total">共 4 条，第 1 / 2 页' in first and "第 2 / 2 页" in second
    shown = [re.findall(r'data-label="户编号">([^<]+)<', page) for page in (first, second)]
    assert len(shown[0]) == len(shown[1]) == 2 and not set(shown[0]) & set(shown[1])
