from tortoise import migrations
from tortoise.migrations import operations as ops

from kiosk.store import invariants


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    operations = [ops.RunPython(invariants.apply)]
