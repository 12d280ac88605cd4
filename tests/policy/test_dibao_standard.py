"""P17: the 农村低保标准 is set per county and year. An administrator enters a county's own value on the
parameter pages (the region a Dali county, for this kind only); `dibao_standard_for` answers with the county's
row in force, else the province's, else None."""

from __future__ import annotations

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import InvalidInput
from zhenxing.policy import services
from zhenxing.policy.enums import YUNNAN, ParameterKind
from zhenxing.policy.models import Parameter
from zhenxing.policy.selectors import dibao_standard_for

from ..conftest import COUNTY, OTHER_COUNTY
from ..factories import make_user

pytestmark = pytest.mark.django_db


def _county_standard(year: int, yuan: int, county: str = COUNTY) -> Parameter:
    return services.parameter_create(
        actor=None,
        kind=ParameterKind.DIBAO_STANDARD,
        year=year,
        value=yuan,
        document="南涧县民政局关于调整农村低保标准的通知",
        verified=False,
        region=county,
    )


def test_p17_admin_enters_a_county_dibao_standard_on_the_parameter_page(client: Client) -> None:
    """P17: the 低保 standard per county and year, entered through the existing parameter pages."""
    # given an administrator on the new-parameter page of the 低保 standard
    admin = make_user(Role.ADMIN)
    client.force_login(admin)
    page = client.get("/policy/parameters/new/?kind=dibao_standard").content.decode()
    assert "适用区域" in page and "南涧彝族自治县（532926）" in page
    # when they enter 南涧's 2026 value
    response = client.post(
        "/policy/parameters/new/",
        {
            "kind": "dibao_standard",
            "region": COUNTY,
            "year": "2026",
            "value": "6,000",
            "document": "南涧县民政局关于调整农村低保标准的通知",
        },
    )
    # then the county's own row is stored and audited, and pages name the county
    assert response.status_code == 302
    stored = Parameter.objects.get(kind="dibao_standard", region=COUNTY, is_current=True)
    assert (stored.year, stored.value, stored.version) == (2026, 6000, 1)
    event = AuditEvent.objects.get(action="parameter.create", actor=admin)
    assert event.new_values["region"] == COUNTY
    detail = client.get(response["Location"]).content.decode()
    assert "南涧彝族自治县（532926）" in detail and "6,000.00" in detail
    listing = client.get("/policy/parameters/").content.decode()
    assert f'data-region="{COUNTY}"' in listing and "南涧彝族自治县（532926）" in listing


def test_p17_a_region_outside_dali_is_refused_in_chinese_on_the_page(client: Client) -> None:
    """P17: the county must be one of Dali's 12."""
    client.force_login(make_user(Role.ADMIN))
    html = client.post(
        "/policy/parameters/new/",
        {"kind": "dibao_standard", "region": "110105", "year": "2026", "value": "6000", "document": "文件"},
    ).content.decode()
    assert "“110105”不是大理州12个县（市）的县级区划代码" in html
    assert not Parameter.objects.filter(region="110105").exists()
    assert not AuditEvent.objects.filter(action="parameter.create").exists()


def test_p17_only_the_dibao_standard_takes_a_county(client: Client) -> None:
    """P17: the monitoring line stays the province's; its page has no region field, its service refuses one."""
    client.force_login(make_user(Role.ADMIN))
    assert "适用区域" not in client.get("/policy/parameters/new/?kind=monitoring_line").content.decode()
    with pytest.raises(InvalidInput) as refused:
        services.parameter_create(
            actor=None, kind=ParameterKind.MONITORING_LINE, year=2026, value=9000, document="文件",
            verified=False, region=COUNTY,
        )  # fmt: skip
    assert refused.value.details[0].code == "region_province_only"
    assert "只有农村低保标准可以按县设置" in refused.value.message
    with pytest.raises(InvalidInput) as not_dali:
        _county_standard(2026, 6000, county="532999")
    assert not_dali.value.details[0].code == "region_not_county"


def test_p17_dibao_standard_for_prefers_the_county_then_the_province() -> None:
    """P17: the county's own row in force for the year, else the province's (region 53), else None."""
    # given the shipped province value (4,500 from 2020, P4) and a 南涧 value from 2026
    province = Parameter.objects.get(kind="dibao_standard", region=YUNNAN, is_current=True)
    own = _county_standard(2026, 6000)
    # then 南涧 reads its own value from 2026 on, the province's before, and 大理市 the province's
    assert dibao_standard_for(county_code=COUNTY, year=2026) == own
    assert dibao_standard_for(county_code=COUNTY, year=2027) == own  # in force until a newer one
    assert dibao_standard_for(county_code=COUNTY, year=2025) == province
    assert dibao_standard_for(county_code=OTHER_COUNTY, year=2026) == province
    # and before any standard there is none (未配置, never a guessed amount)
    assert dibao_standard_for(county_code=COUNTY, year=2019) is None


def test_p17_a_revised_county_standard_is_the_one_in_force() -> None:
    """P17, P8: a revision makes a new version of the county's row; the selector answers with it."""
    own = _county_standard(2026, 6000)
    revised = services.parameter_revise(
        actor=None, parameter=own, value=6300, document="更正通知", verified=True, reason="更正金额"
    )
    assert revised.region == COUNTY
    assert dibao_standard_for(county_code=COUNTY, year=2026) == revised
