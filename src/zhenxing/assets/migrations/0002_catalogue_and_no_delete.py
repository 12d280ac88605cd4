"""The shipped asset-type catalogue, and the database's refusal to delete an asset (P15: an asset never leaves the
register except by a recorded change of status; a DELETE is refused whoever sends it)."""

from django.db import migrations

from zhenxing.assets.dbguard import FUNCTION, MESSAGE


def ship(apps, schema_editor):  # type: ignore[no-untyped-def]
    from zhenxing.assets.catalogue import ship_asset_types

    ship_asset_types(apps.get_model("accounts", "Sector"), apps.get_model("assets", "AssetType"))

PROTECTED = ("assets_asset", "assets_assetfundshare", "assets_inspection", "assets_disposal", "assets_disposalstep")


def forbid_delete(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for table in PROTECTED:
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {table}_no_delete() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END; "
                "$$ LANGUAGE plpgsql"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_no_delete()"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"WHEN {FUNCTION}() = 0 BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def allow_delete(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for table in PROTECTED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete" + (f" ON {table}" if vendor == "postgresql" else ""))
        if vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_no_delete()")


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial"), ("accounts", "0004_sectors_and_county_sector_role")]

    operations = [
        migrations.RunPython(ship, migrations.RunPython.noop),
        migrations.RunPython(forbid_delete, allow_delete),
    ]
