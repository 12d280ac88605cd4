"""Lists that scale (issue 15): every list has a total and pages, filters survive paging, an empty household
search lists the user's households, money reads as yuan, and the prefecture's rankings are by county."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from zhenxing.accounts.models import User
from zhenxing.common.templatetags.money import yuan
from zhenxing.monitoring.models import Case
from zhenxing.registry.models import Household
from zhenxing.screening.models import Lead, LeadSignal, LeadStatus, RuleSet, ScreeningRun

from .conftest import OTHER_COUNTY_VILLAGE, SAME_TOWNSHIP_VILLAGE, VILLAGE
from .factories import make_household

pytestmark = pytest.mark.django_db


def _households(village: str, count: int, prefix: str) -> list[Household]:
    return Household.objects.bulk_create(
        Household(village_id=village, kind="脱贫户", code=f"{prefix}{n:04d}") for n in range(count)
    )


def _leads(households: list[Household], *, grade: str = "橙", status: str = LeadStatus.OPEN) -> list[Lead]:
    due = datetime.date(2025, 9, 20)
    return Lead.objects.bulk_create(
        Lead(
            household=h,
            grade=grade,
            status=status,
            risk_types=["因病"],
            round="2025-09",
            village_due=due,
            township_due=due,
            county_due=due,
            reason="" if status == LeadStatus.OPEN else "已核实",
        )
        for h in households
    )


def _codes(html: str) -> set[str]:
    return set(re.findall(r"PG\d{5}", html))


def test_a_list_of_120_shows_its_total_and_page_2_reaches_the_rest_with_the_filter_kept(
    client: Client, county_user: User
) -> None:
    # given 120 open red leads and 30 closed ones in the county
    _leads(_households(VILLAGE, 120, "PG0"), grade="红")
    _leads(_households(SAME_TOWNSHIP_VILLAGE, 30, "PG1"), status=LeadStatus.DISMISSED)
    client.force_login(county_user)
    # when the county lists its open leads
    first = client.get("/leads/", {"status": LeadStatus.OPEN}).content.decode()
    # then it sees the total, 50 of them, and a link to the next page that keeps the status filter
    assert "共 120 条，第 1 / 3 页" in first
    assert len(_codes(first)) == 50
    assert f"?status={LeadStatus.OPEN}&amp;page=2" in first
    second = client.get("/leads/", {"status": LeadStatus.OPEN, "page": 2}).content.decode()
    third = client.get("/leads/", {"status": LeadStatus.OPEN, "page": 3}).content.decode()
    assert "第 2 / 3 页" in second
    seen = _codes(first) | _codes(second) | _codes(third)
    assert len(seen) == 120 and all(code.startswith("PG0") for code in seen)


def test_the_leads_summary_reads_in_chinese(client: Client, county_user: User) -> None:
    _leads(_households(VILLAGE, 2, "PG0"))
    client.force_login(county_user)
    html = client.get("/leads/").content.decode()
    summary = html[html.index('data-testid="lead-summary"') :]
    assert f"{LeadStatus.OPEN.label} · 橙：2" in summary
    assert f">{LeadStatus.OPEN.value} ·" not in summary


def test_an_empty_household_search_lists_the_users_households_paged(
    client: Client, village_user: User
) -> None:
    # given 60 households in the village and 5 in another county
    _households(VILLAGE, 60, "PG0")
    _households(OTHER_COUNTY_VILLAGE, 5, "PG9")
    client.force_login(village_user)
    # when the village cadre opens the search page without a query
    html = client.get("/households/").content.decode()
    # then its own households are listed with their total, and the export is linked
    assert "共 60 条，第 1 / 2 页" in html
    assert len(_codes(html)) == 50 and not any(c.startswith("PG9") for c in _codes(html))
    assert 'data-testid="export-link"' in html
    assert "没有" not in html.split('data-testid="search-results"')[0].split("</form>")[-1]


def test_a_household_search_keeps_its_query_on_the_next_page_and_in_the_export_link(
    client: Client, county_user: User
) -> None:
    _households(VILLAGE, 55, "PG0")
    _households(SAME_TOWNSHIP_VILLAGE, 10, "PG1")
    client.force_login(county_user)
    html = client.get("/households/", {"village": VILLAGE}).content.decode()
    assert "共 55 条" in html
    assert f"?village={VILLAGE}&amp;page=2" in html
    assert re.search(rf'href="/households/export.xlsx\?[^"]*village={VILLAGE}', html)
    rest = client.get("/households/", {"village": VILLAGE, "page": 2}).content.decode()
    assert len(_codes(rest)) == 5 and all(c.startswith("PG0") for c in _codes(rest))


def test_fen_are_shown_as_yuan_with_thousands_separators() -> None:
    assert yuan(5329276) == "53,292.76"
    assert yuan(870000) == "8,700.00"
    assert yuan(None) == ""


def test_lead_evidence_reads_in_yuan(client: Client, county_user: User) -> None:
    # given a lead raised by the out-of-pocket medical costs rule (R03), with evidence in fen
    (lead,) = _leads(_households(VILLAGE, 1, "PG0"))
    rule_set = RuleSet.objects.order_by("-version").first()
    assert rule_set is not None
    run = ScreeningRun.objects.create(year=2025, engine="db", rule_set=rule_set, status="done")
    LeadSignal.objects.create(
        lead=lead, run=run, rule_code="R03", rule_name="医保目录内个人自付超过监测范围", rule_set_version=rule_set.version,
        grade="橙", risk_type="因病", evidence={"value": 5329276, "threshold": 870000, "policy_rule": "P10"},
    )  # fmt: skip
    client.force_login(county_user)
    html = client.get(f"/leads/{lead.pk}/").content.decode()
    evidence = html[html.index('data-testid="evidence"') :]
    assert "数值 53,292.76 元，界限 8,700.00 元" in evidence
    assert "5329276" not in evidence


def test_the_prefecture_ranks_overdue_leads_by_county(
    client: Client, prefecture_user: User, county_user: User
) -> None:
    # given overdue open leads in two villages of one county and one village of another
    _leads(_households(VILLAGE, 3, "PG0"))
    _leads(_households(SAME_TOWNSHIP_VILLAGE, 2, "PG1"))
    _leads(_households(OTHER_COUNTY_VILLAGE, 1, "PG2"))
    # when the prefecture reads the leads page
    client.force_login(prefecture_user)
    html = client.get("/leads/").content.decode()
    ranking = html[html.index('data-testid="overdue-ranking"') :].split("</ol>")[0]
    # then the ranking is by county: 南涧 5 before 大理市 1, no village named
    assert re.findall(r"<li>([^：]+)：(\d+) 条", ranking) == [("南涧彝族自治县", "5"), ("大理市", "1")]
    # and the county sees its townships
    client.force_login(county_user)
    html = client.get("/leads/").content.decode()
    ranking = html[html.index('data-testid="overdue-ranking"') :].split("</ol>")[0]
    assert re.findall(r"<li>([^：]+)：(\d+) 条", ranking) == [("南涧镇", "5")]


def _cases(
    village: str, count: int, *, status: str = "analysis", late: bool = True, **extra: object
) -> list[Case]:
    due = datetime.date(2025, 10, 1) if late else datetime.date(2025, 12, 1)
    opened = datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC)
    return Case.objects.bulk_create(
        Case(
            village_id=village,
            source="cadre",
            status=status,
            step_started_on=datetime.date(2025, 9, 1),
            step_due=due,
            due=due,
            opened_at=opened,
            **extra,  # type: ignore[arg-type]
        )
        for _ in range(count)
    )


def test_every_case_tab_pages_and_keeps_its_tab(client: Client, county_user: User, clock_at) -> None:  # type: ignore[no-untyped-def]
    # given 120 open cases (the former list stopped at 200; here: 3 pages of 50) and 5 confirmed
    clock_at(datetime.date(2025, 10, 20))
    made = _cases(VILLAGE, 120)
    client.force_login(county_user)
    # when the county pages through the open tab
    first = client.get("/cases/", {"tab": "open"})
    html = first.content.decode()
    # then it sees the total and page links that keep the tab
    assert "共 120 条，第 1 / 3 页" in html
    assert "?tab=open&amp;page=2" in html
    seen = {
        c.pk
        for page in (1, 2, 3)
        for c in client.get("/cases/", {"tab": "open", "page": page}).context["cases"]
    }
    assert seen == {c.pk for c in made}


def test_the_prefecture_case_ranking_is_by_county_and_the_countys_by_township(
    client: Client, prefecture_user: User, county_user: User, clock_at
) -> None:  # type: ignore[no-untyped-def]
    clock_at(datetime.date(2025, 10, 20))
    _cases(VILLAGE, 2)
    _cases(SAME_TOWNSHIP_VILLAGE, 2)
    _cases(OTHER_COUNTY_VILLAGE, 1)
    client.force_login(prefecture_user)
    html = client.get("/cases/").content.decode()
    ranking = html[html.index('data-testid="overdue-ranking"') :].split("</table>")[0]
    assert re.findall(r"<tr><td[^>]*>([^<]+)</td><td[^>]*>(\d+)</td>", ranking) == [
        ("南涧彝族自治县", "4"),
        ("大理市", "1"),
    ]
    assert "按县" in html
    client.force_login(county_user)
    html = client.get("/cases/").content.decode()
    ranking = html[html.index('data-testid="overdue-ranking"') :].split("</table>")[0]
    assert re.findall(r"<tr><td[^>]*>([^<]+)</td><td[^>]*>(\d+)</td>", ranking) == [("南涧镇", "4")]


def test_notices_housing_feeds_imports_and_id_conflicts_show_their_totals(
    client: Client, county_user: User, department_user: User
) -> None:
    client.force_login(county_user)
    for url in (
        "/cases/notices/", "/cases/housing/", "/imports/", "/households/id-conflicts/", "/cases/mine/", "/cases/report/",
    ):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'data-testid="total"' in response.content.decode(), url
    client.force_login(department_user)
    assert 'data-testid="total"' in client.get("/feeds/").content.decode()


def test_the_households_income_reads_in_yuan_with_separators(client: Client, county_user: User) -> None:
    # given a household whose 2025 wage is 1,500,000 fen
    household = make_household(VILLAGE)
    client.force_login(county_user)
    html = client.get(f"/households/{household.pk}/").content.decode()  # type: ignore[attr-defined]
    years = html[html.index('data-testid="years"') :].split("</table>")[0]
    assert re.search(r"<td[^>]*>15,000.00</td>", years) and "1500000" not in years


def test_the_yuan_filter_takes_figures_already_in_yuan() -> None:
    assert yuan(8700, "yuan") == "8,700.00"
    assert yuan("7750.13", "yuan") == "7,750.13"


def test_the_monitoring_report_counts_by_county_for_the_prefecture_and_by_township_for_a_county(
    client: Client, prefecture_user: User, county_user: User
) -> None:
    # given monitored households in two villages of one county and one of another
    for village, count in ((VILLAGE, 2), (SAME_TOWNSHIP_VILLAGE, 1), (OTHER_COUNTY_VILLAGE, 1)):
        _cases(
            village, count, status="confirmed", late=False, identified_on=datetime.date(2025, 9, 1),
            monitoring_type="边缘易致贫户", risk_types=["因病"],
        )  # fmt: skip
    client.force_login(prefecture_user)
    html = client.get("/cases/report/").content.decode()
    table = html[html.index('data-testid="by-place"') :].split("</table>")[0]
    assert re.findall(r"<tr><td[^>]*>([^<]+)</td>", table) == ["南涧彝族自治县", "大理市"]
    client.force_login(county_user)
    html = client.get("/cases/report/").content.decode()
    table = html[html.index('data-testid="by-place"') :].split("</table>")[0]
    assert re.findall(r"<tr><td[^>]*>([^<]+)</td>", table) == ["南涧镇"]
