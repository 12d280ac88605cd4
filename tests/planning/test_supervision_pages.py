"""The 约谈提醒 / 挂牌督办 pages (P11, P16): who opens which route (SUPERVISION_ROUTES, for the jurisdiction matrix),
the prefecture recording the talk and adding a task, the county reporting its result with evidence and the
prefecture closing it — each form offered only to the role TASK lets move — with CSRF enforced on a POST."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import division
from tests.planning.builders import COUNTY, an_assessment, days_from_today
from tests.planning.test_assessment_pages import (
    IN_COUNTY,
    OUTSIDERS,
    POST_ONLY,
    VIEWERS,
    client_of,
    png,
    role_users,
)
from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.planning import services
from zhenxing.planning.enums import SupervisionKind, SupervisionReason, TaskStatus
from zhenxing.planning.models import RectificationTask, Supervision

pytestmark = pytest.mark.django_db

# (url name, kwargs from the world's ids, {role: status of a GET})
SUPERVISION_ROUTES: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = [
    ("planning:supervisions", lambda ids: {}, {**OUTSIDERS, **VIEWERS}),
    ("planning:supervision_record", lambda ids: {"pk": ids["supervision"]}, POST_ONLY),
    ("planning:task_add", lambda ids: {"pk": ids["supervision"]}, POST_ONLY),
    ("planning:task", lambda ids: {"pk": ids["task"]}, IN_COUNTY),
    ("planning:task_move", lambda ids: {"pk": ids["task"]}, POST_ONLY),
    ("planning:task_file", lambda ids: {"pk": ids["task_file"]}, IN_COUNTY),
]


def supervised_world() -> tuple[dict[str, User], dict[str, Any]]:
    """南涧 graded 一般 for 2025 with its 约谈提醒 opened and a task whose result came with a photo."""
    users = role_users()
    assessment = an_assessment(COUNTY)
    supervision = services.supervision_open(
        assessment=assessment,
        kind=SupervisionKind.TALK,
        reasons=[SupervisionReason.GRADE],
        actor=users["prefecture"],
    )
    task = services.task_add(
        actor=users["prefecture"], supervision=supervision, title="补齐监测对象帮扶计划", detail="逐户核对",
        owner="县乡村振兴局", owner_person="李四", due_on=days_from_today(30),
    )  # fmt: skip
    services.task_move(actor=users["county"], task=task, to=TaskStatus.SUBMITTED, result="已逐户补齐")
    attachment = services.attachments_add(actor=users["county"], files=[png("整改照片.png")], task=task)[0]
    return users, {"supervision": supervision.pk, "task": task.pk, "task_file": attachment.pk}


def test_p11_supervision_routes_by_role() -> None:
    users, ids = supervised_world()
    for name, kwargs, expected in SUPERVISION_ROUTES:
        url = reverse(name, kwargs=kwargs(ids) or None)
        for role, status in expected.items():
            response = client_of(users[role]).get(url)
            assert response.status_code == status, f"{role} {name}: {response.status_code}"
    other = client_of(users["other_county"])
    assert other.get(f"/planning/supervision/tasks/{ids['task']}/").status_code == 404
    assert other.get(f"/planning/supervision/tasks/files/{ids['task_file']}/").status_code == 404
    assert (
        f'data-supervision="{ids["supervision"]}"' not in other.get("/planning/supervision/").content.decode()
    )
    # another county cannot write to it either (404 before its capability is asked)
    assert other.post(f"/planning/supervision/tasks/{ids['task']}/move/", {"to": "closed"}).status_code == 404


def test_p11_a_task_from_the_talk_to_its_closure_on_the_pages() -> None:
    # given 南涧's 约谈提醒 opened by its assessment
    users = role_users()
    supervision = services.supervision_open(
        assessment=an_assessment(COUNTY), kind=SupervisionKind.TALK, reasons=[SupervisionReason.GRADE],
        actor=users["prefecture"],
    )  # fmt: skip
    prefecture, county = client_of(users["prefecture"]), client_of(users["county"])
    html = county.get("/planning/supervision/").content.decode()
    assert "约谈提醒" in html and "考核评估等次为“一般”" in html and 'data-testid="record-' not in html
    # when the prefecture records the talk and adds a task (the page enforces CSRF on the first POST)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["prefecture"])
    record = {"held_on": clock.today().isoformat(), "note": "州领导约谈县委、县政府主要负责人"}
    assert strict.post(f"/planning/supervision/{supervision.pk}/record/", record).status_code == 403
    assert not AuditEvent.objects.filter(action="planning.supervision_record").exists()
    response = prefecture.post(f"/planning/supervision/{supervision.pk}/record/", record)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="planning.supervision_record", target_id=str(supervision.pk)
    ).exists()
    response = prefecture.post(
        f"/planning/supervision/{supervision.pk}/tasks/new/",
        {
            "title": "补齐监测对象帮扶计划",
            "owner": "",
            "owner_person": "李四",
            "due_on": days_from_today(30).isoformat(),
        },
    )
    assert response.status_code == 422 and 'data-error="owner"' in response.content.decode()
    response = prefecture.post(  # the service's rule: a title of at least four characters
        f"/planning/supervision/{supervision.pk}/tasks/new/",
        {
            "title": "补齐",
            "owner": "县乡村振兴局",
            "owner_person": "李四",
            "due_on": days_from_today(30).isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 422 and 'data-error="title"' in html and "请写明整改任务" in html
    response = prefecture.post(
        f"/planning/supervision/{supervision.pk}/tasks/new/",
        {"title": "补齐监测对象帮扶计划", "detail": "逐户核对", "owner": "县乡村振兴局", "owner_person": "李四",
         "due_on": days_from_today(30).isoformat()},
    )  # fmt: skip
    task = RectificationTask.objects.get(supervision=supervision)
    assert response.status_code == 302 and response["Location"] == f"/planning/supervision/tasks/{task.pk}/"
    assert AuditEvent.objects.filter(action="planning.task_add", target_id=str(task.pk)).exists()
    # then the county's page offers the result form, the prefecture's none yet
    url = f"/planning/supervision/tasks/{task.pk}/"
    assert 'data-testid="move-submitted"' in county.get(url).content.decode()
    html = prefecture.get(url).content.decode()
    assert 'data-testid="move-' not in html and "整改中" in html
    # when the county reports without a result, then with its result and a photo
    response = county.post(f"{url}move/", {"to": "submitted", "result": ""})
    assert response.status_code == 422 and 'data-error="result"' in response.content.decode()
    response = county.post(
        f"{url}move/", {"to": "submitted", "result": "已逐户补齐帮扶计划", "files": [png()]}
    )
    task.refresh_from_db()
    assert (
        response.status_code == 302 and task.status == TaskStatus.SUBMITTED and task.attachments.count() == 1
    )
    assert AuditEvent.objects.filter(action="planning.task_submit", target_id=str(task.pk)).exists()
    assert AuditEvent.objects.filter(action="planning.attachment").exists()
    # then the prefecture may close or return it; the county no longer sees a form
    html = prefecture.get(url).content.decode()
    assert 'data-testid="move-closed"' in html and 'data-testid="move-open"' in html
    assert (
        "已逐户补齐帮扶计划" in html
        and f"/planning/supervision/tasks/files/{task.attachments.get().pk}/" in html
    )
    assert 'data-testid="move-' not in county.get(url).content.decode()
    # the county cannot close its own task
    assert county.post(f"{url}move/", {"to": "closed", "opinion": "自己销号"}).status_code == 403
    # when the prefecture closes it without an opinion, then with one
    response = prefecture.post(f"{url}move/", {"to": "closed", "opinion": ""})
    assert response.status_code == 422 and 'data-error="opinion"' in response.content.decode()
    response = prefecture.post(f"{url}move/", {"to": "closed", "opinion": "经核查整改到位，同意销号"})
    task.refresh_from_db()
    assert (
        response.status_code == 302 and task.status == TaskStatus.CLOSED and task.closed_on == clock.today()
    )
    assert AuditEvent.objects.filter(action="planning.task_close", target_id=str(task.pk)).exists()
    html = prefecture.get(url).content.decode()
    assert "已销号" in html and "经核查整改到位，同意销号" in html and "审核销号" in html


def test_p11_a_returned_task_goes_back_to_the_county_and_an_overdue_one_is_marked() -> None:
    users, ids = supervised_world()
    prefecture = client_of(users["prefecture"])
    url = f"/planning/supervision/tasks/{ids['task']}/"
    response = prefecture.post(f"{url}move/", {"to": "open", "opinion": ""})
    assert response.status_code == 422 and 'data-error="opinion"' in response.content.decode()
    response = prefecture.post(f"{url}move/", {"to": "open", "opinion": "佐证材料不足，请补充"})
    assert response.status_code == 302
    assert RectificationTask.objects.get(pk=ids["task"]).status == TaskStatus.OPEN
    assert AuditEvent.objects.filter(action="planning.task_return", target_id=str(ids["task"])).exists()
    assert 'data-testid="move-submitted"' in client_of(users["county"]).get(url).content.decode()
    # past its deadline and open: the list and the page mark it overdue
    RectificationTask.objects.filter(pk=ids["task"]).update(due_on=days_from_today(-2))
    assert (
        'data-testid="overdue"' in client_of(users["county"]).get("/planning/supervision/").content.decode()
    )
    assert 'data-testid="overdue"' in client_of(users["county"]).get(url).content.decode()


def test_p11_the_list_filters_by_year_and_the_township_reads_its_countys() -> None:
    users, ids = supervised_world()
    html = client_of(users["county"]).get("/planning/supervision/?year=2025").content.decode()
    assert f'data-supervision="{ids["supervision"]}"' in html
    html = client_of(users["county"]).get("/planning/supervision/?year=2024").content.decode()
    assert 'data-testid="no-supervision"' in html
    html = client_of(users["township"]).get("/planning/supervision/").content.decode()
    assert f'data-supervision="{ids["supervision"]}"' in html
    assert Supervision.objects.get(pk=ids["supervision"]).county == division(COUNTY)
