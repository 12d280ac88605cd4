"""A split the county's 乡村振兴局 proposes (P14: 乡村振兴局 proposes, 财政 enters): it holds its amount on the line
until the county's (or the prefecture's) finance bureau confirms it or sends it back with a reason; each decision
audited with the old and new status; a refusal frees the line; a proposal whose project left the library
meanwhile cannot be confirmed."""

from __future__ import annotations

from typing import Any

import pytest

from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.funds import selectors as ledger
from zhenxing.funds import services
from zhenxing.funds.enums import SplitStatus
from zhenxing.funds.models import Release, Split
from zhenxing.projects import services as projects

from .builders import allocation, fund_users, library_project

pytestmark = pytest.mark.django_db

WAN = 1_000_000  # fen


def _proposal(amount: str = "60") -> tuple[dict[str, Any], Any, Any, Split]:
    # given a line of 150 万元 central and the road project planning 100 万元 central
    users = fund_users()
    project = library_project(users["county"])
    line = allocation(users["finance"]).lines.get()
    proposal = services.split_create(actor=users["county"], line=line, project=project, amount=amount)
    return users, project, line, proposal


def _event(action: str, split: Split) -> AuditEvent:
    return AuditEvent.objects.get(action=action, target_id=str(split.pk))


def test_p14_the_county_proposes_a_split_that_holds_its_amount_on_the_line() -> None:
    users, project, line, proposal = _proposal("60")
    assert proposal.status == SplitStatus.PROPOSED and proposal.proposed_by == users["county"]
    assert proposal.decided_by is None
    assert ledger.line_balance(line).remaining_fen == 90 * WAN
    assert ledger.project_split_fen(project, source="central") == 60 * WAN
    event = _event("fund.split_propose", proposal)
    assert event.actor == users["county"] and event.new_values["status"] == "proposed"


def test_p14_the_finance_bureau_confirms_a_proposal_audited_with_old_and_new_status() -> None:
    users, _, line, proposal = _proposal()
    confirmed = services.split_confirm(actor=users["finance"], split=proposal)
    assert confirmed.status == SplitStatus.ACTIVE
    assert confirmed.decided_by == users["finance"] and confirmed.decided_on is not None
    event = _event("fund.split_confirm", proposal)
    assert event.old_values == {"status": "proposed"} and event.new_values["status"] == "active"
    assert ledger.line_balance(line).remaining_fen == 90 * WAN  # the amount held stays held


def test_p14_the_prefecture_finance_bureau_may_confirm_a_counties_proposal() -> None:
    users, _, _, proposal = _proposal()
    assert (
        services.split_confirm(actor=users["prefecture_finance"], split=proposal).status == SplitStatus.ACTIVE
    )


def test_p14_a_refusal_with_its_reason_frees_the_line_and_the_projects_plan() -> None:
    users, project, line, proposal = _proposal("60")
    refused = services.split_refuse(actor=users["finance"], split=proposal, reason="项目前期工作未完成")
    assert refused.status == SplitStatus.REFUSED and refused.refusal_reason == "项目前期工作未完成"
    event = _event("fund.split_refuse", proposal)
    assert event.old_values == {"status": "proposed"} and event.new_values["status"] == "refused"
    assert event.reason == "项目前期工作未完成" and event.actor == users["finance"]
    assert ledger.line_balance(line).remaining_fen == 150 * WAN
    assert ledger.project_split_fen(project, source="central") == 0
    # so the whole plan may be split again
    services.split_create(actor=users["finance"], line=line, project=project, amount="100")


@pytest.mark.parametrize("reason", ["", "  ", "否"])
def test_p14_a_refusal_without_a_reason_is_refused(reason: str) -> None:
    users, _, _, proposal = _proposal()
    with pytest.raises(InvalidInput) as caught:
        services.split_refuse(actor=users["finance"], split=proposal, reason=reason)
    assert caught.value.details[0].loc == ("reason",) and "退回理由" in caught.value.message
    proposal.refresh_from_db()
    assert proposal.status == SplitStatus.PROPOSED
    assert not AuditEvent.objects.filter(action="fund.split_refuse").exists()


