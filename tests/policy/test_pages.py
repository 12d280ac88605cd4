"""The evaluate page and the parameter pages, per role."""

from __future__ import annotations

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.policy import selectors
from zhenxing.policy.enums import ParameterKind

from ..conftest import COUNTY, PREFECTURE, TOWNSHIP, VILLAGE
from ..factories import make_user

pytestmark = pytest.mark.django_db

ROLE_USERS = {
    "village": lambda: make_user(Role.VILLAGE, VILLAGE),
    "township": lambda: make_user(Role.TOWNSHIP, TOWNSHIP),
    "county": lambda: make_user(Role.COUNTY, COUNTY),
    "prefecture": lambda: make_user(Role.PREFECTURE, PREFECTURE),
    "department": lambda: make_user(Role.DEPARTMENT),
    "admin": lambda: make_user(Role.ADMIN),
}
EVALUATE_STATUS = {
    "village": 200,
    "township": 200,
    "county": 200,
    "prefecture": 200,
    "department": 403,
    "admin": 200,
}


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_pages_by_role(client: Client, role: str) -> None:
    client.force_login(ROLE_USERS[role]())
    line = selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2025)
    assert client.get("/policy/evaluate/").status_code == EVALUATE_STATUS[role]
    assert client.get("/policy/parameters/").status_code == 200
    detail = client.get(f"/policy/parameters/{line.pk}/")
    assert detail.status_code == 200
    assert ("修改（生成新版本" in detail.content.decode()) is (role == "admin")
    assert client.get("/policy/parameters/new/").status_code == (200 if role == "admin" else 403)
    post = client.post(f"/policy/parameters/{line.pk}/", {"value": "1", "document": "x", "reason": "x"})
    assert post.status_code == (302 if role == "admin" else 403)


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "year": "2025", "kind": "脱贫户", "monitoring_months": "0",
        "wage": "20000", "business": "10000", "property": "500", "transfer": "1500", "business_cost": "1000",
        "insurance_payouts": "0", "medical": "8000", "education": "3000", "rehabilitation": "0", "accident": "0",
        "disaster_cost": "0", "supply_cut_days": "0",
        "m-TOTAL_FORMS": "5", "m-INITIAL_FORMS": "0", "m-MIN_NUM_FORMS": "1", "m-MAX_NUM_FORMS": "20",
    }  # fmt: skip
    members = [
        {
            "relation": "户主",
            "id_number": "11010519491231002X",
            "labour": "普通劳动力",
            "health": "健康",
            "work_place": "省外",
            "work_months": "5",
        },
        {"relation": "配偶", "birth_date": "1990-05-01", "labour": "普通劳动力", "health": "长期慢性病"},
        {
            "relation": "之子",
            "birth_date": "2010-03-01",
            "labour": "无劳动力",
            "health": "健康",
            "schooling": "普通高中一年级",
        },
        {
            "relation": "之女",
            "birth_date": "2015-03-01",
            "labour": "无劳动力",
            "health": "健康",
            "schooling": "小学",
        },
    ]
    for index, member in enumerate(members):
        for key, value in member.items():
            data[f"m-{index}-{key}"] = value
        data[f"m-{index}-medical_insurance"] = "on"
    data.update(overrides)
    return data


def test_county_user_sees_the_verdict_with_the_rules_that_fired(client: Client) -> None:
    client.force_login(make_user(Role.COUNTY, COUNTY))
    html = client.post("/policy/evaluate/", _form()).content.decode()
    assert "纳入监测范围" in html
    assert "脱贫不稳定户" in html
    assert "因病、因学" in html
    assert "就业帮扶、健康帮扶、其他教育帮扶" in html
    assert "P5 监测范围判定与监测对象类型" in html
    assert "云农办通〔2025〕1号" in html
    # the parameters used read by name and in yuan, not as a dict or a fen figure
    used = html[html.index('data-testid="verdict-parameters"') :]
    assert "防止返贫监测范围 2025年 第1版：标准 8,700.00 元/人·年" in used and "{&#x27;" not in used
    assert not AuditEvent.objects.exists()  # evaluation stores nothing


def test_evaluate_page_shows_contract_errors_in_chinese(client: Client) -> None:
    client.force_login(make_user(Role.COUNTY, COUNTY))
    html = client.post(
        "/policy/evaluate/", _form(**{"m-0-id_number": "110105194912310021", "year": "2024"})
    ).content.decode()
    assert "第1名成员 · 身份证号：身份证号校验位错误" in html


def test_evaluate_page_year_without_line(client: Client) -> None:
    client.force_login(make_user(Role.COUNTY, COUNTY))
    html = client.post("/policy/evaluate/", _form(year="2024")).content.decode()
    assert "未配置2024年度监测范围" in html


def test_admin_revises_through_the_page(client: Client) -> None:
    admin = make_user(Role.ADMIN)
    client.force_login(admin)
    line = selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2025)
    response = client.post(
        f"/policy/parameters/{line.pk}/",
        {"value": "8800", "document": "新文件", "verified": "on", "reason": "年中调整"},
    )
    assert response.status_code == 302
    assert selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2025).value == 8800
    assert AuditEvent.objects.filter(action="parameter.revise", actor=admin).count() == 1


def test_admin_revision_with_bad_value_keeps_the_old_one(client: Client) -> None:
    client.force_login(make_user(Role.ADMIN))
    line = selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2025)
    html = client.post(
        f"/policy/parameters/{line.pk}/", {"value": "-1", "document": "x", "reason": "x"}
    ).content.decode()
    assert "标准应为正数" in html
    assert selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2025).pk == line.pk


def test_admin_creates_a_new_year_line_through_the_page(client: Client) -> None:
    client.force_login(make_user(Role.ADMIN))
    response = client.post(
        "/policy/parameters/new/",
        {"kind": "monitoring_line", "year": "2024", "value": "8400", "document": "文件"},
    )
    assert response.status_code == 302
    assert selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2024).value == 8400
