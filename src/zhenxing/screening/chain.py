"""How a snapshot is laid out on disk and read back (issue 22): a full copy, then deltas on top of it.

A full snapshot holds every row of each table, partitioned by county (`<table>/county=532901/*.parquet`), so
that a cluster reads a county's households, members and feed rows as one task. A delta holds only what changed
since the snapshot before it: the rows of the households (and people) that changed, under the same layout,
and their ids in `replaced_households.parquet` / `replaced_people.parquet` ("tombstones": these households' rows in the
earlier snapshots are replaced, or gone), and the feed records added since (feeds are append-only: nothing to
replace). A round reads the chain — the full copy and every delta after it — as one view per table: each
level's rows less those a later level replaced. The rules see the same tables as before.

A snapshot of the layout before partitioning (`<table>.parquet` beside the manifest) is read as a one-level
chain, so that snapshots taken before the upgrade stay readable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zhenxing.divisions.enums import CODE_LENGTH, DivisionLevel

MANIFEST = "manifest.json"
# a table's rows are replaced by the household (or person) they belong to; feed records are only ever added
KEYS: dict[str, tuple[str, str] | None] = {
    "registry_household": ("id", "households"),
    "registry_householdyear": ("household_id", "households"),
    "registry_membership": ("household_id", "households"),
    "registry_person": ("id", "people"),
    "feeds_feedrecord": None,
}
# not "_…": Spark (Hadoop) skips files whose names begin with "_" or "."
TOMBSTONES = {"households": "replaced_households.parquet", "people": "replaced_people.parquet"}
COUNTY_DIGITS = CODE_LENGTH[DivisionLevel.COUNTY]  # a village code begins with its county's
NO_COUNTY = (
    "0" * COUNTY_DIGITS
)  # rows whose county is not known in their level (a person without a membership)


def files_of(level: Path, table: str) -> str | None:
    """The level's Parquet files of `table` as one glob (or one path), or None when it holds no rows of it."""
    partitioned = level / table
    if partitioned.is_dir() and any(partitioned.glob("*/*.parquet")):
        return str(partitioned / "*" / "*.parquet")
    single = level / f"{table}.parquet"
    return str(single) if single.exists() else None


def chain_of(folder: Path) -> list[Path]:
    """The folders a snapshot reads, oldest (the full copy) first, itself last."""
    manifest = folder / MANIFEST
    if not manifest.exists():
        return [folder]
    names = json.loads(manifest.read_text()).get("chain") or [folder.name]
    return [folder.parent / name for name in names[:-1]] + [folder]


def tables_of(folder: Path, known: list[str]) -> list[str]:
    """The tables a snapshot holds (its manifest says, an empty one included), in the order of `known`."""
    manifest = folder / MANIFEST
    if manifest.exists():
        held = set(json.loads(manifest.read_text()).get("rows", {}))
        return [table for table in known if table in held]
    return [table for table in known if any(files_of(level, table) for level in chain_of(folder))]


@dataclass(frozen=True)
class Part:
    """One level's rows of a table, less the rows later levels replaced."""

    files: str
    key: str | None
    replaced_by: tuple[str, ...]  # tombstone files of later levels for this table's key


def parts_of(folder: Path, table: str) -> list[Part]:
    return parts_in(chain_of(folder), table)


def parts_in(levels: list[Path], table: str) -> list[Part]:
    keyed = KEYS.get(table)
    parts = []
    for index, level in enumerate(levels):
        files = files_of(level, table)
        if files is None:
            continue
        replaced: tuple[str, ...] = ()
        if keyed is not None:
            tombstone = TOMBSTONES[keyed[1]]
            replaced = tuple(
                str(later / tombstone) for later in levels[index + 1 :] if (later / tombstone).exists()
            )
        parts.append(Part(files=files, key=keyed[0] if keyed else None, replaced_by=replaced))
    return parts


