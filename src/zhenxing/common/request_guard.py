"""Refusals that hold for every route, decided before any view parses anything, and the API's error shape
for responses that do not come from django-ninja.

- A NUL or other control character in the path, the query string or a page form's text fields: no code path
  can use one (PostgreSQL refuses NUL in text), so the request is refused as malformed instead of failing
  deep inside a query. (API bodies are JSON: their schemas and the feed quarantine judge them field by field.)
- A body larger than its route allows, judged from Content-Length before a byte is read: a department's
  feed batch may be large (200,000 records), every other API call is small, and a page upload is capped by
  the largest file a page accepts.
- Under /api/, every error answer has the shape {"errors": [...]} with a Chinese message, whoever made it
  (the URL resolver's 404, a 405, Django's 400 and 500 handlers).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

from zhenxing.common.errors import ErrorDetail
from zhenxing.common.http import errors_json_response, http_error_detail
from zhenxing.common.typed_text import CONTROL_CHARACTERS

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
_ENCODED_CONTROL = re.compile(r"%(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])")
_FEED_PUSH = re.compile(r"^/api/v1/feeds/[^/]+/batches/?$")
MB = 1024 * 1024


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def body_limit(request: HttpRequest) -> int:
    """The most bytes this route accepts in a request body."""
    path = request.path_info
    if _FEED_PUSH.match(path):
        return int(settings.ZHENXING_FEED_MAX_BYTES)
    if path.startswith(API_PREFIX):
        return int(settings.ZHENXING_API_MAX_BYTES)
    if request.content_type == "multipart/form-data":
        return int(settings.ZHENXING_UPLOAD_MAX_BYTES)
    return int(settings.ZHENXING_FORM_MAX_BYTES)


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def _has_control_characters(request: HttpRequest) -> bool:
    raw_query = request.META.get("QUERY_STRING", "")
    return bool(
        CONTROL_CHARACTERS.search(request.path)
        or CONTROL_CHARACTERS.search(raw_query)
        or _ENCODED_CONTROL.search(raw_query)
    )


def _form_has_control_characters(request: HttpRequest) -> bool:
    """A page form's text fields (not its files): no typed text holds a NUL or another control character,
    and PostgreSQL refuses NUL in text, so one would otherwise fail deep inside a service."""
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return False
    try:
        fields = request.POST.lists()
    except (MultiPartParserError, SuspiciousOperation):  # malformed: Django answers it as it always has
        return False
    return any(CONTROL_CHARACTERS.search(value) for _key, values in fields for value in values)


def _refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if is_api(request):
        return errors_json_response(status, [ErrorDetail((), code, message)])
    body = render_to_string("error.html", {"message": message, "status": status}, request)
    return HttpResponse(body, status=status)


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_control_characters(request):
            return _refusal(
                request, 400, "control_character", "地址或查询参数中含有不可见的控制字符，请检查后重试"
            )
        length = _declared_length(request)
        if length is None:
            return _refusal(request, 400, "bad_request", "请求头 Content-Length 无效")
        limit = body_limit(request)
        if length > limit:
            return _refusal(
                request, 413, "too_large",
                f"请求体 {length / MB:.1f} MB，超过此处允许的上限 {limit / MB:.0f} MB，请分批提交",
            )  # fmt: skip
        if not is_api(request) and request.method == "POST" and _form_has_control_characters(request):
            return _refusal(
                request, 400, "control_character", "提交的内容中含有不可见的控制字符，请删除后重新提交"
            )
        response = self.get_response(request)
        if is_api(request) and response.status_code >= 400 and not _is_error_shape(response):
            return _api_error_shape(response)
        return response


def _is_error_shape(response: HttpResponse) -> bool:
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    try:
        body = json.loads(response.content)
    except (ValueError, AttributeError):
        return False
    return isinstance(body, dict) and isinstance(body.get("errors"), list)


def _api_error_shape(response: HttpResponse) -> HttpResponse:
    shaped = errors_json_response(response.status_code, [http_error_detail(response.status_code)])
    if "Allow" in response:
        shaped["Allow"] = response["Allow"]
    return shaped
