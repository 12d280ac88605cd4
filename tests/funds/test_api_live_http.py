"""P14 over real HTTP, the way a finance bureau's script or a browser reaches it: a live server on a socket, a
login through the form with its CSRF cookie, a payment posted without and with the token, a department's real
API key refused, hostile amounts each a 422 naming the field — and the payment stored once with its audit row."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from typing import Any

import pytest

from tests.api.test_live_http import _send
from tests.conftest import COUNTY
from tests.factories import make_user
from zhenxing.accounts import services as accounts
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.funds import services
from zhenxing.funds.models import Payment

from .builders import allocation, library_project

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "一个足够长的测试口令-2026"


def _signed_in(live_server: Any, user: User) -> tuple[urllib.request.OpenerDirector, str]:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"{live_server.url}/accounts/login/"
    _, page = _send(opener, login_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    form = urllib.parse.urlencode(
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    )
    request = urllib.request.Request(  # noqa: S310 (the live test server's own URL)
        login_url, data=form.encode(), method="POST", headers={"Referer": login_url}
    )
    with opener.open(request, timeout=30) as response:
        assert response.status == 200
    return opener, next(cookie.value for cookie in jar if cookie.name == "csrftoken")


def test_p14_a_payment_over_real_http_needs_the_token_refuses_bad_money_and_stores_once(
    live_server: Any, shipped_data: None
) -> None:
    # given a split of 80 万元 to a library project, and the county's finance bureau signed in through the form
    county = make_user(Role.COUNTY, COUNTY, username="f_http_xian")
    finance = make_user(Role.FINANCE, COUNTY, username="f_http_caizheng")
    project = library_project(county)
    line = allocation(finance).lines.get()
    split = services.split_create(actor=finance, line=line, project=project, amount="80")
    opener, csrf = _signed_in(live_server, finance)
    _, key = accounts.api_key_create(actor=make_user(Role.ADMIN), department="health", name="卫健委推送")
    url = f"{live_server.url}/api/v1/funds/payments"
    body = {"split": split.pk, "amount": "30.5", "paid_on": clock.today().isoformat(), "payee": "南涧县鑫达建筑公司",
            "voucher": "记-001"}  # fmt: skip
    # when the session posts without the CSRF token: refused in the error shape, nothing stored
    status, answer = _send(opener, url, method="POST", body=body)
    assert (status, answer["errors"][0]["code"]) == (403, "csrf_failed")
    # a department key is no session: 401
    status, answer = _send(
        urllib.request.build_opener(), url, method="POST", body=body, headers={"X-API-Key": key}
    )
    assert (status, answer["errors"][0]["code"]) == (401, "unauthenticated")
    # hostile amounts and strings, each refused naming its field in Chinese
    for changes, field in (
        ({"amount": "-1"}, "amount"), ({"amount": "30.5000001"}, "amount"), ({"amount": 1.0000001}, "amount"),
        ({"amount": "1e400"}, "amount"), ({"amount": "80.01"}, "amount"), ({"amount": "abc"}, "amount"),
        ({"payee": "施工\x00单位"}, "payee"), ({"voucher": ""}, "voucher"),
        ({"paid_on": "2000-01-01"}, "paid_on"),
    ):  # fmt: skip
        status, answer = _send(
            opener, url, method="POST", body={**body, **changes}, headers={"X-CSRFToken": csrf}
        )
        assert status == 422, (changes, answer)
        assert any(
            str(e["loc"][-1]) == field and re.search(r"[\u4e00-\u9fff]", e["message"])
            for e in answer["errors"]
        ), (changes, answer)
    assert not Payment.objects.exists()
    assert not AuditEvent.objects.filter(action="fund.pay").exists()
    # then with the token and good input it is stored, once, with its audit row
    status, answer = _send(opener, url, method="POST", body=body, headers={"X-CSRFToken": csrf})
    assert status == 201, answer
    assert answer["amount"] == "30.5" and Payment.objects.get().amount_fen == 30_500_000
    assert AuditEvent.objects.filter(action="fund.pay").count() == 1
    # the same voucher again is a 422 naming it, not a second row
    status, answer = _send(opener, url, method="POST", body=body, headers={"X-CSRFToken": csrf})
    assert status == 422 and answer["errors"][0]["loc"] == ["voucher"]
    assert Payment.objects.count() == 1
