"""P4 parameters as dated, versioned data: shipped values, administrator edits audited and live at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.policy import selectors, services
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.models import Parameter

from .test_contract import request_body

pytestmark = pytest.mark.django_db


def test_p4_shipped_lines_and_missing_years() -> None:
    lines = {p.year: p for p in Parameter.objects.filter(kind="monitoring_line", is_current=True)}
    assert set(lines) == {2023, 2025}
    assert (lines[2023].value, lines[2023].verified) == (8050, False)
    assert (lines[2025].value, lines[2025].verified, lines[2025].document) == (
        8700,
        True,
        "云农办通〔2025〕1号",
    )
    with pytest.raises(selectors.ParameterMissing):
        selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2024)


def test_p4_dibao_standard_in_force_from_2020() -> None:
    dibao = selectors.parameter_for(ParameterKind.DIBAO_STANDARD, year=2025)
    assert dibao.value == 4500
    assert dibao.effective_from is not None
    assert dibao.effective_from.isoformat() == "2020-06-01"
    with pytest.raises(selectors.ParameterMissing):
        selectors.parameter_for(ParameterKind.DIBAO_STANDARD, year=2019)


def test_p11_shipped_subsidy_schedule() -> None:
    schedule = {
        p.year: p.value["tuopin_household"]
        for p in Parameter.objects.filter(kind="medical_insurance_subsidy", is_current=True)
    }
    assert schedule == {2021: 180, 2022: 135, 2023: 90, 2024: 45, 2025: 0}
    assert {
        p.value["monitoring_object"] for p in Parameter.objects.filter(kind="medical_insurance_subsidy")
    } == {180}


def test_revision_is_audited_versioned_and_live_at_once(
    client: Client, admin_user: User, county_user: User
) -> None:
    # given: the 2025 line, and a household just above 8,700 per head
    body = request_body(
        members=[request_body()["household"]["members"][1]], income={"wage": 8800}, rigid_expenses={}
    )
    client.force_login(county_user)
    before = client.post("/api/v1/policy/evaluate", body, content_type="application/json").json()
    assert before["within_monitoring_range"] is False
    line = selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2025)
    # when: an administrator raises the line
    revised = services.parameter_revise(
        actor=admin_user,
        parameter=line,
        value=9000,
        document="测试文件〔2025〕9号",
        verified=True,
        reason="测试调整",
    )
    # then: the next evaluation, without a restart, uses it and cites the new version
    after = client.post("/api/v1/policy/evaluate", body, content_type="application/json").json()
    assert after["within_monitoring_range"] is True
    assert after["parameters"]["monitoring_line"] == {
        "id": revised.pk, "value": 9000, "document": "测试文件〔2025〕9号", "year": 2025, "version": 2, "verified": True,
    }  # fmt: skip
    line.refresh_from_db()
    assert not line.is_current
    assert line.superseded_at is not None
    assert line.value == 8700
    event = AuditEvent.objects.get(action="parameter.revise")
    assert (event.actor, event.reason) == (admin_user, "测试调整")
    assert (event.old_values["value"], event.new_values["value"]) == (8700, 9000)


def test_revising_a_superseded_version_is_refused(admin_user: User) -> None:
    line = selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2025)
    services.parameter_revise(
        actor=admin_user, parameter=line, value=8800, document="x", verified=False, reason="r"
    )
    with pytest.raises(Conflict):
        services.parameter_revise(
            actor=admin_user, parameter=line, value=8900, document="x", verified=False, reason="r"
        )


def test_create_the_2024_line_enables_that_year(client: Client, admin_user: User) -> None:
    created = services.parameter_create(
        actor=admin_user,
        kind=ParameterKind.MONITORING_LINE,
        year=2024,
        value=8400,
        document="云农办〔2024〕测试",
        verified=False,
    )
    assert selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2024).pk == created.pk
    assert AuditEvent.objects.filter(action="parameter.create", target_id=str(created.pk)).exists()
    client.force_login(admin_user)
    body = {**request_body(), "year": 2024}
    assert client.post("/api/v1/policy/evaluate", body, content_type="application/json").status_code == 200


def test_create_refuses_a_duplicate_current_value(admin_user: User) -> None:
    with pytest.raises(Conflict):
        services.parameter_create(
            actor=admin_user,
            kind=ParameterKind.MONITORING_LINE,
            year=2025,
            value=1,
            document="x",
            verified=False,
        )


@pytest.mark.parametrize(
    ("kind", "value", "fragment"),
    [
        (ParameterKind.MONITORING_LINE, -5, "正数"),
        (ParameterKind.MONITORING_LINE, "abc", "应为数字"),
        (ParameterKind.MEDICAL_SUBSIDY, {"monitoring_object": 180}, "缺少"),
        (ParameterKind.COLLECTIVE_TIERS, [5, 4, 3], "递增"),
        (ParameterKind.ELIMINATION_MIN_MONTHS, 2.5, "整数"),
    ],
)
def test_bad_values_are_refused_in_chinese(
    admin_user: User, kind: ParameterKind, value: object, fragment: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        services.parameter_create(
            actor=admin_user, kind=kind, year=2030, value=value, document="x", verified=False
        )
    assert fragment in error.value.message
    assert not Parameter.objects.filter(year=2030).exists()


def test_revision_needs_a_reason_and_a_document(admin_user: User) -> None:
    line = selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2025)
    with pytest.raises(InvalidInput) as error:
        services.parameter_revise(
            actor=admin_user, parameter=line, value=9000, document=" ", verified=False, reason=""
        )
    assert {d.loc for d in error.value.details} == {("document",), ("reason",)}


def test_only_administrators_change_parameters(county_user: User) -> None:
    line = selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2025)
    with pytest.raises(PermissionDenied):
        services.parameter_revise(
            actor=county_user, parameter=line, value=1, document="x", verified=False, reason="x"
        )


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="fresh-install check runs on SQLite"
)
def test_cli_works_on_a_fresh_install(tmp_path: Path) -> None:
    # given: a brand-new SQLite database, migrated by the console script
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "ZHENXING_VAR_DIR": str(tmp_path),
    }
    zhenxing = [sys.executable, "-m", "zhenxing.cli"]
    subprocess.run([*zhenxing, "migrate", "-v0"], env=env, check=True, capture_output=True)
    # when
    result = subprocess.run(
        [*zhenxing, "policy", "evaluate", "-"],
        env=env,
        input=json.dumps(request_body()).encode(),
        capture_output=True,
        check=False,
    )
    # then: exit 0 and only JSON on stdout
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["monitoring_line"] == 8700.0
    bad = subprocess.run(
        [*zhenxing, "policy", "evaluate", "-"], env=env, input=b"{}", capture_output=True, check=False
    )
    assert bad.returncode == 2
    assert json.loads(bad.stdout)["errors"][0]["code"] == "missing"
    assert b"Traceback" not in bad.stderr
