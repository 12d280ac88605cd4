"""Reporting periods and their frozen values (P16): at a period's deadline every indicator of its kind is
frozen for each county and the prefecture — a computed one from the records as of that moment by its selector's
version, a reported one from the values accepted by then (entered by whom, reviewed by whom); a correction is
the next version with its reason (P13). `zhenxing planning freeze` runs this for every period past its deadline."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.planning.computed import Context, Figure, total_of
from zhenxing.planning.computed.registry import COMPUTED
from zhenxing.planning.enums import Aggregation, IndicatorSource, PeriodKind, ReportStatus, ValueState
from zhenxing.planning.models import Indicator, IndicatorReport, IndicatorValue, Period, ReportStep
from zhenxing.planning.parameters import planning_rules
from zhenxing.planning.services import require
from zhenxing.policy.rules.planning import period_bounds, period_deadline


def period_ensure(*, kind: str, year: int, number: int, actor: User | None = None) -> Period:
    """The period, created with its bounds and deadline (its end + planning_rules.freeze_grace_days) when new:
    by the prefecture, or by whoever reports a value for it (actor None: the command, synthetic data)."""
    if actor is not None and not (
        has_capability(actor, Capability.MANAGE_ASSESSMENT)
        or has_capability(actor, Capability.REPORT_INDICATOR)
    ):
        raise PermissionDenied("您没有建立统计期的权限")
    if kind not in PeriodKind.values:
        raise InvalidInput([ErrorDetail(("kind",), "invalid", "未知的统计周期")])
    found = Period.objects.filter(kind=kind, year=year, number=number).first()
    if found is not None:
        return found
    starts_on, ends_on = period_bounds(kind, year, number)
    rules, _ = planning_rules(year)
    with transaction.atomic():
        period, created = Period.objects.get_or_create(
            kind=kind, year=year, number=number,
            defaults={"starts_on": starts_on, "ends_on": ends_on,
                      "deadline": period_deadline(ends_on, rules["freeze_grace_days"])},
        )  # fmt: skip
        if created:
            audit.record(actor=actor, action="planning.period_open", target=period,
                         new={"period": str(period), "deadline": period.deadline.isoformat()})  # fmt: skip
    return period


def counties() -> list[Division]:
    return list(Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code"))


def prefecture() -> Division:
    return Division.objects.get(level=DivisionLevel.PREFECTURE)


def context_for(period: Period, *, as_of: datetime.datetime) -> Context:
    rules, citation = planning_rules(period.year)
    return Context(
        year=period.year, starts_on=period.starts_on, ends_on=period.ends_on, as_of=as_of, rules=rules,
        citations={"planning_rules": citation},
    )  # fmt: skip


def computed_figures(indicator: Indicator, context: Context) -> tuple[dict[str, Figure], Figure, int, str]:
    """Every county's figure and the prefecture's total, by the indicator's selector; its version and 口径."""
    selector = COMPUTED.get(indicator.selector)
    if selector is None:
        raise Conflict(f"“{indicator.name}”的计算口径“{indicator.selector}”未实现")
    figures = selector.compute(context)
    every = {d.code: figures.get(d.code, selector.empty) for d in counties()}
    return every, total_of(every, selector.empty), selector.version, selector.definition


def _state_and_value(figure: Figure) -> tuple[str, Decimal | None]:
    if figure.unconfigured:
        return ValueState.UNCONFIGURED, None
    value = figure.value
    return (ValueState.VALUE, value) if value is not None else (ValueState.NO_DATA, None)


def _reviewers(report: IndicatorReport) -> list[dict[str, Any]]:
    steps = ReportStep.objects.filter(report=report).select_related("actor").order_by("done_at", "pk")
    return [
        {"action": s.action, "by": s.actor.get_username() if s.actor else "", "at": s.done_at.isoformat()}
        for s in steps
    ]


