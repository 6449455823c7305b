"""KMS enable, disable, deletion, alias, description, listing, projects, quotas."""


class KeyStateOps:
    pass
