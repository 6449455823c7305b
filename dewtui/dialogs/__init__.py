"""Modal dialogs: each returns a typed request (or None) through `dismiss()`; the screen that
opened it calls the engine."""
