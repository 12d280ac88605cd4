"""P17: the regime (object name, type vocabulary, what happens before the year's standard) is shown and edited
on the parameter pages like every parameter: a new version or a new regime is data, entered on a page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.models import Parameter
from zhenxing.policy.regimes import regime_for

from ..factories import make_user

pytestmark = pytest.mark.django_db

FOUR = "脱贫不稳定户\n边缘易致贫户\n突发严重困难户\n因灾返贫风险户"


def _admin_client() -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.ADMIN))
    return client


def _token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def _regime_2026() -> Parameter:
    return regime_for(datetime.date(2026, 1, 1)).parameter


def _revision(**changes: str) -> dict[str, str]:
    data = {
        "name": "常态化防止返贫致贫",
        "object_name": "防止返贫致贫对象",
        "monitoring_types": FOUR,
        "standard_gap": "provisional",
        "dynamic_exit": "on",
        "document": "云南省测试文件〔2026〕1号",
        "verified": "on",
        "reason": "省里出台新的对象类型",
    }
    return {**data, **changes}


def test_p17_the_regime_page_shows_its_names_and_types_in_chinese() -> None:
    client = _admin_client()
    html = client.get(f"/policy/parameters/{_regime_2026().pk}/").content.decode()
    assert "防止返贫致贫对象" in html and "脱贫不稳定户、边缘易致贫户、突发严重困难户" in html
    assert "暂用上一年度标准" in html and "2026年1月1日起执行" in html
    # the edit form: one type per line, the two settings as a choice and a tick
    assert '<textarea name="monitoring_types"' in html and "每行一种，每种最多10个字" in html
    assert 'name="standard_gap"' in html and 'name="dynamic_exit"' in html
    assert "县级确认时只能从这里的对象类型中选择" in html and "已作出的判定保留原类型" in html


def test_p17_an_administrator_enters_a_new_type_vocabulary_on_the_page() -> None:
    # given: the 2026 regime's page, with its CSRF token
    client = _admin_client()
    regime = _regime_2026()
    page = client.get(f"/policy/parameters/{regime.pk}/").content.decode()
    # when: four types are posted, one per line
    response = client.post(
        f"/policy/parameters/{regime.pk}/", {**_revision(), "csrfmiddlewaretoken": _token(page)}
    )
    # then: a new version is in force for 2026 decisions, the old one kept, and the revision audited
    assert response.status_code == 302
    current = regime_for(datetime.date(2026, 6, 1))
    assert (
        list(current.monitoring_types) == FOUR.split("\n") and current.parameter.version == regime.version + 1
    )
    regime.refresh_from_db()
    assert not regime.is_current and len(regime.value["monitoring_types"]) == 3
    event = AuditEvent.objects.get(action="parameter.revise", target_id=str(current.parameter.pk))
    assert event.new_values["value"]["monitoring_types"][-1] == "因灾返贫风险户"
    assert event.reason == "省里出台新的对象类型"


def test_p17_a_post_without_the_csrf_token_changes_nothing() -> None:
    client = _admin_client()
    regime = _regime_2026()
    response = client.post(f"/policy/parameters/{regime.pk}/", _revision())
    assert response.status_code == 403
    assert _regime_2026().pk == regime.pk
    assert not AuditEvent.objects.filter(action="parameter.revise").exists()


@pytest.mark.parametrize(
    ("types", "message"),
    [
        ("", "请至少填写一种对象类型"),
        ("  \n \n", "请至少填写一种对象类型"),
        ("脱贫不稳定户\n边缘易致贫户\n脱贫不稳定户", "对象类型不能重复"),
        ("脱贫不稳定户\n因自然灾害导致返贫致贫风险户", "对象类型最多10个字"),
    ],
)
def test_p17_a_bad_type_list_is_refused_in_chinese_and_nothing_stored(types: str, message: str) -> None:
    client = _admin_client()
    regime = _regime_2026()
    page = client.get(f"/policy/parameters/{regime.pk}/").content.decode()
    response = client.post(
        f"/policy/parameters/{regime.pk}/",
        {**_revision(monitoring_types=types), "csrfmiddlewaretoken": _token(page)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _regime_2026().pk == regime.pk
    assert not AuditEvent.objects.filter(action="parameter.revise").exists()


def test_p17_an_administrator_creates_a_later_regime_on_the_page() -> None:
    # given: the kind's form for a regime
    client = _admin_client()
    page = client.get("/policy/parameters/new/?kind=regime").content.decode()
    assert "对象名称" in page and "当年标准未公布时" in page
    # when: a 2027 regime with a new vocabulary is entered
    response = client.post(
        "/policy/parameters/new/",
        {
            **_revision(name="云南省新阶段", monitoring_types="防止返贫对象\n防止致贫对象"),
            "kind": ParameterKind.REGIME, "year": "2027", "csrfmiddlewaretoken": _token(page),
        },
    )  # fmt: skip
    # then: decisions from 1 January 2027 use it, those before keep the 2026 regime
    assert response.status_code == 302
    assert regime_for(datetime.date(2027, 1, 1)).monitoring_types == ("防止返贫对象", "防止致贫对象")
    assert regime_for(datetime.date(2026, 12, 31)).name == "常态化防止返贫致贫"
    assert AuditEvent.objects.filter(action="parameter.create").count() == 1


def test_p17_creating_a_regime_with_duplicate_types_says_so_in_chinese() -> None:
    client = _admin_client()
    page = client.get("/policy/parameters/new/?kind=regime").content.decode()
    response = client.post(
        "/policy/parameters/new/",
        {
            **_revision(monitoring_types="防止返贫对象\n防止返贫对象"),
            "kind": ParameterKind.REGIME, "year": "2027", "csrfmiddlewaretoken": _token(page),
        },
    )  # fmt: skip
    assert response.status_code == 200 and "对象类型不能重复" in response.content.decode()
    assert not Parameter.objects.filter(kind=ParameterKind.REGIME, year=2027).exists()
    assert not AuditEvent.objects.filter(action="parameter.create").exists()


def test_p17_a_regime_entered_on_the_page_starts_on_its_effective_date() -> None:
    # given: a Yunnan document whose rules apply from 1 March 2027
    client = _admin_client()
    page = client.get("/policy/parameters/new/?kind=regime").content.decode()
    assert "执行日期" in page
    # when: the administrator enters it with that date
    response = client.post(
        "/policy/parameters/new/",
        {
            **_revision(name="云南省新阶段", monitoring_types="防止返贫对象"),
            "kind": ParameterKind.REGIME, "year": "2027", "effective_from": "2027-03-01",
            "csrfmiddlewaretoken": _token(page),
        },
    )  # fmt: skip
    # then: February's decisions keep the 2026 regime, March's use the new one
    assert response.status_code == 302
    assert regime_for(datetime.date(2027, 2, 28)).name == "常态化防止返贫致贫"
    assert regime_for(datetime.date(2027, 3, 1)).name == "云南省新阶段"


def test_p17_the_effective_date_field_is_only_on_the_regime_form() -> None:
    client = _admin_client()
    page = client.get("/policy/parameters/new/?kind=monitoring_line").content.decode()
    assert "执行日期" not in page
