"""Building blocks reused by more than one area: the screen frame, the paged list and table,
form and confirm dialogs, detail panes and the tags tab. Nothing here imports an area."""
