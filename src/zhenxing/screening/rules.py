"""Rules as data: shipping the default set, and turning a rule's portable SQL into an engine's dialect."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import sqlglot

from zhenxing.screening.default_rules import DEFAULT_RULES

PLACEHOLDER = re.compile(r":([a-z_][a-z0-9_]*)")
DIALECTS = {"postgresql": "postgres", "sqlite": "sqlite", "duckdb": "duckdb", "spark": "spark"}


class RuleSqlError(ValueError):
    pass


@cache
def transpile(sql: str, vendor: str) -> str:
    """The rule in the engine's dialect, placeholders as pyformat (%(name)s) for DB-API drivers."""
    try:
        [statement] = sqlglot.transpile(sql, read="postgres", write=DIALECTS[vendor])
    except (sqlglot.errors.ParseError, ValueError) as error:
        raise RuleSqlError(f"规则 SQL 无法解析：{error}") from error
    return PLACEHOLDER.sub(lambda m: f"%({m.group(1)})s", statement)


def check_rule_sql(sql: str) -> None:
    """Refuse a rule that is not one SELECT of (household_id, value, threshold) every engine can run."""
    parsed = sqlglot.parse_one(sql, read="postgres")
    if not isinstance(parsed, sqlglot.exp.Select):
        raise RuleSqlError("规则必须是一条 SELECT 语句")
    names = [expression.alias_or_name for expression in parsed.expressions]
    if names != ["household_id", "value", "threshold"]:
        raise RuleSqlError(f"规则应返回 household_id, value, threshold 三列，实际为 {names}")
    for vendor in DIALECTS:
        transpile(sql, vendor)


def ship_default_rules(rule_set_model: Any, rule_model: Any) -> None:
    """Create rule set v1 from DEFAULT_RULES if there is none (data migration and test re-seeding)."""
    if rule_set_model.objects.exists():
        return
    rule_set = rule_set_model.objects.create(version=1, note="默认规则（P5、P6、P10）", is_current=True)
    for spec in DEFAULT_RULES:
        check_rule_sql(str(spec["sql"]))
        rule_model.objects.create(
            rule_set=rule_set,
            code=spec["code"],
            name=spec["name"],
            risk_type=spec["risk_type"],
            grade=spec["grade"],
            policy_rule=spec["rule"],
            sql=spec["sql"],
            params=spec["params"],
        )
