"""The yearly county assessment (P16, grades P11): computed from the `assessment` parameter, the process figures
(planning/process.py), the indicators against their targets (frozen values of the year) and the assessors' field
findings; every computation a new version (the earlier one kept), audited; a county graded 一般 or at 规模性返贫
risk gets 约谈提醒 and 挂牌督办. The what-if recomputes the grades from the stored inputs with the scheme changed,
and saves nothing.

`Assessment.scores` (what the pages render):

    {
      "total": "87.50", "grade": "较好",
      "dimensions": [
        {"key": "work", "label": "工作落实", "points": "7.5", "full": "10", "percent": "75.00",
         "findings": "2", "score": "73.00"}, ...                         # the four, in DIMENSIONS order
      ],
      "items": [
        {"key": "overdue_leads", "label": "逾期线索", "dimension": "work", "points": "9.5", "full": "10",
         "explanation": "逾期线索 1 条 × 0.5 分 = 扣 0.5 分", "scored": true,
         "records": {"model": "screening.lead", "ids": [17], "count": 1}},          # a per-record item
        {"key": "fund_progress", ..., "records": {"indicator": "fund_progress", "value": "93.5000",
         "target": "95.0000", "value_id": 41}},                                    # a target item
        {"key": "reported_met", ..., "records": {"indicator": "reported_met", "value": "50.00",
         "target": "100", "value_id": null, "value_ids": [52, 53]}},               # share of reported met
        ...                                                                        # every item of ITEMS
      ]
    }

A per-record item not counted (e.g. the work-team figure before it exists) has "records": null and scored false;
a target item without a frozen value has "value": null. Numbers are strings (Decimal). `assessment_records`
turns an item's records into a queryset for the drill-down page.

`Assessment.inputs`: {"today", "parameters": {"assessment": citation, "planning_rules": citation},
"scheme": the assessment parameter's value, "items": {key: {"count"} or {"value", "target", "direction"}},
"findings": {"by_dimension": {dimension: "2.00"}, "used": [{"id", "dimension", "deduction"}]},
"indicator_values": [{"indicator", "value_id", "version"}], "returned_people", "returned_people_note" ("" or why only
the basic-needs part was counted: the flag is then asked of that part), "large_scale_return_people",
"as_of_computing": items counted as of the day of computing rather than the year's end}.

An item's explanation ends with its figure's note in brackets where the reader must know how it was counted
(未配置 poverty standard, data quality as of computing, 目标未分解到县). The assessment needs the year period
frozen first (it reads the frozen values)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import QuerySet

from zhenxing.accounts.capabilities import Capability
from zhenxing.accounts.models import User
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, NotFound
from zhenxing.divisions.models import Division
from zhenxing.planning.enums import Aggregation, IndicatorSource, PeriodKind, SupervisionReason, ValueState
from zhenxing.planning.freeze import counties
from zhenxing.planning.models import (
    Assessment,
    FieldFinding,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Period,
)
from zhenxing.planning.parameters import assessment_values, planning_rules
from zhenxing.planning.process import DATA_QUALITY_NOTE, Figure, process_figures
from zhenxing.planning.services import SUPERVISION_KINDS, require, supervision_open
from zhenxing.policy.rules.assessment import (
    ITEMS,
    PER_RECORD,
    POOR,
    CountyScore,
    ItemInput,
    county_score,
    needs_supervision,
    scheme_from_values,
    scheme_problem,
    scheme_with,
)
from zhenxing.policy.rules.planning import large_scale_return, target_met

REPORTED_MET = "reported_met"
_HUNDRED = Decimal(100)


def _text(number: Decimal | None) -> str | None:
    return None if number is None else str(number)


def _number(raw: str | None) -> Decimal | None:
    return None if raw is None else Decimal(raw)


def _frozen_value(indicator: Indicator, county: Division, year: int) -> IndicatorValue | None:
    return (
        IndicatorValue.objects.filter(
            indicator=indicator,
            division=county,
            is_current=True,
            period__kind=PeriodKind.YEAR,
            period__year=year,
            period__number=0,
        )
        .select_related("period")
        .first()
    )


TARGET_NOT_SPLIT = "目标未分解到县"


def _target_of(indicator: Indicator, county: Division, year: int) -> Decimal | None:
    """The county's target for the year; for a share or rate (Aggregation.RATIO) the prefecture's target when the
    county has none (the same rate for every county). A summed target never falls back: the prefecture's total
    is not a county's (None: the item is not scored, 目标未分解到县)."""
    targets = {t.county_id: t.value for t in IndicatorTarget.objects.filter(indicator=indicator, year=year)}
    if county.pk in targets:
        return targets[county.pk]
    return targets.get(None) if indicator.aggregation == Aggregation.RATIO else None


