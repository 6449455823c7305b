"""Widgets shared by screens: the paged key table, the key detail panes."""
