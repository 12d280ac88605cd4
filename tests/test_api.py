"""The API shell: OpenAPI, docs, session and API-key auth, errors in one shape."""

from __future__ import annotations

import pytest
from django.test import Client

from zhenxing.accounts import services
from zhenxing.accounts.models import User

from .conftest import COUNTY, OTHER_COUNTY, VILLAGE

pytestmark = pytest.mark.django_db


def test_openapi_and_docs_are_served(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/divisions/{code}" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_division_with_children_for_session_user(client: Client, county_user: User) -> None:
    client.force_login(county_user)
    body = client.get(f"/api/v1/divisions/{COUNTY}").json()
    assert body["name"] == "南涧彝族自治县"
    assert body["is_tuopin_county"] is True
    assert body["is_key_county"] is True
    assert body["parent_code"] == "5329"
    assert len(body["children"]) == 8
    assert {child["level"] for child in body["children"]} == {"township"}


def test_out_of_scope_is_404_in_the_error_shape(client: Client, county_user: User) -> None:
    client.force_login(county_user)
    response = client.get(f"/api/v1/divisions/{OTHER_COUNTY}")
    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"loc": [], "code": "not_found", "message": "未找到，或不在您的管辖范围内"}]
    }


def test_unknown_code_is_the_same_404(client: Client, county_user: User) -> None:
    client.force_login(county_user)
    assert client.get("/api/v1/divisions/999999").json()["errors"][0]["code"] == "not_found"


def test_anonymous_gets_401_in_chinese(client: Client) -> None:
    response = client.get(f"/api/v1/divisions/{VILLAGE}")
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "未登录或接口密钥无效"


def test_department_api_key_is_refused_outside_the_feed_push(client: Client, admin_user: User) -> None:
    _, raw = services.api_key_create(actor=admin_user, department="education", name="教育局")
    response = client.get(f"/api/v1/divisions/{VILLAGE}", HTTP_X_API_KEY=raw)
    assert response.status_code == 401  # a key opens its own feed endpoints only
    assert client.get(f"/api/v1/divisions/{VILLAGE}", HTTP_X_API_KEY="zx_bad_key").status_code == 401


def test_deactivated_user_session_is_refused(client: Client, county_user: User) -> None:
    client.force_login(county_user)
    User.objects.filter(pk=county_user.pk).update(is_active=False)
    assert client.get(f"/api/v1/divisions/{COUNTY}").status_code == 401