def _target_note(indicator: Indicator, target: Decimal | None, year: int) -> str:
    """Why a target item has no target: the prefecture set a summed one not split to the counties."""
    if target is not None or indicator.aggregation == Aggregation.RATIO:
        return ""
    split = IndicatorTarget.objects.filter(indicator=indicator, year=year, county__isnull=True).exists()
    return TARGET_NOT_SPLIT if split else ""


def _value_of(frozen: IndicatorValue | None) -> Decimal | None:
    return frozen.value if frozen is not None and frozen.state == ValueState.VALUE else None


def _indicator_input(
    code: str, county: Division, year: int
) -> tuple[ItemInput, dict[str, Any], list[int], str]:
    """The item's input, its records, the frozen value used, and a note on a missing target."""
    indicator = Indicator.objects.filter(code=code, active=True).first()
    if indicator is None:
        return ItemInput(), {"indicator": code, "value": None, "target": None, "value_id": None}, [], ""
    frozen = _frozen_value(indicator, county, year)
    value, target = _value_of(frozen), _target_of(indicator, county, year)
    records = {
        "indicator": code, "value": _text(value), "target": _text(target),
        "value_id": frozen.pk if frozen is not None else None,
    }  # fmt: skip
    given = ItemInput(value=value, target=target, direction=indicator.direction or ">=")
    return given, records, [frozen.pk] if frozen is not None else [], _target_note(indicator, target, year)


def _reported_met(county: Division, year: int) -> tuple[ItemInput, dict[str, Any], list[int], str]:
    """P16: the share (percent) of the county's reported yearly indicators with a target whose frozen value
    meets it (policy.rules.planning.target_met); no data when none has both."""
    met, counted, used = 0, 0, []
    reported = Indicator.objects.filter(
        active=True, source=IndicatorSource.REPORTED, period=PeriodKind.YEAR
    ).exclude(direction="")
    for indicator in reported.order_by("sort"):
        frozen = _frozen_value(indicator, county, year)
        verdict = target_met(_value_of(frozen), _target_of(indicator, county, year), indicator.direction)
        if verdict is None or frozen is None:
            continue
        counted += 1
        met += int(verdict)
        used.append(frozen.pk)
    share = (Decimal(met) * _HUNDRED / counted).quantize(Decimal("0.01")) if counted else None
    records = {
        "indicator": REPORTED_MET, "value": _text(share), "target": "100", "value_id": None, "value_ids": used,
        "met": met, "counted": counted,
    }  # fmt: skip
    return ItemInput(value=share, target=_HUNDRED, direction=">="), records, used, ""


def _findings(county: Division, year: int) -> tuple[dict[str, Decimal], list[dict[str, Any]]]:
    by_dimension: dict[str, Decimal] = defaultdict(Decimal)
    used = []
    for finding in FieldFinding.objects.filter(county=county, year=year, withdrawn_at__isnull=True).order_by(
        "pk"
    ):
        by_dimension[finding.dimension] += finding.deduction
        used.append({"id": finding.pk, "dimension": finding.dimension, "deduction": str(finding.deduction)})
    return dict(by_dimension), used


def _scores_json(
    score: CountyScore, records: Mapping[str, dict[str, Any] | None], notes: Mapping[str, str]
) -> dict[str, Any]:
    items = []
    for spec, item in zip(ITEMS, score.items, strict=True):
        note = notes.get(spec.key, "")
        explanation = f"{item.explanation}（{note}）" if note else item.explanation
        items.append({
            "key": spec.key, "label": spec.label, "dimension": spec.dimension, "points": str(item.points),
            "full": str(item.full), "explanation": explanation, "scored": item.scored,
            "records": records.get(spec.key),
        })  # fmt: skip
    dimensions = [
        {"key": d.key, "label": d.label, "points": str(d.points), "full": str(d.full), "percent": str(d.percent),
         "findings": str(d.findings), "score": str(d.score)}
        for d in score.dimensions
    ]  # fmt: skip
    return {"total": str(score.total), "grade": score.grade, "dimensions": dimensions, "items": items}


