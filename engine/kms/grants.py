"""KMS grants."""


class KeyGrants:
    pass
