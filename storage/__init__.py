"""Persistence: SQLAlchemy models and stores, the search index, migrations; no Telegram, no bot."""
