"""How the rules' SQL twins are written: portable SQL (PostgreSQL syntax, transpiled by sqlglot for SQLite,
DuckDB and Spark), with the values of the rule's own named constants spelled in by these helpers, so that
a constant changed in Python changes the SQL with it.

Each fragment beside its Python twin reads the tables the screening rules read (screening/snapshot.py
lists their columns), under fixed aliases: `y` registry_householdyear, `m` registry_membership, `p`
registry_person, `f` feeds_feedrecord. Placeholders the engines fill for a year (screening/engines.py,
`round_parameters`): :year, :year_start, :year_end, :line_fen, and the birth-date bounds of the ages the
rules use (people.AGE_PLACEHOLDERS).
"""

from __future__ import annotations

from collections.abc import Iterable


def text(value: str) -> str:
    """A string literal (quotes doubled, as every dialect here reads them)."""
    return "'" + value.replace("'", "''") + "'"


def texts(values: Iterable[str]) -> str:
    """`'a', 'b'` for an IN list of strings."""
    return ", ".join(text(value) for value in values)


def integers(values: Iterable[int]) -> str:
    """`1, 2` for an IN list of integers (refuses anything else, so nothing foreign reaches the SQL)."""
    return ", ".join(str(int(value)) for value in values)