def test_p14_a_proposal_lapses_when_its_project_leaves_the_library() -> None:
    """P14: a proposal nobody confirmed gave the project nothing: 出库 lapses it (sent back, audited, its amount
    free on the line again) instead of writing a release for it; it can no longer be confirmed."""
    users, project, line, proposal = _proposal("60")
    projects.project_move(
        actor=users["county"], project=project, to="withdrawn", opinion="选址变更，不再实施"
    )
    proposal.refresh_from_db()
    assert proposal.status == SplitStatus.REFUSED and "出库" in proposal.refusal_reason
    assert not Release.objects.filter(split=proposal).exists()
    lapse = AuditEvent.objects.get(action="fund.split_lapse", target_id=str(proposal.pk))
    assert (lapse.old_values, lapse.new_values["status"]) == ({"status": "proposed"}, "refused")
    with pytest.raises(Conflict):
        services.split_confirm(actor=users["finance"], split=proposal)
    assert ledger.line_balance(line).remaining_fen == 150 * WAN
    assert ledger.project_split_fen(project, source="central") == 0
    # and no split beyond the document's amount is possible on the line
    other = library_project(users["county"], name="西山村委会小村组道路硬化")
    other_two = library_project(users["county"], name="西山村委会中村组道路硬化")
    services.split_create(actor=users["finance"], line=line, project=other, amount="100")
    with pytest.raises(InvalidInput) as caught:
        services.split_create(actor=users["finance"], line=line, project=other_two, amount="50.01")
    assert caught.value.details[0].loc == ("amount",)


def test_p14_a_county_user_cannot_confirm_or_refuse_a_proposal() -> None:
    users, _, _, proposal = _proposal()
    with pytest.raises(PermissionDenied):
        services.split_confirm(actor=users["county"], split=proposal)
    with pytest.raises(PermissionDenied):
        services.split_refuse(actor=users["county"], split=proposal, reason="不同意")
    proposal.refresh_from_db()
    assert proposal.status == SplitStatus.PROPOSED


def test_p14_the_finance_bureau_of_another_county_cannot_decide_on_a_proposal() -> None:
    users, _, _, proposal = _proposal()
    with pytest.raises(PermissionDenied, match="财政"):
        services.split_confirm(actor=users["other_finance"], split=proposal)
    with pytest.raises(PermissionDenied):
        services.split_refuse(actor=users["other_finance"], split=proposal, reason="不同意")
    proposal.refresh_from_db()
    assert proposal.status == SplitStatus.PROPOSED and proposal.decided_by is None
    assert not AuditEvent.objects.filter(action__in=("fund.split_confirm", "fund.split_refuse")).exists()


def test_p14_a_decided_proposal_cannot_be_decided_again() -> None:
    users, _, _, proposal = _proposal()
    services.split_confirm(actor=users["finance"], split=proposal)
    with pytest.raises(Conflict):
        services.split_confirm(actor=users["finance"], split=proposal)
    with pytest.raises(Conflict):
        services.split_refuse(actor=users["finance"], split=proposal, reason="重复")


def test_p14_a_split_the_finance_bureau_enters_is_in_force_at_once() -> None:
    users = fund_users()
    project = library_project(users["county"])
    line = allocation(users["finance"]).lines.get()
    split = services.split_create(actor=users["finance"], line=line, project=project, amount="10")
    assert split.status == SplitStatus.ACTIVE and split.decided_by == users["finance"]
    assert _event("fund.split_create", split).new_values["status"] == "active"


def test_p14_a_proposal_to_a_version_since_adjusted_is_confirmed_against_the_version_in_force() -> None:
    """An adjustment approved while the proposal waited replaced the version it names (the old one is 已调整):
    the version in force is in the library, so the bureau may still confirm."""
    from zhenxing.projects.models import Project

    users, project, _, proposal = _proposal("60")
    replacement = Project.objects.get(pk=project.pk)
    replacement.pk, replacement.version, replacement.previous = None, 2, project
    replacement.save()
    Project.objects.filter(pk=project.pk).update(status="adjusted")
    confirmed = services.split_confirm(actor=users["finance"], split=proposal)
    assert confirmed.status == SplitStatus.ACTIVE


def test_p14_a_bureau_adds_lines_only_to_a_document_it_can_see() -> None:
    from tests.conftest import OTHER_COUNTY
    from zhenxing.common.errors import NotFound
    from zhenxing.funds.inputs import LineInput

    users = fund_users()
    theirs = allocation(
        users["other_finance"], doc_number="大理市财农〔2026〕3号", lines=((OTHER_COUNTY, "county", "10"),)
    )
    with pytest.raises(NotFound):
        services.allocation_lines_add(
            actor=users["finance"], allocation=theirs, lines=(LineInput("532926", "county", "5"),)
        )
    assert theirs.lines.count() == 1
