"""Every dashboard figure, in the order a 领导小组 meeting reads them: who is monitored, how warnings are
handled, identification and elimination, help, money, assets and the villages' collective economy, the plan's
indicators, the assessment."""

from __future__ import annotations

from zhenxing.dashboards.figures import (  # noqa: F401  (each module registers its figures)
    assets,
    assistance,
    funds,
    leads,
    monitoring,
    planning,
    throughput,
)
from zhenxing.dashboards.figures.base import FIGURES, Figure

ORDER = (
    "monitoring", "leads", "throughput", "assistance", "funds", "assets", "collective", "indicators", "assessment",
)  # fmt: skip


def figures_in_order() -> list[Figure]:
    """The registered figures, those named in ORDER first in that order."""
    named = [FIGURES[key] for key in ORDER if key in FIGURES]
    return named + [figure for key, figure in FIGURES.items() if key not in ORDER]
