"""A split's life (P14), declared on the workflow kernel: one the county's 乡村振兴局 proposes waits for the
finance bureau, which confirms it (in force) or sends it back with a reason. A split the finance bureau enters
itself is in force from the start (services.split_create); a proposal still waiting when its project leaves
the library lapses with it (settlement.py). This table is the only place a split's status changes."""

from __future__ import annotations

from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.workflow import Move, Transition, Workflow
from zhenxing.divisions.codes import covers
from zhenxing.funds.enums import SplitStatus
from zhenxing.funds.selectors import current_version
from zhenxing.projects.enums import LIBRARY_STATES

S = SplitStatus


def finance_of_the_county(t: Transition) -> None:
    """Only a finance bureau over the split's county decides on it."""
    jurisdiction = getattr(t.actor, "jurisdiction", None)
    if jurisdiction is None or not covers(jurisdiction.code, t.subject.county.code):
        raise PermissionDenied("只有本县(市)或州财政部门可以确认资金分配")


def project_still_in_library(t: Transition) -> None:
    """A proposal waits; its project may have left the library meanwhile (P14: splits only to the library). An
    adjustment approved meanwhile replaced the version it names: the version in force answers."""
    project = current_version(t.subject.project)
    if project.status not in LIBRARY_STATES:
        raise Conflict(f"项目当前为“{project.get_status_display()}”，不在项目库中，不能确认分配")


def project_left_library(t: Transition) -> None:
    """Only 出库 or 终止 of its project lapses a proposal without the finance bureau (settlement.py)."""
    if current_version(t.subject.project).status in LIBRARY_STATES:
        raise PermissionDenied("只有财政部门可以退回资金分配建议")


def has_reason(t: Transition) -> None:
    if len(t.opinion) < 2:
        raise InvalidInput([ErrorDetail(("reason",), "required", "请填写退回理由")])


def record_decision(t: Transition) -> None:
    t.set(decided_by=t.actor, decided_on=t.today)


def record_refusal(t: Transition) -> None:
    t.set(decided_by=t.actor, decided_on=t.today, refusal_reason=t.opinion)


SPLIT = Workflow(
    name="资金分配",
    labels=dict(SplitStatus.choices),
    role_labels=dict(Role.choices),
    moves=[
        Move(S.PROPOSED, S.ACTIVE, Role.FINANCE, "财政确认",
             guards=(finance_of_the_county, project_still_in_library), effects=(record_decision,),
             action="fund.split_confirm"),
        Move(S.PROPOSED, S.REFUSED, Role.FINANCE, "财政退回",
             guards=(finance_of_the_county, has_reason), effects=(record_refusal,), action="fund.split_refuse"),
        # the project left the library while the proposal waited: it lapses with the 出库/终止 (no role: the
        # project's move does it, in its transaction; listed after the bureau's own move)
        Move(S.PROPOSED, S.REFUSED, None, "项目出库或终止，建议失效",
             guards=(project_left_library, has_reason), effects=(record_refusal,), action="fund.split_lapse"),
    ],
    audit=audit.record,
    action_prefix="fund",
    division="county",
    lock_related=("project", "county"),
    conflict_message="资金分配当前为“{source}”，不能转为“{target}”",
)  # fmt: skip
