"""P7: a recommended measure ("请细化内容、资金和时限") is detailed — content, funds, dates, responsible person —
before it starts, on the case page; once running it is the record and only its state moves."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.monitoring.assistance import services as assistance
from zhenxing.monitoring.enums import MeasureStatus
from zhenxing.monitoring.models import Case, Measure

from ..conftest import OTHER_COUNTY_VILLAGE, TOWNSHIP
from ..factories import make_user
from .helpers import confirmed, people, poor_household

pytestmark = pytest.mark.django_db


def _recommended(case: Case) -> Measure:
    measure = case.measures.filter(recommended=True, status=MeasureStatus.PLANNED).order_by("pk").first()
    assert measure is not None and "请细化" in measure.content
    return measure


def _form(measure: Measure, **changes: str) -> dict[str, str]:
    data = {
        "content": "联系县外劳务输出，安排户主到昆明建筑工地务工", "started_on": "2025-11-03", "ends_on": "2026-10-31",
        "responsible_unit": "南涧镇人社中心", "responsible_username": "", "funds": "1,500.50", "funds_source": "衔接资金",
    }  # fmt: skip
    data.update(changes)
    return {f"m{measure.pk}-{key}": value for key, value in data.items()}


def test_a_recommended_measure_is_detailed_on_the_case_page_before_it_starts(  # type: ignore[no-untyped-def]
    client: Client, clock_at
) -> None:
    # given a confirmed case whose plan holds recommended measures, still 计划
    user = people()
    case = confirmed(user, poor_household())
    measure = _recommended(case)
    client.force_login(user["village"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert (
        f'data-testid="measure-detail-{measure.pk}"' in page
        and 'class="list cards" data-testid="measures"' in page
    )
    # when the village cadre details it through the form
    data = _form(measure, funds="1500.50", **{"responsible_username": user["township"].username})
    response = client.post(f"/cases/measures/{measure.pk}/detail/", data)
    # then the measure holds the details, still 计划, funds in fen, and the change is audited
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.content.startswith("联系县外劳务输出") and measure.status == MeasureStatus.PLANNED
    assert measure.funds_fen == 150050 and measure.funds_source == "衔接资金"
    assert (measure.started_on, measure.ends_on) == (datetime.date(2025, 11, 3), datetime.date(2026, 10, 31))
    assert measure.responsible_person == user["township"] and measure.responsible_unit == "南涧镇人社中心"
    event = AuditEvent.objects.get(action="measure.detail", target_id=str(measure.pk))
    assert event.actor == user["village"]
    assert event.old_values is not None and "请细化" in event.old_values["content"]
    assert event.new_values is not None and event.new_values["funds_fen"] == 150050
    # and the page shows the money in yuan with separators
    assert "1,500.50元" in client.get(f"/cases/{case.pk}/").content.decode()


def test_every_measure_cell_carries_its_label(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    case = confirmed(user, poor_household())
    client.force_login(user["village"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    table = html[html.index('data-testid="measures"') :]
    table = table[: table.index("</table>")]
    body = table[table.index("<tbody>") :]
    assert body.count("<td") == body.count("<td data-label=")


def test_a_running_measure_cannot_be_detailed(clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    case = confirmed(user, poor_household())
    measure = assistance.measure_move(
        actor=user["village"], measure=_recommended(case), to=MeasureStatus.IN_PROGRESS
    )
    with pytest.raises(Conflict):
        assistance.measure_detail(
            actor=user["village"], measure=measure, content="改写已实施的措施", started_on=measure.started_on
        )
    assert not AuditEvent.objects.filter(action="measure.detail").exists()


def test_bad_details_are_refused_in_chinese_and_nothing_changes(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    case = confirmed(user, poor_household())
    measure = _recommended(case)
    before = measure.content
    with pytest.raises(InvalidInput) as error:
        assistance.measure_detail(
            actor=user["village"], measure=measure, content="务工", started_on=datetime.date(2025, 11, 3),
            ends_on=datetime.date(2025, 10, 1),
        )  # fmt: skip
    assert "结束日期不能早于开始日期" in str(error.value.errors()[0].message)
    client.force_login(user["village"])
    response = client.post(f"/cases/measures/{measure.pk}/detail/", _form(measure, funds="-5"), follow=True)
    assert "资金不能为负数" in response.content.decode()
    measure.refresh_from_db()
    assert measure.content == before and measure.funds_fen == 0
    assert not AuditEvent.objects.filter(action="measure.detail").exists()


def test_detailing_is_scoped_and_for_cadres_only(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    user = people()
    case = confirmed(user, poor_household())
    measure = _recommended(case)
    # a cadre of another county does not find it
    client.force_login(make_user(Role.VILLAGE, OTHER_COUNTY_VILLAGE))
    assert client.post(f"/cases/measures/{measure.pk}/detail/", _form(measure)).status_code == 404
    # the prefecture reads the plan but details nothing (not a 帮扶 role)
    with pytest.raises(PermissionDenied):
        assistance.measure_detail(
            actor=make_user(Role.PREFECTURE, "5329"),
            measure=measure,
            content="州级改写",
            started_on=measure.started_on,
        )
    # the township, whose area it is, may
    township = make_user(Role.TOWNSHIP, TOWNSHIP)
    client.force_login(township)
    assert client.post(f"/cases/measures/{measure.pk}/detail/", _form(measure)).status_code == 302
    assert AuditEvent.objects.filter(action="measure.detail", actor=township).count() == 1
    assert not Measure.objects.filter(pk=measure.pk, funds_fen=0).exists()
