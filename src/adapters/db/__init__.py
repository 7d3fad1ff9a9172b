"""PostgreSQL and SQLite persistence through SQLAlchemy Core, with explicit row mapping."""
