"""KMS importing key material (BYOK)."""


class KeyImport:
    pass
