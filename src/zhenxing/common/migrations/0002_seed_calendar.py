from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from zhenxing.common.calendar import calendar_load

    calendar_load(apps.get_model("common", "CalendarDay"), apps.get_model("common", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("common", "0001_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
