"""P17, R12: a civil_affairs roster row says on its flag whether 民政 gave its start (TRUE) or the roster's date
stands in for it (FALSE, no 新纳入 event). Rosters stored before: a row dated exactly on its roster's date is
taken as one without a start (the best the stored data can tell), any other row as one with its start."""

from django.db import migrations
from django.db.models import F


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    record = apps.get_model("feeds", "FeedRecord")
    rows = record.objects.filter(department="civil_affairs", batch__snapshot_on__isnull=False, flag__isnull=True)
    rows.filter(record_date=F("batch__snapshot_on")).update(flag=False)
    rows.exclude(record_date=F("batch__snapshot_on")).update(flag=True)


class Migration(migrations.Migration):
    dependencies = [("feeds", "0002_roster_snapshots")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
