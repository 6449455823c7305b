"""Abandoning an import (guide 2.1.3.2): `cancel_import_token` destroys the token's wrapping
key at once, so the token can no longer import; it is audited, and refuses forged tokens,
tokens for another key and callers without the import-parameters permission."""
from __future__ import annotations

import base64

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from sqlmodel import select

from engine.models.core import AuditTrace
from engine.models.imports import ImportParams
from refusals import code_of


def _wrapped(params, material: bytes) -> str:
    public = serialization.load_der_public_key(base64.b64decode(params.public_key))
    return base64.b64encode(public.encrypt(material, padding.OAEP(padding.MGF1(hashes.SHA256()),
                                                                  hashes.SHA256(), None))).decode()


def _params_left(eng) -> int:
    with eng.kms.ctx.db.session(write=False) as s:
        return len(s.exec(select(ImportParams)).all())


def test_cancelled_token_cannot_import(eng):
    key = eng.kms.create_key("byok", origin="external")
    params = eng.kms.get_parameters_for_import(key.key_id)
    assert eng.kms.cancel_import_token(key.key_id, params.import_token) is True
    assert _params_left(eng) == 0
    assert code_of(eng.kms.import_key_material, key.key_id, params.import_token,
                   _wrapped(params, b"k" * 32)) == "KMS.2605"
    assert eng.kms.cancel_import_token(key.key_id, params.import_token) is False  # nothing left
    with eng.kms.ctx.db.session(write=False) as s:
        names = [t.trace_name for t in s.exec(select(AuditTrace)).all()]
    assert names.count("cancelImportToken") == 2


def test_other_tokens_stay_usable(eng):
    key = eng.kms.create_key("byok", origin="external")
    first = eng.kms.get_parameters_for_import(key.key_id)
    second = eng.kms.get_parameters_for_import(key.key_id)
    eng.kms.cancel_import_token(key.key_id, first.import_token)
    eng.kms.import_key_material(key.key_id, second.import_token, _wrapped(second, b"k" * 32))
    assert eng.kms.describe_key(key.key_id).key_state.value == "2"


def test_cancel_refuses_forged_and_foreign_tokens(eng):
    key = eng.kms.create_key("byok", origin="external")
    other = eng.kms.create_key("byok-2", origin="external")
    params = eng.kms.get_parameters_for_import(other.key_id)
    assert code_of(eng.kms.cancel_import_token, key.key_id, params.import_token) == "KMS.2603"
    assert code_of(eng.kms.cancel_import_token, key.key_id, "AAAA" + params.import_token[4:-4] + "AAAA") == "KMS.2605"
    assert _params_left(eng) == 1


def test_cancel_needs_the_permission(eng):
    eng.iam.create_user("bob")
    key = eng.kms.create_key("byok", origin="external")
    params = eng.kms.get_parameters_for_import(key.key_id)
    assert code_of(eng.as_user("bob").kms.cancel_import_token, key.key_id, params.import_token) == "KMS.0306"
    assert _params_left(eng) == 1
