"""P17 in the evaluate contract (version 2): the regime follows the decision date, the line the assessment
year; before the year's standard is published the regime's gap setting refuses or uses last year's line marked
暂用; the sector rules that ended with the transition answer 未配置 until the year's rule is entered; version-1
requests stay valid and decide as before."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.policy import services
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.lines import LineNotConfigured, StandardNotPublished, line_for
from zhenxing.policy.models import Parameter

from .test_contract import request_body, via_api

pytestmark = pytest.mark.django_db

TRANSITION, NORMALISED = "巩固拓展脱贫攻坚成果过渡期", "常态化防止返贫致贫"
PROVISIONAL_NOTE = "暂用2025年标准（2026年标准尚未公布）"


@pytest.fixture
def api(client: Client, county_user: User) -> Client:
    client.force_login(county_user)
    return client


def _evaluate(api: Client, **changes: Any) -> tuple[int, dict[str, Any]]:
    body = {**request_body(), **changes}
    status, content = via_api(api, body)
    return status, json.loads(content)


def _set_gap(admin: User, gap: str) -> Parameter:
    """Revise the normalised regime's gap setting the way an administrator does (a new audited version)."""
    current = Parameter.objects.get(kind=ParameterKind.REGIME, year=2026, is_current=True)
    revised = services.parameter_revise(
        actor=admin, parameter=current, value={**current.value, "standard_gap": gap},
        document=current.document, verified=False, reason="测试：标准未公布时的处理",
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="parameter.revise", target_id=str(revised.pk)).exists()
    return revised


def test_p17_the_same_household_decided_on_either_side_of_new_year_keeps_each_regime(api: Client) -> None:
    # given the same household and its 2025 income
    # when it is decided on 31 December 2025 and on 5 January 2026
    status_a, before = _evaluate(api, decided_on="2025-12-31")
    status_b, after = _evaluate(api, decided_on="2026-01-05")
    # then each answer names its own regime and cites the regime parameter it used
    assert (status_a, status_b) == (200, 200)
    assert (before["decided_on"], before["regime"]["name"], before["regime"]["object_name"]) == (
        "2025-12-31", TRANSITION, "监测对象",
    )  # fmt: skip
    assert (after["decided_on"], after["regime"]["name"], after["regime"]["object_name"]) == (
        "2026-01-05", NORMALISED, "防止返贫致贫对象",
    )  # fmt: skip
    assert before["parameters"]["regime"]["year"] == 2021 and after["parameters"]["regime"]["year"] == 2026
    assert before["contract_version"] == after["contract_version"] == 2
    # and the verdict itself is the same: the line follows the income's year, not the decision date
    verdict_keys = ("monitoring_line", "within_monitoring_range", "suggested_type", "risk_types", "measures")
    assert {k: before[k] for k in verdict_keys} == {k: after[k] for k in verdict_keys}


def test_p17_a_january_2026_decision_on_2025_income_uses_the_2025_line(api: Client) -> None:
    status, body = _evaluate(api, year=2025, decided_on="2026-01-20")
    assert status == 200
    assert body["monitoring_line"] == 8700.0 and body["parameters"]["monitoring_line"]["year"] == 2025
    assert (body["monitoring_line_provisional"], body["monitoring_line_year"], body["monitoring_line_note"]) == (
        False, 2025, None,
    )  # fmt: skip
    assert body["regime"]["name"] == NORMALISED


def test_p17_no_2026_standard_with_the_provisional_setting_uses_2025_marked_provisional(api: Client) -> None:
    # given no 2026 line and the shipped normalised regime (gap: provisional)
    assert Parameter.objects.filter(kind=ParameterKind.MONITORING_LINE, year=2026).count() == 0
    # when 2026 income is decided in 2026
    status, body = _evaluate(api, year=2026, decided_on="2026-02-03")
    # then the 2025 line stands in, marked 暂用 with the Chinese note
    assert status == 200
    assert body["year"] == 2026 and body["monitoring_line"] == 8700.0
    assert body["monitoring_line_provisional"] is True and body["monitoring_line_year"] == 2025
    assert body["monitoring_line_note"] == PROVISIONAL_NOTE
    assert body["parameters"]["monitoring_line"]["year"] == 2025


