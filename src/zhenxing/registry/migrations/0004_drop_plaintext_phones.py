"""The plain phone columns go, once 0003 has sealed every number. SQLite rebuilds the tables and PostgreSQL
marks the columns dropped; neither scrubs the old pages at once (see 0005 for SQLite; on PostgreSQL run
VACUUM FULL on registry_person and registry_household in a maintenance window)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_encrypt_phones")]

    operations = [
        migrations.RemoveField(
            model_name='household',
            name='contact_phone',
        ),
        migrations.RemoveField(
            model_name='person',
            name='phone',
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('contact_phone_encrypted__isnull', True), ('contact_phone_masked', '')), models.Q(('contact_phone_encrypted__isnull', False), models.Q(('contact_phone_masked', ''), _negated=True)), _connector='OR'), name='household_contact_phone_cipher_and_mask_together'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('phone_encrypted__isnull', True), ('phone_malformed', False), ('phone_masked', '')), models.Q(('phone_encrypted__isnull', False), models.Q(('phone_masked', ''), _negated=True)), _connector='OR'), name='person_phone_cipher_and_mask_together'),
        ),
    ]
