"""出库 and 终止 settle the project's money (P14: 出库 returns its unpaid money to the allocation; a partly paid
project is 终止 and its unspent part 收回).

The funds app sits a layer above the project library (it splits allocation lines to library projects), so the
library cannot ask it directly. Instead the funds app installs its settlement here when Django starts
(funds.apps.FundsConfig.ready); the project workflow's withdrawal moves then ask it, inside the move's own
transaction, how much was paid (which of 出库 or 终止 applies) and have it release the unpaid part; an adjustment's approval asks what the
project already holds of each source (an adjusted plan may not fall below it). Without the
funds app installed nothing was ever split, so nothing is paid and nothing is released."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from zhenxing.projects.models import Project


class FundSettlement(Protocol):
    def paid_fen(self, project: Project) -> int:
        """Paid to the project (every version of its code), net of reversals; the caller holds its row lock."""
        ...

    def held_fen(self, project: Project, *, source: str) -> int:
        """What the project's splits of `source` hold now (every version of its code, net of releases)."""
        ...

    def release_unpaid(
        self, project: Project, *, actor: Any, terminated: bool, reason: str, on: datetime.date
    ) -> int:
        """Release every split's unpaid part back to its allocation line (退回, or 收回 when `terminated`),
        audited; returns the fen released."""
        ...


class _NothingSplit:
    def paid_fen(self, project: Project) -> int:
        return 0

    def held_fen(self, project: Project, *, source: str) -> int:
        return 0

    def release_unpaid(
        self, project: Project, *, actor: Any, terminated: bool, reason: str, on: datetime.date
    ) -> int:
        return 0


_installed: list[FundSettlement] = [_NothingSplit()]


def install(settlement: FundSettlement) -> None:
    _installed[0] = settlement


def settlement() -> FundSettlement:
    return _installed[0]
