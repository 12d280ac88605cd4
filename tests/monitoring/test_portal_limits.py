"""Issue 13 C: the portal's limits. The application limit counts the client behind a trusted reverse proxy
(not the proxy, which would make the whole prefecture share five applications a day); the public status
lookup is throttled per address and per tracking code; a challenge can be answered once."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client

from zhenxing.common.crypto import keyed_hash
from zhenxing.divisions.models import Division
from zhenxing.portal import services
from zhenxing.portal.challenge import challenge_new, challenge_passed
from zhenxing.portal.models import Application

from ..conftest import VILLAGE
from ..factories import id_number_for
from .helpers import START

pytestmark = pytest.mark.django_db
PROXY = "10.9.9.9"


def _number(sequence: int) -> str:
    return id_number_for(VILLAGE[:6], datetime.date(1980, 1, 1), sequence)


def _form(client: Client, number: str, **extra: str) -> dict[str, object]:
    page = client.get("/apply/", **extra)  # type: ignore[arg-type]
    a, b = (int(n) for n in re.findall(r"\d+", page.context["question"]))
    return {
        "village": VILLAGE, "name": "杨建国", "id_number": number, "phone": "13800001234", "difficulties": ["医疗"],
        "description": "住院花费大", "answer": str(a + b), "token": page.context["form"]["token"].value(), "website": "",
    }  # fmt: skip


def _submit(number: str, ip: str = "10.0.0.1") -> Application:
    return services.application_submit(
        village=Division.objects.get(code=VILLAGE), name="杨建国", id_number=number, phone="13800001234",
        difficulties=["医疗"], description="住院花费大", on_behalf=False, ip_address=ip,
    )  # fmt: skip


def test_behind_a_trusted_proxy_each_client_has_its_own_application_limit(
    client: Client, settings, clock_at
) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    settings.AXES_IPWARE_PROXY_COUNT = 1
    for sequence in range(7):  # more than the five a day one address may send
        client_address = f"203.0.113.{sequence + 1}"
        # the proxy appends the address it was reached from; what the client sent itself stays to the left
        headers = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"198.51.100.66, {client_address}"}
        response = client.post("/apply/", _form(client, _number(100 + sequence), **headers), **headers)  # type: ignore[arg-type]
        assert response.status_code == 302, response.content.decode()[:2000]
    hashes = set(Application.objects.values_list("ip_hash", flat=True))
    assert hashes == {keyed_hash(f"203.0.113.{n + 1}", purpose="portal-ip") for n in range(7)}


def test_without_a_trusted_proxy_a_forged_forwarded_for_header_is_ignored(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    for sequence in range(6):
        headers = {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": f"203.0.113.{sequence + 1}"}
        response = client.post("/apply/", _form(client, _number(200 + sequence), **headers), **headers)  # type: ignore[arg-type]
        assert response.status_code == (302 if sequence < 5 else 200)
    assert Application.objects.count() == 5
    assert "今天从这台设备提交的申请已达上限" in response.content.decode()


def test_a_challenge_is_spent_by_its_first_answer_right_or_wrong() -> None:
    question, token = challenge_new()
    a, b = (int(n) for n in re.findall(r"\d+", question))
    assert challenge_passed(token, str(a + b))
    assert not challenge_passed(token, str(a + b))  # replayed
    question, token = challenge_new()
    a, b = (int(n) for n in re.findall(r"\d+", question))
    assert not challenge_passed(token, str(a + b + 1))
    assert not challenge_passed(token, str(a + b))  # the second try on the same question


def test_a_replayed_application_post_is_refused(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    data = _form(client, _number(300))
    assert client.post("/apply/", data).status_code == 302
    again = client.post("/apply/", data | {"id_number": _number(301)})
    assert again.status_code == 200 and "这道题已经答过" in again.content.decode()
    assert Application.objects.count() == 1


def test_status_lookups_are_throttled_per_address(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    application = _submit(_number(400))
    tail = _number(400)[-4:]
    for n in range(10):  # ten wrong codes from one address
        response = client.post("/apply/status/", {"code": f"WRONGCODE{n}", "tail": tail})
        assert response.status_code == 200 and "没有找到" in response.content.decode()
    refused = client.post("/apply/status/", {"code": application.tracking_code, "tail": tail})
    assert refused.status_code == 429 and "查询失败次数过多" in refused.content.decode()
    assert "村里收到申请" not in refused.content.decode()  # refused even with the right answer
    other = Client(REMOTE_ADDR="10.1.2.3")  # another address is not affected
    assert (
        "村里收到申请"
        in other.post("/apply/status/", {"code": application.tracking_code, "tail": tail}).content.decode()
    )
    clock_at(START + datetime.timedelta(days=1))  # an hour later the address may try again
    assert (
        "村里收到申请"
        in client.post("/apply/status/", {"code": application.tracking_code, "tail": tail}).content.decode()
    )


def test_status_lookups_are_throttled_per_tracking_code_across_addresses(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    number = _number(500)
    application = _submit(number)
    wrong = "0000" if number[-4:] != "0000" else "1111"
    for n in range(5):  # five addresses, one guess each at the ID tail
        assert (
            services.application_find(
                tracking_code=application.tracking_code, id_last4=wrong, ip_address=f"10.2.0.{n}"
            )
            is None
        )
    with pytest.raises(services.TooManyLookups):
        services.application_find(
            tracking_code=application.tracking_code, id_last4=number[-4:], ip_address="10.2.0.99"
        )
    # a successful lookup is not counted against anyone
    other = _submit(_number(501))
    for _ in range(8):
        assert (
            services.application_find(
                tracking_code=other.tracking_code, id_last4=_number(501)[-4:], ip_address="10.3.0.1"
            )
            == other
        )


def test_the_lookup_is_a_post_so_the_id_tail_stays_out_of_addresses(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    number = _number(600)
    application = _submit(number)
    shown = client.get("/apply/status/", {"code": application.tracking_code, "tail": number[-4:]})
    assert shown.status_code == 200 and "村里收到申请" not in shown.content.decode()
    assert (
        application.tracking_code in shown.content.decode()
    )  # the code (from the done page's link) is filled in


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.5", "10.9.9.9"),  # no proxy trusted: the header is the client's own claim
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # a forged entry on the left is ignored
        (2, "1.2.3.4, 203.0.113.5, 10.8.8.8", "203.0.113.5"),
        (2, "203.0.113.5", "10.9.9.9"),  # fewer entries than proxies: only the peer is known
        (1, "not-an-address", "10.9.9.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_one_client_address_function_for_the_portal_and_the_login_lockout(
    settings, proxies: int, forwarded_for: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    from axes.helpers import get_client_ip_address
    from django.test import RequestFactory

    from zhenxing.common.request_context import client_ip_of

    settings.AXES_IPWARE_PROXY_COUNT = proxies or None
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip_of(request) == expected
    assert get_client_ip_address(request) == expected  # django-axes asks the same function


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads against PostgreSQL's advisory locks")
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_parallel_applications_cannot_slip_past_the_address_limit(shipped_data: None) -> None:
    # Before: the limit was counted before the insert, outside any lock, and a burst got through together.
    import threading

    from django.db import connection as default_connection

    from zhenxing.portal.services import LIMIT_PER_IP, TooManyApplications

    outcomes: list[str] = []
    barrier = threading.Barrier(12)

    def apply(sequence: int) -> None:
        try:
            barrier.wait()
            _submit(_number(100 + sequence), ip="10.7.7.7")
            outcomes.append("ok")
        except TooManyApplications:
            outcomes.append("limited")
        finally:
            default_connection.close()

    threads = [threading.Thread(target=apply, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == LIMIT_PER_IP
    assert outcomes.count("limited") == 12 - LIMIT_PER_IP
    assert (
        Application.objects.filter(ip_hash=keyed_hash("10.7.7.7", purpose="portal-ip")).count()
        == LIMIT_PER_IP
    )
