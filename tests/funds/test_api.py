"""P14 over the API (/api/v1/funds/…): documents listed and read within the jurisdiction, a document with its
lines, a split, its confirmation or refusal, a payment, a reversal and a county's 支出进度; every refusal of the
issue's bad-input list a 422 in the one error shape naming the field in Chinese, nothing stored (rows counted
before and after); out of scope 404, a role without the capability 403. Every client here is a signed-in
browser session that enforces CSRF. Both databases."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.conftest import COUNTY, OTHER_COUNTY, TOWNSHIP
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.funds import services
from zhenxing.funds.models import Allocation, AllocationLine, Payment, Split
from zhenxing.projects import services as projects

from .builders import allocation, fund_users, library_project

pytestmark = pytest.mark.django_db
API = "/api/v1/funds"


def session(user: User) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")  # any page sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def post(user: User, url: str, body: dict[str, Any]) -> Any:
    client, token = session(user)
    return client.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)


def counts() -> tuple[int, ...]:
    return (Allocation.objects.count(), AllocationLine.objects.count(), Split.objects.count(),
            Payment.objects.count(), AuditEvent.objects.count())  # fmt: skip


def names_field(answer: Any, field: str) -> bool:
    errors = answer.json()["errors"]
    return any(str(e["loc"][-1]) == field and re.search(r"[\u4e00-\u9fff]", e["message"]) for e in errors)


def allocation_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "doc_number": "南财农〔2026〕5号", "title": "衔接资金", "issued_on": (clock.today() - datetime.timedelta(days=20)).isoformat(),
        "level": "central", "budget_year": clock.today().year, "advance": False,
        "lines": [{"county_code": COUNTY, "source": "central", "amount": "150"},
                  {"county_code": COUNTY, "source": "county", "amount": 50.5}],
    }  # fmt: skip
    body.update(changes)
    return body


def test_p14_a_document_split_payment_and_reversal_over_the_api() -> None:
    users = fund_users()
    road = library_project(users["county"])
    # a document with two lines (one amount as text, one as a JSON number)
    answer = post(users["finance"], f"{API}/allocations", allocation_body())
    assert answer.status_code == 201, answer.json()
    document = answer.json()
    assert [(line["source"], line["amount"]) for line in document["lines"]] == [
        ("central", "150"),
        ("county", "50.5"),
    ]
    line = document["lines"][0]["id"]
    # a split, a payment and its reversal
    split = post(users["finance"], f"{API}/splits", {"line": line, "project": road.pk, "amount": "80"})
    assert split.status_code == 201 and split.json()["status"] == "active" and split.json()["unpaid"] == "80"
    today = clock.today().isoformat()
    payment = post(users["finance"], f"{API}/payments", {"split": split.json()["id"], "amount": "30.5",
                                                        "paid_on": today, "payee": "施工单位", "voucher": "记-1"})  # fmt: skip
    assert payment.status_code == 201 and payment.json()["amount"] == "30.5"
    reversal = post(users["finance"], f"{API}/payments/{payment.json()['id']}/reverse",
                    {"amount": "0.5", "reason": "多付收回", "voucher": "冲-1"})  # fmt: skip
    assert reversal.status_code == 201 and reversal.json()["amount"] == "-0.5"
    assert reversal.json()["reverses"] == payment.json()["id"]
    # the document read back, and the county's 支出进度
    client, _ = session(users["county"])
    read = client.get(f"{API}/allocations/{document['id']}").json()
    assert read["lines"][0]["paid"] == "30" and read["lines"][0]["remaining"] == "70"
    listed = client.get(f"{API}/allocations?budget_year={clock.today().year}").json()
    assert [item["id"] for item in listed["items"]] == [document["id"]]
    progress = client.get(f"{API}/progress/{COUNTY}/{clock.today().year}").json()
    assert progress["total"]["allocated"] == "200.5" and progress["total"]["paid"] == "30"
    assert progress["sources"][0]["progress"] == "20.00"
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert {"fund.allocation_create", "fund.split_create", "fund.pay", "fund.reverse"} <= set(actions)


def test_p14_a_county_proposal_is_confirmed_or_refused_by_the_finance_bureau() -> None:
    users = fund_users()
    road = library_project(users["county"])
    line = allocation(users["finance"]).lines.get()
    proposal = post(users["county"], f"{API}/splits", {"line": line.pk, "project": road.pk, "amount": "40"})
    assert proposal.status_code == 201 and proposal.json()["status"] == "proposed"
    pk = proposal.json()["id"]
    # the county cannot confirm its own proposal
    assert post(users["county"], f"{API}/splits/{pk}/confirm", {}).status_code == 403
    refused = post(users["finance"], f"{API}/splits/{pk}/refuse", {"reason": "项目未开工，暂缓分配"})
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    # a refused split cannot be confirmed: a conflict in the error shape
    again = post(users["finance"], f"{API}/splits/{pk}/confirm", {})
    assert again.status_code == 409 and again.json()["errors"][0]["message"]
    second = post(
        users["county"], f"{API}/splits", {"line": line.pk, "project": road.pk, "amount": "40"}
    ).json()
    confirmed = post(users["finance"], f"{API}/splits/{second['id']}/confirm", {})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "active"


def _context() -> dict[str, Any]:
    users = fund_users()
    road = library_project(users["county"])
    gone = library_project(users["county"], name="西山村委会小村组道路硬化")
    ended = library_project(users["county"], name="西山村委会新村组道路硬化")
    issued = clock.today() - datetime.timedelta(days=20)
    document = allocation(
        users["finance"], issued_on=issued, lines=((COUNTY, "central", "150"), (COUNTY, "county", "20"))
    )
    line = document.lines.get(source="central")
    small = document.lines.get(source="county")
    split = services.split_create(actor=users["finance"], line=line, project=road, amount="50")
    today = clock.today()
    paid = services.payment_create(actor=users["finance"], split=split, amount="10", paid_on=today, payee="施工单位",
                                   voucher="记-1")  # fmt: skip
    ended_split = services.split_create(actor=users["finance"], line=line, project=ended, amount="20")
    services.payment_create(actor=users["finance"], split=ended_split, amount="5", paid_on=today, payee="施工单位",
                            voucher="记-2")  # fmt: skip
    projects.project_move(actor=users["county"], project=gone, to="withdrawn", opinion="选址变更，不再实施")
    projects.project_move(
        actor=users["county"], project=ended, to="terminated", opinion="群众意见较大，终止实施"
    )
    return {"users": users, "road": road, "gone": gone, "line": line, "small": small, "split": split,
            "ended_split": ended_split, "paid": paid, "issued": issued, "today": today}  # fmt: skip


def _pay(c: dict[str, Any], **changes: Any) -> tuple[str, dict[str, Any]]:
    body = {"split": c["split"].pk, "amount": "1", "paid_on": c["today"].isoformat(), "payee": "施工单位",
            "voucher": "记-9"}  # fmt: skip
    return f"{API}/payments", {**body, **changes}


# each: (url, body) of a refused write, and the field its 422 names
REFUSALS: dict[str, tuple[Callable[[dict[str, Any]], tuple[str, dict[str, Any]]], str]] = {
    "split to a project not in the library (出库)": (
        lambda c: (f"{API}/splits", {"line": c["line"].pk, "project": c["gone"].pk, "amount": "10"}), "project"),
    "split above the project's plan": (
        lambda c: (f"{API}/splits", {"line": c["line"].pk, "project": c["road"].pk, "amount": "50.01"}), "amount"),
    "split above the line's balance": (
        lambda c: (f"{API}/splits", {"line": c["small"].pk, "project": c["road"].pk, "amount": "20.01"}), "amount"),
    "payment above the split's balance": (lambda c: _pay(c, amount="40.000001"), "amount"),
    "payment before the allocation's date": (
        lambda c: _pay(c, paid_on=(c["issued"] - datetime.timedelta(days=1)).isoformat()), "paid_on"),
    "payment to a 终止 project": (lambda c: _pay(c, split=c["ended_split"].pk), "split"),
    "duplicate (文号, county, source) in one document": (
        lambda c: (f"{API}/allocations", allocation_body(lines=[
            {"county_code": COUNTY, "source": "central", "amount": "1"},
            {"county_code": COUNTY, "source": "central", "amount": "2"}])), "source"),
    "a 文号 entered already": (lambda c: (f"{API}/allocations", allocation_body(doc_number="南财农〔2026〕1号")),
                               "doc_number"),
    "万元 with seven decimals as text": (lambda c: _pay(c, amount="1.0000001"), "amount"),
    "万元 with seven decimals as a number": (lambda c: _pay(c, amount=1.0000001), "amount"),
    "a line's 万元 with seven decimals": (
        lambda c: (f"{API}/allocations", allocation_body(lines=[
            {"county_code": COUNTY, "source": "central", "amount": "1.0000001"}])), "amount"),
    "a reversal larger than the payment": (
        lambda c: (f"{API}/payments/{c['paid'].pk}/reverse", {"amount": "10.01", "reason": "多付收回", "voucher": "冲-9"}),
        "amount"),
    "a negative amount": (lambda c: _pay(c, amount="-1"), "amount"),
    "a control character in the payee": (lambda c: _pay(c, payee="施工\x00单位"), "payee"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_p14_each_bad_input_is_a_422_naming_the_field_and_nothing_is_stored(case: str) -> None:
    context = _context()
    build, field = REFUSALS[case]
    url, body = build(context)
    before = counts()
    answer = post(context["users"]["finance"], url, body)
    assert answer.status_code == 422, (case, answer.json())
    assert names_field(answer, field), (case, answer.json())
    assert counts() == before


def _ids(users: dict[str, User]) -> dict[str, Any]:
    road = library_project(users["county"])
    line = allocation(users["finance"]).lines.get()
    split = services.split_create(actor=users["county"], line=line, project=road, amount="10")
    return {"allocation": line.allocation_id, "split": split.pk, "county": COUNTY, "year": clock.today().year,
            "payment": 0}  # fmt: skip


# route name → URL builder (the lead plugs these into tests/test_jurisdiction_matrix.py); reads by GET
API_ROUTES: dict[str, Callable[[dict[str, Any]], str]] = {
    "api:fund_allocation": lambda ids: f"{API}/allocations/{ids['allocation']}",
    "api:fund_progress": lambda ids: f"{API}/progress/{ids['county']}/{ids['year']}",
    "api:fund_split_confirm": lambda ids: f"{API}/splits/{ids['split']}/confirm",
    "api:fund_split_refuse": lambda ids: f"{API}/splits/{ids['split']}/refuse",
    "api:fund_payment_reverse": lambda ids: f"{API}/payments/{ids['payment']}/reverse",
}


@pytest.mark.parametrize("route", ["api:fund_allocation", "api:fund_progress"])
def test_p14_api_reads_by_role(route: str) -> None:
    users = fund_users()
    url = API_ROUTES[route](_ids(users))
    for role in ("finance", "county", "prefecture", "prefecture_finance"):
        client, _ = session(users[role])
        assert client.get(url).status_code == 200, (route, role)
    client, _ = session(users["other_finance"])
    assert client.get(url).status_code == 404
    client, _ = session(make_user(Role.TOWNSHIP, TOWNSHIP, username="f_xiang"))
    assert client.get(url).status_code == 403


def test_p14_api_writes_by_role() -> None:
    users = fund_users()
    ids = _ids(users)
    split = Split.objects.get()
    payment = services.payment_create
    # another county's finance bureau: the split is not found
    assert post(users["other_finance"], API_ROUTES["api:fund_split_confirm"](ids), {}).status_code == 404
    # the county's 乡村振兴局 may not confirm (403), the finance bureau may
    assert post(users["county"], API_ROUTES["api:fund_split_confirm"](ids), {}).status_code == 403
    assert post(users["finance"], API_ROUTES["api:fund_split_confirm"](ids), {}).status_code == 200
    paid = payment(actor=users["finance"], split=Split.objects.get(pk=split.pk), amount="1",
                   paid_on=clock.today(), payee="施工单位", voucher="记-1")  # fmt: skip
    ids["payment"] = paid.pk
    body = {"amount": "1", "reason": "错付收回", "voucher": "冲-1"}
    assert post(users["other_finance"], API_ROUTES["api:fund_payment_reverse"](ids), body).status_code == 404
    assert post(users["county"], API_ROUTES["api:fund_payment_reverse"](ids), body).status_code == 403
    assert post(users["prefecture"], API_ROUTES["api:fund_payment_reverse"](ids), body).status_code == 403
    # the county may not enter a document or a payment
    assert post(users["county"], f"{API}/allocations", allocation_body()).status_code == 403
    url, pay = f"{API}/payments", {"split": split.pk, "amount": "1", "paid_on": clock.today().isoformat(),
                                   "payee": "施工单位", "voucher": "记-2"}  # fmt: skip
    assert post(users["county"], url, pay).status_code == 403
    # a county's finance bureau may not enter another county's line
    other = allocation_body(lines=[{"county_code": OTHER_COUNTY, "source": "central", "amount": "1"}])
    assert post(users["finance"], f"{API}/allocations", other).status_code == 403
    assert post(users["prefecture_finance"], f"{API}/allocations", other).status_code == 201
    assert (
        post(users["prefecture_finance"], API_ROUTES["api:fund_payment_reverse"](ids), body).status_code
        == 201
    )
    # without the CSRF token a session write is refused
    client, _ = session(users["finance"])
    assert client.post(url, pay, content_type="application/json").status_code == 403


def test_p14_progress_of_a_year_before_the_schedule_parameter_answers_unconfigured() -> None:
    # given a document of budget year 2020, before the fund schedule parameter's first year (2021)
    users = fund_users()
    allocation(users["finance"], doc_number="南财农〔2020〕1号", budget_year=2020,
               issued_on=datetime.date(2020, 3, 1))  # fmt: skip
    client, _ = session(users["finance"])
    # when its 支出进度 is asked for
    response = client.get(f"{API}/progress/{COUNTY}/2020")
    # then it answers (no 500) with the money and the schedule's target 未配置
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["total"]["allocated"] == "150" and answer["month_end"] == "未配置"
    assert answer["target_percent"] is None
