"""Reads of the parameters. Always from the database, so an administrator's edit takes effect at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When

from zhenxing.divisions.models import Division
from zhenxing.policy.enums import KIND_YEAR_RULE, YUNNAN, ParameterKind, YearRule
from zhenxing.policy.models import Parameter


class ParameterMissing(LookupError):
    def __init__(self, kind: str, year: int | None) -> None:
        super().__init__(f"{kind} {year}")
        self.kind = kind
        self.year = year


def parameter_list() -> QuerySet[Parameter]:
    """Every current parameter, for the provenance page (no personal data: any signed-in user may read)."""
    # in the enum's order (the monitoring line first), as an administrator thinks of them, not by code
    order = Case(
        *(When(kind=kind, then=Value(i)) for i, kind in enumerate(ParameterKind.values)), default=Value(99)
    )
    return (
        Parameter.objects.filter(is_current=True)
        .select_related("created_by")
        .annotate(kind_order=order)
        .order_by("kind_order", "region", "year", "pk")
    )


def parameter_get(*, pk: int) -> Parameter | None:
    """One version, current or superseded (reference data: any signed-in user may read it)."""
    return Parameter.objects.select_related("created_by").filter(pk=pk).first()


def parameter_title(parameter: Parameter) -> str:
    """防止返贫监测范围 2025年 第2版: how a page names one version (a county's own value names the county)."""
    year = f"{parameter.year}年" if parameter.year else "不分年度"
    place = "" if parameter.region == YUNNAN else f" {region_label(parameter.region)}"
    return f"{parameter.get_kind_display().split('（')[0]}{place} {year} 第{parameter.version}版"


def parameter_history(*, kind: str, region: str, year: int | None) -> QuerySet[Parameter]:
    return (
        Parameter.objects.filter(kind=kind, region=region, year=year)
        .select_related("created_by")
        .order_by("-version")
    )


def parameter_for(kind: str, *, year: int, region: str = YUNNAN) -> Parameter:
    """The current parameter of `kind` that answers for `year` (see YearRule); ParameterMissing otherwise."""
    rule = KIND_YEAR_RULE[kind]
    current = Parameter.objects.filter(kind=kind, region=region, is_current=True)
    if rule == YearRule.EXACT:
        found = current.filter(year=year).first()
    elif rule in (YearRule.IN_FORCE, YearRule.FROM_DATE):
        found = current.filter(year__lte=year).order_by("-year").first()
    else:
        found = current.filter(Q(year__isnull=True)).first()
    if found is None:
        raise ParameterMissing(kind, year)
    return found


def latest_line_year(*, up_to: int, region: str = YUNNAN) -> int | None:
    """The latest year up to `up_to` with a current monitoring line: the sensible default year for a form."""
    return (
        Parameter.objects.filter(kind="monitoring_line", region=region, is_current=True, year__lte=up_to)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def line_years(*, region: str = YUNNAN) -> set[int]:
    """The years with a current monitoring line (the parameter list's footnote names the missing ones)."""
    years = Parameter.objects.filter(
        kind="monitoring_line", region=region, is_current=True, year__isnull=False
    ).values_list("year", flat=True)
    return {year for year in years if year is not None}


def optional_parameter_for(kind: str, *, year: int, region: str = YUNNAN) -> Parameter | None:
    try:
        return parameter_for(kind, year=year, region=region)
    except ParameterMissing:
        return None


def dibao_standard_for(*, county_code: str, year: int) -> Parameter | None:
    """P17: the 农村低保标准 in force for `year` in a county: the county's own current row (region = its
    6-digit code, the latest year up to `year`), else the province's (region "53"), else None — the caller
    says 未配置, never a guessed amount. The value is yuan per person and year (P4)."""
    own = optional_parameter_for(ParameterKind.DIBAO_STANDARD, year=year, region=county_code)
    if own is not None:
        return own
    return optional_parameter_for(ParameterKind.DIBAO_STANDARD, year=year, region=YUNNAN)


def region_label(region: str) -> str:
    """How a parameter's region reads: 全省 for the province, the county's name for a county (P17)."""
    if region == YUNNAN:
        return "云南省（全省）"
    name = Division.objects.filter(code=region).values_list("name", flat=True).first()
    return f"{name}（{region}）" if name else region


@dataclass(frozen=True)
class UsedParameter:
    """How a decision cites a parameter: enough to explain it years later (P8, P13)."""

    id: int
    kind: str
    year: int | None
    version: int
    value: Any
    document: str
    verified: bool

    @classmethod
    def of(cls, parameter: Parameter) -> UsedParameter:
        return cls(
            id=parameter.pk,
            kind=parameter.kind,
            year=parameter.year,
            version=parameter.version,
            value=parameter.value,
            document=parameter.document,
            verified=parameter.verified,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "value": self.value,
            "document": self.document,
            "year": self.year,
            "version": self.version,
            "verified": self.verified,
        }
