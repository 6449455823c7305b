"""The user guide's example custom policies (2.4.2), offered as starting points in the
policy editor.

The guide prints its third example ("multi-action policy") as two fragments with a stray
comma; here it is the one valid document it describes: two statements, one per service.
"""
from __future__ import annotations

import json

_KMS_USE = ["kms:dek:crypto", "kms:cmk:get", "kms:cmk:crypto", "kms:cmk:generate", "kms:cmk:list"]

POLICY_TEMPLATES: tuple[tuple[str, dict], ...] = (
    ("Create and import keys", {"Version": "1.1", "Statement": [{
        "Effect": "Allow",
        "Action": ["kms:cmk:create", "kms:cmk:getMaterial", "kms:cmkTag:create", "kms:cmkTag:batch",
                   "kms:cmk:importMaterial"]}]}),
    ("Use keys", {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": _KMS_USE}]}),
    ("Multi-action (two services)", {"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["rds:task:list"]},
        {"Effect": "Allow", "Action": _KMS_USE}]}),
)


def template_text(index: int) -> str:
    """Template `index` as the editor shows it: indented JSON."""
    return json.dumps(POLICY_TEMPLATES[index][1], indent=2)


def document_text(document: dict) -> str:
    return json.dumps(document, indent=2)
