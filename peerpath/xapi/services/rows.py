"""Multi-row INSERTs without building model instances.

Measured: for a batch of 50 statements, `bulk_create` spent more time preparing instances and
SQL than the database spent writing. Values here are adapted once per column type instead.
"""

import uuid

from django.db import connection


def db_uuid(value: str | None):
    if value is None:
        return None
    parsed = uuid.UUID(value)
    return parsed if connection.features.has_native_uuid_field else parsed.hex


def db_datetime(value):
    return connection.ops.adapt_datetimefield_value(value)


def insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """INSERT the rows (already adapted for the database) into the model's table."""
    if not rows:
        return
    meta = model._meta
    names = [meta.get_field(name).column for name in columns]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join(['%s'] * len(names))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
