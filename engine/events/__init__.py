"""Secret events, local notification topics and the notification inbox."""
