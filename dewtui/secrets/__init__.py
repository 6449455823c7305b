"""The secrets area (CSMS): the secret list, the secret detail screen and its tabs, the create
wizard, value, version, stage, expiry, rotation, deletion and backup dialogs."""
