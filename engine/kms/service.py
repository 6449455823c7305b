"""`eng.kms`: one service object composed of one mixin per concern (one file each)."""
from __future__ import annotations

from engine.kms.crypto import KeyCrypto
from engine.kms.grants import KeyGrants
from engine.kms.imports import KeyImport
from engine.kms.keystate import KeyStateOps
from engine.kms.lifecycle import KeyLifecycle
from engine.kms.rotation import KeyRotation
from engine.kms.tagging import KeyTagging
from engine.service import Service


class KmsService(KeyLifecycle, KeyStateOps, KeyTagging, KeyCrypto, KeyImport, KeyRotation,
                 KeyGrants, Service):
    family = "KMS"
