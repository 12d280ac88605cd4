"""The evaluate contract: API and CLI answer with identical JSON; every error names its field in Chinese."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhenxing.accounts.models import User

pytestmark = pytest.mark.django_db

MEMBER: dict[str, Any] = {
    "id_number": None,
    "birth_date": "1985-05-01",
    "relation": "户主",
    "labour": "普通劳动力",
    "health": ["健康"],
    "disability": None,
    "schooling": None,
    "out_of_school": False,
    "education_exempt": False,
    "work_place": "省外",
    "work_months": 5,
    "welfare_job_months": 0,
    "medical_insurance": True,
}


def request_body(**household: Any) -> dict[str, Any]:
    """The issue's example household: 4 people, net 31,000, rigid 11,000."""
    members = [
        {**MEMBER, "id_number": "11010519491231002X", "birth_date": None},
        {
            **MEMBER,
            "birth_date": "1990-05-01",
            "relation": "配偶",
            "health": ["长期慢性病"],
            "work_place": None,
            "work_months": 0,
        },
        {
            **MEMBER,
            "birth_date": "2010-03-01",
            "relation": "之子",
            "labour": "无劳动力",
            "schooling": "普通高中一年级",
            "work_place": None,
            "work_months": 0,
        },
        {
            **MEMBER,
            "birth_date": "2015-03-01",
            "relation": "之女",
            "labour": "无劳动力",
            "schooling": "小学",
            "work_place": None,
            "work_months": 0,
        },
    ]
    body: dict[str, Any] = {
        "year": 2025,
        "monitoring_line": None,
        "household": {
            "kind": "脱贫户",
            "is_monitoring_object": False,
            "monitoring_months": 0,
            "members": members,
            "income": {
                "wage": 20000,
                "business": 10000,
                "property": 500,
                "transfer": 1500,
                "business_cost": 1000,
            },
            "insurance_payouts": 0,
            "rigid_expenses": {
                "medical": 8000,
                "education": 3000,
                "rehabilitation": 0,
                "accident": 0,
                "disaster": 0,
            },
            "housing_grade": None,
            "water": {"supply_cut_days": 0, "quality_ok": True, "access_ok": True},
            "disaster": None,
            "accident": False,
            "industry_failure": False,
        },
    }
    body["household"].update(household)
    return body


def via_api(client: Client, body: Any) -> tuple[int, bytes]:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    response = client.post("/api/v1/policy/evaluate", raw, content_type="application/json")
    return response.status_code, response.content


def via_cli(tmp_path: Any, capsys: pytest.CaptureFixture[str], body: Any) -> tuple[int, bytes]:
    path = tmp_path / "household.json"
    path.write_bytes(body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode())
    capsys.readouterr()
    try:
        call_command("policy", "evaluate", str(path))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out = capsys.readouterr().out
    return code, out.rstrip("\n").encode()


@pytest.fixture
def api(client: Client, county_user: User) -> Client:
    client.force_login(county_user)
    return client


def test_contract_example_verdict(api: Client) -> None:
    status, content = via_api(api, request_body())
    assert status == 200
    body = json.loads(content)
    assert body == {
        "year": 2025,
        "monitoring_line": 8700.0,
        "household_size": 4,
        "net_income": 31000.0,
        "per_capita_net_income": 7750.0,
        "adjusted_per_capita_income": 5000.0,
        "within_monitoring_range": True,
        "suggested_type": "脱贫不稳定户",
        "risk_types": ["因病", "因学"],
        "measures": ["就业帮扶", "健康帮扶", "其他教育帮扶"],
        "comprehensive": True,
        "has_labour": True,
        "elimination": None,
        "medical_insurance_subsidy": [0, 0, 0, 0],
        "transport_subsidy_members": [0],
        "rules": ["P2", "P3", "P4", "P5", "P6", "P7", "P11"],
        "parameters": body["parameters"],
        # contract version 2 (P17): a version-1 request is decided today, under today's regime
        "contract_version": 2,
        "decided_on": body["decided_on"],
        "regime": body["regime"],
        "monitoring_line_provisional": False,
        "monitoring_line_year": 2025,
        "monitoring_line_note": None,
        "sector_rules": body["sector_rules"],
    }
    line = body["parameters"]["monitoring_line"]
    assert (line["value"], line["document"], line["verified"]) == (8700, "云农办通〔2025〕1号", True)
    assert set(body["parameters"]) == {
        "monitoring_line",
        "medical_insurance_subsidy",
        "transport_subsidy_min_months",
        "regime",
    }
    assert {key: rule["configured"] for key, rule in body["sector_rules"].items()} == {
        "medical_insurance_subsidy": True,
        "transport_subsidy": True,
    }


