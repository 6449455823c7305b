"""KMS key rotation."""


class KeyRotation:
    pass
