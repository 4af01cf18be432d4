"""Storage: the core's repositories over SQLite or PostgreSQL, with numbered migrations."""
