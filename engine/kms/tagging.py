"""KMS key tags."""


class KeyTagging:
    pass
