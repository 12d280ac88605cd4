"""Reporting periods and their frozen values (P16): at a period's deadline every indicator of its kind (a year:
also every computed monthly and quarterly one, over the whole year) is frozen for each county and the
prefecture — a computed one from the records as of that moment by its selector's version, a reported one from
the values accepted by then (entered by whom, reviewed by whom); a correction is the next version with its
reason (P13), and a county's correction writes the prefecture's total again. `zhenxing planning freeze --due`
runs this for every period past its deadline; before it, only with a written reason."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

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

UNWEIGHTED_MEAN = "各县(市)填报值的算术平均（未加权）"
TOTAL_NOT_REBUILT = "县级数值已更正，全州合计未重算"
REBUILT_REASON = "县(市)数值更正后重算"
EARLY_REASON_MIN = 4


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
    own report, else (逐级相加) its townships' added up; the prefecture's from the counties (`reported_total`)."""
    accepted = list(
        IndicatorReport.objects.filter(indicator=indicator, period=period, status=ReportStatus.ACCEPTED)
        .select_related("division", "county", "entered_by")
        .order_by("division__code")
    )
    out: dict[str, tuple[str, Decimal | None, dict[str, Any], IndicatorReport | None]] = {}
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
    out[prefecture().code] = reported_total(indicator, [out[c.code][1] for c in counties()])
    return out


def reported_total(
    indicator: Indicator, county_values: list[Decimal | None]
) -> tuple[str, Decimal | None, dict[str, Any], None]:
    """The prefecture's figure of a reported indicator: only once every county has a value (a partial sum would
    read as the prefecture's total) — the counties' sum, or for a share their plain average, said so (the
    counties' denominators are not reported, so it cannot be weighted). Otherwise 未填报 with how many reported."""
    have = [v for v in county_values if v is not None]
    if len(have) < len(county_values) or not have:
        return (
            ValueState.MISSING,
            None,
            {"counties_reported": len(have), "counties": len(county_values)},
            None,
        )
    if indicator.aggregation == Aggregation.SUM:
        return ValueState.VALUE, sum(have, Decimal(0)), {"sum_of_counties": len(have)}, None
    mean = (sum(have, Decimal(0)) / len(have)).quantize(Decimal("0.01"))
    return ValueState.VALUE, mean, {"mean_of_counties": len(have), "note": UNWEIGHTED_MEAN}, None


def _indicators_of(period: Period) -> Iterable[Indicator]:
    """The period's indicators: those of its kind; a year also takes every computed monthly and quarterly one,
    computed over the whole year (its selector reads a stock at Dec 31 and a flow from Jan 1), so that the
    yearly statistics read the year period alone. A reported monthly one is entered per month, not for the
    year, and stays with its months."""
    chosen = Indicator.objects.filter(active=True).select_related("sector").order_by("sort")
    if period.kind == PeriodKind.YEAR:
        return chosen.filter(Q(period=PeriodKind.YEAR) | Q(source=IndicatorSource.COMPUTED))
    return chosen.filter(period=period.kind)