def _report_provenance(report: IndicatorReport) -> dict[str, Any]:
    return {
        "report": report.pk, "division": report.division.code, "value": str(report.value),
        "entered_by": report.entered_by.get_username(), "entered_at": report.entered_at.isoformat(),
        "reviews": _reviewers(report), "evidence": report.evidence[:200],
    }  # fmt: skip


def reported_values(
    indicator: Indicator, period: Period
) -> dict[str, tuple[str, Decimal | None, dict[str, Any], IndicatorReport | None]]:
    """Division code → (state, value, provenance, the county's own report) from the accepted reports: a county's
    own report, else (逐级相加) its townships' added up; the prefecture's the counties' sum, or for a share their
    plain average, said so in the provenance."""
    accepted = list(
        IndicatorReport.objects.filter(indicator=indicator, period=period, status=ReportStatus.ACCEPTED)
        .select_related("division", "county", "entered_by")
        .order_by("division__code")
    )
    out: dict[str, tuple[str, Decimal | None, dict[str, Any], IndicatorReport | None]] = {}
    county_values: list[Decimal] = []
    for county in counties():
        own = next((r for r in accepted if r.division_id == county.pk), None)
        townships = [r for r in accepted if r.county_id == county.pk and r.division_id != county.pk]
        if own is not None:
            out[county.code] = (ValueState.VALUE, own.value, _report_provenance(own), own)
        elif townships and indicator.aggregation == Aggregation.SUM:
            value = sum((r.value for r in townships), Decimal(0))
            provenance = {"sum_of": [_report_provenance(r) for r in townships]}
            out[county.code] = (ValueState.VALUE, value, provenance, None)
        else:
            out[county.code] = (ValueState.MISSING, None, {"reports": len(townships)}, None)
            continue
        county_values.append(out[county.code][1])  # type: ignore[arg-type]
    if not county_values:
        total: tuple[str, Decimal | None, dict[str, Any], None] = (ValueState.MISSING, None, {}, None)
    elif indicator.aggregation == Aggregation.SUM:
        total = (
            ValueState.VALUE,
            sum(county_values, Decimal(0)),
            {"sum_of_counties": len(county_values)},
            None,
        )
    else:
        mean = (sum(county_values, Decimal(0)) / len(county_values)).quantize(Decimal("0.01"))
        total = (
            ValueState.VALUE,
            mean,
            {"mean_of_counties": len(county_values), "note": "各县(市)填报值的算术平均"},
            None,
        )
    out[prefecture().code] = total
    return out


def _indicators_of(period: Period) -> Iterable[Indicator]:
    return Indicator.objects.filter(active=True, period=period.kind).select_related("sector").order_by("sort")


def period_freeze(*, period: Period, actor: User | None) -> int:
    """Freeze every indicator of the period's kind for the 12 counties and the prefecture; the count frozen."""
    if actor is not None:
        require(actor, Capability.MANAGE_ASSESSMENT, "只有州级可以冻结统计期")
    now = clock.now()
    if period.ends_on >= now.date():
        raise Conflict(f"{period}尚未结束，不能冻结")
    written = 0
    with transaction.atomic():
        locked = Period.objects.select_for_update().get(pk=period.pk)
        if locked.frozen_at is not None:
            raise Conflict(
                f"{locked}已于{clock.localtime(locked.frozen_at):%Y-%m-%d %H:%M}冻结；更正请逐项填写原因"
            )
        context = context_for(locked, as_of=now)
        place = {d.code: d for d in [*counties(), prefecture()]}
        rows: list[IndicatorValue] = []
        for indicator in _indicators_of(locked):
            if indicator.source == IndicatorSource.COMPUTED:
                every, total, version, definition = computed_figures(indicator, context)
                for code, figure in [*every.items(), (prefecture().code, total)]:
                    state, value = _state_and_value(figure)
                    rows.append(IndicatorValue(
                        indicator=indicator, period=locked, division=place[code], state=state, value=value,
                        provenance={"selector": indicator.selector, "version": version, "definition": definition,
                                    "as_of": now.isoformat(), "figures": figure.provenance(),
                                    "parameters": context.citations},
                        selector_version=version, computed_as_of=now, recorded_by=actor, recorded_at=now,
                    ))  # fmt: skip
            else:
                for code, (state, value, provenance, report) in reported_values(indicator, locked).items():
                    rows.append(IndicatorValue(
                        indicator=indicator, period=locked, division=place[code], state=state, value=value,
                        provenance=provenance, report=report, recorded_by=actor, recorded_at=now,
                    ))  # fmt: skip
        IndicatorValue.objects.bulk_create(rows)
        written = len(rows)
        locked.frozen_at, locked.frozen_by = now, actor
        locked.save(update_fields=["frozen_at", "frozen_by"])
        audit.record(
            actor=actor, action="planning.period_freeze", target=locked,
            new={"period": str(locked), "values": written, "as_of": now.isoformat()},
        )  # fmt: skip
    return written


