"""Persistence: Tortoise models, migrations and connection set-up (SQLite or PostgreSQL)."""
