"""Content-Security-Policy on every response that does not bring its own (a stored upload brings a sandbox).

The pages run only scripts and style sheets from this site's own origin: no inline <script>, no on*=
attributes, no javascript: links, no style attributes or <style> elements (htmx is told not to inject its
indicator style). Should markup ever slip through escaping, a browser will not run it. Forms post only
here, nothing may frame a page, and <base> cannot point elsewhere.

The API's documentation page (/api/v1/docs, Swagger UI from django-ninja's static files) gets the same
policy except for styles: Swagger UI sets style attributes as it renders.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"

_BASE = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _render(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


POLICY = _render(_BASE)
DOCS_POLICY = _render(_BASE | {"style-src": "'self' 'unsafe-inline'"})
DOCS_PATH = "/api/v1/docs"


def policy_for(request: HttpRequest) -> str:
    return DOCS_POLICY if request.path_info.rstrip("/") == DOCS_PATH else POLICY


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = policy_for(request)
        return response