def test_contract_monitoring_object_gets_elimination_and_subsidy(api: Client) -> None:
    body = json.loads(via_api(api, request_body(is_monitoring_object=True, monitoring_months=3))[1])
    assert body["elimination"] == {
        "eligible": False,
        "reasons": ["monitoring_too_short", "income_below_line", "adjusted_income_below_line"],
    }
    assert body["medical_insurance_subsidy"] == [180, 180, 180, 180]
    assert "P9" in body["rules"]
    assert body["parameters"]["elimination_min_months"]["value"] == 6


def test_contract_override_line_and_money_are_numbers(api: Client) -> None:
    body = request_body(income={"wage": 31000.5}, rigid_expenses={})
    body["monitoring_line"] = 7000
    result = json.loads(via_api(api, body)[1])
    assert result["monitoring_line"] == 7000.0
    assert result["per_capita_net_income"] == 7750.13  # 7750.125 rounds half up
    assert result["within_monitoring_range"] is False
    assert "monitoring_line" not in result["parameters"]


def test_contract_year_without_subsidy_schedule_is_null(api: Client) -> None:
    body = request_body()
    body["year"], body["monitoring_line"] = 2026, 9000
    assert json.loads(via_api(api, body)[1])["medical_insurance_subsidy"] is None


def test_contract_household_exactly_at_the_line(api: Client) -> None:
    body = request_body(members=[{**MEMBER}], income={"wage": 8700}, rigid_expenses={}, insurance_payouts=0)
    result = json.loads(via_api(api, body)[1])
    assert result["within_monitoring_range"] is False
    assert result["measures"] == []


INVALID_CASES = [
    (
        "invalid_check_character",
        lambda b: b["household"]["members"][0].update(id_number="110105194912310021"),
        ["household", "members", 0, "id_number"],
    ),
    (
        "id_birth_mismatch",
        lambda b: b["household"]["members"][0].update(birth_date="1950-01-01"),
        ["household", "members", 0, "birth_date"],
    ),
    ("no_member", lambda b: b["household"].update(members=[]), ["household", "members"]),
    ("negative_money", lambda b: b["household"]["income"].update(wage=-1), ["household", "income", "wage"]),
    (
        "unknown_value",
        lambda b: b["household"]["members"][1].update(relation="朋友"),
        ["household", "members", 1, "relation"],
    ),
    ("line_not_configured", lambda b: b.update(year=2024), ["year"]),
    (
        "id_or_birth_required",
        lambda b: b["household"]["members"][1].update(birth_date=None),
        ["household", "members", 1, "id_number"],
    ),
    ("missing", lambda b: b["household"].pop("kind"), ["household", "kind"]),
    ("extra_forbidden", lambda b: b["household"].update(kinds="脱贫户"), ["household", "kinds"]),
    ("type", lambda b: b["household"]["income"].update(wage="100"), ["household", "income", "wage"]),
    (
        "money_precision",
        lambda b: b["household"]["income"].update(wage=1.005),
        ["household", "income", "wage"],
    ),
    (
        "out_of_range",
        lambda b: b["household"]["members"][0].update(work_months=13),
        ["household", "members", 0, "work_months"],
    ),
    (
        "health_required",
        lambda b: b["household"]["members"][0].update(health=[]),
        ["household", "members", 0, "health"],
    ),
    (
        "invalid_date",
        lambda b: b["household"]["members"][1].update(birth_date="1990-13-01"),
        ["household", "members", 1, "birth_date"],
    ),
    ("type", lambda b: b["household"].update(accident="no"), ["household", "accident"]),
    (
        "born_after_year",
        lambda b: b["household"]["members"][1].update(birth_date="2026-01-01"),
        ["household", "members", 1, "birth_date"],
    ),
]


