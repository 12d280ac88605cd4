"""Users, passwords, login throttling, API keys: each write with its audit row."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import IntegrityError
from django.test import Client

from zhenxing.accounts import services
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import InvalidInput, PermissionDenied
from zhenxing.divisions.models import Division

from ..conftest import COUNTY, TOWNSHIP, VILLAGE
from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_user_create_hashes_with_argon2_and_audits_without_password(admin_user: User) -> None:
    # when
    user = services.user_create(
        actor=admin_user,
        username="new_cadre",
        password="Xishan-village-2025",
        role=Role.VILLAGE,
        jurisdiction=Division.objects.get(code=VILLAGE),
        display_name="李四",
    )
    # then
    assert user.password.startswith("argon2")
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    event = AuditEvent.objects.get(action="user.create", target_id=str(user.pk))
    assert event.actor == admin_user
    assert event.new_values["jurisdiction"] == VILLAGE
    assert "password" not in event.new_values
    assert "Xishan-village-2025" not in str(event.new_values)


def test_user_create_refuses_jurisdiction_of_wrong_level(admin_user: User) -> None:
    with pytest.raises(InvalidInput) as error:
        services.user_create(
            actor=admin_user,
            username="wrong",
            password="Xishan-village-2025",
            role=Role.VILLAGE,
            jurisdiction=Division.objects.get(code=TOWNSHIP),
        )
    assert error.value.details[0].loc == ("jurisdiction",)
    assert "村级用户" in error.value.message
    assert not User.objects.filter(username="wrong").exists()


def test_user_create_refuses_weak_password_in_chinese(admin_user: User) -> None:
    with pytest.raises(InvalidInput) as error:
        services.user_create(
            actor=admin_user,
            username="weak",
            password="123",
            role=Role.COUNTY,
            jurisdiction=Division.objects.get(code=COUNTY),
        )
    assert any(d.loc == ("password",) for d in error.value.details)
    assert any("密码" in d.message for d in error.value.details)


def test_only_admins_create_users(county_user: User) -> None:
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=county_user,
            username="x",
            password="Xishan-village-2025",
            role=Role.COUNTY,
            jurisdiction=county_user.jurisdiction,
        )


def test_database_refuses_user_whose_scope_does_not_match_role() -> None:
    # A department user with a jurisdiction breaks the invariant, whoever writes the row.
    with pytest.raises(IntegrityError):
        User.objects.create(
            username="bad",
            role=Role.DEPARTMENT,
            department="",
            jurisdiction=Division.objects.get(code=COUNTY),
        )


def test_login_and_logout_are_audited(client: Client, village_user: User) -> None:
    # when
    response = client.post("/accounts/login/", {"username": "cun", "password": TEST_PASSWORD})
    # then
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.login", actor=village_user).count() == 1
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action="auth.logout", actor=village_user).count() == 1


def test_login_page_is_chinese_and_wrong_password_says_so(client: Client, village_user: User) -> None:
    page = client.get("/accounts/login/")
    assert "登录振兴平台" in page.content.decode()
    response = client.post("/accounts/login/", {"username": "cun", "password": "wrong-password"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_login_is_throttled_after_repeated_failures(client: Client, village_user: User) -> None:
    # given: five wrong passwords from the same address
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "cun", "password": "wrong-password"})
    # when: the right password is tried next
    response = client.post("/accounts/login/", {"username": "cun", "password": TEST_PASSWORD})
    # then: the account is locked out for now
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_session_and_csrf_cookies_are_protected() -> None:
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    assert settings.X_FRAME_OPTIONS == "DENY"


def test_login_post_without_csrf_token_is_refused(village_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "cun", "password": TEST_PASSWORD})
    assert response.status_code == 403


def test_api_key_lifecycle(admin_user: User) -> None:
    # given
    key, raw = services.api_key_create(actor=admin_user, department="housing", name="住建局房屋鉴定推送")
    # then: only a hash is stored, the key authenticates and records its use
    assert raw not in key.key_hash
    found = services.api_key_authenticate(raw_key=raw)
    assert found is not None
    assert found.pk == key.pk
    assert found.last_used_at is not None
    assert services.api_key_authenticate(raw_key=raw + "x") is None
    assert services.api_key_authenticate(raw_key="garbage") is None
    # when: revoked
    services.api_key_revoke(actor=admin_user, key=key, reason="系统更换")
    # then
    assert services.api_key_authenticate(raw_key=raw) is None
    actions = list(
        AuditEvent.objects.filter(target_type="accounts.departmentapikey").values_list("action", flat=True)
    )
    assert sorted(actions) == ["apikey.create", "apikey.revoke"]
    assert raw not in str(list(AuditEvent.objects.values_list("new_values", flat=True)))


def test_only_admins_manage_api_keys(county_user: User) -> None:
    with pytest.raises(PermissionDenied):
        services.api_key_create(actor=county_user, department="housing", name="x")
