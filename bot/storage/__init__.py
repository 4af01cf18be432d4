"""Storage: SQLite with numbered migrations."""