def _item_inputs_json(given: Mapping[str, ItemInput]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, item in given.items():
        if item.count is not None:
            out[key] = {"count": item.count}
        else:
            out[key] = {"value": _text(item.value), "target": _text(item.target), "direction": item.direction}
    return out


def _item_inputs_from(stored: Mapping[str, Mapping[str, Any]]) -> dict[str, ItemInput]:
    out = {}
    for key, raw in stored.items():
        if "count" in raw:
            out[key] = ItemInput(count=int(raw["count"]))
        else:
            out[key] = ItemInput(
                value=_number(raw["value"]), target=_number(raw["target"]), direction=raw["direction"]
            )
    return out


def _compute(
    *, county: Division, year: int, actor: User | None, today: datetime.date,
    figures: Mapping[str, Mapping[str, Figure]],
) -> Assessment:  # fmt: skip
    values, assessment_citation = assessment_values(year)
    scheme = scheme_from_values(values)
    rules, rules_citation = planning_rules(year)
    given: dict[str, ItemInput] = {}
    records: dict[str, dict[str, Any] | None] = {}
    notes: dict[str, str] = {}
    value_ids: list[int] = []
    for spec in ITEMS:
        if spec.method == PER_RECORD:
            figure = figures.get(spec.source, {}).get(county.code)
            if figure is None:
                records[spec.key] = None
                continue
            given[spec.key] = ItemInput(count=figure.count)
            records[spec.key] = {"model": figure.model, "ids": figure.ids, "count": figure.count}
            notes[spec.key] = figure.note
        else:
            item, records[spec.key], used, notes[spec.key] = (
                _reported_met(county, year) if spec.source == REPORTED_MET else _indicator_input(spec.source, county, year)
            )  # fmt: skip
            if item.value is not None:
                given[spec.key] = item
            value_ids += used
    findings, findings_used = _findings(county, year)
    score = county_score(scheme, given, findings)
    returns = figures.get("returns", {}).get(county.code)
    returned_people = returns.count if returns is not None else None
    # 未配置: the flag is asked of the basic-needs part (the safe side), and says so
    returned_note = returns.note if returns is not None else ""
    flagged = returned_people is not None and large_scale_return(
        returned_people, threshold=rules["large_scale_return_people"]
    )
    used_values = IndicatorValue.objects.filter(pk__in=value_ids).select_related("indicator").order_by("pk")
    inputs = {
        "today": today.isoformat(),
        "parameters": {"assessment": assessment_citation, "planning_rules": rules_citation},
        "scheme": dict(values),
        "items": _item_inputs_json(given),
        "findings": {"by_dimension": {k: str(v) for k, v in findings.items()}, "used": findings_used},
        "indicator_values": [
            {"indicator": v.indicator.code, "value_id": v.pk, "version": v.version} for v in used_values
        ],
        "returned_people": returned_people,
        "returned_people_note": returned_note,
        "large_scale_return_people": rules["large_scale_return_people"],
        "as_of_computing": [key for key, note in notes.items() if note == DATA_QUALITY_NOTE],
    }
    with transaction.atomic():
        earlier = list(
            Assessment.objects.select_for_update().filter(county=county, year=year).order_by("-version")
        )
        current = next((a for a in earlier if a.is_current), None)
        if current is not None:
            current.is_current = False
            current.save(update_fields=["is_current"])
        assessment = Assessment.objects.create(
            county=county, year=year, version=(earlier[0].version + 1) if earlier else 1, is_current=True,
            total=score.total, grade=score.grade, scores=_scores_json(score, records, notes), inputs=inputs,
            large_scale_return=flagged, computed_at=clock.now(), computed_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, action="planning.assessment_compute", target=assessment, division=county,
            old={"total": str(current.total), "grade": current.grade} if current is not None else None,
            new={"year": year, "version": assessment.version, "total": str(assessment.total),
                 "grade": assessment.grade, "large_scale_return": flagged,
                 **({"returned_people_note": returned_note} if returned_note else {})},
        )  # fmt: skip
        if needs_supervision(score.grade, large_scale_return=flagged):
            reasons = [
                *([SupervisionReason.GRADE] if score.grade == POOR else []),
                *([SupervisionReason.LARGE_SCALE_RETURN] if flagged else []),
            ]
            for kind in SUPERVISION_KINDS:
                supervision_open(assessment=assessment, kind=kind, reasons=reasons, actor=actor)
    return assessment


def _require_prefecture(actor: User | None) -> None:
    if actor is not None:
        require(actor, Capability.MANAGE_ASSESSMENT, "只有州级可以计算考核评估")


def _require_frozen(year: int) -> None:
    """The assessment reads the year's frozen values: before the year period is frozen it would read nothing."""
    frozen = Period.objects.filter(kind=PeriodKind.YEAR, year=year, number=0, frozen_at__isnull=False)
    if not frozen.exists():
        raise Conflict(f"{year}年度统计期尚未冻结，请先冻结再计算考核")


def assessment_compute(
    *, county: Division, year: int, actor: User | None, today: datetime.date | None = None
) -> Assessment:
    """Compute one county's assessment for the year: a new version (the earlier kept), audited; 约谈提醒 and
    挂牌督办 for a county graded 一般 or at 规模性返贫 risk. The prefecture, or the command (actor None)."""
    _require_prefecture(actor)
    _require_frozen(year)
    day = today or clock.today()
    return _compute(
        county=county, year=year, actor=actor, today=day, figures=process_figures(year=year, today=day)
    )


def assessment_compute_all(
    *, year: int, actor: User | None, today: datetime.date | None = None,
    on_each: Callable[[Assessment], None] | None = None,
) -> list[Assessment]:  # fmt: skip
    """Every county's assessment for the year (the process figures counted once); `on_each` sees each one as
    it is stored (the command's progress)."""
    _require_prefecture(actor)
    assessment_values(year)  # a year without the parameter fails before anything is counted
    _require_frozen(year)
    day = today or clock.today()
    figures = process_figures(year=year, today=day)
    done = []
    for county in counties():
        done.append(_compute(county=county, year=year, actor=actor, today=day, figures=figures))
        if on_each is not None:
            on_each(done[-1])
    return done


@dataclass(frozen=True)
class WhatIfRow:
    county: Division
    current_total: Decimal
    current_grade: str
    new_total: Decimal
    new_grade: str

    @property
    def changed(self) -> bool:
        return self.current_grade != self.new_grade


def assessment_what_if(*, year: int, overrides: Mapping[str, Decimal]) -> list[WhatIfRow]:
    """The grades side by side with the scheme changed (names as the parameter's, in points): every county's
    current assessment recomputed from its stored inputs; nothing saved, nothing audited."""
    rows = []
    current = Assessment.objects.filter(year=year, is_current=True).select_related("county")
    for assessment in current.order_by("county__code"):
        try:
            scheme = scheme_with(scheme_from_values(assessment.inputs["scheme"]), **dict(overrides))
        except ValueError as error:
            raise InvalidInput([ErrorDetail(("overrides",), "invalid", str(error))]) from error
        problem = scheme_problem(scheme)
        if problem is not None:
            raise InvalidInput([ErrorDetail(("overrides",), "invalid", problem)])
        findings = {k: Decimal(v) for k, v in assessment.inputs["findings"]["by_dimension"].items()}
        score = county_score(scheme, _item_inputs_from(assessment.inputs["items"]), findings)
        rows.append(
            WhatIfRow(assessment.county, assessment.total, assessment.grade, score.total, score.grade)
        )
    return rows


def assessment_records(assessment: Assessment, item_key: str) -> tuple[str, QuerySet[Any]]:
    """The records behind one item (the drill-down): a per-record item's records, a target item's frozen
    values; (model label, queryset)."""
    item = next((i for i in assessment.scores.get("items", []) if i["key"] == item_key), None)
    if item is None or item.get("records") is None:
        raise NotFound("该考核项没有可查看的记录")
    records = item["records"]
    if "model" in records:
        label, ids = records["model"], records["ids"]
    else:
        label = "planning.indicatorvalue"
        ids = records.get("value_ids") or ([records["value_id"]] if records.get("value_id") else [])
    model = apps.get_model(label)
    return label, model._default_manager.filter(pk__in=ids).order_by("pk")
