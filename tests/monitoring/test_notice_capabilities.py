"""Notice pages open by capability (VIEW_CASES / ACT_ON_CASE) and show each form only to the role whose step it
is (P8: the village posts, the village or township handles objections)."""

from __future__ import annotations

import pytest
from django.test import Client

from zhenxing.accounts import capabilities
from zhenxing.accounts.capabilities import Capability
from zhenxing.accounts.enums import Role
from zhenxing.monitoring.models import Notice
from zhenxing.monitoring.notices import services as notices

from ..conftest import PREFECTURE
from ..factories import make_user
from .helpers import START, people, poor_household, to_review

pytestmark = pytest.mark.django_db

POST_BUTTON = "发布公示</button>"
OBJECTION_FORM = 'data-testid="objection-form"'
NEW_NOTICE = "新建识别公示"


def _draft_and_posted(clock_at) -> tuple[dict, Notice, Notice]:  # type: ignore[no-untyped-def,type-arg]
    from zhenxing.common import clock
    from zhenxing.monitoring.identification import services

    clock_at(START)
    user = people()
    cases = [to_review(user, poor_household(code)) for code in ("N-1", "N-2")]
    for case in cases:
        services.case_record_meeting(
            actor=user["village"], case=case, held_on=clock.today(), minutes="党员群众评议：同意"
        )
    draft = notices.notice_create(
        actor=user["village"],
        village=cases[0].village,
        cases=cases[:1],
        title="",
        object_to="西山村委会 0872-1234567",
    )
    posted = notices.notice_create(
        actor=user["village"],
        village=cases[1].village,
        cases=cases[1:],
        title="",
        object_to="西山村委会 0872-1234567",
    )
    return user, draft, notices.notice_post(actor=user["village"], notice=posted)


@pytest.mark.parametrize(
    ("role", "may_post", "may_handle"),
    [
        ("village", True, True),
        ("township", False, True),
        ("county", False, False),
        ("prefecture", False, False),
    ],
)
def test_each_role_sees_the_forms_of_its_own_steps(
    client: Client, clock_at, role, may_post, may_handle
) -> None:  # type: ignore[no-untyped-def]
    # given a draft notice and a posted one in the village
    user, draft, posted = _draft_and_posted(clock_at)
    user["prefecture"] = make_user(Role.PREFECTURE, PREFECTURE)
    client.force_login(user[role])
    # when each role opens them
    draft_html = client.get(f"/cases/notices/{draft.pk}/").content.decode()
    posted_html = client.get(f"/cases/notices/{posted.pk}/").content.decode()
    list_html = client.get("/cases/notices/").content.decode()
    # then only the village may post or create, the village and township handle objections
    assert (POST_BUTTON in draft_html) is may_post
    assert POST_BUTTON not in posted_html
    assert (OBJECTION_FORM in posted_html) is may_handle
    assert (NEW_NOTICE in list_html) is may_post


def test_the_forms_follow_the_capability_not_the_role_name(client: Client, clock_at, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # given a village whose role has lost ACT_ON_CASE (but may still view cases)
    user, draft, posted = _draft_and_posted(clock_at)
    reduced = dict(capabilities.ROLE_CAPABILITIES)
    reduced[Role.VILLAGE] = reduced[Role.VILLAGE] - {Capability.ACT_ON_CASE}
    monkeypatch.setattr(capabilities, "ROLE_CAPABILITIES", reduced)
    client.force_login(user["village"])
    # when it opens the notices, then it reads them but sees no form
    assert POST_BUTTON not in client.get(f"/cases/notices/{draft.pk}/").content.decode()
    assert OBJECTION_FORM not in client.get(f"/cases/notices/{posted.pk}/").content.decode()
    assert NEW_NOTICE not in client.get("/cases/notices/").content.decode()
    # and without VIEW_CASES the notice is not opened at all
    reduced[Role.VILLAGE] = reduced[Role.VILLAGE] - {Capability.VIEW_CASES}
    assert client.get(f"/cases/notices/{posted.pk}/").status_code == 403


def test_notice_writes_are_audited(clock_at) -> None:  # type: ignore[no-untyped-def]
    from zhenxing.audit.models import AuditEvent

    _user, draft, posted = _draft_and_posted(clock_at)
    assert AuditEvent.objects.filter(action="notice.create").count() >= 2
    assert AuditEvent.objects.filter(action="notice.post", target_id=str(posted.pk)).exists()
    assert not AuditEvent.objects.filter(action="notice.post", target_id=str(draft.pk)).exists()
