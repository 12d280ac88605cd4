"""Facts about the current request that the audit log needs, without passing the request to services."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

current_client_ip: ContextVar[str | None] = ContextVar("current_client_ip", default=None)


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip().strip("[]")))
    except ValueError:
        return None


def client_ip_of(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind ZHENXING_TRUSTED_PROXIES reverse proxies (each appends
    the address it was reached from to X-Forwarded-For) the entry that many places from the right — the
    entries further left are whatever the client chose to send. django-axes asks this same function
    (AXES_CLIENT_IP_CALLABLE), so the login lockout and the portal's limits count the same client."""
    remote = _address(str(request.META.get("REMOTE_ADDR", "")))
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0)
    if proxies <= 0:
        return remote
    forwarded = [
        part for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()
    ]
    if len(forwarded) < proxies:  # did not come through every proxy: only the socket's peer is known
        return remote
    return _address(forwarded[-proxies]) or remote


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_client_ip.set(client_ip_of(request))
        try:
            return self.get_response(request)
        finally:
            current_client_ip.reset(token)
