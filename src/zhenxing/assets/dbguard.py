"""The database refuses to delete an asset or its record (P15: an asset never leaves the register except by a
recorded, approved change of status). migrations/0002 installs a BEFORE DELETE trigger on each protected table.

On PostgreSQL the trigger refuses every row delete; emptying the whole database for a test run uses TRUNCATE,
which row triggers do not see. SQLite has no TRUNCATE (its flush is DELETE FROM) and no session setting, so its
trigger asks a function that each connection registers here: it answers "not permitted" unless the test suite,
which empties its tables between transactional tests, permits it (tests/conftest.py). A connection that does not
register the function (the sqlite3 shell) cannot delete either: the trigger's function is unknown to it."""

from __future__ import annotations

from typing import Any

FUNCTION = "zhenxing_asset_delete_permitted"
MESSAGE = "项目资产不能删除，只能经批准处置或核销后退出（P15）"
_permitted = [False]


def permit_deletes(permitted: bool) -> None:
    """For the test suite's table flushes only."""
    _permitted[0] = permitted


def register_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 0, lambda: 1 if _permitted[0] else 0)