def indicator_value_correct(
    *,
    actor: User,
    value: IndicatorValue,
    reason: str,
    new_value: Decimal | None = None,
    recompute: bool = False,
) -> IndicatorValue:
    """A frozen value corrected: the next version, with the reason, the new value entered or recomputed from
    today's records (a computed indicator), or taken from the report accepted since (a reported one)."""
    require(actor, Capability.MANAGE_ASSESSMENT, "只有州级可以更正冻结值")
    if len(reason.strip()) < 4:
        raise InvalidInput([ErrorDetail(("reason",), "required", "请写明更正原因")])
    if (new_value is None) == (not recompute):
        raise InvalidInput(
            [ErrorDetail(("value",), "required", "请填写更正后的数值，或选择按现有数据重新计算")]
        )
    now = clock.now()
    with transaction.atomic():
        current = (
            IndicatorValue.objects.select_for_update()
            .select_related("indicator", "period", "division")
            .get(pk=value.pk)
        )
        if not current.is_current:
            raise Conflict("该数值已被更正，请在最新版本上更正")
        indicator, period = current.indicator, current.period
        report = None
        if recompute:
            if indicator.source == IndicatorSource.COMPUTED:
                every, total, version, definition = computed_figures(
                    indicator, context_for(period, as_of=now)
                )
                figure = (
                    total
                    if current.division.level == DivisionLevel.PREFECTURE
                    else every[current.division.code]
                )
                state, number = _state_and_value(figure)
                provenance: dict[str, Any] = {
                    "selector": indicator.selector, "version": version, "definition": definition,
                    "as_of": now.isoformat(), "figures": figure.provenance(), "recomputed": True,
                }  # fmt: skip
                selector_version, as_of = version, now
            else:
                state, number, provenance, report = reported_values(indicator, period)[current.division.code]
                selector_version, as_of = None, None
        else:
            state, number = ValueState.VALUE, new_value
            provenance = {"entered_by": actor.get_username(), "entered_at": now.isoformat()}
            selector_version, as_of = None, None
        current.is_current = False
        current.save(update_fields=["is_current"])
        corrected = IndicatorValue.objects.create(
            indicator=indicator, period=period, division=current.division, version=current.version + 1,
            state=state, value=number, provenance=provenance, selector_version=selector_version,
            computed_as_of=as_of, report=report, supersedes=current, reason=reason.strip(), recorded_by=actor,
            recorded_at=now,
        )  # fmt: skip
        audit.record(
            actor=actor, action="planning.value_correct", target=corrected, division=current.division,
            old={"value": str(current.value) if current.value is not None else None, "version": current.version},
            new={"value": str(number) if number is not None else None, "version": corrected.version},
            reason=corrected.reason[:200],
        )  # fmt: skip
    return corrected


def periods_due(today: datetime.date) -> list[Period]:
    return list(Period.objects.filter(frozen_at__isnull=True, deadline__lt=today).order_by("ends_on"))
