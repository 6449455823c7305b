"""The IAM area (`6`): users, groups, policies, access keys, the permission simulator and
"Why was that refused?", plus the principal switcher (act as another user)."""
