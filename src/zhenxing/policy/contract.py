"""The evaluate contract (POST /api/v1/policy/evaluate, `zhenxing policy evaluate`): JSON in, JSON out.

Both entry points call `evaluate_json`, so they answer with identical bytes. It reads only the parameters.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from zhenxing.common import clock
from zhenxing.common.errors import ErrorDetail, InvalidInput
from zhenxing.common.validation_messages import chinese_message
from zhenxing.policy import selectors
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.evaluate import Verdict, evaluate_household
from zhenxing.policy.household import Disability, Household, Income, Member, RigidExpenses, Water
from zhenxing.policy.lines import MonitoringLine, line_for
from zhenxing.policy.regimes import Regime, regime_for
from zhenxing.policy.request import CONTRACT_VERSION, EvaluateRequest, MemberIn
from zhenxing.policy.rules.idnumber import IdNumberError, parse_id_number
from zhenxing.policy.rules.income import NoMembersAtYearEnd
from zhenxing.policy.rules.money import fen_to_yuan, per_capita_yuan, yuan_to_fen
from zhenxing.policy.rules.sector import MedicalSubsidySchedule

Loc = tuple[str | int, ...]


def _pydantic_details(error: ValidationError) -> list[ErrorDetail]:
    details = []
    for item in error.errors(include_url=False):
        details.append(ErrorDetail(loc=tuple(item["loc"]), code=item["type"], message=chinese_message(item)))
    return details


def parse_request(payload: Any) -> EvaluateRequest:
    if not isinstance(payload, dict):
        raise InvalidInput([ErrorDetail((), "invalid_json", "请求体应为 JSON 对象")])
    try:
        return EvaluateRequest.model_validate(payload)
    except ValidationError as error:
        raise InvalidInput(_pydantic_details(error)) from None


def _member(index: int, member: MemberIn, year: int, problems: list[ErrorDetail]) -> Member | None:
    """P2: the birth date from the ID number, or as given; both given must agree."""
    loc: Loc = ("household", "members", index)
    birth = member.birth_date
    if member.id_number is not None:
        try:
            identity = parse_id_number(member.id_number)
        except IdNumberError as error:
            problems.append(ErrorDetail((*loc, "id_number"), error.code, error.message))
            return None
        if birth is not None and birth != identity.birth_date:
            problems.append(
                ErrorDetail(
                    (*loc, "birth_date"),
                    "id_birth_mismatch",
                    f"出生日期 {birth.isoformat()} 与身份证号中的 {identity.birth_date.isoformat()} 不一致",
                )
            )
            return None
        birth = identity.birth_date
    if birth is None:
        problems.append(
            ErrorDetail((*loc, "id_number"), "id_or_birth_required", "身份证号和出生日期至少填写一项")
        )
        return None
    if birth > datetime.date(year, 12, 31):
        problems.append(
            ErrorDetail(
                (*loc, "birth_date"), "born_after_year", f"出生日期晚于{year}年12月31日，不是当年的家庭成员"
            )
        )
        return None
    return Member(
        birth_date=birth,
        relation=member.relation,
        labour=member.labour,
        health=tuple(member.health),
        disability=Disability(member.disability.category, member.disability.grade)
        if member.disability
        else None,
        schooling=member.schooling,
        out_of_school=member.out_of_school,
        education_exempt=member.education_exempt,
        work_place=member.work_place,
        work_months=member.work_months,
        welfare_job_months=member.welfare_job_months,
        medical_insurance=member.medical_insurance,
    )


def build_household(request: EvaluateRequest) -> Household:
    data = request.household
    problems: list[ErrorDetail] = []
    if not data.members:
        problems.append(ErrorDetail(("household", "members"), "no_member", "至少需要一名家庭成员"))
    members = [_member(i, m, request.year, problems) for i, m in enumerate(data.members)]
    if problems:
        raise InvalidInput(problems)
    income, rigid = data.income, data.rigid_expenses
    return Household(
        kind=data.kind,
        members=tuple(m for m in members if m is not None),
        income=Income(
            wage=yuan_to_fen(income.wage),
            business=yuan_to_fen(income.business),
            property=yuan_to_fen(income.property),
            transfer=yuan_to_fen(income.transfer),
            business_cost=yuan_to_fen(income.business_cost),
        ),
        insurance_payouts=yuan_to_fen(data.insurance_payouts),
        rigid_expenses=RigidExpenses(
            medical=yuan_to_fen(rigid.medical),
            education=yuan_to_fen(rigid.education),
            rehabilitation=yuan_to_fen(rigid.rehabilitation),
            accident=yuan_to_fen(rigid.accident),
            disaster=yuan_to_fen(rigid.disaster),
        ),
        is_monitoring_object=data.is_monitoring_object,
        monitoring_months=data.monitoring_months,
        housing_grade=data.housing_grade,
        water=Water(
            supply_cut_days=data.water.supply_cut_days,
            quality_ok=data.water.quality_ok,
            access_ok=data.water.access_ok,
        ),
        disaster=data.disaster,
        accident=data.accident,
        industry_failure=data.industry_failure,
    )


@dataclass(frozen=True)
class SectorRule:
    """P11/P17: whether a sector rule of the year is configured; when not, its answer is null, never a guess."""

    configured: bool
    message: str | None
    parameter: selectors.UsedParameter | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "configured": self.configured,
            "message": self.message,
            "parameter": self.parameter.as_dict() if self.parameter else None,
        }


@dataclass(frozen=True)
class Evaluation:
    verdict: Verdict
    parameters: dict[str, selectors.UsedParameter]
    line_overridden: bool
    decided_on: datetime.date | None = None
    regime: Regime | None = None
    line: MonitoringLine | None = None  # None when the request gave its own line
    sector_rules: dict[str, SectorRule] | None = None

    @property
    def line_provisional(self) -> bool:
        return self.line is not None and self.line.provisional

    @property
    def line_note(self) -> str | None:
        return self.line.note if self.line is not None and self.line.provisional else None


def _required(kind: ParameterKind, year: int) -> selectors.UsedParameter:
    try:
        return selectors.UsedParameter.of(selectors.parameter_for(kind, year=year))
    except selectors.ParameterMissing:
        raise InvalidInput(
            [ErrorDetail(("year",), "parameter_not_configured", f"未配置{kind.label}")]
        ) from None


SECTOR_MISSING = {
    ParameterKind.MEDICAL_SUBSIDY: "未配置{year}年度医保资助参保标准",
    ParameterKind.TRANSPORT_SUBSIDY_MIN_MONTHS: "未配置{year}年度一次性交通补助规则",
}
SECTOR_RULE_KEYS = {
    ParameterKind.MEDICAL_SUBSIDY: "medical_insurance_subsidy",
    ParameterKind.TRANSPORT_SUBSIDY_MIN_MONTHS: "transport_subsidy",
}


def _sector_rule(kind: ParameterKind, year: int) -> SectorRule:
    parameter = selectors.optional_parameter_for(kind, year=year)
    if parameter is None:
        return SectorRule(False, SECTOR_MISSING[kind].format(year=year), None)
    return SectorRule(True, None, selectors.UsedParameter.of(parameter))


def evaluate_request(request: EvaluateRequest) -> Evaluation:
    return evaluate_with_parameters(
        build_household(request),
        year=request.year,
        decided_on=request.decided_on,
        line_override=request.monitoring_line,
        cites_id_numbers=any(m.id_number for m in request.household.members),
    )


def evaluate_with_parameters(
    household: Household,
    *,
    year: int,
    decided_on: datetime.date | None = None,
    line_override: Decimal | None = None,
    cites_id_numbers: bool = False,
) -> Evaluation:
    """Load the year's parameters and apply the rules; InvalidInput when a needed parameter is missing.
    Shared by the contract and by the registry's household page, so both decide alike.

    P17: the regime follows the decision date (`decided_on`, default today), the line the assessment year
    (`year`): a January 2026 decision on 2025 income uses the 2025 line. Before the year's standard is
    published the regime's gap setting refuses or uses last year's line marked provisional (lines.line_for).
    The sector rules that ended with the transition answer 未配置 (null) for a year without its rule."""
    day = decided_on or clock.today()
    regime = regime_for(day)
    used: dict[str, selectors.UsedParameter] = {}
    line = None
    if line_override is not None:
        line_fen = yuan_to_fen(line_override)
    else:
        line = line_for(year=year, decided_on=day)
        used[ParameterKind.MONITORING_LINE] = selectors.UsedParameter.of(line.parameter)
        line_fen = line.fen
    sector = {kind: _sector_rule(kind, year) for kind in SECTOR_MISSING}
    schedule = None
    subsidy = sector[ParameterKind.MEDICAL_SUBSIDY].parameter
    if subsidy is not None:
        used[ParameterKind.MEDICAL_SUBSIDY] = subsidy
        schedule = MedicalSubsidySchedule(**subsidy.value)
    min_months = 0
    if household.is_monitoring_object:
        used[ParameterKind.ELIMINATION_MIN_MONTHS] = _required(ParameterKind.ELIMINATION_MIN_MONTHS, year)
        min_months = int(used[ParameterKind.ELIMINATION_MIN_MONTHS].value)
    transport = sector[ParameterKind.TRANSPORT_SUBSIDY_MIN_MONTHS].parameter
    if transport is not None:
        used[ParameterKind.TRANSPORT_SUBSIDY_MIN_MONTHS] = transport
    used[ParameterKind.REGIME] = selectors.UsedParameter.of(regime.parameter)
    try:
        verdict = evaluate_household(
            household,
            year=year,
            line_fen=line_fen,
            subsidy_schedule=schedule,
            elimination_min_months=min_months,
            transport_min_months=int(transport.value) if transport is not None else None,
            cites_id_numbers=cites_id_numbers,
        )
    except NoMembersAtYearEnd as error:
        raise InvalidInput([ErrorDetail(("household", "members"), error.code, str(error))]) from None
    return Evaluation(
        verdict=verdict,
        parameters=used,
        line_overridden=line_override is not None,
        decided_on=day,
        regime=regime,
        line=line,
        sector_rules={SECTOR_RULE_KEYS[kind]: rule for kind, rule in sector.items()},
    )


def response_body(evaluation: Evaluation) -> dict[str, Any]:
    verdict = evaluation.verdict
    size = verdict.household_size
    return {
        "year": verdict.year,
        "monitoring_line": fen_to_yuan(verdict.line_fen),
        "household_size": size,
        "net_income": fen_to_yuan(verdict.net_income_fen),
        "per_capita_net_income": per_capita_yuan(verdict.net_income_fen, size),
        "adjusted_per_capita_income": per_capita_yuan(verdict.adjusted_income_fen, size),
        "within_monitoring_range": verdict.within_monitoring_range,
        "suggested_type": verdict.suggested_type,
        "risk_types": verdict.risk_types,
        "measures": verdict.measures,
        "comprehensive": verdict.comprehensive,
        "has_labour": verdict.has_labour,
        "elimination": (
            None
            if verdict.elimination is None
            else {"eligible": verdict.elimination.eligible, "reasons": verdict.elimination.reasons}
        ),
        "medical_insurance_subsidy": verdict.medical_insurance_subsidy,
        "transport_subsidy_members": verdict.transport_subsidy_members,
        "rules": verdict.rules,
        "parameters": {kind: used.as_dict() for kind, used in evaluation.parameters.items()},
        # contract version 2 (P17): the decision date, its regime, the provisional line, the sector rules
        "contract_version": CONTRACT_VERSION,
        "decided_on": evaluation.decided_on.isoformat() if evaluation.decided_on else None,
        "regime": evaluation.regime.as_dict() if evaluation.regime else None,
        "monitoring_line_provisional": evaluation.line_provisional,
        "monitoring_line_year": evaluation.line.of_year if evaluation.line else None,
        "monitoring_line_note": evaluation.line_note,
        "sector_rules": {key: rule.as_dict() for key, rule in (evaluation.sector_rules or {}).items()},
    }


def errors_body(error: InvalidInput) -> dict[str, Any]:
    return {"errors": [detail.as_dict() for detail in error.errors()]}


def loads(text: str | bytes) -> Any:
    """JSON with numbers kept exact: decimals become Decimal, never binary floats."""
    try:
        return json.loads(text, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput([ErrorDetail((), "invalid_json", f"请求体不是有效的 JSON：{error}")]) from None
    except RecursionError:
        raise InvalidInput([ErrorDetail((), "invalid_json", "请求体不是有效的 JSON：嵌套层次过深")]) from None


def dumps(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False)


def evaluate_json(text: str | bytes) -> tuple[int, str]:
    """(status, JSON text): 200 with the verdict, or 422 with the errors. Never raises on bad input."""
    try:
        evaluation = evaluate_request(parse_request(loads(text)))
    except InvalidInput as error:
        return 422, dumps(errors_body(error))
    return 200, dumps(response_body(evaluation))
