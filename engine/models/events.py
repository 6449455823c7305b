"""events tables (filled in by its service)."""
