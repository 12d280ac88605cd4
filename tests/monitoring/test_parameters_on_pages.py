"""Parameters reach the pages as values (issue 14): the settle limit, the plan-check months and the notice
period are read from their parameters, so a revised parameter changes what the page says; and the case
capabilities keep the grants the pages had before they were named."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from zhenxing.accounts.capabilities import ROLE_CAPABILITIES, Capability
from zhenxing.monitoring.identification import services
from zhenxing.monitoring.models import Case
from zhenxing.monitoring.notices import services as notices
from zhenxing.policy.models import Parameter
from zhenxing.policy.services import parameter_revise

from ..conftest import VILLAGE
from .helpers import START, people, posted_notice, to_review
from .helpers import poor_household as household

pytestmark = pytest.mark.django_db


def _revise(kind: str, **changes: Any) -> None:
    current = Parameter.objects.get(kind=kind, is_current=True)
    parameter_revise(
        actor=None, parameter=current, value={**current.value, **changes}, document="测试：修订时限",
        verified=False, reason="页面须显示参数值",
    )  # fmt: skip


def test_the_case_list_and_report_say_the_limits_in_force(client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    Case.objects.create(
        village_id=VILLAGE, source="cadre", status="application", step_started_on=START - datetime.timedelta(days=30),
        due=START - datetime.timedelta(days=1), opened_at=datetime.datetime(2025, 8, 1, tzinfo=datetime.UTC),
    )  # fmt: skip
    _revise("step_deadlines", application_settle_days=12)
    _revise("assistance_checks", plan_warning_months=2, plan_error_months=8)
    client.force_login(user["county"])
    listing = client.get("/cases/?tab=open").content.decode()
    assert "申报超12日未受理" in listing and "超10日" not in listing
    assert "满8个月无开发式措施" in listing  # the ranking's header (the case is overdue, so it is shown)
    report = client.get("/cases/report/").content.decode()
    assert "提示（满2个月）" in report and "错误（满8个月）" in report


def test_a_notice_says_its_own_period_and_a_draft_the_one_in_force(client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user = people()
    posted = posted_notice(user, [to_review(user, household("N-1"))])  # 5 working days, Monday to Friday
    _revise("step_deadlines", notice=7)
    second = to_review(user, household("N-2"))
    services.case_record_meeting(
        actor=user["village"], case=second, held_on=START, minutes="党员群众评议：同意"
    )
    draft = notices.notice_create(
        actor=user["village"], village=posted.village, cases=[second], title="",
        object_to="西山村委会 0872-1234567",
    )  # fmt: skip
    client.force_login(user["village"])
    assert "（5个工作日）" in client.get(f"/cases/notices/{posted.pk}/print/").content.decode()
    assert "自发布之日起7个工作日" in client.get(f"/cases/notices/{draft.pk}/print/").content.decode()
    reposted = notices.notice_post(actor=user["village"], notice=draft)
    assert reposted.ends_on == datetime.date(2025, 9, 9)  # Monday 1 September + 7 working days
    assert "（7个工作日）" in client.get(f"/cases/notices/{draft.pk}/print/").content.decode()


def test_the_housing_page_says_the_p11_years_of_each_way(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people()["village"])
    page = client.get("/cases/housing/").content.decode()
    assert "修缮加固（安全使用15年）" in page and "拆除重建（30年）" in page


@pytest.mark.parametrize(
    ("named", "was"),
    [
        (Capability.VIEW_CASES, Capability.VIEW_REGISTRY),
        (Capability.ACT_ON_CASE, Capability.VIEW_REGISTRY),
        (Capability.MANAGE_MEASURES, Capability.VIEW_REGISTRY),
        (Capability.CONFIRM_LEAD, Capability.EDIT_REGISTRY),
    ],
)
def test_the_named_workflow_capabilities_keep_the_grants_the_pages_had(
    named: Capability, was: Capability
) -> None:
    assert {role for role, held in ROLE_CAPABILITIES.items() if named in held} == {
        role for role, held in ROLE_CAPABILITIES.items() if was in held
    }


def test_the_portal_tells_the_applicant_the_settle_limit_in_force(client) -> None:  # type: ignore[no-untyped-def]
    # given a revised settle limit and an applicant who has just applied
    _revise("step_deadlines", application_settle_days=7)
    session = client.session
    session["portal_code"] = "ABCD2345EFGH"
    session.save()
    # when the confirmation page is shown
    page = client.get("/apply/done/").content.decode()
    # then it promises the limit in force, not a number written into the template
    assert "7天内没有受理的" in page and "10天内" not in page
