"""Phones encrypted like ID numbers (issue 13): the new columns, filled by 0003; disputed ID numbers and
the conflicts the county resolves."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('divisions', '0002_load_dali_divisions'),
        ('registry', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='IdConflict',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', '待处理'), ('resolved', '已处理')], default='pending', max_length=12, verbose_name='状态')),
                ('source', models.CharField(choices=[('edit', '修改人员信息'), ('add', '登记人员'), ('import', '台账导入')], max_length=12, verbose_name='来源')),
                ('id_number_encrypted', models.BinaryField(verbose_name='证件号码（密文）')),
                ('id_number_index', models.CharField(db_index=True, editable=False, max_length=64, verbose_name='证件号码索引')),
                ('id_number_masked', models.CharField(editable=False, max_length=24, verbose_name='证件号码（脱敏）')),
                ('previous_id_encrypted', models.BinaryField(blank=True, null=True, verbose_name='原证件号码（密文）')),
                ('previous_id_index', models.CharField(blank=True, editable=False, max_length=64, null=True, verbose_name='原证件号码索引')),
                ('previous_id_masked', models.CharField(blank=True, editable=False, max_length=24, verbose_name='原证件号码（脱敏）')),
                ('reported_at', models.DateTimeField(verbose_name='发现时间')),
                ('outcome', models.CharField(blank=True, choices=[('confirmed', '号码属于新登记人（原登记人已更正），号码生效'), ('withdrawn', '号码有误，已撤回（恢复原号码）'), ('superseded', '录入人已改为其他号码')], max_length=12, verbose_name='处理结果')),
                ('resolution', models.TextField(blank=True, verbose_name='处理说明')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='处理时间')),
            ],
            options={
                'verbose_name': '证件号码冲突',
                'verbose_name_plural': '证件号码冲突',
            },
        ),
        migrations.RemoveConstraint(
            model_name='person',
            name='person_id_cipher_and_index_together',
        ),
        migrations.AddField(
            model_name='household',
            name='contact_phone_encrypted',
            field=models.BinaryField(blank=True, null=True, verbose_name='联系电话（密文）'),
        ),
        migrations.AddField(
            model_name='household',
            name='contact_phone_masked',
            field=models.CharField(blank=True, editable=False, max_length=20, verbose_name='联系电话（脱敏）'),
        ),
        migrations.AddField(
            model_name='person',
            name='id_number_disputed',
            field=models.BooleanField(default=False, editable=False, verbose_name='证件号码待县级核实'),
        ),
        migrations.AddField(
            model_name='person',
            name='phone_encrypted',
            field=models.BinaryField(blank=True, null=True, verbose_name='联系电话（密文）'),
        ),
        migrations.AddField(
            model_name='person',
            name='phone_malformed',
            field=models.BooleanField(default=False, editable=False, verbose_name='联系电话格式有误'),
        ),
        migrations.AddField(
            model_name='person',
            name='phone_masked',
            field=models.CharField(blank=True, editable=False, max_length=20, verbose_name='联系电话（脱敏）'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('id_number_disputed', False), ('id_number_encrypted__isnull', True), ('id_number_index__isnull', True)), models.Q(('id_number_disputed', False), ('id_number_encrypted__isnull', False), ('id_number_index__isnull', False)), models.Q(('id_number_disputed', True), ('id_number_encrypted__isnull', False), ('id_number_index__isnull', True)), _connector='OR'), name='person_id_cipher_and_index_together_unless_disputed'),
        ),
        migrations.AddField(
            model_name='idconflict',
            name='county',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='divisions.division', verbose_name='录入方所在县'),
        ),
        migrations.AddField(
            model_name='idconflict',
            name='holder',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.person', verbose_name='原登记人'),
        ),
        migrations.AddField(
            model_name='idconflict',
            name='holder_county',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='divisions.division', verbose_name='原登记人所在县'),
        ),
        migrations.AddField(
            model_name='idconflict',
            name='household',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.household', verbose_name='录入时所在户'),
        ),
        migrations.AddField(
            model_name='idconflict',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='id_conflicts', to='registry.person', verbose_name='录入号码的人员'),
        ),
        migrations.AddField(
            model_name='idconflict',
            name='reported_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人'),
        ),
        migrations.AddField(
            model_name='idconflict',
            name='resolved_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='处理人'),
        ),
        migrations.AddConstraint(
            model_name='idconflict',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('outcome', ''), ('resolved_at__isnull', True), ('status', 'pending')), models.Q(('resolved_at__isnull', False), ('status', 'resolved'), models.Q(('outcome', ''), _negated=True)), _connector='OR'), name='id_conflict_outcome_when_resolved'),
        ),
        migrations.AddConstraint(
            model_name='idconflict',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('person',), name='id_conflict_one_pending_per_person'),
        ),
    ]
