"""The DuckDB library: connection, schema and migrations, and the SQL that owns each table."""
