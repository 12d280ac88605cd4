"""What-if (issue 6): the income rules with another monitoring line, over one snapshot, before a new line is
published — counts per area, type and grade, and the households that would enter or leave the range.
Nothing is written: no lead, no run."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from zhenxing.policy.rules.income import suggested_type
from zhenxing.policy.rules.money import yuan_to_fen
from zhenxing.screening.engines import Signal, round_parameters, run_rules_duckdb
from zhenxing.screening.models import Rule, RuleSet
from zhenxing.screening.snapshot import Snapshot, snapshot_open

# The monitoring range (P5) is what a line change moves: the income and sudden-hardship rules.
LINE_RULES = ("R01", "R02")
INCOME_RULE = "R01"  # R01 is the P5 income test, R02 the sudden-hardship test
# the income rules read three tables: the feeds stay in the database
TABLES = ("registry_household", "registry_membership", "registry_householdyear")


@dataclass
class Setting:
    line_yuan: Decimal
    label: str = ""  # e.g. 2025年标准（暂用） when side A is the standing line of an earlier year (P17)
    households: set[int] = field(default_factory=set)
    by_area: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    by_grade: Counter[str] = field(default_factory=Counter)


# what-ifs of one sitting share a snapshot (the page says when it was taken)
PAGE_SNAPSHOT_MAX_AGE = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    counts: tuple[int, int]

    @property
    def change(self) -> int:
        return self.counts[1] - self.counts[0]


@dataclass
class WhatIf:
    year: int
    settings: list[Setting]
    entering: list[int]
    leaving: list[int]
    area_names: dict[str, str]
    snapshot: Snapshot
    with_records: int = 0  # households in scope with a 收支 record for the year: none means nothing to count


def what_if(
    *, year: int, lines_yuan: list[Decimal], prefixes: list[str], area_length: int, area_names: dict[str, str],
    snapshot_max_age: datetime.timedelta | None = None, labels: list[str] | None = None,
) -> WhatIf:  # fmt: skip
    """Run the line-dependent rules once per line over the same snapshot, for households under `prefixes`,
    counted by the division code cut to `area_length` (9: townships, 6: counties). A snapshot younger than
    `snapshot_max_age` whose data has not moved is reused, so that trying several lines costs one copy."""
    rules = list(
        Rule.objects.filter(rule_set=RuleSet.objects.get(is_current=True), code__in=LINE_RULES).order_by(
            "code"
        )
    )
    with snapshot_open(max_age=snapshot_max_age, tables=TABLES) as (snapshot, con):
        per_line: list[list[Signal]] = [
            run_rules_duckdb(con, rules, round_parameters(year=year, line_fen=yuan_to_fen(line)))
            for line in lines_yuan
        ]
        # village and kind of the households that fired only, not of the whole registry
        import pyarrow

        fired = pyarrow.table(
            {"id": sorted({signal.household_id for signals in per_line for signal in signals})}
        )
        con.register("fired", fired)
        village_of, kind_of = {}, {}
        for pk, village, kind in con.execute(
            "SELECT h.id, h.village_code, h.kind FROM registry_household h JOIN fired USING (id)"
        ).fetchall():
            village_of[pk], kind_of[pk] = village, kind
        with_records = sum(
            count
            for village, count in con.execute(
                "SELECT h.village_code, count(DISTINCT h.id) FROM registry_householdyear y"
                " JOIN registry_household h ON h.id = y.household_id WHERE y.year = ? GROUP BY 1",
                [year],
            ).fetchall()
            if any(village.startswith(prefix) for prefix in prefixes)
        )
        results = []
        names = labels or [""] * len(lines_yuan)
        for line, signals, label in zip(lines_yuan, per_line, names, strict=True):
            setting = Setting(line_yuan=line, label=label)
            for signal in signals:
                village = village_of.get(signal.household_id, "")
                if (
                    not any(village.startswith(prefix) for prefix in prefixes)
                    or signal.household_id in setting.households
                ):
                    continue
                setting.households.add(signal.household_id)
                setting.by_area[village[:area_length]] += 1
                by_income = signal.rule.code == INCOME_RULE
                kind = kind_of.get(signal.household_id, "")
                setting.by_type[
                    str(suggested_type(kind, by_income=by_income, by_sudden_hardship=not by_income))
                ] += 1
                setting.by_grade[signal.rule.grade] += 1
            results.append(setting)
    first, last = results[0].households, results[-1].households
    return WhatIf(
        year=year,
        settings=results,
        entering=sorted(last - first),
        leaving=sorted(first - last),
        area_names=area_names,
        snapshot=snapshot,
        with_records=with_records,
    )


def side_by_side(result: WhatIf) -> dict[str, list[Row]]:
    """The two settings in columns: per area, per monitoring type and per grade, every key either one has."""
    first, second = result.settings[0], result.settings[-1]

    def rows(a: Counter[str], b: Counter[str], labels: dict[str, str]) -> list[Row]:
        return [Row(key, labels.get(key, key), (a[key], b[key])) for key in sorted(set(a) | set(b))]

    return {
        "areas": rows(first.by_area, second.by_area, result.area_names),
        "types": rows(first.by_type, second.by_type, {}),
        "grades": rows(first.by_grade, second.by_grade, {}),
    }
