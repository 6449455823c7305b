"""The events and notifications areas: secret events and topics, the local notification inbox
and the app-wide unread watcher."""
