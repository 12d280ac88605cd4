"""Issue 13, item 1, over real HTTP: a live server on a socket, a real department key, a real login with its
CSRF cookie — no test client that skips CSRF."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

from zhenxing.accounts import services as accounts
from zhenxing.accounts.enums import Role
from zhenxing.feeds.models import FeedBatch

from ..conftest import COUNTY
from ..factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

RECORDS = {"records": [{"id_number": "11010519491231002X", "disease_class": "大病", "date": "2025-05-01"}]}
EVALUATE = {
    "year": 2025,
    "household": {
        "kind": "一般农户",
        "members": [
            {"birth_date": "1980-01-01", "relation": "户主", "labour": "普通劳动力", "health": ["健康"]}
        ],
    },
}


def _send(
    opener: urllib.request.OpenerDirector, url: str, *, method: str = "GET", body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:  # fmt: skip
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with opener.open(request, timeout=30) as response:
            raw = response.read()
            status = response.status
            kind = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        raw, status, kind = error.read(), error.code, error.headers.get("Content-Type", "")
    return status, json.loads(raw) if kind.startswith("application/json") else raw.decode()


def test_department_key_pushes_over_real_http(live_server: Any, shipped_data: None) -> None:
    # given a department key made the way an administrator makes one
    _, raw = accounts.api_key_create(actor=make_user(Role.ADMIN), department="health", name="卫健委推送")
    opener = urllib.request.build_opener()
    url = f"{live_server.url}/api/v1/feeds/health/batches"
    # when the department pushes with the key alone (no session, no CSRF token)
    status, body = _send(opener, url, method="POST", body=RECORDS, headers={"X-API-Key": raw})
    # then the batch is taken
    assert status == 201, body
    assert body["rows"] == 1
    assert FeedBatch.objects.filter(department="health", source="api").count() == 1
    # the same batch again is a duplicate
    status, body = _send(opener, url, method="POST", body=RECORDS, headers={"X-API-Key": raw})
    assert (status, body["duplicate"]) == (200, True)
    # another department's feed: 404; any other endpoint: 401; both in the error shape
    status, body = _send(
        opener, f"{live_server.url}/api/v1/feeds/education/batches", method="POST", body=RECORDS,
        headers={"X-API-Key": raw},
    )  # fmt: skip
    assert (status, body["errors"][0]["code"]) == (404, "not_found")
    for method, path, payload in (
        ("POST", "/api/v1/policy/evaluate", EVALUATE),
        ("GET", f"/api/v1/divisions/{COUNTY}", None),
        ("GET", "/api/v1/households", None),
    ):
        status, body = _send(
            opener, live_server.url + path, method=method, body=payload, headers={"X-API-Key": raw}
        )
        assert (status, body["errors"][0]["code"]) == (401, "unauthenticated"), (path, body)


def test_session_writes_over_real_http_need_the_csrf_token(live_server: Any, shipped_data: None) -> None:
    # given a county user who signs in through the login form, as a browser does
    password = "一个足够长的测试口令-2026"
    user = make_user(Role.COUNTY, COUNTY, username="xian_http")
    user.set_password(password)
    user.save(update_fields=["password"])
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"{live_server.url}/accounts/login/"
    status, page = _send(opener, login_url)
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    form = urllib.parse.urlencode(
        {"username": "xian_http", "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    login = urllib.request.Request(login_url, data=form, method="POST", headers={"Referer": login_url})  # noqa: S310
    with opener.open(login, timeout=30) as response:
        assert response.status == 200
    assert any(cookie.name == "sessionid" for cookie in jar)
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    evaluate_url = f"{live_server.url}/api/v1/policy/evaluate"
    # when the session writes without the token: refused in Chinese, in the error shape
    status, body = _send(opener, evaluate_url, method="POST", body=EVALUATE)
    assert (status, body["errors"][0]["code"]) == (403, "csrf_failed")
    assert "CSRF" in body["errors"][0]["message"]
    # and with the token it works
    status, body = _send(opener, evaluate_url, method="POST", body=EVALUATE, headers={"X-CSRFToken": csrf})
    assert status == 200, body
    assert body["household_size"] == 1
    # a read needs no token
    status, body = _send(opener, f"{live_server.url}/api/v1/divisions/{COUNTY}")
    assert (status, body["code"]) == (200, COUNTY)
