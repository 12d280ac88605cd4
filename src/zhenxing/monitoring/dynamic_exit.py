"""P17 dynamic exit on case queries: which eliminated cases still carry the label of their date (eliminated
under the transition regime) and which exited without one (eliminated under the normalised regime). Object
lists, rosters, badges and exports use these; 责任追溯 (tracing/) and the case page keep the whole history."""

from __future__ import annotations

import datetime

from django.db.models import Q

from zhenxing.monitoring.enums import CaseStatus
from zhenxing.policy.enums import YUNNAN
from zhenxing.policy.regimes import regimes_in_force
from zhenxing.policy.rules.exit import exit_periods, has_exited


def periods_in_force(*, region: str = YUNNAN) -> list[tuple[datetime.date, datetime.date | None]]:
    """The dynamic-exit date ranges of the regimes as entered (current versions; a handful of rows)."""
    return exit_periods((r.effective_from, r.dynamic_exit) for r in regimes_in_force(region=region))


def exited_q() -> Q:
    """P17: eliminated cases whose elimination date falls under a dynamic-exit regime."""
    condition = Q(pk__in=[])  # nothing, when no regime has dynamic exit
    for start, end in periods_in_force():
        period = Q(eliminated_on__gte=start) & (Q(eliminated_on__lt=end) if end else Q())
        condition |= Q(status=CaseStatus.ELIMINATED) & period
    return condition


def labelled_eliminated_q() -> Q:
    """Eliminated cases still labelled as before: their elimination fell under the transition regime."""
    return Q(status=CaseStatus.ELIMINATED) & ~exited_q()


def case_has_exited(eliminated_on: datetime.date | None) -> bool:
    """P17: one case's elimination date under a dynamic-exit regime (no label on its pages)."""
    return has_exited(eliminated_on, periods_in_force())
