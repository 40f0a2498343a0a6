"""The incident store: articles and incidents across runs, repeated reports merged (SQLite or PostGIS)."""
