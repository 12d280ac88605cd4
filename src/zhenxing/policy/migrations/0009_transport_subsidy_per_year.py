"""P17: the transport subsidy tied to 脱贫 status ended with the transition, so its rule is set per year.

The shipped all-years row (or its latest revision) becomes one row per year 2021-2025 with the same value and
provenance (document, verified, note, who entered it); the all-years row is superseded, not deleted, so the
decisions that cite it still explain themselves (P13). 2026 and later answer 未配置 until entered."""

from django.db import migrations
from django.utils import timezone

KIND = "transport_subsidy_min_months"
YEARS = range(2021, 2026)


def per_year(apps, schema_editor):  # type: ignore[no-untyped-def]
    Parameter = apps.get_model("policy", "Parameter")
    for old in Parameter.objects.filter(kind=KIND, year__isnull=True, is_current=True):
        for year in YEARS:
            if Parameter.objects.filter(kind=KIND, region=old.region, year=year, is_current=True).exists():
                continue
            Parameter.objects.create(
                kind=KIND,
                region=old.region,
                year=year,
                effective_from=old.effective_from,
                value=old.value,
                document=old.document,
                verified=old.verified,
                note=(
                    f"{old.note}（P17：由不分年度设置第{old.version}版转为2021至2025年逐年设置）"
                    if old.note
                    else f"P17：由不分年度设置第{old.version}版转为2021至2025年逐年设置"
                ),
                created_by=old.created_by,
            )
        old.is_current = False
        old.superseded_at = timezone.now()
        old.save(update_fields=["is_current", "superseded_at"])


def all_years(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Back: the latest all-years version is current again and the yearly rows go (no decision cites them
    yet when a migration is undone on a fresh install)."""
    Parameter = apps.get_model("policy", "Parameter")
    Parameter.objects.filter(kind=KIND, year__isnull=False).delete()
    for region in Parameter.objects.filter(kind=KIND).values_list("region", flat=True).distinct():
        latest = Parameter.objects.filter(kind=KIND, region=region, year__isnull=True).order_by("-version")
        row = latest.first()
        if row is not None:
            row.is_current, row.superseded_at = True, None
            row.save(update_fields=["is_current", "superseded_at"])


class Migration(migrations.Migration):
    dependencies = [("policy", "0008_regimes")]

    operations = [migrations.RunPython(per_year, all_years)]
