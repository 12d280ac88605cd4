"""A small synthetic Dali for the dashboard tests: the registry, the project library, the fund ledger, the
monitoring history and the planning data of synth, 2025 frozen and assessed, then the figures counted."""

from __future__ import annotations

import datetime

from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.dashboards.models import AggregateRun
from zhenxing.dashboards.refresh import aggregates_refresh
from zhenxing.planning import assessment, freeze
from zhenxing.synth.funds import synthetic_funds_generate
from zhenxing.synth.generator import Settings
from zhenxing.synth.planning_data import synthetic_planning_generate
from zhenxing.synth.planning_history import synthetic_history_generate
from zhenxing.synth.projects import synthetic_projects_generate
from zhenxing.synth.services import synthetic_registry_generate

YEAR = 2025
TODAY = datetime.date(2026, 3, 2)
SEED = 43


def dashboard_world(*, freeze_and_assess: bool = True) -> AggregateRun:
    """Generate the world as of TODAY (the caller sets the clock) and count the figures."""

    synthetic_registry_generate(settings=Settings(scale=0.003, seed=SEED, year=YEAR))
    synthetic_projects_generate(seed=SEED, per_year=120)
    synthetic_funds_generate(seed=SEED)
    synthetic_history_generate(seed=SEED, year=YEAR)
    synthetic_planning_generate(seed=SEED, year=YEAR)
    if freeze_and_assess:
        prefecture = make_user(Role.PREFECTURE, "5329", username="world_zhou")
        period = freeze.period_ensure(kind="year", year=YEAR, number=0)
        freeze.period_freeze(period=period, actor=prefecture)
        assessment.assessment_compute_all(year=YEAR, actor=prefecture)
    return aggregates_refresh(actor=None, as_of=TODAY)
