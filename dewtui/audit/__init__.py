"""The audit area (CTS): the trace list and its filters, CSV export and chain verification."""
