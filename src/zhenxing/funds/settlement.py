"""What 出库 and 终止 do to a project's money (P14), installed into the project library's workflow at start-up
(projects/settlement.py, funds.apps): how much was paid decides which of the two applies, and every split's
unpaid part is released — 退回 to its line at 出库, 收回 at 终止 — and a proposal still waiting lapses, in the
move's own transaction (the project's
row is locked by then, and every payment takes that lock first, so nothing is paid in between)."""

from __future__ import annotations

import datetime
from typing import Any

from zhenxing.audit import services as audit
from zhenxing.common.workflow import transition
from zhenxing.funds import selectors as ledger
from zhenxing.funds.enums import ReleaseKind, SplitStatus
from zhenxing.funds.models import Release, Split
from zhenxing.funds.transitions import SPLIT
from zhenxing.projects.models import Project


class FundLedgerSettlement:
    def paid_fen(self, project: Project) -> int:
        return ledger.project_paid_fen(project)

    def held_fen(self, project: Project, *, source: str) -> int:
        return ledger.project_split_fen(project, source=source)

    def release_unpaid(
        self, project: Project, *, actor: Any, terminated: bool, reason: str, on: datetime.date
    ) -> int:
        kind = ReleaseKind.RECOVERED if terminated else ReleaseKind.RETURNED
        # a proposal nobody confirmed gave the project nothing: it lapses (its amount is free on the line again)
        proposals = Split.objects.filter(project__code=project.code, status=SplitStatus.PROPOSED).order_by(
            "pk"
        )
        for proposal in proposals:
            transition(
                SPLIT, proposal, to=SplitStatus.REFUSED, actor=actor, today=on,
                opinion=f"项目已{'终止' if terminated else '出库'}，分配建议失效：{reason}",
            )  # fmt: skip
        released = 0
        splits = (
            Split.objects.select_for_update(of=("self",))
            .filter(project__code=project.code, status=SplitStatus.ACTIVE)
            .select_related("county")
            .order_by("pk")
        )
        for split in splits:
            unpaid = ledger.split_balance(split).unpaid_fen
            if unpaid <= 0 or hasattr(split, "release"):
                continue
            release = Release.objects.create(
                split=split, county=split.county, source=split.source, budget_year=split.budget_year, kind=kind, amount_fen=unpaid, released_on=on, reason=reason,
                created_by=actor,
            )  # fmt: skip
            audit.record(
                actor=actor, action="fund.release", target=release, division=split.county,
                new={"split": split.pk, "project": project.code, "kind": kind, "amount_fen": unpaid},
                reason=reason,
            )  # fmt: skip
            released += unpaid
        return released
