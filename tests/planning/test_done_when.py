"""Issue 20's done-when over synthetic data (P12, P16, P11), on SQLite and PostgreSQL: every P12 indicator exists
as data with its source; the 2025 year is frozen for the 12 counties and the prefecture and a later correction is
versioned; the assessment of the 12 synthetic counties is computed, explained down to the records behind a score,
and exported; the county graded 一般 gets its 约谈提醒 and 挂牌督办 with a rectification task; the work-team check
lists the planted shortfalls. (Each computed indicator against an independent SQL count:
tests/planning/test_computed_synthetic.py.)"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.divisions.models import Division
from zhenxing.planning import assessment, freeze, services
from zhenxing.planning.assessment_export import assessment_export
from zhenxing.planning.catalogue import SHIPPED_INDICATORS
from zhenxing.planning.computed.registry import COMPUTED
from zhenxing.planning.enums import IndicatorSource, SupervisionKind, TaskStatus, ValueState
from zhenxing.planning.models import Indicator, IndicatorValue, Supervision
from zhenxing.planning.stats import stats_export
from zhenxing.planning.teams import work_team_shortfalls
from zhenxing.synth.funds import synthetic_funds_generate
from zhenxing.synth.generator import Settings
from zhenxing.synth.planning_data import synthetic_planning_generate
from zhenxing.synth.planning_history import synthetic_history_generate
from zhenxing.synth.projects import synthetic_projects_generate
from zhenxing.synth.services import synthetic_registry_generate

pytestmark = pytest.mark.django_db
YEAR = 2025
TODAY = datetime.date(2026, 3, 2)
SEED = 41


def test_p12_p16_p11_indicators_frozen_corrected_assessed_explained_exported_supervised_and_teams_checked(
    shipped_data, clock_at
) -> None:  # type: ignore[no-untyped-def]
    # given a small synthetic Dali with its library, ledger, monitoring history and planning data
    clock_at(TODAY)
    synthetic_registry_generate(settings=Settings(scale=0.003, seed=SEED, year=YEAR))
    synthetic_projects_generate(seed=SEED, per_year=120)
    synthetic_funds_generate(seed=SEED)
    synthetic_history_generate(seed=SEED, year=YEAR)
    planted = synthetic_planning_generate(seed=SEED, year=YEAR)
    prefecture = make_user(Role.PREFECTURE, "5329", username="dw_zhou")

    # then every P12 indicator is data with its source, every computed one with its selector
    indicators = {i.code: i for i in Indicator.objects.all()}
    assert set(indicators) >= {item.code for item in SHIPPED_INDICATORS}
    for item in SHIPPED_INDICATORS:
        indicator = indicators[item.code]
        assert indicator.source == item.source and indicator.department
        if indicator.source == IndicatorSource.COMPUTED:
            assert indicator.selector in COMPUTED, indicator.code

    # when the 2025 year is frozen
    period = freeze.period_ensure(kind="year", year=YEAR, number=0)
    freeze.period_freeze(period=period, actor=prefecture)
    # then each indicator (the monthly and quarterly computed ones over the year too) has a value, or says why
    # not, for the 12 counties and the prefecture
    yearly = (
        Indicator.objects.filter(active=True)
        .exclude(source="reported", period__in=["month", "quarter"])
        .count()
    )
    assert IndicatorValue.objects.filter(period=period).count() == yearly * 13
    returned = IndicatorValue.objects.get(
        indicator__code="returned_people", period=period, division__code="5329"
    )
    assert returned.state == ValueState.UNCONFIGURED  # the national standard ships empty (P16)
    income = IndicatorValue.objects.get(
        indicator__code="income_per_capita", period=period, division__code="5329"
    )
    assert income.state == ValueState.VALUE and income.value and income.value > 0
    assert income.provenance["selector"] == "income_per_capita" and income.selector_version == 1

    # when a county's value is corrected
    corrected = freeze.indicator_value_correct(
        actor=prefecture, value=IndicatorValue.objects.get(
            indicator__code="transfer_employment", period=period, division__code=planted.weak_county),
        new_value=Decimal("1234"), reason="县人社局核实后更正务工人数",
    )  # fmt: skip
    # then it is version 2 and version 1 stays, no longer current
    assert corrected.version == 2 and corrected.supersedes is not None and not corrected.supersedes.is_current

    # when the prefecture computes the assessment of the 12 counties
    graded = {a.county.code: a for a in assessment.assessment_compute_all(year=YEAR, actor=prefecture)}
    assert len(graded) == 12
    weak = graded[planted.weak_county]
    assert weak.grade == "一般"
    # then a score is explained down to its records
    lowered = [item for item in weak.scores["items"] if (item.get("records") or {}).get("count")]
    assert lowered, "the weak county lost points on records"
    item = lowered[0]
    model, records = assessment.assessment_records(weak, item["key"])
    assert model == item["records"]["model"]
    assert sorted(records.values_list("pk", flat=True)) == sorted(item["records"]["ids"])
    # and the 一般 county is under 约谈提醒 and 挂牌督办, the others graded 好 are not
    kinds = set(
        Supervision.objects.filter(county__code=planted.weak_county, year=YEAR).values_list("kind", flat=True)
    )
    assert kinds == {SupervisionKind.TALK, SupervisionKind.LISTING}
    good = [code for code, a in graded.items() if a.grade == "好" and not a.large_scale_return]
    assert good and not Supervision.objects.filter(county__code__in=good).exists()
    # when the prefecture sets its rectification task and the county closes it
    listing = Supervision.objects.get(
        county__code=planted.weak_county, year=YEAR, kind=SupervisionKind.LISTING
    )
    task = services.task_add(
        actor=prefecture, supervision=listing, title="逾期预警线索和超期案件全部办结", detail="",
        owner="县乡村振兴局", owner_person="王伟", due_on=TODAY + datetime.timedelta(days=60),
    )  # fmt: skip
    county_user = make_user(Role.COUNTY, planted.weak_county, username="dw_xian")
    services.task_move(
        actor=county_user, task=task, to=TaskStatus.SUBMITTED, result="24条线索、12件案件已办结"
    )
    task = services.task_move(actor=prefecture, task=task, to=TaskStatus.CLOSED, opinion="抽查属实")
    assert task.status == TaskStatus.CLOSED
    assert AuditEvent.objects.filter(action="planning.assessment_compute").count() == 12

    # when the assessment and the weak county's statistics are exported
    book = CalamineWorkbook.from_filelike(io.BytesIO(assessment_export(
        actor=prefecture, year=YEAR, assessments=list(graded.values()))))  # fmt: skip
    summary = book.get_sheet_by_index(0).to_python()
    assert sum(1 for row in summary if any(str(cell) == "一般" for cell in row)) >= 1
    assert (
        len([row for row in summary if row and str(row[0]).startswith("5329")]) in (0, 12)
        or len(summary) >= 13
    )
    weak_county = Division.objects.get(code=planted.weak_county)
    stats = CalamineWorkbook.from_filelike(
        io.BytesIO(stats_export(actor=prefecture, year=YEAR, division=weak_county))
    )
    assert len(stats.sheet_names) == 2
    notes = "\n".join(str(cell) for row in stats.get_sheet_by_index(1).to_python() for cell in row)
    assert "县人社局核实后更正务工人数" in notes  # the corrected value's provenance, with its reason

    # and the work-team check lists exactly the planted shortfalls
    found = {s.village.code for s in work_team_shortfalls(on=TODAY)}
    assert found == set(planted.shortfalls)
