"""The shipped asset-type catalogue, and the database's refusal to delete an asset (P15: an asset never leaves the
register except by a recorded change of status; a DELETE is refused whoever sends it)."""

from django.db import migrations

from zhenxing.assets.dbguard import install_delete_triggers, remove_delete_triggers


def ship(apps, schema_editor):  # type: ignore[no-untyped-def]
    from zhenxing.assets.catalogue import ship_asset_types

    ship_asset_types(apps.get_model("accounts", "Sector"), apps.get_model("assets", "AssetType"))

def forbid_delete(apps, schema_editor):  # type: ignore[no-untyped-def]
    install_delete_triggers(schema_editor)


def allow_delete(apps, schema_editor):  # type: ignore[no-untyped-def]
    remove_delete_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial"), ("accounts", "0004_sectors_and_county_sector_role")]

    operations = [
        migrations.RunPython(ship, migrations.RunPython.noop),
        migrations.RunPython(forbid_delete, allow_delete),
    ]
