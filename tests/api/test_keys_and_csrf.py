"""Issue 13, item 1: a department key pushes without a CSRF token; a session that writes still needs one; a
key opens its own department's feed endpoints only. Every client here enforces CSRF as a browser would."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zhenxing.accounts import services as accounts
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent

from ..conftest import COUNTY, VILLAGE
from ..factories import make_household, make_user

pytestmark = pytest.mark.django_db

RECORDS = {"records": [{"id_number": "11010519491231002X", "disease_class": "大病", "date": "2025-05-01"}]}
EVALUATE = {
    "year": 2025,
    "household": {
        "kind": "一般农户",
        "members": [
            {"birth_date": "1980-01-01", "relation": "户主", "labour": "普通劳动力", "health": ["健康"]}
        ],
        "income": {"wage": 3000},
    },
}


VISIT = {
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "visited_at": "2026-01-05T10:00:00+08:00",
    "place": "家中",
    "findings": "x",
}


def _csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def _key(department: str = "health") -> str:
    admin = make_user(Role.ADMIN)
    _, raw = accounts.api_key_create(actor=admin, department=department, name="卫健委数据推送")
    return raw


def _assert_error_shape(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"} and body["errors"], body
    for error in body["errors"]:
        assert set(error) == {"loc", "code", "message"}
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error  # Chinese
    if code is not None:
        assert body["errors"][0]["code"] == code
    return body


def _csrf_token(client: Client) -> str:
    client.get("/")  # any page sets the cookie
    return client.cookies["csrftoken"].value


def test_key_push_needs_no_csrf_token() -> None:
    # given a health department key and a browser-like client that enforces CSRF
    raw, client = _key(), _csrf_client()
    # when the department pushes a batch with its key and no session
    response = client.post(
        "/api/v1/feeds/health/batches", RECORDS, content_type="application/json", HTTP_X_API_KEY=raw
    )
    # then it is accepted
    assert response.status_code == 201, response.content
    assert response.json()["rows"] == 1
    # and pushing it again is recognised as a duplicate, still without a token
    again = client.post(
        "/api/v1/feeds/health/batches", RECORDS, content_type="application/json", HTTP_X_API_KEY=raw
    )
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    assert AuditEvent.objects.filter(action="feed.ingest").count() == 1


@pytest.mark.parametrize("department", ["education", "medical_insurance", "public_security"])
def test_key_of_one_department_cannot_push_for_another(department: str) -> None:
    raw = _key("health")
    response = _csrf_client().post(
        f"/api/v1/feeds/{department}/batches", RECORDS, content_type="application/json", HTTP_X_API_KEY=raw
    )
    _assert_error_shape(response, 404, "not_found")


def test_key_is_refused_on_every_other_endpoint(county_user: User) -> None:
    # given a valid key and a household that exists
    raw = _key("health")
    household: Any = make_household(VILLAGE)
    client = _csrf_client()
    calls = [
        ("get", f"/api/v1/divisions/{COUNTY}", None),
        ("get", "/api/v1/households", None),
        ("get", f"/api/v1/households/{household.pk}", None),
        ("put", f"/api/v1/households/{household.pk}/years/2025", {"wage": 100}),
        ("post", "/api/v1/policy/evaluate", EVALUATE),
        ("post", "/api/v1/cases/1/visits", VISIT),
    ]
    for method, url, body in calls:
        kwargs: dict[str, Any] = {"HTTP_X_API_KEY": raw}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        response = getattr(client, method)(url, **kwargs)
        # then never accepted: 401 in the error shape
        _assert_error_shape(response, 401, "unauthenticated")


def test_bad_key_is_401_in_the_error_shape() -> None:
    response = _csrf_client().post(
        "/api/v1/feeds/health/batches", RECORDS, content_type="application/json", HTTP_X_API_KEY="zx_bad_key"
    )
    _assert_error_shape(response, 401, "unauthenticated")


def test_session_write_without_token_is_refused_in_chinese(county_user: User) -> None:
    # given a signed-in county user and a household in the county
    household: Any = make_household(VILLAGE)
    client = _csrf_client()
    client.force_login(county_user)
    # when the user writes without the CSRF token
    put = client.put(
        f"/api/v1/households/{household.pk}/years/2025", {"wage": 100}, content_type="application/json"
    )
    evaluate = client.post("/api/v1/policy/evaluate", EVALUATE, content_type="application/json")
    # then both are refused in the error shape, in Chinese, and nothing is written
    _assert_error_shape(put, 403, "csrf_failed")
    _assert_error_shape(evaluate, 403, "csrf_failed")
    assert not AuditEvent.objects.filter(action="household_year.update", actor=county_user).exists()
    # and a read needs no token
    assert client.get(f"/api/v1/households/{household.pk}").status_code == 200


def test_session_write_with_token_is_accepted(county_user: User) -> None:
    household: Any = make_household(VILLAGE)
    client = _csrf_client()
    client.force_login(county_user)
    token = _csrf_token(client)
    put = client.put(
        f"/api/v1/households/{household.pk}/years/2025",
        {"wage": 100},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert put.status_code == 200, put.content
    assert put.json()["wage"] == 100.0
    evaluate = client.post(
        "/api/v1/policy/evaluate", EVALUATE, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert evaluate.status_code == 200, evaluate.content


def test_department_user_session_push_needs_the_token(department_user: User) -> None:
    client = _csrf_client()
    client.force_login(department_user)
    url = "/api/v1/feeds/medical_insurance/batches"
    records = {"records": [{"id_number": "11010519491231002X", "period": "2025-05-01", "out_of_pocket": 10, "insured": True}]}  # fmt: skip
    _assert_error_shape(client.post(url, records, content_type="application/json"), 403, "csrf_failed")
    accepted = client.post(
        url, records, content_type="application/json", HTTP_X_CSRFTOKEN=_csrf_token(client)
    )
    assert accepted.status_code == 201, accepted.content


def test_a_session_with_a_stolen_key_header_still_needs_the_token_elsewhere(county_user: User) -> None:
    # A key header does not turn a session write into a key request on a route the key cannot open.
    raw = _key("health")
    client = _csrf_client()
    client.force_login(county_user)
    response = client.post(
        "/api/v1/policy/evaluate", EVALUATE, content_type="application/json", HTTP_X_API_KEY=raw
    )
    _assert_error_shape(response, 403, "csrf_failed")
