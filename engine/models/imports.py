"""imports tables (filled in by its service)."""
