"""`eng.csms`: one service object composed of one mixin per concern (one file each)."""
from __future__ import annotations

from engine.csms.backup import SecretBackup
from engine.csms.rotation import SecretRotation
from engine.csms.secrets import SecretLifecycle
from engine.csms.tagging import SecretTagging
from engine.csms.versionops import SecretVersions
from engine.service import Service


class CsmsService(SecretLifecycle, SecretVersions, SecretTagging, SecretBackup, SecretRotation,
                  Service):
    family = "CSMS"