def period_freeze(*, period: Period, actor: User | None, early_reason: str = "") -> int:
    """Freeze every indicator of the period (`_indicators_of`) for the 12 counties and the prefecture; the count
    frozen. Only after its deadline (P16: values reported until then count), unless the prefecture writes why it
    freezes early — kept as the audit event's reason."""
    if actor is not None:
        require(actor, Capability.MANAGE_ASSESSMENT, "只有州级可以冻结统计期")
    now = clock.now()
    early_reason = early_reason.strip()
    if period.ends_on >= now.date():
        raise Conflict(f"{period}尚未结束，不能冻结")
    if now.date() <= period.deadline and len(early_reason) < EARLY_REASON_MIN:
        raise Conflict(f"{period}的报送截止日为{period.deadline:%Y-%m-%d}，截止前冻结请写明提前冻结的原因")
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
            reason=early_reason[:200] if now.date() <= locked.deadline else "",
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
    today's records (a computed indicator), or taken from the report accepted since (a reported one). A county's
    correction also writes the prefecture's next version rebuilt from the counties' current values
    (`_rebuilt_total`), in the same transaction."""
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
        selector_version: int | None = None
        as_of: datetime.datetime | None = None
        if recompute:
            if indicator.source == IndicatorSource.COMPUTED:
                context = context_for(period, as_of=now)
                every, total, version, definition = computed_figures(indicator, context)
                figure = (
                    total
                    if current.division.level == DivisionLevel.PREFECTURE
                    else every[current.division.code]
                )
                state, number = _state_and_value(figure)
                provenance: dict[str, Any] = {
                    "selector": indicator.selector, "version": version, "definition": definition,
                    "as_of": now.isoformat(), "figures": figure.provenance(), "parameters": context.citations,
                    "recomputed": True,
                }  # fmt: skip
                selector_version, as_of = version, now
            else:
                state, number, provenance, report = reported_values(indicator, period)[current.division.code]
        else:
            state, number = ValueState.VALUE, new_value
            provenance = {"entered_by": actor.get_username(), "entered_at": now.isoformat()}
        corrected = _next_version(
            current, actor=actor, now=now, reason=reason.strip(), state=state, number=number,
            provenance=provenance, selector_version=selector_version, as_of=as_of, report=report,
        )  # fmt: skip
        if current.division.level == DivisionLevel.COUNTY:
            _rebuild_prefecture_total(indicator, period, actor=actor, now=now)
    return corrected


def _next_version(
    current: IndicatorValue, *, actor: User, now: datetime.datetime, reason: str, state: str,
    number: Decimal | None, provenance: dict[str, Any], selector_version: int | None,
    as_of: datetime.datetime | None, report: IndicatorReport | None,
) -> IndicatorValue:  # fmt: skip
    """The locked current version superseded by the next one, audited."""
    current.is_current = False
    current.save(update_fields=["is_current"])
    corrected = IndicatorValue.objects.create(
        indicator=current.indicator, period=current.period, division=current.division,
        version=current.version + 1, state=state, value=number, provenance=provenance,
        selector_version=selector_version, computed_as_of=as_of, report=report, supersedes=current,
        reason=reason, recorded_by=actor, recorded_at=now,
    )  # fmt: skip
    audit.record(
        actor=actor, action="planning.value_correct", target=corrected, division=current.division,
        old={"value": str(current.value) if current.value is not None else None, "version": current.version},
        new={"value": str(number) if number is not None else None, "version": corrected.version},
        reason=reason[:200],
    )  # fmt: skip
    return corrected


def _county_figure(value: IndicatorValue, empty: Figure) -> Figure | None:
    """A county's current value as its selector's figure: the numerator and denominator it was computed from,
    or a typed count (no denominator); None for a typed share, whose parts are unknown."""
    figures = (value.provenance or {}).get("figures")
    if isinstance(figures, dict) and "numerator" in figures:
        denominator = figures.get("denominator")
        return Figure(
            Decimal(str(figures["numerator"])),
            Decimal(str(denominator)) if denominator is not None else None,
            empty.scale,
            unconfigured=bool(figures.get("unconfigured")),
        )
    if empty.denominator is None:
        return Figure(value.value if value.value is not None else Decimal(0))
    return None


def _rebuilt_total(
    indicator: Indicator, total: IndicatorValue, parts: list[IndicatorValue], now: datetime.datetime
) -> tuple[str, Decimal | None, dict[str, Any], int | None]:
    """The prefecture's state, value, provenance and selector version rebuilt from the counties' current values.
    Computed: the counties' numerators and denominators added up again (`total_of`); where a county's share was
    typed its parts are unknown, so the total keeps its value and says it was not rebuilt. Reported: as at
    the freeze (`reported_total`)."""
    if indicator.source != IndicatorSource.COMPUTED:
        state, number, provenance, _ = reported_total(
            indicator, [p.value if p.state == ValueState.VALUE else None for p in parts]
        )
        return state, number, {**provenance, "rebuilt": True}, None
    selector = COMPUTED.get(indicator.selector)
    empty = selector.empty if selector is not None else Figure(Decimal(0))
    figures = [_county_figure(part, empty) for part in parts]
    if any(figure is None for figure in figures):
        return (
            total.state,
            total.value,
            {**(total.provenance or {}), "not_rebuilt": TOTAL_NOT_REBUILT},
            (total.selector_version),
        )
    figure = total_of({p.division.code: f for p, f in zip(parts, figures, strict=True) if f}, empty)
    state, number = _state_and_value(figure)
    provenance = {
        **(total.provenance or {}), "as_of": now.isoformat(), "figures": figure.provenance(), "rebuilt": True,
    }  # fmt: skip
    provenance.pop("not_rebuilt", None)
    provenance.pop("recomputed", None)
    return state, number, provenance, total.selector_version


def _rebuild_prefecture_total(
    indicator: Indicator, period: Period, *, actor: User, now: datetime.datetime
) -> None:
    """After a county's correction: the prefecture's next version from the counties' current values."""
    total = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, period=period, division=prefecture(), is_current=True)
        .first()
    )
    if total is None:
        return
    parts = list(
        IndicatorValue.objects.filter(
            indicator=indicator, period=period, division__level=DivisionLevel.COUNTY, is_current=True
        ).select_related("division").order_by("division__code")
    )  # fmt: skip
    state, number, provenance, version = _rebuilt_total(indicator, total, parts, now)
    _next_version(
        total, actor=actor, now=now, reason=REBUILT_REASON, state=state, number=number, provenance=provenance,
        selector_version=version, as_of=total.computed_as_of if version is not None else None, report=None,
    )  # fmt: skip


def periods_due(today: datetime.date) -> list[Period]:
    return list(Period.objects.filter(frozen_at__isnull=True, deadline__lt=today).order_by("ends_on"))
