"""The database refuses to delete an asset or its record (P15: an asset never leaves the register except by a
recorded, approved change of status). migrations/0002 installs a BEFORE DELETE trigger on each protected table.

On PostgreSQL the trigger refuses every row delete; emptying the whole database for a test run uses TRUNCATE,
which row triggers do not see. SQLite has no TRUNCATE (its flush is DELETE FROM) and no session setting, so its
trigger asks a function that each connection registers here: it answers "not permitted" unless the test suite,
which empties its tables between transactional tests, permits it (tests/conftest.py). A connection that does not
register the function (the sqlite3 shell) cannot delete either: the trigger's function is unknown to it.

SQLite rebuilds a table to change its constraints and drops its triggers with the old table: a migration that
alters a protected table runs `install_delete_triggers` again (0003 does; tests/assets/test_no_delete.py fails
when one forgets)."""

from __future__ import annotations

from typing import Any

FUNCTION = "zhenxing_asset_delete_permitted"
PROTECTED = (
    "assets_asset",
    "assets_assetfundshare",
    "assets_inspection",
    "assets_disposal",
    "assets_disposalstep",
)
MESSAGE = "项目资产不能删除，只能经批准处置或核销后退出（P15）"
_permitted = [False]


def permit_deletes(permitted: bool) -> None:
    """For the test suite's table flushes only."""
    _permitted[0] = permitted


def register_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 0, lambda: 1 if _permitted[0] else 0)


def install_delete_triggers(schema_editor: Any, tables: tuple[str, ...] = PROTECTED) -> None:
    """(Re)create the BEFORE DELETE trigger of each table; safe to run again."""
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {table}_no_delete() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END; "
                "$$ LANGUAGE plpgsql"
            )
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_no_delete()"
            )
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"WHEN {FUNCTION}() = 0 BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def remove_delete_triggers(schema_editor: Any, tables: tuple[str, ...] = PROTECTED) -> None:
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_no_delete()")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
