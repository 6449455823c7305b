"""The IAM area: act as another user (the principal switcher)."""
