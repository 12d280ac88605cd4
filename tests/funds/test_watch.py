"""What the county and the prefecture watch of the linkage funds (P14): 支出进度 by source and project against
the schedule parameter (by date), the industry share of the counted sources with its warning at the year's
value, the provincial and prefecture funds per 脱贫 person (P2: the 7 key counties against the other 4 脱贫县),
the home tiles, and who may open each page. Every number below is computed by hand from a small ledger."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.conftest import COUNTY, OTHER_COUNTY, PREFECTURE, VILLAGE
from tests.factories import make_household, make_user
from zhenxing.accounts.enums import Role
from zhenxing.common import clock
from zhenxing.divisions.models import Division
from zhenxing.funds import services, watch
from zhenxing.funds.models import Release
from zhenxing.policy.rules import funds as rules
from zhenxing.projects import services as projects
from zhenxing.registry import services as registry
from zhenxing.registry.enums import LeaveReason
from zhenxing.registry.models import Membership

from .builders import allocation, fund_users, library_project

pytestmark = pytest.mark.django_db

JULY = datetime.date(2026, 7, 15)  # the schedule's 6月末 (50%) has closed, 9月末 (75%) not yet
OCTOBER = datetime.date(2026, 10, 15)  # 9月末 closed: 75%
WAN = 1_000_000  # fen per 万元
KEY_OTHER = "532925"  # 弥渡县, another key county
XIANGYUN = "532923"  # 祥云县, a 脱贫县 outside the key counties
XIANGYUN_VILLAGE = "532923101001"

# route name → URL, for tests/test_jurisdiction_matrix.py (ids: {"county": a county code})
WATCH_ROUTES: dict[str, Callable[[dict[str, Any]], str]] = {
    "funds:progress": lambda ids: "/funds/progress/",
    "funds:county_progress": lambda ids: f"/funds/progress/{ids['county']}/",
}


def _pay(finance: Any, split: Any, amount: str, voucher: str) -> Any:
    return services.payment_create(
        actor=finance,
        split=split,
        amount=amount,
        paid_on=clock.today(),
        payee="南涧县鑫达建筑公司",
        voucher=voucher,
    )


def _ledger() -> dict[str, Any]:
    """南涧 2026: central 200 and county 50 万元; 大理市 central 100 万元 (nothing paid: the late county).
    The road gets central 80 (paid 70, 10 reversed: 60) and county 20 (paid 20): given 100, paid 80 = 80%.
    The walnut project (产业发展) gets central 100, paid 50: 50%. 南涧: paid 130 of 250 = 52%; central 110 of
    200 = 55%, county 20 of 50 = 40%. Industry share (2026: the 2023 value, 60%, central only): 100 / 200 = 50%."""
    users = fund_users()
    road = library_project(users["county"])
    walnut = library_project(users["county"], industry=True)
    document = allocation(
        users["prefecture_finance"], doc_number="大财农〔2026〕8号", budget_year=2026,
        lines=((COUNTY, "central", "200"), (COUNTY, "county", "50"), (OTHER_COUNTY, "central", "100")),
    )  # fmt: skip
    central = document.lines.get(county__code=COUNTY, source="central")
    county = document.lines.get(county__code=COUNTY, source="county")
    finance = users["finance"]
    road_central = services.split_create(actor=finance, line=central, project=road, amount="80")
    road_county = services.split_create(actor=finance, line=county, project=road, amount="20")
    walnut_central = services.split_create(actor=finance, line=central, project=walnut, amount="100")
    paid = _pay(finance, road_central, "70", "记-001")
    services.payment_reverse(
        actor=finance, payment=paid, amount="10", reason="多付工程款", voucher="冲-001", on=clock.today()
    )
    _pay(finance, road_county, "20", "记-002")
    _pay(finance, walnut_central, "50", "记-003")
    return {"users": users, "road": road, "walnut": walnut, "central": central, "document": document}


def _nanjian() -> Division:
    return Division.objects.get(code=COUNTY)


def test_p14_county_progress_by_source_and_project_computed_by_hand(clock_at: Any) -> None:
    clock_at(JULY)
    given = _ledger()
    # when the county's page is computed for 2026 in July
    w = watch.county_watch(_nanjian(), 2026, today=clock.today())
    # then the totals are the rows' sums (the reversal netted)
    assert (w.total.allocated_fen, w.total.split_fen, w.total.paid_fen) == (250 * WAN, 200 * WAN, 130 * WAN)
    assert str(w.total.progress) == "52.00"
    by_source = {s.code: s for s in w.sources}
    assert str(by_source["central"].sums.progress) == "55.00" and not by_source["central"].behind
    assert str(by_source["county"].sums.progress) == "40.00" and by_source["county"].behind
    # and per project: the road 80 of 100, the walnut project 50 of 100 — at the 50% target, not below it
    rows = {r.code: r for r in watch.project_sums_of_year(_nanjian().pk, 2026)}
    assert (
        rows[given["road"].code].sums.paid_fen == 80 * WAN
        and str(rows[given["road"].code].sums.progress) == "80.00"
    )
    assert str(rows[given["walnut"].code].sums.progress) == "50.00"
    assert w.schedule.target_percent == 50 and w.schedule.month_end == "2026年6月末"
    assert not w.behind and w.projects_behind == []


def test_p14_the_schedule_target_moves_with_the_date(clock_at: Any) -> None:
    clock_at(JULY)
    given = _ledger()
    # then in October the target is 9月末's 75%: the county (52%) and the walnut project (50%) are behind
    clock_at(OCTOBER)
    w = watch.county_watch(_nanjian(), 2026, today=clock.today())
    assert (w.schedule.target_percent, w.schedule.month_end) == (75, "2026年9月末")
    assert w.behind and [p.code for p in w.projects_behind] == [given["walnut"].code]
    assert w.projects_behind[0].url == f"/funds/projects/{given['walnut'].pk}/"
    # on the last day of March the 20% of 3月末 applies; the day before, nothing is due yet
    assert (
        watch.county_watch(_nanjian(), 2026, today=datetime.date(2026, 3, 31)).schedule.target_percent == 20
    )
    assert watch.county_watch(_nanjian(), 2026, today=datetime.date(2026, 3, 30)).schedule.target_percent == 0
    # and the page says so, cites the parameter's version and links the project to its money page
    response = _client(given["users"]["county"]).get("/funds/progress/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "截至2026年9月末应达到" in text and "第1版" in text and 'data-testid="county-behind"' in text
    assert f'href="/funds/projects/{given["walnut"].pk}/"' in text
    assert 'data-label="支出进度"' in text  # a table read as cards at 375 px


def test_p14_industry_share_warns_below_the_value_and_stops_at_it(clock_at: Any) -> None:
    clock_at(JULY)
    given = _ledger()
    users = given["users"]
    share = watch.industry_shares([_nanjian().pk], 2026)[_nanjian().pk]
    # then 100 of 200 central is 50% < 60%: a warning naming the counted source and the parameter
    assert (share.used_fen, share.base_fen, str(share.share)) == (100 * WAN, 200 * WAN, "50.00")
    assert share.warning and share.rule.sources == ("central",) and share.rule.citation["year"] == 2023
    # when a second 产业发展 project gets 19.98 万元: 119.98 / 200 = 59.99%, still below
    orchard = library_project(users["county"], industry=True, name="西山村青梅种植")
    split = services.split_create(
        actor=users["finance"], line=given["central"], project=orchard, amount="19.98"
    )
    share = watch.industry_shares([_nanjian().pk], 2026)[_nanjian().pk]
    assert str(share.share) == "59.99" and share.warning
    text = _client(users["county"]).get("/funds/progress/?year=2026").content.decode()
    assert 'data-testid="share-warning"' in text and "计入的资金来源：中央财政衔接资金" in text
    # when 0.02 more goes to it: 120 of 200 = 60.00%, at the value: no warning
    services.split_create(actor=users["finance"], line=given["central"], project=orchard, amount="0.02")
    share = watch.industry_shares([_nanjian().pk], 2026)[_nanjian().pk]
    assert str(share.share) == "60.00" and not share.warning
    text = _client(users["county"]).get("/funds/progress/?year=2026").content.decode()
    assert 'data-testid="share-warning"' not in text
    # when the orchard leaves the library unpaid (出库), its splits are released: 50% and the warning is back
    projects.project_move(
        actor=users["county"], project=orchard, to="withdrawn", opinion="选址变更，不再实施"
    )
    share = watch.industry_shares([_nanjian().pk], 2026)[_nanjian().pk]
    assert share.used_fen == 100 * WAN and share.warning
    assert Release.objects.filter(split=split).exists()  # the split stays, released


def test_p14_industry_share_before_the_first_value_is_not_configured(clock_at: Any) -> None:
    clock_at(JULY)
    users = fund_users()
    allocation(users["finance"], doc_number="南财农〔2021〕3号", budget_year=2021)
    share = watch.industry_shares([_nanjian().pk], 2021)[_nanjian().pk]
    assert not share.rule.configured and share.share is None and not share.warning
    text = _client(users["county"]).get("/funds/progress/?year=2021").content.decode()
    assert 'data-testid="share-unset"' in text and "未配置" in text


def test_p14_a_year_before_the_schedule_parameter_says_not_configured(clock_at: Any) -> None:
    clock_at(JULY)
    users = fund_users()
    allocation(users["finance"], doc_number="南财农〔2020〕3号", budget_year=2020)
    for who, url in (("county", "/funds/progress/?year=2020"), ("prefecture", "/funds/progress/?year=2020")):
        response = _client(users[who]).get(url)
        text = response.content.decode()
        assert response.status_code == 200 and "支出进度目标未配置" in text
        assert 'data-testid="behind"' not in text and 'data-testid="county-behind"' not in text


def test_p14_the_prefecture_table_marks_the_late_county(clock_at: Any) -> None:
    clock_at(JULY)
    given = _ledger()
    for who in ("prefecture", "prefecture_finance"):
        response = _client(given["users"][who]).get("/funds/progress/")
        text = response.content.decode()
        assert response.status_code == 200
        rows = {r.county.code: r for r in response.context["rows"]}
        assert len(rows) == 12 and response.context["year"] == 2026  # the latest year with allocations
        assert str(rows[COUNTY].sums.progress) == "52.00" and not rows[COUNTY].behind
        assert rows[OTHER_COUNTY].sums.paid_fen == 0 and rows[OTHER_COUNTY].behind  # 大理市: 0% < 50%
        assert str(rows[OTHER_COUNTY].industry.share) == "0.00" and rows[OTHER_COUNTY].industry.warning
        assert rows["532932"].sums.progress is None and not rows["532932"].behind  # nothing allocated
        assert f'href="/funds/progress/{OTHER_COUNTY}/?year=2026"' in text
        assert text.count('data-testid="behind"') == 1
        # and 全州合计 is the sum of the rows (a county with no money adds 0.00): 350 allocated, 200 split to
        # projects, 130 paid = 37.14%, with the 已分配 column the .xlsx has
        total = response.context["total"]
        assert (
            (total.allocated_fen, total.split_fen, total.paid_fen)
            == (
                sum(r.sums.allocated_fen for r in rows.values()),
                sum(r.sums.split_fen for r in rows.values()),
                sum(r.sums.paid_fen for r in rows.values()),
            )
            == (350 * WAN, 200 * WAN, 130 * WAN)
        )
        assert str(total.progress) == "37.14"
        footer = text.split('data-testid="prefecture-total"', 1)[1].split("</tr>", 1)[0]
        assert "全州合计" in footer and 'data-testid="total-allocated"><strong>350.00<' in footer
        assert (
            'data-testid="total-split"><strong>200.00<' in footer
            and "130.00" in footer
            and "37.14%" in footer
        )
        assert '<th class="money">已分配(万元)</th>' in text
        nanjian = text.split(f'data-county="{COUNTY}"', 1)[1].split("</tr>", 1)[0]
        assert '<td data-label="已分配(万元)" class="money">200.00</td>' in nanjian


def test_p2_p14_per_person_allocation_of_the_key_counties_against_the_other_tuopin_counties(
    clock_at: Any,
) -> None:
    clock_at(JULY)
    users = fund_users()
    allocation(
        users["prefecture_finance"], doc_number="大财农〔2026〕20号", budget_year=2026, level="province",
        lines=((COUNTY, "province", "30"), (COUNTY, "prefecture", "10"), (COUNTY, "central", "500"),
               (KEY_OTHER, "province", "20"), (XIANGYUN, "province", "15"), (OTHER_COUNTY, "province", "50")),
    )  # fmt: skip
    # 南涧: two 脱贫户 of two people, one of whom left (3), and an ordinary household (not counted); 祥云: 2
    first = make_household(VILLAGE)
    make_household(VILLAGE)
    make_household(VILLAGE, kind="一般农户")
    make_household(XIANGYUN_VILLAGE)
    spouse = Membership.objects.get(household=first, relation="配偶")
    registry.membership_end(
        actor=None, membership=spouse, left_on=datetime.date(2026, 1, 5), reason=LeaveReason.MARRIAGE
    )
    counties = list(Division.objects.filter(level="county").order_by("code"))
    key, other = watch.per_person_groups(counties, 2026)
    # then the key counties: (30 + 10 + 20) 万元 for 3 people = 200000.00 元 each; 大理市 in neither group
    assert (key.key, len(key.rows), len(other.rows)) == (rules.KEY_GROUP, 7, 4)
    assert (key.allocated_fen, key.people, str(key.per_person)) == (60 * WAN, 3, "200000.00")
    assert (other.allocated_fen, other.people, str(other.per_person)) == (15 * WAN, 2, "75000.00")
    by_county = {r.county.code: r for r in key.rows + other.rows}
    assert str(by_county[COUNTY].per_person) == "133333.33"  # 40 万元 / 3
    assert by_county[KEY_OTHER].per_person is None  # no 脱贫 person registered
    assert OTHER_COUNTY not in by_county
    text = _client(users["prefecture"]).get("/funds/progress/").content.decode()
    # and the page writes them with thousands separators, two decimals (the .xlsx's way of reading)
    assert (
        "200,000.00" in text and "75,000.00" in text and "133,333.33" in text and 'data-group="key"' in text
    )
    assert "200000.00" not in text
    # the people too (grouped by hand: humanize's intcomma leaves an integer ungrouped under zh-hans)
    assert (watch.grouped(12345), watch.grouped(0), watch.grouped(None)) == ("12,345", "0", "—")
    assert (key.people_text, by_county[KEY_OTHER].per_person_text) == ("3", "—")


def test_p14_fund_tiles_count_the_lists_they_link_to(clock_at: Any) -> None:
    clock_at(OCTOBER)
    given = _ledger()
    users = given["users"]
    tiles = {t.key: t for t in watch.fund_tiles(users["county"], clock.today())}
    assert (
        tiles["funds-projects-behind"].value == 1
        and tiles["funds-projects-behind"].url == "/funds/progress/?year=2026"
    )
    # one county: the share tile's count is 1, so its note carries the share itself (the value stays a count)
    share = tiles["funds-industry-share"]
    assert (share.value, share.note) == (1, "本县占比 50.00%，目标 60%")
    assert "funds-proposals" not in tiles  # the 乡村振兴局 proposes; the finance bureau confirms
    prefecture = {t.key: t for t in watch.fund_tiles(users["prefecture"], clock.today())}
    assert prefecture["funds-counties-behind"].value == 2  # 南涧 52% and 大理市 0% < 75%
    assert prefecture["funds-counties-share"].value == 2  # 南涧 50% and 大理市 0% < 60%
    assert watch.fund_tiles(make_user(Role.VILLAGE, VILLAGE, username="t_cun"), clock.today()) == []


def test_p14_the_finance_bureau_s_home_tile_counts_the_proposals_waiting_for_it(clock_at: Any) -> None:
    # given the county's 乡村振兴局 proposes three splits; the finance bureau confirms one, sends one back
    clock_at(JULY)
    users = fund_users()
    line = allocation(users["finance"], lines=((COUNTY, "central", "300"),)).lines.get()
    proposals = [
        services.split_create(
            actor=users["county"], line=line, project=library_project(users["county"], name=name), amount="20"
        )
        for name in ("西山村道路一", "西山村道路二", "西山村道路三")
    ]
    services.split_confirm(actor=users["finance"], split=proposals[0])
    services.split_refuse(actor=users["finance"], split=proposals[1], reason="项目前期工作未完成")
    # when the bureaus' home tiles are computed
    tiles = {t.key: t for t in watch.fund_tiles(users["finance"], clock.today())}
    # then the county's bureau has one waiting, urgent, linking to the list that shows it as waiting
    tile = tiles["funds-proposals"]
    assert (tile.value, tile.url, tile.urgent, tile.label) == (1, "/funds/splits/", True, "待确认的分配建议")
    assert len(_client(users["finance"]).get(tile.url).context["waiting"]) == tile.value
    # and the existing tiles stay, after it (the clerk's own work first)
    assert next(iter(tiles)) == "funds-proposals" and "funds-projects-behind" in tiles
    # and the prefecture's bureau sees the same proposal; another county's bureau none; no finance role, no tile
    prefecture = {t.key: t for t in watch.fund_tiles(users["prefecture_finance"], clock.today())}
    assert prefecture["funds-proposals"].value == 1 and "funds-counties-behind" in prefecture
    assert {t.key: t for t in watch.fund_tiles(users["other_finance"], clock.today())}[
        "funds-proposals"
    ].value == 0
    assert all(t.key != "funds-proposals" for t in watch.fund_tiles(users["prefecture"], clock.today()))
    # and the home page shows it with its count
    home = _client(users["finance"]).get("/").content.decode()
    assert 'data-testid="tile-funds-proposals" data-count="1"' in home


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "route", "county", "status"),
    [
        ("county", "funds:progress", COUNTY, 200),
        ("county", "funds:county_progress", COUNTY, 200),
        ("county", "funds:county_progress", OTHER_COUNTY, 404),
        ("finance", "funds:county_progress", COUNTY, 200),
        ("finance", "funds:county_progress", OTHER_COUNTY, 404),
        ("other_finance", "funds:county_progress", OTHER_COUNTY, 200),
        ("other_finance", "funds:county_progress", COUNTY, 404),
        ("prefecture", "funds:progress", COUNTY, 200),
        ("prefecture", "funds:county_progress", OTHER_COUNTY, 200),
        ("prefecture_finance", "funds:county_progress", COUNTY, 200),
        ("prefecture", "funds:county_progress", "532926101", 404),  # a township is no county
        ("prefecture", "funds:county_progress", "530102", 404),  # outside the prefecture
        ("village", "funds:progress", COUNTY, 403),
        ("village", "funds:county_progress", COUNTY, 403),
        ("township", "funds:county_progress", COUNTY, 403),
        (None, "funds:progress", COUNTY, 302),
        (None, "funds:county_progress", COUNTY, 302),
    ],
)
def test_p14_watch_routes_by_role(who: str | None, route: str, county: str, status: int) -> None:
    users = fund_users()
    users["village"] = make_user(Role.VILLAGE, VILLAGE, username="w_cun")
    users["township"] = make_user(Role.TOWNSHIP, "532926101", username="w_xiang")
    client = _client(users[who]) if who else Client()
    assert client.get(WATCH_ROUTES[route]({"county": county})).status_code == status


def test_p14_a_prefecture_opens_a_county_page_with_its_breadcrumb(clock_at: Any) -> None:
    clock_at(JULY)
    given = _ledger()
    response = _client(given["users"]["prefecture"]).get(f"/funds/progress/{OTHER_COUNTY}/?year=2026")
    text = response.content.decode()
    assert response.status_code == 200 and "各县(市)支出进度" in text
    assert response.context["w"].behind and response.context["w"].total.allocated_fen == 100 * WAN
    # the prefecture's own code is no county page (its table is /funds/progress/)
    assert _client(given["users"]["prefecture"]).get(f"/funds/progress/{PREFECTURE}/").status_code == 404
