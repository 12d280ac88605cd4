"""The HTTP API at /api/v1: authentication, the mapping of domain errors to HTTP, and the routers.

People authenticate with their session (CSRF-checked on writes); departments with an API key in the
`X-API-Key` header. Errors always have the shape {"errors": [{"loc": [...], "code": "...", "message": "中文"}]}.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyHeader, SessionAuth

from zhenxing.accounts import services as account_services
from zhenxing.accounts.models import DepartmentApiKey
from zhenxing.common.errors import DomainError, ErrorDetail


class DepartmentKeyAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> DepartmentApiKey | None:
        if not key:
            return None
        return account_services.api_key_authenticate(raw_key=key)


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


class ChineseJSONRenderer(JSONRenderer):
    # Chinese messages stay readable in the body (UTF-8), not \uXXXX escapes.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="振兴 zhenxing API",
    version="1",
    description="大理州防止返贫动态监测和帮扶平台接口。人员使用会话登录，行业部门使用 X-API-Key。",
    auth=[ActiveSessionAuth(), DepartmentKeyAuth()],
    urls_namespace="api",
    renderer=ChineseJSONRenderer(),
)


def error_response(request: HttpRequest, status: int, errors: list[ErrorDetail]) -> HttpResponse:
    return api.create_response(request, {"errors": [error.as_dict() for error in errors]}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.http_status, exc.errors())


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [
        ErrorDetail(
            loc=tuple(
                part for part in error.get("loc", ()) if part not in {"body", "payload", "query", "path"}
            ),
            code=str(error.get("type", "invalid")),
            message=str(error.get("msg", "输入有误")),
        )
        for error in exc.errors
    ]
    return error_response(request, 422, details)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, [ErrorDetail((), "unauthenticated", "未登录或接口密钥无效")])


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, [ErrorDetail((), "http_error", str(exc))])


def _register_routers() -> None:
    from zhenxing.divisions.api import router as divisions_router
    from zhenxing.policy.api import router as policy_router

    api.add_router("/divisions", divisions_router)
    api.add_router("/policy", policy_router)
    from zhenxing.registry.api import router as registry_router

    api.add_router("/", registry_router)
    from zhenxing.feeds.api import router as feeds_router

    api.add_router("/", feeds_router)
    from zhenxing.monitoring.api import router as monitoring_router

    api.add_router("/", monitoring_router)


_register_routers()
