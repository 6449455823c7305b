"""Principals, policies and the one permission decision every call goes through."""
