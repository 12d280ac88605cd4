"""Facts about the current request that the audit log needs, without passing the request to services."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

current_client_ip: ContextVar[str | None] = ContextVar("current_client_ip", default=None)


def client_ip_of(request: HttpRequest) -> str | None:
    # The same address django-axes throttles on (it honours ZHENXING_TRUSTED_PROXIES).
    from axes.helpers import get_client_ip_address

    address: str | None = get_client_ip_address(request)
    return address or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_client_ip.set(client_ip_of(request))
        try:
            return self.get_response(request)
        finally:
            current_client_ip.reset(token)
