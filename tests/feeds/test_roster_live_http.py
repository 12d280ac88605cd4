"""P17 over real HTTP: 民政 pushes a county's roster snapshots with a real department key (no session, no
CSRF token) to a live server; a newer one replaces the current one, an older one is refused (409, Chinese),
the same one again is a no-op (200), a roster of two counties is refused (422)."""

from __future__ import annotations

import datetime
import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from zhenxing.accounts import services as accounts
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.feeds.models import FeedBatch
from zhenxing.feeds.selectors import current_roster_batch

from ..conftest import COUNTY, OTHER_COUNTY, VILLAGE
from ..factories import make_household, make_user
from .rosters import member_ids, roster

pytestmark = pytest.mark.django_db(transaction=True)


def _push(url: str, key: str, rows: list[dict[str, Any]]) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - the live test server
        url,
        data=json.dumps({"records": rows}).encode(),
        method="POST",
        headers={"X-API-Key": key, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_p17_roster_snapshots_pushed_with_a_department_key_over_real_http(
    live_server: Any, shipped_data: None
) -> None:
    """P17: push works like upload: newest replaces, older refused, same again a no-op, mixed refused."""
    # given a 民政 key made the way an administrator makes one, and a 南涧 household
    _, key = accounts.api_key_create(
        actor=make_user(Role.ADMIN), department="civil_affairs", name="民政名册推送"
    )
    ids = member_ids(make_household(VILLAGE))
    url = live_server.url + "/api/v1/feeds/civil_affairs/batches"
    march = roster(ids, on=datetime.date(2026, 3, 1))
    # when March's roster is pushed
    status, body = _push(url, key, march)
    # then it is stored as 南涧's current roster, audited under the key
    assert status == 201, body
    assert (body["accepted"], body["duplicate"]) == (2, False)
    first = FeedBatch.objects.get(pk=body["batch"])
    assert (first.county_code, first.snapshot_on, first.source) == (COUNTY, datetime.date(2026, 3, 1), "api")
    assert AuditEvent.objects.get(action="feed.ingest", target_id=str(first.pk)).actor_label.startswith(
        "apikey:"
    )
    # when April's roster follows, it replaces March's
    status, body = _push(url, key, roster(ids[:1], on=datetime.date(2026, 4, 1)))
    assert status == 201, body
    first.refresh_from_db()
    assert first.superseded_at is not None
    assert current_roster_batch(county_code=COUNTY).pk == body["batch"]  # type: ignore[union-attr]
    supersede = AuditEvent.objects.get(action="feed.roster_supersede", target_id=str(first.pk))
    assert supersede.actor_label.startswith("apikey:")
    # when March's is pushed again: the same records, a no-op
    status, body = _push(url, key, march)
    assert (status, body["duplicate"], body["batch"]) == (200, True, first.pk)
    # when an older, different roster arrives: refused with the reason, nothing stored
    count = FeedBatch.objects.count()
    status, body = _push(url, key, roster(ids[:1], on=datetime.date(2026, 2, 1)))
    assert status == 409
    assert "早于它的 2026-02-01 名册不再接收" in json.dumps(body, ensure_ascii=False)
    # and a roster naming two counties is refused whole
    mixed = roster(ids, on=datetime.date(2026, 5, 1))
    mixed[1]["county_code"] = OTHER_COUNTY
    status, body = _push(url, key, mixed)
    assert status == 422
    assert "一份名册只能是一个县的" in json.dumps(body, ensure_ascii=False)
    assert FeedBatch.objects.count() == count
