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


DEFAULT_NOTE = "默认规则（P5、P6、P10）"
RULE_FIELDS = ("name", "risk_type", "grade", "policy_rule", "sql", "params")


def _spec_fields(spec: dict[str, object]) -> dict[str, object]:
    return {
        "name": spec["name"], "risk_type": spec["risk_type"], "grade": spec["grade"], "policy_rule": spec["rule"],
        "sql": spec["sql"], "params": spec["params"],
    }  # fmt: skip


def ship_default_rules(rule_set_model: Any, rule_model: Any, *, note: str = DEFAULT_NOTE) -> None:
    """Make DEFAULT_RULES the current rule set: version 1 on an empty table, else, when the current set
    differs from them, the next version (with `note`), keeping which rules were switched off. The older sets
    stay: each lead names the version that raised it. Used by the data migrations and by tests that re-seed."""
    for spec in DEFAULT_RULES:
        check_rule_sql(str(spec["sql"]))
    current = rule_set_model.objects.filter(is_current=True).first()
    enabled: dict[str, bool] = {}
    if current is not None:
        shipped = {
            rule.code: ({field: getattr(rule, field) for field in RULE_FIELDS})
            for rule in rule_model.objects.filter(rule_set=current)
        }
        if shipped == {str(spec["code"]): _spec_fields(spec) for spec in DEFAULT_RULES}:
            return
        enabled = dict(rule_model.objects.filter(rule_set=current).values_list("code", "enabled"))
        rule_set_model.objects.filter(pk=current.pk).update(is_current=False)
    elif rule_set_model.objects.exists():
        return  # no set is current: an administrator's choice, not ours to undo
    highest = rule_set_model.objects.order_by("-version").values_list("version", flat=True).first()
    rule_set = rule_set_model.objects.create(version=(highest or 0) + 1, note=note, is_current=True)
    for spec in DEFAULT_RULES:
        rule_model.objects.create(
            rule_set=rule_set,
            code=spec["code"],
            enabled=enabled.get(str(spec["code"]), True),
            **_spec_fields(spec),
        )
