"""How the API knows who calls: a person's session, or a department's key (feed pushes only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, SessionAuth
from ninja.utils import check_csrf

from zhenxing.accounts import services as account_services
from zhenxing.accounts.models import DepartmentApiKey
from zhenxing.common.errors import DomainError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class DepartmentKeyAuth(APIKeyHeader):
    """A department's key in `X-API-Key`. Accepted only by the operations that name it (the feed push), so a
    key opens its own department's feed endpoints and nothing else. A key needs no CSRF token: a browser
    cannot send the header across origins, and the key itself is the secret."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> DepartmentApiKey | None:
        if not key:
            return None
        return account_services.api_key_authenticate(raw_key=key)


class CsrfRefused(DomainError):
    http_status = 403
    code = "csrf_failed"


class ActiveSessionAuth(SessionAuth):
    """A signed-in, active user's session. The CSRF check runs only once the session is known to belong to
    someone, and only on writes: a request without a session (a department's key) is not refused for a
    missing token, and a session request that writes still needs one."""

    def __call__(self, request: HttpRequest) -> Any:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        if (
            request.method not in SAFE_METHODS
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise CsrfRefused("安全校验失败（CSRF）：请刷新页面后重试；接口调用请在 X-CSRFToken 头中带上令牌")
        return user


session_auth = ActiveSessionAuth()
department_key_auth = DepartmentKeyAuth()
