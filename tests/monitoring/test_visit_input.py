"""Issue 13 F: a visit with bad input gets a clear Chinese error from the service, the page and the API — never
a 500 — and thirty phones syncing the same visit at once store it once (PostgreSQL, real threads)."""

from __future__ import annotations

import datetime
import threading
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.common.errors import InvalidInput
from zhenxing.monitoring.identification import services
from zhenxing.monitoring.models import Case, Visit

from .helpers import START, people, poor_household

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _investigating() -> tuple[dict[str, Any], Case]:
    user = people()
    case = services.case_open_for_household(actor=user["village"], household=poor_household(), summary="困难")
    case = services.case_move(actor=user["village"], case=case, to="analysis")
    return user, services.case_move(actor=user["village"], case=case, to="investigation", findings="已比对")


def _an_hour_ago() -> datetime.datetime:
    return clock.now() - datetime.timedelta(hours=1)


BAD_VISITS: list[tuple[str, dict[str, Any], str]] = [
    ("place over 200", {"place": "家" * 201}, "too_long"),
    ("place with NUL", {"place": "家中\x00"}, "control_character"),
    ("findings with a control character", {"findings": "核实属实\x1b[2J"}, "control_character"),
    ("findings of 200,000 characters", {"findings": "核" * 200_000}, "too_long"),
    ("year 1", {"visited_at": datetime.datetime(1, 1, 1, tzinfo=SHANGHAI)}, "out_of_range"),
    ("year 9999", {"visited_at": datetime.datetime(9999, 12, 31, 23, 59, tzinfo=SHANGHAI)}, "out_of_range"),
    (
        "before the mechanism",
        {"visited_at": datetime.datetime(2020, 12, 31, tzinfo=SHANGHAI)},
        "out_of_range",
    ),
    ("a naive time", {"visited_at": datetime.datetime(2025, 9, 1, 9)}, "naive_time"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("why", "change", "code"), BAD_VISITS, ids=[row[0] for row in BAD_VISITS])
def test_the_service_refuses_a_bad_visit_in_chinese(
    clock_at, why: str, change: dict[str, Any], code: str
) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user, case = _investigating()
    values: dict[str, Any] = {"visited_at": _an_hour_ago(), "place": "家中", "findings": "核实属实"} | change
    with pytest.raises(InvalidInput) as error:
        services.visit_record(
            actor=user["village"], case=case, client_uuid=uuid.uuid4(), authorization_signed=True, **values
        )
    assert code in {detail.code for detail in error.value.errors()}, why
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_a_visit_in_the_future_is_refused_but_a_phone_a_little_ahead_is_not(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user, case = _investigating()
    with pytest.raises(InvalidInput, match="不能晚于当前时间"):
        services.visit_record(
            actor=user["village"], case=case, client_uuid=uuid.uuid4(), authorization_signed=True, place="家中",
            findings="核实属实", visited_at=clock.now() + datetime.timedelta(hours=2),
        )  # fmt: skip
    visit, created = services.visit_record(
        actor=user["village"], case=case, client_uuid=uuid.uuid4(), authorization_signed=True, place="家中",
        findings="核实属实", visited_at=clock.now() + datetime.timedelta(minutes=3),
    )  # fmt: skip
    assert created and AuditEvent.objects.filter(action="visit.create", target_id=str(visit.pk)).exists()


API_BAD_BODIES: list[tuple[str, dict[str, Any]]] = [
    ("place over 200", {"place": "家" * 201}),
    ("place with NUL", {"place": "家中\u0000"}),
    ("year 1", {"visited_at": "0001-01-01T00:00:00+08:00"}),
    ("year 9999", {"visited_at": "9999-12-31T23:59:00-08:00"}),
    ("a naive time", {"visited_at": "2025-09-01T09:00:00"}),
    ("findings of 200,000 characters", {"findings": "a" * 200_000}),
    ("a lone surrogate", {"findings": "核实\ud800属实"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("why", "change"), API_BAD_BODIES, ids=[row[0] for row in API_BAD_BODIES])
def test_the_api_answers_a_bad_visit_with_a_client_error_not_a_500(
    client: Client, clock_at, why: str, change: dict[str, Any]
) -> None:  # type: ignore[no-untyped-def]
    import json

    clock_at(START)
    user, case = _investigating()
    client.force_login(user["village"])
    body = {
        "uuid": str(uuid.uuid4()), "visited_at": _an_hour_ago().isoformat(), "place": "家中", "findings": "核实属实",
        "authorization_signed": True,
    } | change  # fmt: skip
    raw = json.dumps(body)  # ensure_ascii: a NUL or a lone surrogate travels as its \\u escape
    response = client.post(f"/api/v1/cases/{case.pk}/visits", raw, content_type="application/json")
    assert response.status_code in (413, 422), (why, response.status_code, response.content[:300])
    assert "errors" in response.json() or "detail" in response.json()
    assert not Visit.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("why", "change", "message"),
    [
        ("place over 200", {"place": "家" * 201}, "地点"),
        ("place with NUL", {"place": "家中\x00"}, "地点"),
        ("year 1", {"visited_at": "0001-01-01T08:00"}, "走访时间不在合理范围"),
        ("year 9999", {"visited_at": "9999-12-31T23:59"}, "走访时间不在合理范围"),
        ("findings of 200,000 characters", {"findings": "核" * 200_000}, "核实情况"),
    ],
)
def test_the_visit_form_shows_what_is_wrong_instead_of_a_500(
    client: Client, clock_at, why: str, change: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user, case = _investigating()
    client.force_login(user["village"])
    data = {
        "client_uuid": str(uuid.uuid4()), "visited_at": clock.localtime(_an_hour_ago()).strftime("%Y-%m-%dT%H:%M"),
        "place": "家中", "findings": "核实属实", "authorization_signed": "on",
    } | change  # fmt: skip
    response = client.post(f"/cases/{case.pk}/visits/", data, follow=True)
    if response.status_code == 400:  # a control character is refused for every form before any view runs
        assert "控制字符" in response.content.decode(), why
    else:
        assert response.status_code == 200, why
        shown = [str(m) for m in response.context["messages"]]
        assert any(message in text for text in shown), (why, shown)
    assert not Visit.objects.exists()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_syncs_of_one_visit_store_one_row_and_all_succeed(shipped_data, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user, case = _investigating()
    body = {
        "uuid": str(uuid.uuid4()), "visited_at": _an_hour_ago().isoformat(), "place": "家中",
        "findings": "核实属实，授权书已签", "authorization_signed": True,
    }  # fmt: skip
    clients = []
    for _ in range(30):
        phone = Client()
        phone.force_login(user["village"])
        clients.append(phone)
    start = threading.Barrier(30)
    answers: list[int] = []
    failures: list[BaseException] = []

    def sync(phone: Client) -> None:
        try:
            start.wait()
            answers.append(
                phone.post(
                    f"/api/v1/cases/{case.pk}/visits", body, content_type="application/json"
                ).status_code
            )
        except BaseException as error:  # collected and asserted on below, in the test's thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sync, args=(phone,)) for phone in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert sorted(answers) == [200] * 29 + [201]
    assert Visit.objects.filter(uuid=body["uuid"]).count() == 1
    assert AuditEvent.objects.filter(action="visit.create").count() == 1
