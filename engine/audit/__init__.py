"""The audit trail (CTS): every call writes a trace, chained by a keyed hash."""