def test_p17_no_2026_standard_with_the_refuse_setting_makes_no_decision(
    api: Client, admin_user: User
) -> None:
    # given the normalised regime revised to refuse before the year's standard is published
    _set_gap(admin_user, "refuse")
    # when 2026 income is decided in 2026
    status, body = _evaluate(api, year=2026, decided_on="2026-02-03")
    # then a Chinese reason and no verdict
    assert status == 422
    assert body["errors"] == [
        {
            "loc": ["year"],
            "code": "standard_not_published",
            "message": "2026年度防止返贫监测范围（识别标准）尚未公布，按现行政策阶段的规定暂不作判定",
        }
    ]
    with pytest.raises(StandardNotPublished):
        line_for(year=2026, decided_on=datetime.date(2026, 2, 3))
    # and revised back to provisional, the same request is decided on the 2025 line marked 暂用
    _set_gap(admin_user, "provisional")
    status, body = _evaluate(api, year=2026, decided_on="2026-02-03")
    assert status == 200 and body["monitoring_line_note"] == PROVISIONAL_NOTE


def test_p17_the_transition_regime_refuses_its_own_years_gap(api: Client) -> None:
    # 2024 has no line (unverified, P4): decided in 2024 the transition regime's setting (refuse) applies
    status, body = _evaluate(api, year=2024, decided_on="2024-03-01")
    assert status == 422 and body["errors"][0]["code"] == "standard_not_published"


def test_p17_a_missing_line_of_another_year_than_the_decisions_stays_line_not_configured(api: Client) -> None:
    # 2026 income decided in 2027 is no gap: the 2026 standard should be there
    status, body = _evaluate(api, year=2026, decided_on="2027-01-05")
    assert status == 422
    assert body["errors"] == [
        {"loc": ["year"], "code": "line_not_configured", "message": "未配置2026年度监测范围"}
    ]
    with pytest.raises(LineNotConfigured):
        line_for(year=2026)  # without a decision date: P4's clear error, as before


def test_p17_the_2026_sector_rules_answer_not_configured_until_entered(api: Client, admin_user: User) -> None:
    # given no 2026 medical-insurance schedule and no 2026 transport rule (they ended with the transition)
    status, body = _evaluate(api, year=2026, decided_on="2026-02-03")
    assert status == 200
    # then both answer 未配置, and their results are null (not "nobody", not 0)
    assert body["sector_rules"] == {
        "medical_insurance_subsidy": {
            "configured": False, "message": "未配置2026年度医保资助参保标准", "parameter": None,
        },
        "transport_subsidy": {
            "configured": False, "message": "未配置2026年度一次性交通补助规则", "parameter": None,
        },
    }  # fmt: skip
    assert body["medical_insurance_subsidy"] is None and body["transport_subsidy_members"] is None
    # when an administrator enters the 2026 rules
    for kind, value in (
        (ParameterKind.MEDICAL_SUBSIDY, {"monitoring_object": 200, "tuopin_household": 0, "other": 0}),
        (ParameterKind.TRANSPORT_SUBSIDY_MIN_MONTHS, 3),
    ):
        created = services.parameter_create(
            actor=admin_user,
            kind=kind,
            year=2026,
            value=value,
            document="测试文件〔2026〕1号",
            verified=False,
        )
        assert AuditEvent.objects.filter(action="parameter.create", target_id=str(created.pk)).exists()
    # then they answer
    status, body = _evaluate(api, year=2026, decided_on="2026-02-03")
    assert status == 200
    rules = body["sector_rules"]
    assert rules["medical_insurance_subsidy"]["configured"] and rules["transport_subsidy"]["configured"]
    assert (
        rules["transport_subsidy"]["parameter"]["year"] == 2026
        and rules["transport_subsidy"]["message"] is None
    )
    assert body["medical_insurance_subsidy"] == [0, 0, 0, 0]
    assert body["transport_subsidy_members"] == [0]


def test_p17_the_transport_rule_is_per_year_2021_to_2025_with_its_provenance() -> None:
    rows = Parameter.objects.filter(kind=ParameterKind.TRANSPORT_SUBSIDY_MIN_MONTHS, is_current=True)
    assert sorted(rows.values_list("year", flat=True)) == [2021, 2022, 2023, 2024, 2025]
    assert {(row.value, row.verified) for row in rows} == {(3, True)}
    assert all("就业帮扶" in row.document for row in rows)


