"""KMS cryptographic operations."""


class KeyCrypto:
    pass
