"""Domain errors raised under a page view become the matching Chinese error page (404/403/409/422).

The API maps the same errors in zhenxing/api.py; between them, this is the one place errors meet HTTP.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from zhenxing.common.errors import DomainError

ERROR_TEMPLATES = {404: "404.html", 403: "403.html"}


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        template = ERROR_TEMPLATES.get(exception.http_status, "error.html")
        body = render_to_string(
            template, {"message": exception.message, "status": exception.http_status}, request
        )
        return HttpResponse(body, status=exception.http_status)
