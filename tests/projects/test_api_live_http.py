"""P14 over real HTTP, the way a county office's script or a browser reaches it: a live server on a socket, a
login through the form with its CSRF cookie, JSON posts with and without the token, a department's real API key,
hostile amounts — and (PostgreSQL) two proposals of one county at the same moment."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request
from typing import Any

import pytest
from django.db import connection

from tests.api.test_live_http import _send
from tests.conftest import COUNTY
from tests.factories import make_user
from tests.projects.builders import project_input
from tests.projects.test_api import _body
from zhenxing.accounts import services as accounts
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.projects import services
from zhenxing.projects.models import Project

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "一个足够长的测试口令-2026"


def _signed_in(live_server: Any, username: str) -> tuple[urllib.request.OpenerDirector, str]:
    user = make_user(Role.COUNTY, COUNTY, username=username)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"{live_server.url}/accounts/login/"
    _, page = _send(opener, login_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    form = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    )
    headers = {"Referer": login_url}
    request = urllib.request.Request(login_url, data=form.encode(), method="POST", headers=headers)  # noqa: S310
    with opener.open(request, timeout=30) as response:
        assert response.status == 200
    return opener, next(cookie.value for cookie in jar if cookie.name == "csrftoken")


def test_p14_a_proposal_over_real_http_needs_the_token_refuses_bad_money_and_stores_once(
    live_server: Any, shipped_data: None
) -> None:
    # given a county officer signed in through the login form, and a department's real API key
    opener, csrf = _signed_in(live_server, "xian_projects_http")
    _, key = accounts.api_key_create(actor=make_user(Role.ADMIN), department="health", name="卫健委推送")
    url = f"{live_server.url}/api/v1/projects"
    body = _body(places=[{"village": "532926101202", "natural_village": ""}])
    # when the session posts without the CSRF token: refused in the error shape, nothing stored
    status, answer = _send(opener, url, method="POST", body=body)
    assert (status, answer["errors"][0]["code"]) == (403, "csrf_failed")
    # a department key is no session: 401
    status, answer = _send(
        urllib.request.build_opener(), url, method="POST", body=body, headers={"X-API-Key": key}
    )
    assert (status, answer["errors"][0]["code"]) == (401, "unauthenticated")
    # hostile amounts, each refused naming its field in Chinese
    for total, field in (
        ("-1", "total"),
        ("100000001", "total"),
        ("120.5000001", "total"),
        ("1e400", "total"),
    ):
        status, answer = _send(
            opener, url, method="POST", body={**body, "total": total}, headers={"X-CSRFToken": csrf}
        )
        assert status == 422, (total, answer)
        assert any(
            e["loc"][-1] == field and re.search(r"[\u4e00-\u9fff]", e["message"]) for e in answer["errors"]
        )
    status, answer = _send(
        opener, url, method="POST", body={**body, "name": "<script>alert(1)</script>\x00"},
        headers={"X-CSRFToken": csrf},
    )  # fmt: skip
    assert status == 422, answer  # a NUL never reaches the database
    assert Project.objects.count() == 0
    assert not AuditEvent.objects.filter(action="project.propose").exists()
    # then with the token and good input it is stored, once, with its audit row
    status, answer = _send(opener, url, method="POST", body=body, headers={"X-CSRFToken": csrf})
    assert status == 201, answer
    assert Project.objects.get().total_fen == 120_500_000
    assert AuditEvent.objects.filter(action="project.propose").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
def test_p14_two_proposals_of_one_county_at_the_same_moment_get_two_numbers(shipped_data: None) -> None:
    # given two county officers proposing at once
    officers = [make_user(Role.COUNTY, COUNTY, username=f"xian_race_{n}") for n in range(2)]
    barrier, made, failed = threading.Barrier(2), [], []

    def propose(officer: Any) -> None:
        try:
            barrier.wait(timeout=10)
            made.append(
                services.project_propose(actor=officer, data=project_input(places=[("532926101202", "")]))
            )
        except Exception as error:  # recorded for the assertion below
            failed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=propose, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then both are stored with distinct consecutive numbers (the county's row is the lock)
    assert not failed, failed
    codes = sorted(p.code for p in made)
    assert len(set(codes)) == 2 and int(codes[1][-4:]) == int(codes[0][-4:]) + 1
