"""csms tables (filled in by its service)."""
