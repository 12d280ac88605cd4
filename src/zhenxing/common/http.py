from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse

from zhenxing.common.errors import DomainError, ErrorDetail

MB = 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def refuse_oversized(upload: UploadedFile, limit: int, *, advice: str) -> None:
    """A form's file over its limit is refused from its size alone, before a byte of it is read."""
    if (upload.size or 0) > limit:
        raise ValidationError(
            f"文件 {(upload.size or 0) / MB:.1f} MB，超过上限 {limit / MB:.0f} MB，{advice}", code="too_large"
        )


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A workbook download; the file name may be Chinese (RFC 5987 encoding)."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# Sentences for refusals that come from the framework rather than a service (a service's DomainError
# carries its own message): the status says what happened.
HTTP_ERROR_SENTENCES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求无法解析：请检查请求体是否为有效的 JSON，以及参数格式"),
    401: ("unauthenticated", "未登录或接口密钥无效"),
    403: ("forbidden", "没有权限执行此操作"),
    404: ("not_found", "未找到，或不在您的管辖范围内"),
    405: ("method_not_allowed", "该地址不支持此请求方法"),
    413: ("too_large", "请求体过大"),
    415: ("unsupported_media_type", "请求体格式不受支持，请使用 application/json"),
    429: ("rate_limited", "请求过于频繁，请稍后再试"),
    500: ("server_error", "服务器内部错误，已记录，请稍后重试"),
}


def http_error_detail(status: int) -> ErrorDetail:
    code, message = HTTP_ERROR_SENTENCES.get(status, ("http_error", f"请求未能完成（HTTP {status}）"))
    return ErrorDetail((), code, message)


def errors_json_response(status: int, errors: list[ErrorDetail]) -> HttpResponse:
    """The API's error shape, for the places outside django-ninja (middleware, Django's error handlers)."""
    body = json.dumps({"errors": [error.as_dict() for error in errors]}, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def attempt(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run one service; its domain error becomes a message on the page the user returns to."""
    try:
        action()
    except DomainError as error:
        for detail in error.errors():
            messages.error(request, detail.message)
        return False
    messages.success(request, success)
    return True
