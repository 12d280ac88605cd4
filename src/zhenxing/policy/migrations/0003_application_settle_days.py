"""Databases shipped before the portal get step_deadlines v(n+1) with the 10-day settle limit of the Yunnan
救助平台 (an application not settled in 10 days goes up to the township and county)."""

from django.db import migrations
from django.utils import timezone


def add_settle_days(apps, schema_editor):  # type: ignore[no-untyped-def]
    parameter = apps.get_model("policy", "Parameter")
    current = parameter.objects.filter(kind="step_deadlines", is_current=True).first()
    if current is None or "application_settle_days" in current.value:
        return
    parameter.objects.filter(pk=current.pk).update(is_current=False, superseded_at=timezone.now())
    parameter.objects.create(
        kind=current.kind, region=current.region, year=current.year, effective_from=current.effective_from,
        value={**current.value, "application_settle_days": 10}, document=current.document + "；申报10日未办结上报乡镇、县（云南省政府救助平台规则）",
        verified=current.verified, note=current.note, version=current.version + 1, is_current=True,
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("policy", "0002_ship_parameters")]
    operations = [migrations.RunPython(add_settle_days, migrations.RunPython.noop)]
