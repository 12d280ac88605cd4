"""SQLite keeps the pages of the dropped plain-text phone columns as free pages in the file until VACUUM:
rewrite the file so that no old phone number survives in it. Not atomic (VACUUM cannot run in a
transaction); nothing to do on PostgreSQL here (see 0004)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def vacuum_sqlite(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("registry", "0004_drop_plaintext_phones")]

    operations = [migrations.RunPython(vacuum_sqlite, migrations.RunPython.noop)]
