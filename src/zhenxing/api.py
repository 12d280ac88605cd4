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

from zhenxing.accounts.api_auth import session_auth
from zhenxing.common.errors import DomainError, ErrorDetail
from zhenxing.common.http import http_error_detail
from zhenxing.common.validation_messages import chinese_message


class ChineseJSONRenderer(JSONRenderer):
    # Chinese messages stay readable in the body (UTF-8), not \uXXXX escapes.
    json_dumps_params = {"ensure_ascii": False}


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["loc", "code", "message"],
                "properties": {
                    "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                    "code": {"type": "string"},
                    "message": {"type": "string", "description": "中文说明"},
                },
            },
        }
    },
}
# Every operation may answer these; each in the one error shape. The per-operation 4xx a caller can provoke
# are thereby documented for every route, including routes added later.
ERROR_RESPONSES = {
    "400": "请求无法解析（JSON 格式、控制字符）",
    "401": "未登录或接口密钥无效",
    "403": "没有权限，或写操作缺少 CSRF 令牌",
    "404": "不存在，或不在管辖范围内",
    "405": "不支持的请求方法",
    "409": "与现有数据冲突",
    "413": "请求体过大",
    "422": "输入有误（逐项列出位置和中文说明）",
    "429": "请求过于频繁",
}


class ZhenxingAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Errors"] = ERROR_SCHEMA
        reference = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                # a body schema given whole (openapi_extra) keeps its nested models in $defs; its refs
                # point at the components, so that is where they go
                for content in operation.get("requestBody", {}).get("content", {}).values():
                    components.update(content.get("schema", {}).pop("$defs", {}))
                responses = {str(code): value for code, value in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for status, description in ERROR_RESPONSES.items():
                    responses.setdefault(status, {"description": description, **reference})
                for status, response in responses.items():
                    if status.startswith(("4", "5")) and "content" not in response:
                        response.update(reference)
        return schema


api = ZhenxingAPI(
    title="振兴 zhenxing API",
    version="1",
    description=(
        "大理州防止返贫动态监测和帮扶平台接口。人员使用会话登录（写操作在 X-CSRFToken 头中带 CSRF 令牌），"
        "行业部门推送数据时在 X-API-Key 头中带部门密钥（只用于本部门的数据推送接口）。"
        '所有错误的形状：{"errors": [{"loc": [...], "code": "...", "message": "中文说明"}]}。'
    ),
    auth=[session_auth],  # a department key is accepted only where an operation names it
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
            message=chinese_message(error),
        )
        for error in exc.errors
    ]
    return error_response(request, 422, details)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, [ErrorDetail((), "unauthenticated", "未登录或接口密钥无效")])


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own refusals speak English; the status carries the meaning, so the sentence comes from it.
    return error_response(request, exc.status_code, [http_error_detail(exc.status_code)])


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
    from zhenxing.projects.api import router as projects_router

    api.add_router("/", projects_router)
    from zhenxing.funds.api import router as funds_router

    api.add_router("/", funds_router)


_register_routers()
