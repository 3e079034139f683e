"""The register: incoming documents with their numbers, the mails and files behind them, the outbox
and an append-only audit log (SQLAlchemy; SQLite or PostgreSQL; schema by Alembic migrations)."""
