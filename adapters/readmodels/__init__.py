"""The read models: their tables (SQLAlchemy Core), the catch-up projector that fills them,
and the queries the CLI, API and dashboard read them with."""