@pytest.mark.parametrize(("code", "mutate", "loc"), INVALID_CASES, ids=[case[0] for case in INVALID_CASES])
def test_contract_errors_name_the_field_in_chinese(
    api: Client, code: str, mutate: Any, loc: list[Any]
) -> None:
    body = copy.deepcopy(request_body())
    mutate(body)
    status, content = via_api(api, body)
    assert status == 422
    errors = json.loads(content)["errors"]
    assert {"loc": loc, "code": code} in [{"loc": e["loc"], "code": e["code"]} for e in errors]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in errors)


def test_contract_unknown_value_lists_the_allowed_values(api: Client) -> None:
    body = request_body(kind="贫困户")
    message = json.loads(via_api(api, body)[1])["errors"][0]["message"]
    assert "脱贫户、一般农户" in message


def test_contract_missing_line_message(api: Client) -> None:
    body = request_body()
    body["year"] = 2024
    assert json.loads(via_api(api, body)[1])["errors"] == [
        {"loc": ["year"], "code": "line_not_configured", "message": "未配置2024年度监测范围"}
    ]


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b"", "\u4e2d".encode("gbk")])
def test_contract_garbage_is_422_never_500(api: Client, raw: bytes) -> None:
    status, content = via_api(api, raw)
    assert status == 422
    assert json.loads(content)["errors"][0]["code"] == "invalid_json"


def test_api_needs_authentication(client: Client) -> None:
    assert (
        client.post("/api/v1/policy/evaluate", request_body(), content_type="application/json").status_code
        == 401
    )


@pytest.mark.parametrize(
    "body",
    [
        request_body(),
        request_body(is_monitoring_object=True, monitoring_months=12, housing_grade="D"),
        {**request_body(), "year": 2024},
        {**request_body(), "year": 2023},
    ],
)
def test_api_and_cli_return_identical_bytes(
    api: Client, tmp_path: Any, capsys: pytest.CaptureFixture[str], body: Any
) -> None:
    api_status, api_content = via_api(api, body)
    cli_code, cli_content = via_cli(tmp_path, capsys, body)
    assert api_content == cli_content
    assert (api_status, cli_code) in {(200, 0), (422, 2)}


def test_cli_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    stdin = io.TextIOWrapper(io.BytesIO(json.dumps(request_body()).encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    call_command("policy", "evaluate", "-")
    assert json.loads(capsys.readouterr().out)["suggested_type"] == "脱贫不稳定户"


def test_cli_invalid_input_exits_2_with_only_json_on_stdout(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, content = via_cli(tmp_path, capsys, b"{")
    assert code == 2
    assert json.loads(content)["errors"][0]["code"] == "invalid_json"


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
PATHS = [
    ("year",),
    ("monitoring_line",),
    ("household", "kind"),
    ("household", "members"),
    ("household", "members", 0),
    ("household", "members", 0, "id_number"),
    ("household", "members", 0, "birth_date"),
    ("household", "members", 1, "health"),
    ("household", "members", 2, "disability"),
    ("household", "income"),
    ("household", "income", "wage"),
    ("household", "water"),
    ("household", "rigid_expenses", "medical"),
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), value=json_values)
def test_contract_any_value_anywhere_gives_200_or_422(path: tuple[Any, ...], value: Any) -> None:
    from zhenxing.policy.contract import evaluate_json

    body = copy.deepcopy(request_body())
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    status, text = evaluate_json(json.dumps(body))
    assert status in {200, 422}
    parsed = json.loads(text)
    if status == 422:
        assert all(error["message"] for error in parsed["errors"])


def test_contract_huge_amount_is_a_clear_error(api: Client) -> None:
    body = request_body()
    body["monitoring_line"] = 1e26
    status, content = via_api(api, body)
    assert status == 422
    assert json.loads(content)["errors"][0]["loc"] == ["monitoring_line"]
