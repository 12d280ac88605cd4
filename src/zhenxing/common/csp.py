"""Content-Security-Policy on every response that does not bring its own (a stored upload brings a sandbox).

The pages run only scripts and style sheets from this site's own origin: no inline <script>, no on*=
attributes, no javascript: links, no style attributes or <style> elements (htmx is told not to inject its
indicator style). Should markup ever slip through escaping, a browser will not run it. Forms post only
here, nothing may frame a page, and <base> cannot point elsewhere.

The dashboards' charts (ECharts) draw on a canvas and size it through the CSSOM, which the policy allows; their
tooltips are drawn on the canvas too, since ECharts' HTML tooltips would inject style="" markup.

The API's documentation page (/api/v1/docs) works under the same policy: django-ninja serves Swagger UI's
script and style sheet as static files, and its settings as a JSON data block (not run as script).
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


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = POLICY
        return response
