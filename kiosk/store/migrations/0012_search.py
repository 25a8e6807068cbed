"""Subscriber search: `search_term`, the normalised terms of every subscriber (userid, codice
fiscale, PEC addresses, the words of the name), backfilled from the existing rows, with its
indexes (made by `kiosk.store.search_index.apply`, as is the index of `mailbox.owner_id`)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from kiosk.store import search_index


class Migration(migrations.Migration):
    dependencies = [("models", "0011_statements")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SearchTerm",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("term", fields.CharField(max_length=254)),
                ("subscriber_id", fields.IntField()),
                ("field", fields.CharField(max_length=8)),
            ],
            options={"table": "search_term", "app": "models", "pk_attr": "id", "table_description": "The subscriber search's index (`kiosk.domain.search`): one row per normalised term of a"},
            bases=["Model"],
        ),
        ops.RunPython(search_index.apply),
    ]
