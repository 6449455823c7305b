"""The software HSM: a root key outside the database that seals every key material."""
from engine.hsm.rootkey import RootKeyFile, load_or_create_root_key
from engine.hsm.seal import Hsm

__all__ = ["Hsm", "RootKeyFile", "load_or_create_root_key"]
