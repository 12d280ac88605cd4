"""A signal's evidence as a person reads it: money rules compare fen, shown as yuan with separators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhenxing.screening.models import LeadSignal, Rule, ScreeningRun


@dataclass(frozen=True)
class EvidenceRow:
    signal: LeadSignal
    money: bool
    value: Any
    threshold: Any
    line_note: str = ""  # P17: 暂用… when the rule compared with a provisional monitoring line


def _is_money(sql: str) -> bool:
    # a rule is about money when it reads an amount or the monitoring line, both stored in fen (P3)
    return "_fen" in sql


def evidence_rows(signals: list[LeadSignal]) -> list[EvidenceRow]:
    """Each signal with whether its value and threshold are amounts, decided by the rule that raised it
    (the signal's own rule-set version, so an edited rule does not change how old evidence reads)."""
    wanted = {(s.rule_set_version, s.rule_code) for s in signals}
    sql = {
        (version, code): text
        for version, code, text in Rule.objects.filter(
            rule_set__version__in={v for v, _ in wanted}, code__in={c for _, c in wanted}
        ).values_list("rule_set__version", "code", "sql")
    }
    notes = {
        pk: str(((parameters or {}).get("monitoring_line") or {}).get("note") or "")
        for pk, parameters in ScreeningRun.objects.filter(pk__in={s.run_id for s in signals}).values_list(
            "pk", "parameters"
        )
    }
    rows = []
    for s in signals:
        evidence = s.evidence if isinstance(s.evidence, dict) else {}
        value, threshold = evidence.get("value"), evidence.get("threshold")
        numeric = all(isinstance(x, int | float) and not isinstance(x, bool) for x in (value, threshold))
        # a comparison's signal (monitoring's 民政比对, P17) says itself that it compares amounts
        money = numeric and (
            evidence.get("money") is True or _is_money(sql.get((s.rule_set_version, s.rule_code), ""))
        )
        reads_line = ":line_fen" in sql.get((s.rule_set_version, s.rule_code), "")
        note = notes.get(s.run_id, "") if reads_line else ""
        rows.append(EvidenceRow(signal=s, money=money, value=value, threshold=threshold, line_note=note))
    return rows
