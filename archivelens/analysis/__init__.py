"""Relationship metrics, promotional classification, duplicate blasts, the follow-back
checklist and snapshot changes: all computed in DuckDB over the library."""