def test_p17_a_version_1_request_is_valid_and_decides_as_before(api: Client) -> None:
    # a request without decided_on and contract_version (version 1): decided today, same verdict
    status, body = _evaluate(api)
    status_2, explicit = _evaluate(api, contract_version=2, decided_on=body["decided_on"])
    assert status == status_2 == 200
    assert body == explicit
    assert body["within_monitoring_range"] is True and body["suggested_type"] == "脱贫不稳定户"
    assert body["transport_subsidy_members"] == [0] and body["medical_insurance_subsidy"] == [0, 0, 0, 0]
    # a version-1 client may also name its version
    assert _evaluate(api, contract_version=1)[0] == 200


@pytest.mark.parametrize(
    ("changes", "loc", "code"),
    [
        ({"decided_on": "2026-13-01"}, ["decided_on"], "invalid_date"),
        ({"decided_on": 20260105}, ["decided_on"], "invalid_date"),
        ({"contract_version": 3}, ["contract_version"], "out_of_range"),
        ({"decided_on": "2020-12-31"}, ["decided_on"], "regime_not_configured"),
    ],
)
def test_p17_a_bad_decision_date_or_version_is_named_in_chinese(
    api: Client, changes: dict[str, Any], loc: list[str], code: str
) -> None:
    status, body = _evaluate(api, **changes)
    assert status == 422
    assert {"loc": loc, "code": code} in [{"loc": e["loc"], "code": e["code"]} for e in body["errors"]]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in body["errors"])


def test_p17_the_openapi_description_documents_contract_version_2(api: Client) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/policy/evaluate"]["post"]
    assert "接口版本 2" in operation["description"] and "decided_on" in operation["description"]
    properties = operation["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert {"decided_on", "contract_version"} <= set(properties)


class _Apps:
    """The live models standing in for a migration's historical ones."""

    @staticmethod
    def get_model(app: str, name: str) -> type[Parameter]:
        return Parameter


def test_p17_the_migration_turns_an_all_years_transport_rule_into_2021_to_2025_keeping_provenance(
    admin_user: User,
) -> None:
    import importlib

    migration = importlib.import_module("zhenxing.policy.migrations.0009_transport_subsidy_per_year")
    kind = ParameterKind.TRANSPORT_SUBSIDY_MIN_MONTHS
    # given a database from before: one all-years rule, revised once by an administrator (version 2)
    Parameter.objects.filter(kind=kind).delete()
    Parameter.objects.create(
        kind=kind, year=None, value=3, document="旧文件", verified=True, note="旧说明", version=1,
        is_current=False, superseded_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )  # fmt: skip
    old = Parameter.objects.create(
        kind=kind, year=None, value=4, document="规划（就业帮扶）", verified=True, note="含4个月", version=2,
        created_by=admin_user,
    )  # fmt: skip
    # when the migration runs
    migration.per_year(_Apps, None)
    # then 2021-2025 carry the current value and its provenance, and the all-years row is superseded, kept
    rows = Parameter.objects.filter(kind=kind, is_current=True).order_by("year")
    assert [row.year for row in rows] == [2021, 2022, 2023, 2024, 2025]
    assert {(r.value, r.document, r.verified, r.created_by_id) for r in rows} == {
        (4, "规划（就业帮扶）", True, admin_user.pk)
    }
    assert all(r.note.startswith("含4个月") and "第2版" in r.note for r in rows)
    old.refresh_from_db()
    assert old.is_current is False and old.superseded_at is not None
    # and running it again changes nothing; 2026 stays 未配置
    migration.per_year(_Apps, None)
    assert Parameter.objects.filter(kind=kind, is_current=True).count() == 5
    assert not Parameter.objects.filter(kind=kind, year=2026).exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"decided_on": "2025-12-31"},
        {"decided_on": "2026-01-05", "contract_version": 2},
        {"year": 2026, "decided_on": "2026-02-03"},
        {"year": 2026, "decided_on": "2027-01-05"},
    ],
)
def test_p17_api_and_cli_answer_a_version_2_request_with_identical_bytes(
    api: Client, tmp_path: Any, capsys: pytest.CaptureFixture[str], changes: dict[str, Any]
) -> None:
    from .test_contract import via_cli

    body = {**request_body(), **changes}
    api_status, api_content = via_api(api, body)
    cli_code, cli_content = via_cli(tmp_path, capsys, body)
    assert api_content == cli_content
    assert (api_status, cli_code) in {(200, 0), (422, 2)}
