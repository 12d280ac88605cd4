"""绩效目标 results (P14 绩效评价): the project's county records what each target reached once the work is done,
in one transaction with its audit event; before 竣工, from another county or from a village it is refused; the
project page shows the form only to those who may use it."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import OTHER_COUNTY, PREFECTURE, VILLAGE
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.projects.models import ProjectTarget
from zhenxing.projects.targets import target_result_record

from .builders import fund_users, library_project

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_p14_the_county_records_a_target_result_once_done_audited() -> None:
    # given a 竣工 project of the county
    county = fund_users()["county"]
    project = library_project(county, status="completed")
    target = project.targets.order_by("pk").first()
    assert target is not None
    # when the county records its result, then corrects it
    target_result_record(actor=county, target=target, result_value="2.6公里", achieved=True)
    corrected = target_result_record(
        actor=county, target=target, result_value="2.4公里", achieved=False, note="一段因地质原因缓建"
    )
    # then the target holds the corrected result and both are in the audit, the old value kept
    assert (corrected.result_value, corrected.achieved, corrected.result_recorded_by) == (
        "2.4公里",
        False,
        county,
    )
    events = AuditEvent.objects.filter(action="project.target_result", target_id=str(target.pk)).order_by(
        "pk"
    )
    assert [e.new_values["result_value"] for e in events] == ["2.6公里", "2.4公里"]
    assert events[0].old_values is None and events[1].old_values["achieved"] is True
    assert events[1].division_id == project.county_id


def test_p14_a_target_result_is_refused_before_completion_out_of_county_and_empty() -> None:
    users = fund_users()
    building = library_project(users["county"], status="building")
    done = library_project(users["county"], status="completed")
    target = building.targets.first()
    done_target = done.targets.first()
    assert target is not None and done_target is not None
    with pytest.raises(Conflict, match="竣工"):
        target_result_record(actor=users["county"], target=target, result_value="1公里", achieved=True)
    for outsider in (
        make_user(Role.COUNTY, OTHER_COUNTY, username="t_dali"),
        make_user(Role.VILLAGE, VILLAGE, username="t_cun"),
        make_user(Role.PREFECTURE, PREFECTURE, username="t_zhou"),
        users["finance"],
    ):
        with pytest.raises(PermissionDenied):
            target_result_record(actor=outsider, target=done_target, result_value="1公里", achieved=True)
    with pytest.raises(InvalidInput) as refused:
        target_result_record(actor=users["county"], target=done_target, result_value="  ", achieved=True)
    assert refused.value.details[0].loc == ("result_value",)
    assert not ProjectTarget.objects.filter(achieved__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="project.target_result").exists()


def test_p14_the_project_page_offers_the_result_form_to_its_county_and_records_it() -> None:
    users = fund_users()
    county = users["county"]
    project = library_project(county, status="completed")
    target = project.targets.order_by("pk").first()
    assert target is not None
    page = _client(county).get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="target-results"' in page and f"/projects/targets/{target.pk}/result/" in page
    # the prefecture sees the results, not the form
    prefecture = users["prefecture"]
    seen = _client(prefecture).get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="target-results"' in seen and "/result/" not in seen
    # when the county posts the form
    response = _client(county).post(
        f"/projects/targets/{target.pk}/result/",
        {"result_value": "2.6公里", "achieved": "yes", "result_note": ""},
    )
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    target.refresh_from_db()
    assert (target.result_value, target.achieved) == ("2.6公里", True)
    assert AuditEvent.objects.filter(action="project.target_result", actor=county).exists()
    # a bad form stores nothing; another county does not find the target; the prefecture is refused by the service
    _client(county).post(f"/projects/targets/{target.pk}/result/", {"result_value": "", "achieved": "no"})
    target.refresh_from_db()
    assert target.achieved is True
    other = make_user(Role.COUNTY, OTHER_COUNTY, username="t_dali2")
    assert (
        _client(other)
        .post(f"/projects/targets/{target.pk}/result/", {"result_value": "1", "achieved": "no"})
        .status_code
        == 404
    )
    assert (
        _client(users["finance"])
        .post(f"/projects/targets/{target.pk}/result/", {"result_value": "1", "achieved": "no"})
        .status_code
        == 403
    )
    _client(prefecture).post(
        f"/projects/targets/{target.pk}/result/", {"result_value": "1", "achieved": "no"}
    )
    target.refresh_from_db()
    assert target.result_value == "2.6公里"


def test_p14_a_project_not_done_shows_no_result_block() -> None:
    county = fund_users()["county"]
    project = library_project(county, status="building")
    assert (
        'data-testid="target-results"' not in _client(county).get(f"/projects/{project.pk}/").content.decode()
    )
