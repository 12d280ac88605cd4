"""The villages' collective economy (P11, P15): the tier boundaries (19,999.99 / 20,000 / 50,000 / 100,000 元), a
correction that keeps the old figure in the audit, a township refused another township's village, the township's
entry form (all rows or none, each row's problem beside it), tier changes between years, the tier table against
the plan's 2020 figures (15 / 546 / 309 / 274 of 1,144) and its .xlsx read back."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.assets.builders import asset_users
from tests.conftest import COUNTY, OTHER_TOWNSHIP, SAME_TOWNSHIP_VILLAGE, TOWNSHIP, VILLAGE
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.assets import collective_report as report
from zhenxing.assets.collective import collective_income_record
from zhenxing.assets.models import CollectiveIncome
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import PermissionDenied
from zhenxing.divisions.models import Division
from zhenxing.policy.rules.assets import PLAN_2020_TIERS

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _villages(n: int) -> list[str]:
    codes = list(
        Division.objects.filter(level="village", code__startswith=TOWNSHIP)
        .order_by("code")
        .values_list("code", flat=True)
    )
    assert len(codes) >= n
    return codes[:n]


def _record(
    user: User, code: str, amount: str, *, year: int | None = None, tuopin: bool = True
) -> CollectiveIncome:
    return collective_income_record(actor=user, village_code=code, year=year or clock.today().year, amount=amount,
                                    evidence="村集体经济组织会计报表", has_tuopin_population=tuopin)  # fmt: skip


def test_p11_tier_boundaries_a_bound_belongs_to_the_tier_above() -> None:
    users = asset_users()
    codes = _villages(4)
    tiers = [_record(users["township"], code, amount).tier
             for code, amount in zip(codes, ("19999.99", "20000", "50000", "100000"), strict=True)]  # fmt: skip
    assert tiers == [0, 1, 2, 3]
    row = CollectiveIncome.objects.get(village__code=codes[1])
    assert (
        row.amount_fen == 2_000_000
        and row.county.code == COUNTY
        and row.tier_parameter.kind == "collective_economy_tiers"
    )
    # just below each higher bound stays in the tier below
    assert _record(users["township"], codes[2], "49999.99").tier == 1
    assert _record(users["township"], codes[3], "99999.99").tier == 2


def test_p11_correction_keeps_the_old_value_in_the_audit() -> None:
    users = asset_users()
    _record(users["township"], VILLAGE, "30000")
    corrected = _record(users["township"], VILLAGE, "120000")
    assert CollectiveIncome.objects.filter(village__code=VILLAGE).count() == 1
    assert corrected.tier == 3 and corrected.amount_fen == 12_000_000
    first, second = AuditEvent.objects.filter(action="asset.collective_income").order_by("pk")
    assert first.old_values in (None, {})
    assert second.old_values["amount_fen"] == 3_000_000 and second.old_values["tier"] == 1
    assert second.new_values["amount_fen"] == 12_000_000 and second.new_values["tier"] == 3


def test_p11_a_township_is_refused_another_townships_village() -> None:
    users = asset_users()
    other = make_user(Role.TOWNSHIP, OTHER_TOWNSHIP, username="c_xiaowan")
    with pytest.raises(PermissionDenied):
        _record(other, VILLAGE, "30000")
    # the form too: the whole post is refused and nothing is saved
    response = _client(other).post("/assets/collective/record/", {
        "year": clock.today().year, "village": [VILLAGE], f"amount-{VILLAGE}": "30000", f"evidence-{VILLAGE}": "报表"})  # fmt: skip
    assert response.status_code == 403
    assert not CollectiveIncome.objects.exists()
    # the county does not enter (only the township has the capability)
    response = _client(users["county"]).post("/assets/collective/record/", {"year": clock.today().year})
    assert response.status_code == 403


def test_p11_the_entry_form_saves_every_filled_row_or_none_with_errors_per_row() -> None:
    users = asset_users()
    client = _client(users["township"])
    year = clock.today().year
    page = client.get("/assets/collective/").content.decode()
    assert f'name="amount-{VILLAGE}"' in page and f'name="amount-{SAME_TOWNSHIP_VILLAGE}"' in page
    bad = {"year": year, "village": [VILLAGE, SAME_TOWNSHIP_VILLAGE],
           f"amount-{VILLAGE}": "25000", f"evidence-{VILLAGE}": "报表", f"tuopin-{VILLAGE}": "on",
           f"amount-{SAME_TOWNSHIP_VILLAGE}": "-5", f"evidence-{SAME_TOWNSHIP_VILLAGE}": "报表"}  # fmt: skip
    response = client.post("/assets/collective/record/", bad)
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-error="amount"' in body and "不能为负数" in body and 'value="25000"' in body
    assert not CollectiveIncome.objects.exists()
    assert not AuditEvent.objects.filter(action="asset.collective_income").exists()
    # nothing filled is refused too
    assert client.post("/assets/collective/record/", {"year": year, "village": [VILLAGE]}).status_code == 422
    good = {**bad, f"amount-{SAME_TOWNSHIP_VILLAGE}": "60000"}
    response = client.post("/assets/collective/record/", good)
    assert response.status_code == 302
    saved = dict(CollectiveIncome.objects.values_list("village__code", "tier"))
    assert saved == {VILLAGE: 1, SAME_TOWNSHIP_VILLAGE: 2}
    assert not CollectiveIncome.objects.get(village__code=SAME_TOWNSHIP_VILLAGE).has_tuopin_population
    assert AuditEvent.objects.filter(action="asset.collective_income").count() == 2


def test_p11_tier_changes_between_years_are_counted() -> None:
    users = asset_users()
    year = clock.today().year
    a, b, c, d = _villages(4)
    for code, last, this in ((a, "10000", "30000"), (b, "60000", "30000"), (c, "30000", "40000")):
        _record(users["township"], code, last, year=year - 1)
        _record(users["township"], code, this, year=year)
    _record(users["township"], d, "200000", year=year)  # no figure last year: not compared
    rows = {r.village.code: r.change for r in report.village_rows(user=users["county"], year=year)}
    assert rows == {a: "↑", b: "↓", c: "=", d: ""}
    table = report.tier_table(user=users["prefecture"], year=year)
    assert (table.moved_up, table.moved_down, table.stayed, table.compared) == (1, 1, 1, 3)
    assert table.moves == {(0, 1): 1, (2, 1): 1, (1, 1): 1}
    page = _client(users["county"]).get(f"/assets/collective/tiers/?year={year}").content.decode()
    assert 'data-testid="moved-up">1<' in page and 'data-testid="moved-down">1<' in page


def test_p11_tier_table_counts_villages_with_tuopin_population_against_the_2020_plan() -> None:
    users = asset_users()
    year = clock.today().year
    a, b, c = _villages(3)
    _record(users["township"], a, "10000")
    _record(users["township"], b, "10000")
    _record(users["township"], c, "150000", tuopin=False)  # not one the plan counts
    table = report.tier_table(user=users["prefecture"], year=year)
    assert table.total.counts == [2, 0, 0, 0] and table.total.total == 2
    assert [row.county.code for row in table.rows if row.county] == [COUNTY]
    assert table.plan_2020[0][1:] == (2, PLAN_2020_TIERS[0], 2 - 15)
    assert [plan for _, _, plan, _ in table.plan_2020] == [
        15,
        546,
        309,
        274,
    ] and table.plan_2020_villages == 1144
    # another county's user sees none of it
    assert report.tier_table(user=users["other_county"], year=year).total.total == 0


def test_p11_tier_table_xlsx_reads_back_and_is_audited() -> None:
    users = asset_users()
    year = clock.today().year
    a, b = _villages(2)
    _record(users["township"], a, "20000")
    _record(users["township"], b, "100000")
    content = _client(users["prefecture"]).get(f"/assets/collective/tiers.xlsx?year={year}").content
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    tiers = book.get_sheet_by_name("分档统计").to_python()
    county_row = next(row for row in tiers if row[0] == COUNTY)
    assert [int(n) for n in county_row[2:7]] == [0, 1, 0, 1, 2]
    compare = book.get_sheet_by_name("与2020年对比").to_python()
    assert [int(row[2]) for row in compare[1:5]] == [15, 546, 309, 274] and int(compare[5][2]) == 1144
    event = AuditEvent.objects.get(action="asset.export")
    assert event.new_values["report"] == "村级集体经济收入分档" and event.new_values["year"] == year


def test_p11_the_list_shows_income_asset_part_and_tiers() -> None:
    users = asset_users()
    year = clock.today().year
    _record(users["township"], VILLAGE, "10000", year=year - 1)
    _record(users["township"], VILLAGE, "25000.50", year=year)
    page = _client(users["county"]).get(f"/assets/collective/?year={year}").content.decode()
    assert "25,000.50" in page and "2万元（含）至5万元" in page and 'data-change="↑"' in page
    assert "entry-form" not in page  # only the township enters


# route name → URL builder (the lead plugs these into tests/test_jurisdiction_matrix.py)
COLLECTIVE_ROUTES: dict[str, Callable[[dict[str, Any]], str]] = {
    "assets:collective": lambda ids: f"/assets/collective/?year={ids['year']}",
    "assets:collective_record": lambda ids: "/assets/collective/record/",
    "assets:collective_tiers": lambda ids: f"/assets/collective/tiers/?year={ids['year']}",
    "assets:collective_tiers_xlsx": lambda ids: f"/assets/collective/tiers.xlsx?year={ids['year']}",
}
POST_ROUTES = {"assets:collective_record"}


@pytest.mark.parametrize("route", sorted(COLLECTIVE_ROUTES))
def test_p11_collective_routes_by_role(route: str) -> None:
    users = asset_users()
    url = COLLECTIVE_ROUTES[route]({"year": clock.today().year})

    def status(user: User) -> int:
        client = _client(user)
        return (
            client.post(url, {"year": clock.today().year}) if route in POST_ROUTES else client.get(url)
        ).status_code

    if route in POST_ROUTES:
        # the township enters (an empty post is refused as input, 422); no other role may
        assert status(users["township"]) == 422
        for role in ("village", "county", "prefecture", "transport", "finance", "other_county"):
            assert status(users[role]) == 403, role
        return
    # the territorial roles read their own villages (another county sees its own, empty)
    for role in ("village", "township", "county", "prefecture", "other_county"):
        assert status(users[role]) == 200, (route, role)
    # a sector department has no village; finance and the departments have no register
    for role in ("transport", "finance"):
        assert status(users[role]) == 403, (route, role)
    assert status(make_user(Role.DEPARTMENT, username="c_bumen")) == 403
