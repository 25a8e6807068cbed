from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0003_auth")]

    operations = [
        ops.AddField(
            model_name="PrepaidEntry",
            name="reference",
            field=fields.CharField(null=True, max_length=140),
        ),
        ops.AddField(
            model_name="PrepaidEntry",
            name="recorded_by",
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
