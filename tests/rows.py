"""Writing past the services, as a determined tester would: a row rewritten by inserting over it."""

from django.db import connection


def row_inserted_over(table: str, pk: int, column: str, value) -> None:
    """Insert the row ``pk`` of ``table`` again with ``column`` set to ``value``, over the row that is there:
    SQLite's ``INSERT OR REPLACE``, PostgreSQL's ``INSERT … ON CONFLICT (primary key) DO UPDATE``."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        names = [field.name for field in connection.introspection.get_table_description(cursor, table)]
        columns = ", ".join(quote(name) for name in names)
        values = ", ".join("%s" if name == column else quote(name) for name in names)
        select = f"SELECT {values} FROM {quote(table)} WHERE id = %s"
        if connection.vendor == "sqlite":
            statement = f"INSERT OR REPLACE INTO {quote(table)} ({columns}) {select}"
        else:  # the primary key: (id, financial_year) for the journal lines partitioned by year
            key = next(constraint["columns"] for constraint in
                       connection.introspection.get_constraints(cursor, table).values() if constraint["primary_key"])
            statement = (f"INSERT INTO {quote(table)} ({columns}) {select} "
                         f"ON CONFLICT ({', '.join(quote(name) for name in key)}) "
                         f"DO UPDATE SET {quote(column)} = EXCLUDED.{quote(column)}")
        cursor.execute(statement, [value, pk])
