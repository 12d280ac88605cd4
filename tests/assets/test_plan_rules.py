"""The income-distribution rules at their boundaries (P15): 一分了之 at exactly the share of the village's
households, goods alike, labour paid equally allowed; beneficiaries of the village only; kept lines pay no one;
never more than the income; the meetings' quorum; a returned plan revised and proposed again; the township of
another township refused; the bank 代发 file's rows and sums; the public page names no one."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.assets.builders import heads_of, meeting, posting
from tests.assets.test_plan_pages import HEAD_NAMES, labour_plan, plan_users, published_plan, village_of_five
from tests.conftest import SAME_TOWNSHIP_VILLAGE, VILLAGE
from tests.factories import make_household
from zhenxing.assets import distribution
from zhenxing.assets.inputs import PayoutInput, PlanInput, PlanLineInput
from zhenxing.assets.models import DistributionPlan, PlanPayout
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.crypto import decrypt_id_number
from zhenxing.common.errors import InvalidInput, PermissionDenied
from zhenxing.monitoring.models import Case
from zhenxing.registry.models import Household, Person

pytestmark = pytest.mark.django_db


def _ten_households() -> list[int]:
    return heads_of([make_household(VILLAGE, year=None) for _ in range(10)])


def _plan(*lines: PlanLineInput, income: str = "20000") -> PlanInput:
    return PlanInput(village_code=VILLAGE, year=clock.today().year, title="2026年光伏电站收益分配",
                     income=income, lines=lines, meeting=meeting())  # fmt: skip


def _equal(kind: str, heads: list[int], amount: str = "500") -> PlanLineInput:
    return PlanLineInput(kind, "", "", tuple(PayoutInput(person, amount) for person in heads))


def _codes(error: pytest.ExceptionInfo[InvalidInput]) -> set[tuple[str, str]]:
    return {(".".join(str(p) for p in d.loc), d.code) for d in error.value.details}


@pytest.mark.parametrize("kind", ["cash", "goods"])
def test_p15_equal_unconditional_share_to_exactly_eighty_percent_of_households_is_refused(kind: str) -> None:
    users = plan_users()
    heads = _ten_households()
    with pytest.raises(InvalidInput) as refused:
        distribution.plan_create(actor=users["village"], data=_plan(_equal(kind, heads[:8])))
    assert ("lines.0.kind", "even_handout") in _codes(refused)
    assert "10户中的8户" in refused.value.details[0].message and "P15" in refused.value.details[0].message
    assert DistributionPlan.objects.count() == 0


@pytest.mark.parametrize("kind", ["cash", "goods"])
def test_p15_equal_unconditional_share_to_one_household_fewer_is_allowed(kind: str) -> None:
    users = plan_users()
    heads = _ten_households()
    plan = distribution.plan_create(actor=users["village"], data=_plan(_equal(kind, heads[:7])))
    assert plan.status == "proposed" and PlanPayout.objects.filter(line__plan=plan).count() == 7


def test_p15_labour_paid_equally_to_every_household_is_allowed() -> None:
    users = plan_users()
    heads = _ten_households()
    line = PlanLineInput("labour", "参与村内道路维护", "", tuple(PayoutInput(p, "500") for p in heads))
    plan = distribution.plan_create(actor=users["village"], data=_plan(line))
    assert AuditEvent.objects.filter(action="asset.plan_create", target_id=str(plan.pk)).exists()


def test_p15_a_person_not_of_the_village_is_refused() -> None:
    users = plan_users()
    heads = village_of_five()
    stranger = heads_of([make_household(SAME_TOWNSHIP_VILLAGE, year=None)])[0]
    line = PlanLineInput(
        "labour", "参与村内道路维护", "", (PayoutInput(heads[0], "300"), PayoutInput(stranger, "300"))
    )
    with pytest.raises(InvalidInput) as refused:
        distribution.plan_create(actor=users["village"], data=_plan(line))
    assert ("lines.0.payouts.1.person", "person") in _codes(refused)


def test_p15_a_kept_line_with_payouts_is_refused() -> None:
    users = plan_users()
    heads = village_of_five()
    line = PlanLineInput("public_fund", "", "2000", (PayoutInput(heads[0], "300"),))
    with pytest.raises(InvalidInput) as refused:
        distribution.plan_create(actor=users["village"], data=_plan(line))
    assert ("lines.0.payouts", "kept") in _codes(refused)


def test_p15_a_total_above_the_income_is_refused() -> None:
    users = plan_users()
    heads = village_of_five()
    line = PlanLineInput("labour", "参与村内道路维护", "", tuple(PayoutInput(p, "300") for p in heads))
    with pytest.raises(InvalidInput) as refused:
        distribution.plan_create(
            actor=users["village"], data=_plan(line, PlanLineInput("upkeep", "", "1"), income="1500")
        )
    assert ("income", "over") in _codes(refused)
    distribution.plan_create(actor=users["village"], data=_plan(line, income="1500"))  # exactly the income


def test_p15_a_meeting_below_two_thirds_cannot_decide() -> None:
    users = plan_users()
    plan = distribution.plan_create(actor=users["village"], data=labour_plan(village_of_five()))
    with pytest.raises(InvalidInput) as refused:
        distribution.plan_move(actor=users["village"], plan=plan, to="discussed",
                               meeting=meeting(attendees=19, expected=30))  # fmt: skip
    assert ("meeting.attendees", "quorum") in _codes(refused)
    plan.refresh_from_db()
    assert plan.status == "proposed"
    moved = distribution.plan_move(actor=users["village"], plan=plan, to="discussed",
                                   meeting=meeting(attendees=20, expected=30))  # fmt: skip
    assert moved.status == "discussed"


def _resolved(users: dict[str, Any], heads: list[int]) -> DistributionPlan:
    plan = distribution.plan_create(actor=users["village"], data=labour_plan(heads))
    for to in ("discussed", "reviewed", "resolved"):
        plan = distribution.plan_move(actor=users["village"], plan=plan, to=to, meeting=meeting())
    return plan


def test_p15_a_returned_plan_is_revised_and_proposed_again() -> None:
    users = plan_users()
    heads = village_of_five()
    plan = _resolved(users, heads)
    plan = distribution.plan_move(
        actor=users["township"], plan=plan, to="returned", opinion="救助对象不全，请补充"
    )
    client = Client()
    client.force_login(users["village"])
    assert "修改后重新提议" in client.get(f"/assets/plans/{plan.pk}/").content.decode()
    form = client.get(f"/assets/plans/{plan.pk}/revise/")
    assert form.status_code == 200 and 'value="300.00"' in form.content.decode()

    data = {"reason": "补充救助对象", "lines": "2", "line-0-kind": "relief", "line-0-description": "低收入人口救助",
            **{f"line-0-pay-{p}": "600" for p in heads[:2]}, "line-1-kind": "public_fund", "line-1-amount": "1000"}  # fmt: skip
    response = client.post(f"/assets/plans/{plan.pk}/revise/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    plan.refresh_from_db()
    assert plan.status == "proposed"
    assert sorted(plan.lines.values_list("kind", "amount_fen")) == [
        ("public_fund", 100000),
        ("relief", 120000),
    ]
    assert AuditEvent.objects.filter(action="asset.plan_revise", new_values__status="proposed").exists()
    moved = distribution.plan_move(actor=users["village"], plan=plan, to="discussed", meeting=meeting())
    assert moved.status == "discussed"


def test_p15_the_revision_audit_keeps_the_old_and_new_totals() -> None:
    users = plan_users()
    heads = village_of_five()
    plan = distribution.plan_move(
        actor=users["township"], plan=_resolved(users, heads), to="returned", opinion="请修改"
    )
    line = PlanLineInput("relief", "低收入人口救助", "", (PayoutInput(heads[0], "600"),))
    distribution.plan_revise(actor=users["village"], plan=plan, lines=(line,), reason="补充救助对象")
    event = AuditEvent.objects.get(action="asset.plan_lines")
    assert event.new_values["total_fen"] == 60000 and event.new_values["old_total_fen"] == 400000


def test_p15_revising_into_an_even_handout_is_refused_on_the_page() -> None:
    users = plan_users()
    heads = village_of_five()
    plan = distribution.plan_move(
        actor=users["township"], plan=_resolved(users, heads), to="returned", opinion="请修改"
    )
    client = Client()
    client.force_login(users["village"])
    data = {
        "reason": "改为现金",
        "lines": "1",
        "line-0-kind": "cash",
        **{f"line-0-pay-{p}": "500" for p in heads},
    }
    response = client.post(f"/assets/plans/{plan.pk}/revise/", data)
    assert response.status_code == 422 and "一分了之" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "returned" and plan.lines.count() == 2


def test_p15_the_township_of_another_township_is_refused() -> None:
    users = plan_users()
    plan = _resolved(users, village_of_five())
    with pytest.raises(PermissionDenied):
        distribution.plan_move(actor=users["other_township"], plan=plan, to="audited", opinion="同意")
    client = Client()
    client.force_login(users["other_township"])
    assert (
        client.post(f"/assets/plans/{plan.pk}/move/", {"to": "audited", "opinion": "同意"}).status_code == 404
    )
    plan.refresh_from_db()
    assert plan.status == "resolved"


def _read(content: bytes) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python()


def test_p15_the_payroll_sums_each_person_into_one_row_with_the_full_id_number() -> None:
    users = plan_users()
    heads = village_of_five()
    two_lines = _plan(
        PlanLineInput("labour", "参与村内道路维护", "", tuple(PayoutInput(p, "300") for p in heads)),
        PlanLineInput("relief", "低收入人口救助", "", (PayoutInput(heads[0], "250.50"),)),
        PlanLineInput("upkeep", "", "1000"),
    )
    plan = published_plan(users, heads, data=two_lines)
    client = Client()
    client.force_login(users["township"])

    response = client.get(f"/assets/plans/{plan.pk}/payroll.xlsx")

    assert response.status_code == 200
    rows = _read(response.content)
    assert rows[0] == ["序号", "姓名", "身份证号", "金额（元）", "资金用途", "备注"]
    assert len(rows) == 6 and [r[0] for r in rows[1:]] == [1, 2, 3, 4, 5]
    first = Person.objects.get(pk=heads[0])
    household = Household.objects.get(memberships__person=first, memberships__left_on__isnull=True)
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name[first.name][2] == decrypt_id_number(bytes(first.id_number_encrypted))  # type: ignore[arg-type]
    assert len(by_name[first.name][2]) == 18 and "*" not in by_name[first.name][2]
    assert by_name[first.name][3] == 550.5 and by_name[first.name][5] == household.code
    assert "劳动报酬" in by_name[first.name][4] and "救助金" in by_name[first.name][4]
    assert sum(r[3] for r in rows[1:]) == 1750.5
    event = AuditEvent.objects.get(action="asset.export")
    assert event.new_values == {"report": "payroll", "plan": plan.pk, "rows": 5}
    assert by_name[first.name][2] not in str(event.new_values) + str(event.old_values)


def test_p15_no_payroll_before_the_resolution_is_posted_nor_for_the_prefecture() -> None:
    users = plan_users()
    heads = village_of_five()
    plan = _resolved(users, heads)
    client = Client()
    client.force_login(users["village"])
    assert client.get(f"/assets/plans/{plan.pk}/payroll.xlsx").status_code == 409
    assert not AuditEvent.objects.filter(action="asset.export").exists()
    client.force_login(users["prefecture"])
    assert client.get(f"/assets/plans/{plan.pk}/payroll.xlsx").status_code == 403


def _monitored(household: Any) -> Case:
    return Case.objects.create(
        village_id=VILLAGE, household=household, source="cadre", status="confirmed", identified_on=clock.today(),
        step_started_on=clock.today(), due=clock.today() + datetime.timedelta(days=30),
        opened_at=datetime.datetime.now(tz=datetime.UTC),
    )  # fmt: skip


def test_p15_the_report_gives_the_shares_to_monitoring_objects_and_to_alleviated_households() -> None:
    users = plan_users()
    heads = village_of_five()
    plain = make_household(VILLAGE, year=None, kind="一般农户")
    heads_all = [*heads, *heads_of([plain])]
    households = {
        p: Household.objects.get(memberships__person_id=p, memberships__left_on__isnull=True)
        for p in heads_all
    }
    _monitored(households[heads[0]])
    line = PlanLineInput("labour", "参与村内道路维护", "", tuple(PayoutInput(p, "250") for p in heads_all))
    plan = published_plan(users, heads, data=_plan(line))
    distribution.plan_move(actor=users["village"], plan=plan, to="implemented")
    client = Client()
    client.force_login(users["county"])

    page = client.get(f"/assets/plans/report/?year={clock.today().year}").content.decode()

    assert "1,500.00" in page  # six people at 250 元
    assert "16.7%" in page  # one monitoring-object household of six
    assert "83.3%" in page  # five 脱贫户 of six
    assert "没有已实施" in client.get("/assets/plans/report/?year=2001").content.decode()


def test_p15_the_public_page_shows_the_postings_without_any_name(shipped_data: None) -> None:
    users = plan_users()
    heads = village_of_five()
    plan = published_plan(users, heads)
    distribution.plan_move(actor=users["village"], plan=plan, to="implemented")
    distribution.plan_move(
        actor=users["village"], plan=plan, to="closed", posting=posting(place="西山村文化广场")
    )

    html = Client().get(f"/v/{VILLAGE}/").content.decode()

    assert "2026年光伏电站收益分配" in html and "西山村务公开栏" in html and "西山村文化广场" in html
    assert "实施结果公开" in html and "2,000.00" in html and "村集体留存" in html
    assert not any(name in html for name in (*HEAD_NAMES, "李秀英"))
    household_codes = PlanPayout.objects.filter(line__plan=plan).values_list("household__code", flat=True)
    assert not any(code in html for code in household_codes)
