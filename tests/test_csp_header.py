"""Issue 13 B: every HTML response carries the Content-Security-Policy — every page each role reaches from its
navigation and list → detail links, the public pages, and the error answers made outside any view (404,
403 CSRF failure, a refused malformed request, 405)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.common.csp import HEADER, POLICY

from .conftest import COUNTY, PREFECTURE, TOWNSHIP, VILLAGE
from .factories import make_user
from .monitoring.helpers import START, people, poor_household, posted_notice, to_review

pytestmark = pytest.mark.django_db
SKIP = re.compile(r"(/accounts/logout|/admin/)")


def _crawl(client: Client, starts: list[str], limit: int = 120) -> dict[str, str]:
    """path → the policy header of every HTML page reachable from `starts`."""
    queue, seen, found = list(starts), set(), {}
    while queue and len(found) < limit:
        path = queue.pop(0)
        if path in seen or SKIP.search(path):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if not response.get("Content-Type", "").startswith("text/html") or response.streaming:
            continue
        found[path] = response.get(HEADER, "")
        for href in re.findall(r'href="([^"#]+)"', response.content.decode()):
            target = urlsplit(urljoin(path, href.replace("&amp;", "&")))
            if not target.scheme and not target.netloc and target.path.startswith("/"):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return found


@pytest.mark.parametrize(
    "role", [Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY, Role.PREFECTURE, Role.DEPARTMENT, Role.ADMIN]
)
def test_every_page_a_role_reaches_carries_the_policy(client: Client, clock_at, role: Role) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    users = people()
    posted_notice(users, [to_review(users, poor_household())])
    code = {
        Role.VILLAGE: VILLAGE,
        Role.TOWNSHIP: TOWNSHIP,
        Role.COUNTY: COUNTY,
        Role.PREFECTURE: PREFECTURE,
    }.get(role)
    client.force_login(make_user(role, code))
    pages = _crawl(client, ["/"])
    assert len(pages) > 5
    assert {path: policy for path, policy in pages.items() if policy != POLICY} == {}


def test_the_public_pages_and_the_docs_carry_the_policy(client: Client) -> None:
    pages = _crawl(client, ["/accounts/login/", "/apply/", "/apply/status/"])
    assert {"/accounts/login/", "/apply/", "/apply/status/"} <= set(pages)
    assert set(pages.values()) == {POLICY}
    assert client.get("/api/v1/docs")[HEADER] == POLICY  # Swagger UI runs under the same policy


def test_error_answers_made_outside_any_view_carry_the_policy(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    anonymous = Client(enforce_csrf_checks=True)
    answers = {
        "404": anonymous.get("/no-such-page/"),
        "403 csrf": anonymous.post("/accounts/login/", {"username": "x", "password": "y"}),
        "400 control character": anonymous.get("/apply/status/?code=%00"),
        "405": anonymous.put("/apply/status/"),
    }
    user = Client()
    user.force_login(people()["village"])
    answers["404 in scope"] = user.get("/cases/999999/")
    for name, response in answers.items():
        assert response.status_code >= 400, name
        assert response[HEADER] == POLICY, name
    assert (
        "frame-ancestors 'none'" in POLICY
        and "object-src 'none'" in POLICY
        and "'unsafe-inline'" not in POLICY
    )
