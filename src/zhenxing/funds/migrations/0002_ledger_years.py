# The split's, the payment's and the release's budget year (and the payment's and release's source), copied from
# the line's document as the county already is: 支出进度's sums read one table each (bench/funds.py).

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Split = apps.get_model("funds", "Split")
    Payment = apps.get_model("funds", "Payment")
    Release = apps.get_model("funds", "Release")
    Split.objects.update(
        budget_year=Subquery(
            apps.get_model("funds", "AllocationLine")
            .objects.filter(pk=OuterRef("line_id"))
            .values("allocation__budget_year")[:1]
        )
    )
    for model in (Payment, Release):
        splits = Split.objects.filter(pk=OuterRef("split_id"))
        model.objects.update(
            budget_year=Subquery(splits.values("budget_year")[:1]), source=Subquery(splits.values("source")[:1])
        )


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="split", name="budget_year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="预算年度"),
        ),
        migrations.AddField(
            model_name="payment", name="budget_year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="预算年度"),
        ),
        migrations.AddField(
            model_name="payment", name="source",
            field=models.CharField(max_length=16, null=True, verbose_name="资金来源", choices=[('central', '中央财政衔接资金'), ('province', '省级财政衔接资金'), ('prefecture', '州级财政衔接资金'), ('county', '县级财政衔接资金'), ('east_west', '沪滇东西部协作资金'), ('integrated', '统筹整合涉农资金'), ('bonds', '地方政府债券'), ('social', '定点帮扶与社会帮扶资金'), ('self_raised', '群众自筹及其他')]),
        ),
        migrations.AddField(
            model_name="release", name="budget_year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="预算年度"),
        ),
        migrations.AddField(
            model_name="release", name="source",
            field=models.CharField(max_length=16, null=True, verbose_name="资金来源", choices=[('central', '中央财政衔接资金'), ('province', '省级财政衔接资金'), ('prefecture', '州级财政衔接资金'), ('county', '县级财政衔接资金'), ('east_west', '沪滇东西部协作资金'), ('integrated', '统筹整合涉农资金'), ('bonds', '地方政府债券'), ('social', '定点帮扶与社会帮扶资金'), ('self_raised', '群众自筹及其他')]),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
