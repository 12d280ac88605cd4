from django.db import migrations, models


class Migration(migrations.Migration):
    """Runs are recorded when they start (status running); every run recorded before this finished."""

    dependencies = [
        ("screening", "0003_rule_set_v2_water_equijoin"),
    ]

    operations = [
        migrations.AddField(
            model_name="screeningrun",
            name="failure",
            field=models.TextField(blank=True, verbose_name="失败原因"),
        ),
        migrations.AddField(
            model_name="screeningrun",
            name="job_id",
            field=models.UUIDField(blank=True, db_index=True, null=True, verbose_name="后台任务"),
        ),
        migrations.AddField(
            model_name="screeningrun",
            name="status",
            field=models.CharField(
                choices=[("running", "筛查中"), ("done", "已完成"), ("failed", "失败，线索未改动")],
                default="done",
                max_length=16,
                verbose_name="状态",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="screeningrun",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["running", "done", "failed"])),
                name="screening_run_status_known",
            ),
        ),
    ]
