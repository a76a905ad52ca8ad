"""The chain's hashes become keyed MACs: rename the columns and add the key id (filled by 0004)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.RenameField("auditrecord", "hash", "mac"),
        migrations.RenameField("auditrecord", "prev_hash", "prev_mac"),
        migrations.RenameField("audithead", "hash", "mac"),
        migrations.AlterField(
            model_name="auditrecord",
            name="mac",
            field=models.CharField(max_length=64, unique=True, verbose_name="MAC"),
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="prev_mac",
            field=models.CharField(max_length=64, verbose_name="上一条 MAC"),
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="key_id",
            field=models.CharField(default="", max_length=32, verbose_name="密钥编号"),
            preserve_default=False,
        ),
    ]