def view_sql(
    table: str, columns: list[tuple[str, str]], parts: list[Part], relation: Callable[[str], str]
) -> str:
    """A SELECT of `table` over the chain, for any engine: `relation` turns a file glob into that engine's
    table expression (DuckDB's read_parquet, a Spark temporary view). The anti-join is written as NOT EXISTS,
    which DuckDB and Spark both plan as a hash anti-join."""
    names = ", ".join(f"t.{name}" for name, _ in columns)
    if not parts:
        # STRING, not VARCHAR: Spark wants a length on VARCHAR; DuckDB takes STRING as its alias
        empty = ", ".join(
            f"CAST(NULL AS {kind.replace('VARCHAR', 'STRING')}) AS {name}" for name, kind in columns
        )
        return f"SELECT * FROM (SELECT {empty}) AS no_rows WHERE 1 = 0"
    selects = []
    for part in parts:
        select = f"SELECT {names} FROM {relation(part.files)} t"
        if part.key and part.replaced_by:
            replaced = " UNION ALL ".join(f"SELECT id FROM {relation(path)}" for path in part.replaced_by)
            select += f" WHERE NOT EXISTS (SELECT 1 FROM ({replaced}) r WHERE r.id = t.{part.key})"
        selects.append(select)
    return " UNION ALL ".join(selects)


def duckdb_relation(files: str) -> str:
    return f"read_parquet('{files}', hive_partitioning = false)"


# the county of each table's rows, from the level's own households (a delta's are its changed households)
_COUNTY = {
    "registry_household": f"left(t.village_code, {COUNTY_DIGITS})",
    "registry_householdyear": "c.county",
    "registry_membership": "c.county",
    "registry_person": "p.county",
    "feeds_feedrecord": f"coalesce(left(t.village_code, {COUNTY_DIGITS}), c.county)",
}
_JOIN = {
    "registry_householdyear": "LEFT JOIN _county c ON c.id = t.household_id",
    "registry_membership": "LEFT JOIN _county c ON c.id = t.household_id",
    "registry_person": "LEFT JOIN _person_county p ON p.id = t.id",
    "feeds_feedrecord": "LEFT JOIN _county c ON c.id = t.household_id",
}


def write_level(
    folder: Path, arrows: dict[str, object], tombstones: dict[str, set[int]] | None = None
) -> None:
    """Write one level: each table partitioned by county (DuckDB's writer), and a delta's tombstones."""
    import duckdb
    import pyarrow

    con = duckdb.connect()
    for table, arrow in arrows.items():
        con.register(f"arrow_{table}", arrow)
    if "registry_household" in arrows:
        con.execute(
            f"CREATE TEMP TABLE _county AS SELECT id, left(village_code, {COUNTY_DIGITS}) AS county"
            " FROM arrow_registry_household"
        )
    else:
        con.execute("CREATE TEMP TABLE _county (id BIGINT, county VARCHAR)")
    if "registry_membership" in arrows:
        con.execute(
            "CREATE TEMP TABLE _person_county AS SELECT m.person_id AS id, max(c.county) AS county"
            " FROM arrow_registry_membership m JOIN _county c ON c.id = m.household_id GROUP BY m.person_id"
        )
    else:
        con.execute("CREATE TEMP TABLE _person_county (id BIGINT, county VARCHAR)")
    for table, arrow in arrows.items():
        if not getattr(arrow, "num_rows", 0):
            continue  # an empty table: no files; the reader gives it its columns
        county = f"coalesce({_COUNTY[table]}, '{NO_COUNTY}')"
        con.execute(
            f"COPY (SELECT t.*, {county} AS county FROM arrow_{table} t {_JOIN.get(table, '')})"
            f" TO '{folder / table}' (FORMAT parquet, PARTITION_BY (county))"
        )
    for kind, ids in (tombstones or {}).items():
        if not ids:
            continue  # nothing replaced: no anti-join for the readers
        con.register("ids", pyarrow.table({"id": pyarrow.array(sorted(ids), type=pyarrow.int64())}))
        con.execute(f"COPY (SELECT id FROM ids) TO '{folder / TOMBSTONES[kind]}' (FORMAT parquet)")
        con.unregister("ids")
    con.close()


def counts_over(
    levels: list[Path], tables: list[str], columns: dict[str, list[tuple[str, str]]]
) -> dict[str, int]:
    """The rows each table holds over a chain of levels (a delta's manifest gives the totals a round reads)."""
    import duckdb

    con = duckdb.connect()
    try:
        return {
            table: int(
                con.execute(
                    f"SELECT count(*) FROM ({view_sql(table, columns[table], parts_in(levels, table), duckdb_relation)})"
                ).fetchone()[0]  # type: ignore[index]
            )
            for table in tables
        }
    finally:
        con.close()
